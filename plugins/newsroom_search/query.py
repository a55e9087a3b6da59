"""Queries against the built index files, the way theme/static/js/search.js runs them.

Used by the tests and bench/search.py to measure recall and precision without a browser;
the browser test checks that search.js returns the same ids for the whole query set.

Matching: every word of the query must be found (AND). A word is found in an article when
all its terms (bigrams) are in it. When that finds nothing, a relaxed pass lets a word of
two or more bigrams miss some (a typo: 오누리상품권, 교통협의채), as long as at least half
of its bigrams match; an article never matches without a part of every word.
Ranking: articles with more query words in the title first, then newer first.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

from .index import decode_postings, shard_of
from .tokenize import query_words


@dataclass
class Result:
    ids: list[int]  # best first
    relaxed: bool  # found by the relaxed (typo-tolerant) pass


class LoadedIndex:
    """The index files decoded into memory (the browser loads only the shards it needs)."""

    def __init__(self, files: dict[str, bytes]):
        self.manifest = json.loads(files["manifest.json"])
        self._files = files
        self._decoded: dict[str, dict[str, str]] = {}
        # Each segment's first doc id: segments follow in date order, ids count across them.
        self.bases = list(accumulate((s["count"] for s in self.manifest["segments"]), initial=0))

    def _shard(self, path: str) -> dict[str, str]:
        if path not in self._decoded:
            text = self._files[path].decode("utf-8")
            self._decoded[path] = dict(line.split("\t", 1) for line in text.splitlines() if line)
        return self._decoded[path]

    def postings(self, term: str) -> dict[int, bool]:
        """doc id -> term in title, over every segment."""
        out: dict[int, bool] = {}
        for seg, info in enumerate(self.manifest["segments"]):
            raw = self._shard(f"s/{info['name']}/{shard_of(term, info['shards'])}.txt").get(term)
            if raw:
                out.update(decode_postings(raw, self.bases[seg]))
        return out

    def segment_of(self, doc_id: int) -> tuple[str, int]:
        """(segment name, the doc's id inside it)."""
        seg = bisect_right(self.bases, doc_id) - 1
        return self.manifest["segments"][seg]["name"], doc_id - self.bases[seg]

    def doc(self, doc_id: int) -> list:
        """[url, title, section slug, source or None, "2026.11.25", excerpt]"""
        name, local = self.segment_of(doc_id)
        chunk = self.manifest["docChunk"]
        rows = json.loads(self._files[f"d/{name}/{local // chunk}.json"])
        return rows[local % chunk]

    def facets(self, doc_id: int) -> tuple[str, str | None, int]:
        """(section slug, source or None, day) of a doc, from its segment's f/ file."""
        name, local = self.segment_of(doc_id)
        f = json.loads(self._files[f"f/{name}.json"])
        sec, src, day = f["rows"][local]
        return f["sections"][sec], (f["sources"][src] if src >= 0 else None), day


def _word_hits(index: LoadedIndex, terms: list[str], relaxed: bool) -> dict[int, tuple[int, bool]]:
    """doc id -> (terms matched, all terms in the title) for one query word."""
    lists = [index.postings(t) for t in terms]
    need = len(terms) if not relaxed else max(1, (len(terms) + 1) // 2)
    if relaxed and len(terms) < 2:
        need = len(terms)
    counts: dict[int, int] = {}
    in_title: dict[int, int] = {}
    for plist in lists:
        for doc_id, t in plist.items():
            counts[doc_id] = counts.get(doc_id, 0) + 1
            in_title[doc_id] = in_title.get(doc_id, 0) + int(t)
    return {
        d: (c, in_title[d] == len(terms)) for d, c in counts.items() if c >= need
    }


def _rank_key(doc_id: int, per_word: list[dict[int, tuple[int, bool]]], relaxed: bool):
    """Sort key, smallest first: (more bigrams matched, when relaxed), title words, newer."""
    matched = sum(h[doc_id][0] for h in per_word)
    titled = sum(1 for h in per_word if h[doc_id][1])
    return (-matched, -titled, -doc_id) if relaxed else (-titled, -doc_id)


def search(index: LoadedIndex, query: str) -> Result:
    words = query_words(query)
    if not words:
        return Result([], False)
    for relaxed in (False, True):
        per_word = [_word_hits(index, terms, relaxed) for _w, terms in words]
        common = set(per_word[0])
        for hits in per_word[1:]:
            common &= set(hits)
        if common:
            return Result(sorted(common, key=lambda d, h=per_word, r=relaxed: _rank_key(d, h, r)), relaxed)
    return Result([], False)
