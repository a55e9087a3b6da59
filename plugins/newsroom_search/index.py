"""The search index as files: pure functions from SearchDocs to {relative path: bytes}.

Layout under search/ (see docs/search.md). Every file but the manifest belongs to one
segment of 2,048 doc ids:
- manifest.json: doc count, segments (doc count, shard count and one short hash of all the
  segment's files: the script adds it to URLs, so a browser never mixes an old shard with a
  new manifest), sections, sources;
- s/<segment>/<k>.txt: postings of the segment's docs, one term a line, `term<TAB>postings`;
  a term lives in shard fnv1a(term) % shards (up to 256, about 8 docs' worth each);
- d/<segment>/<k>.json: what a result shows (URL, title, section, source, date, excerpt),
  8 docs a file, so a page of ten results fetches only about what it shows;
- f/<segment>.json: what the filters need (section, source, day) of the segment's docs.

Doc ids are publication order (oldest 0). A new article is the newest: it takes the next id,
so it lands in the last segment. Older ids never move, so every earlier segment keeps its
bytes and its hash; in the last segment only the shards of its terms, its last d/ file and
its f/ file change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from . import tokenize
from .records import SearchDoc
from .tokenize import text_terms

FORMAT_VERSION = 2
DOC_CHUNK = 8
SEGMENT = 2048
MAX_SHARDS = 256
DOCS_PER_SHARD = 8
# 64 URL-safe characters: the first 32 end a number, the last 32 carry 5 more bits of it.
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"


def fnv1a(text: str) -> int:
    """32-bit FNV-1a over the code points of `text` (search.js computes the same)."""
    h = 0x811C9DC5
    for ch in text:
        h ^= ord(ch)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def shard_count(docs: int) -> int:
    """Shards for a segment of `docs` articles: about 8 articles' worth of terms per shard.

    A power of two from 8 to 256 (a full segment), so it changes only when the last segment
    doubles (then that segment is written anew once). Small shards keep what a query
    downloads close to the postings it needs: a bigram as common as 시의 fills a line of
    about 2 KB per segment, and a shard holds a couple of such lines.
    """
    n = 8
    while n < MAX_SHARDS and n * DOCS_PER_SHARD < docs:
        n *= 2
    return n


def shard_of(term: str, shards: int) -> int:
    return fnv1a(term) % shards


def encode_number(value: int) -> str:
    """A non-negative integer as 5-bit groups, most significant first; the last one ends it."""
    groups = [value & 31]
    value >>= 5
    while value:
        groups.append(value & 31)
        value >>= 5
    out = [DIGITS[32 + g] for g in reversed(groups[1:])]
    out.append(DIGITS[groups[0]])
    return "".join(out)


def decode_numbers(text: str) -> list[int]:
    out, acc = [], 0
    for ch in text:
        d = DIGITS.index(ch)
        if d >= 32:
            acc = (acc << 5) | (d - 32)
        else:
            out.append((acc << 5) | d)
            acc = 0
    return out


# Every number below 32**3 encoded once: postings are the bulk of a build's index time.
_ENCODED = [encode_number(v) for v in range(32**3)]


def encode_postings(postings: Sequence[tuple[int, bool]], base: int = 0) -> str:
    """Sorted (doc id, in title) pairs as gaps: ((id - previous - 1) << 1) | in_title.

    `base` is the first id of the segment (the "previous" of the first posting is base - 1).
    """
    prev = base - 1
    out = []
    table, limit = _ENCODED, len(_ENCODED)
    for doc_id, in_title in postings:
        v = ((doc_id - prev - 1) << 1) | in_title
        out.append(table[v] if v < limit else encode_number(v))
        prev = doc_id
    return "".join(out)


def decode_postings(text: str, base: int = 0) -> list[tuple[int, bool]]:
    prev = base - 1
    out = []
    for v in decode_numbers(text):
        prev = prev + 1 + (v >> 1)
        out.append((prev, bool(v & 1)))
    return out


def order_docs(docs: Iterable[SearchDoc]) -> list[SearchDoc]:
    """Doc ids: oldest first, ties by URL, so the order never depends on file-system order."""
    return sorted(docs, key=lambda d: (d.date.timestamp(), d.url))


def postings(docs: Sequence[SearchDoc]) -> dict[str, list[tuple[int, bool]]]:
    """term -> [(doc id, the term is in the title)], ids ascending."""
    return postings_range(docs, 0, len(docs))


def body_of(doc: SearchDoc) -> str:
    """The doc's body text; a record kept without it (`SearchDoc.slim`) must be given its
    text by the caller (`build_files(body=…)`), never tokenized as empty."""
    if not doc.has_body:
        raise ValueError(f"search: {doc.url}: the record has no body text to index")
    return doc.body


def postings_range(docs: Sequence[SearchDoc], start: int, stop: int,
                   body: Callable[[SearchDoc], str] = body_of) -> dict[str, list[tuple[int, bool]]]:
    """The postings of the docs with ids start..stop-1."""
    out: dict[str, list[tuple[int, bool]]] = {}
    for doc_id in range(start, min(stop, len(docs))):
        doc = docs[doc_id]
        title = text_terms(doc.title)
        for term in title:
            out.setdefault(term, []).append((doc_id, True))
        for term in text_terms(body(doc)) - title:
            out.setdefault(term, []).append((doc_id, False))
    # A term comes once per doc (title and body-only terms are disjoint): lists stay in id order.
    return out


def _json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _short_hash(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()[:8]


def encode_segment(post: dict[str, list[tuple[int, bool]]], base: int) -> dict[str, list]:
    """term -> [encoded postings, last doc id]: what `grow_segment` extends."""
    return {term: [encode_postings(items, base), items[-1][0]] for term, items in post.items()}


def render_encoded(encoded: dict[str, list], docs: int) -> list[bytes]:
    shards = shard_count(docs)
    lines: list[list[str]] = [[] for _ in range(shards)]
    for term in sorted(encoded):
        lines[shard_of(term, shards)].append(f"{term}\t{encoded[term][0]}\n")
    return ["".join(x).encode("utf-8") for x in lines]


def _one_by_one(jobs: list[int], fn: Callable[[int], dict]) -> dict[int, dict]:
    return {job: fn(job) for job in jobs}


def grow_segment(state: dict | None, docs: Sequence[SearchDoc], base: int, count: int,
                 body: Callable[[SearchDoc], str] = body_of) -> dict[str, list] | None:
    """The encoded postings of docs base..base+count-1 from `state`, the open (last, not
    full) segment of an earlier build, when its docs are the first ones of these: only the
    articles that joined since are tokenized, and their postings appended (ids only grow, and
    a gap code depends only on the previous id). None when `state` does not fit."""
    if not state or state.get("base") != base or state.get("version") != _RULES:
        return None
    known = state.get("count", 0)
    if not 0 < known <= count:
        return None
    digest = _open_key(base)
    for doc in docs[base : base + known]:
        _add_doc(digest, doc)
    if digest.hexdigest() != state.get("key"):
        return None
    encoded = {term: list(entry) for term, entry in state["encoded"].items()}
    table, limit = _ENCODED, len(_ENCODED)
    for doc_id in range(base + known, base + count):
        doc = docs[doc_id]
        title = text_terms(doc.title)
        for terms, in_title in ((title, 1), (text_terms(body(doc)) - title, 0)):
            for term in terms:
                entry = encoded.get(term)
                prev = entry[1] if entry else base - 1
                v = ((doc_id - prev - 1) << 1) | in_title
                code = table[v] if v < limit else encode_number(v)
                if entry:
                    entry[0] += code
                    entry[1] = doc_id
                else:
                    encoded[term] = [code, doc_id]
    return encoded


def open_state(docs: Sequence[SearchDoc], base: int, count: int, encoded: dict) -> dict:
    digest = _open_key(base)
    for doc in docs[base : base + count]:
        _add_doc(digest, doc)
    return {"version": _RULES, "base": base, "count": count, "key": digest.hexdigest(),
            "encoded": encoded}


def _open_key(base: int):
    return hashlib.sha1(f"{_RULES}\0{FORMAT_VERSION}\0{base}".encode())


def _add_doc(digest, doc: SearchDoc) -> None:
    digest.update(b"\0\0" + doc.title.encode("utf-8") + b"\0" + doc.body_key.encode())


# What a segment's shard bytes are made by: these rules' source, so a cached segment never
# outlives a change to them (the update job also drops every cache when the code changes).
_RULES = hashlib.sha1(
    Path(tokenize.__file__).read_bytes() + Path(__file__).read_bytes()
).hexdigest()


def segment_key(docs: Sequence[SearchDoc], base: int) -> str:
    """What one segment's shard files depend on: its first id, and each doc's title and body."""
    h = hashlib.sha1(f"{_RULES}\0{FORMAT_VERSION}\0{base}\0{len(docs)}".encode())
    for doc in docs:
        _add_doc(h, doc)
    return h.hexdigest()


def build_files(
    docs: Iterable[SearchDoc], sections: Sequence[tuple[str, str]], segment: int = SEGMENT,
    cache: dict[str, list[bytes]] | None = None, grow: dict | None = None,
    body: Callable[[SearchDoc], str] = body_of,
    run: Callable[[list[int], Callable[[int], dict]], dict[int, dict]] | None = None,
) -> dict[str, bytes]:
    """Every file of the index, keyed by its path relative to the search/ folder.

    `sections` is [(name, slug)] in menu order (NEWSROOM_SECTIONS); a section slug not in
    it is appended, so every doc has one. `segment`: doc ids per segment. `cache`: shard
    files of earlier builds by `segment_key`; a segment found there is not tokenized again
    (after one new article only the last segment is), and the segments built are added.
    `grow`: the open segment's postings from an earlier build (`grow_segment`), replaced by
    this build's: the last segment then tokenizes only the articles that joined it.
    `body`: a doc's body text, for records kept without it (`SearchDoc.slim`); called only
    for the docs tokenized. `run(segments, tokenize)`: {segment: tokenize(segment)}, by
    default one after another (the plugin shares them out between processes).
    """
    ordered = order_docs(docs)
    section_list = [[slug, name] for name, slug in sections]
    section_index = {slug: i for i, (slug, _name) in enumerate(section_list)}
    sources: list[str] = []
    source_index: dict[str, int] = {}
    doc_rows, facet_rows = [], []
    for doc in ordered:
        if doc.section not in section_index:
            section_index[doc.section] = len(section_list)
            section_list.append([doc.section, doc.section])
        src = -1
        if doc.source:
            if doc.source not in source_index:
                source_index[doc.source] = len(sources)
                sources.append(doc.source)
            src = source_index[doc.source]
        sec = section_index[doc.section]
        doc_rows.append([doc.url, doc.title, sec, src, doc.date_label, doc.excerpt])
        facet_rows.append([sec, src, doc.day])

    # Each segment's shards: from the cache, by growing the open segment, or tokenized
    # (`run` may share those out between processes: they are independent).
    plan = []
    todo = []
    for seg in range(max(1, -(-len(ordered) // segment))):
        base = seg * segment
        count = max(0, min(segment, len(ordered) - base))
        key = segment_key(ordered[base : base + count], base)
        shard_files = cache.get(key) if cache is not None else None
        encoded = None
        if shard_files is None:
            encoded = grow_segment(grow, ordered, base, count, body) if grow is not None else None
            if encoded is None:
                todo.append(seg)
        plan.append((seg, base, count, key, shard_files, encoded))

    def tokenize(seg: int) -> dict[str, list]:
        base = seg * segment
        return encode_segment(postings_range(ordered, base, base + segment, body), base)

    tokenized = (run or _one_by_one)(todo, tokenize)
    files: dict[str, bytes] = {}
    segments = []
    for seg, base, count, key, shard_files, encoded in plan:
        if shard_files is None:
            if encoded is None:
                encoded = tokenized[seg]
            shard_files = render_encoded(encoded, count)
            if cache is not None:
                cache[key] = shard_files
            if grow is not None and 0 < count < segment:  # the open segment: keep for growing
                grow.clear()
                grow.update(open_state(ordered, base, count, encoded))
        own: list[bytes] = []
        for k, data in enumerate(shard_files):
            files[f"s/{seg}/{k}.txt"] = data
            own.append(data)
        for k in range(0, max(count, 1), DOC_CHUNK):
            data = _json(doc_rows[base + k : base + min(k + DOC_CHUNK, count)])
            files[f"d/{seg}/{k // DOC_CHUNK}.json"] = data
            own.append(data)
        files[f"f/{seg}.json"] = data = _json(facet_rows[base : base + count])
        own.append(data)
        segments.append({"count": count, "shards": len(shard_files),
                         "hash": _short_hash(b"\0".join(own))})

    manifest = {
        "v": FORMAT_VERSION,
        "count": len(ordered),
        "segment": segment,
        "segments": segments,
        "docChunk": DOC_CHUNK,
        "sections": section_list,
        "sources": sources,
    }
    files["manifest.json"] = _json(manifest)
    return files
