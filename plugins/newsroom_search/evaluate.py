"""Recall and precision of a query set, for our tokenizer and for plain whitespace tokens.

Used by tests/search/test_queryset.py and bench/search.py. Pure apart from reading the query
file and Markdown sources (`load_queries`, `docs_from_content`).

- recall: the `must` articles returned, over all `must` articles;
- judged precision: returned `must` articles over returned judged ones (`must` + `must_not`);
  the articles a query's author did not judge are left out;
- `must_not` hits: how many times an article a query must not return was returned.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .index import build_files
from .query import LoadedIndex, search
from .records import SearchDoc, html_to_text, make_excerpt
from .tokenize import normalize

Engine = Callable[[str], list[str]]  # query -> slugs, best first


@dataclass(frozen=True)
class Query:
    q: str
    kind: str
    must: tuple[str, ...]
    must_not: tuple[str, ...]


@dataclass
class Scores:
    queries: int = 0
    must: int = 0
    found: int = 0
    judged_returned: int = 0
    must_not_hits: int = 0
    misses: list[str] = field(default_factory=list)  # "query: slug" not found
    wrong: list[str] = field(default_factory=list)  # "query: slug" returned but must not

    @property
    def recall(self) -> float:
        return self.found / self.must if self.must else 1.0

    @property
    def precision(self) -> float:
        return self.found / self.judged_returned if self.judged_returned else 1.0


def load_queries(path: Path) -> list[Query]:
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    return [
        Query(q["q"], q.get("kind", ""), tuple(q["must"]), tuple(q.get("must_not", ())))
        for q in data["query"]
    ]


def slug_of(url: str) -> str:
    return url.rsplit("/", 1)[-1].removesuffix(".html")


def score(engine: Engine, queries: Sequence[Query]) -> Scores:
    s = Scores()
    for query in queries:
        got = set(engine(query.q))
        s.queries += 1
        s.must += len(query.must)
        for slug in query.must:
            if slug in got:
                s.found += 1
            else:
                s.misses.append(f"{query.q}: {slug}")
        wrong = [slug for slug in query.must_not if slug in got]
        s.must_not_hits += len(wrong)
        s.wrong += [f"{query.q}: {slug}" for slug in wrong]
        s.judged_returned += sum(1 for slug in query.must if slug in got) + len(wrong)
    return s


def bigram_engine(docs: Iterable[SearchDoc]) -> Engine:
    """Our index, built in memory exactly as the plugin writes it, queried as search.js does."""
    index = LoadedIndex(build_files(docs, []))

    def run(q: str) -> list[str]:
        return [slug_of(index.doc(i)[0]) for i in search(index, q).ids]

    return run


def files_engine(files: dict[str, bytes]) -> Engine:
    """The same over index files read back from a built site."""
    index = LoadedIndex(files)

    def run(q: str) -> list[str]:
        return [slug_of(index.doc(i)[0]) for i in search(index, q).ids]

    return run


WORD_RE = re.compile(r"[가-힣a-z0-9]+")


def token_engine(docs: Iterable[SearchDoc], tokens: Callable[[str], Iterable[str]]) -> Engine:
    """AND over exact tokens: what a static search that splits on spaces does."""
    table = [(slug_of(d.url), set(tokens(d.title + " " + d.body))) for d in docs]

    def run(q: str) -> list[str]:
        words = set(tokens(q))
        if not words:
            return []
        return [slug for slug, toks in table if words <= toks]

    return run


def whitespace_tokens(text: str) -> list[str]:
    """Words between spaces and punctuation, lower-cased: 상품권을 stays 상품권을."""
    return WORD_RE.findall(normalize(text))


def whitespace_engine(docs: Iterable[SearchDoc]) -> Engine:
    return token_engine(list(docs), whitespace_tokens)


def docs_from_content(*content_dirs: Path) -> list[SearchDoc]:
    """Published articles of Markdown folders as SearchDocs (Markdown rendered like Pelican)."""
    import markdown

    from newsroom.core import model

    docs = []
    for content_dir in content_dirs:
        content_dir = Path(content_dir)
        for path in sorted(content_dir.rglob("*.md")):
            rel = path.relative_to(content_dir).as_posix()
            if rel.startswith("pages/"):
                continue
            text = path.read_text(encoding="utf-8")
            header = model.parse_header(text)
            if (header.value("Status") or "published").lower() != "published":
                continue
            body_md = "\n".join(text.splitlines()[header.body_line - 1 :])
            body = html_to_text(markdown.markdown(body_md, extensions=["extra"]))
            summary, subtitle = header.value("Summary"), header.value("Subtitle")
            tags = tuple(model.split_list(header.value("Tags")))
            source = header.value("Source")
            slug = model.derive_slug(header.value("Slug") or None, rel)
            docs.append(
                SearchDoc(
                    url=f"news/{slug}.html",
                    title=header.value("Title"),
                    section=header.value("Category"),
                    source=source,
                    date=model.parse_date(header.value("Date")),
                    body=" ".join(p for p in (subtitle, summary, " ".join(tags), source, body) if p),
                    excerpt=make_excerpt(summary or subtitle, body),
                    tags=tags,
                )
            )
    return docs
