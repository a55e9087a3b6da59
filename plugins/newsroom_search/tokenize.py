"""Korean-aware terms for the search index: character bigrams of Hangul, whole ASCII words.

Pure functions; theme/static/js/search.js carries the same rules for queries, and
tests/search checks that both agree on every query of the query set.

Why bigrams: Korean runs nouns together (온누리상품권, 청년창업지원금) and glues particles to
them (서울은, 상품권을). Every Hangul run is cut into overlapping pairs of syllables, so the
query 상품권 (상품, 품권) is found inside 온누리상품권을 without a dictionary. Runs separated
by spaces only are joined first, so 청년 창업 and 청년창업 give the same pairs (spacing is
optional in Korean and people type it either way).
"""

from __future__ import annotations

import re
import unicodedata

# A Hangul syllable run, or a run of ASCII letters and digits (after lower-casing).
RUN_RE = re.compile(r"[가-힣]+|[a-z0-9]+")
# Hangul runs with nothing but spaces between them: bigrams may cross the space.
HANGUL_SPAN_RE = re.compile(r"[가-힣]+(?:[ \t]+[가-힣]+)*")
ASCII_RE = re.compile(r"[a-z0-9]+")
# Particles (조사) trimmed from the end of a query word of 3+ syllables, longest first:
# 서울시는 -> 서울시, 상품권을 -> 상품권. Never applied to the indexed text.
PARTICLES = (
    "에서는", "으로는", "에게서",
    "에서", "으로", "에게", "까지", "부터", "보다", "처럼", "와의", "과의", "에는", "에도",
    "은", "는", "이", "가", "을", "를", "의", "에", "로", "와", "과", "도", "만",
)


def normalize(text: str) -> str:
    """NFKC (full-width letters, compatibility jamo) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def hangul_bigrams(run: str) -> list[str]:
    """Overlapping syllable pairs of a Hangul run (spaces removed first)."""
    run = run.replace(" ", "").replace("\t", "")
    return [a + b for a, b in zip(run, run[1:], strict=False)]


def ascii_term_ok(word: str) -> bool:
    """ASCII words of two or more characters, and numbers of any length above one digit."""
    return len(word) >= 2


def text_terms(text: str) -> set[str]:
    """Every term of an indexed text: Hangul bigrams (across spaces) and ASCII words."""
    text = normalize(text)
    terms: set[str] = set()
    for span in HANGUL_SPAN_RE.findall(text):
        span = span.replace(" ", "").replace("\t", "")
        terms.update(map(str.__add__, span, span[1:]))
    terms.update(w for w in ASCII_RE.findall(text) if ascii_term_ok(w))
    return terms


def strip_particle(word: str) -> str:
    """A query word without its trailing particle, when at least two syllables remain."""
    for p in PARTICLES:
        if word.endswith(p) and len(word) - len(p) >= 2:
            return word[: -len(p)]
    return word


def query_words(query: str) -> list[tuple[str, list[str]]]:
    """The words of a query, each with the terms a matching article must all contain.

    A word is a Hangul run (its particle trimmed) or an ASCII run; words that give no term
    (a single syllable or letter) are dropped. Duplicates are dropped, order is kept.
    """
    out: list[tuple[str, list[str]]] = []
    seen: set[str] = set()
    for run in RUN_RE.findall(normalize(query)):
        if "가" <= run[0] <= "힣":
            word = strip_particle(run)
            terms = hangul_bigrams(word)
        else:
            word = run
            terms = [run] if ascii_term_ok(run) else []
        if terms and word not in seen:
            seen.add(word)
            out.append((word, list(dict.fromkeys(terms))))
    return out
