"""The search index as files: pure functions from SearchDocs to {relative path: bytes}.

Layout under search/ (see docs/search.md). Every file but the manifest belongs to one
segment, a span of publication time holding at most 4,096 articles, named by that span:
- manifest.json: doc count, segments in date order (name, doc count, shard count and one
  short hash of all the segment's files: the script adds it to URLs, so a browser never
  mixes an old shard with a new manifest), sections;
- s/<segment>/<k>.txt: postings of the segment's docs, one term a line, `term<TAB>postings`;
  a term lives in shard fnv1a(term) % shards (up to 512, about 8 docs' worth each);
- d/<segment>/<k>.json: what a result shows (URL, title, section, source, date, excerpt),
  8 docs a file, so a page of ten results fetches only about what it shows;
- f/<segment>.json: what the filters need (section, source, day) of the segment's docs.

Doc ids are publication order (oldest 0), counted across the segments in order; inside a
segment its own ids count from 0, so a segment's files depend on its articles alone.
Segments are the leaves of a binary split of time (`partition`): the span of all time is
halved, and each half again, until a span holds at most 4,096 articles. Which span an
article falls in depends only on its date, and a span is split only by the articles in it,
so an arrival changes the files of its own segment and the manifest, nothing else: the
newest article lands in the newest segment, and one dated months back (an editor's late
story) in that month's segment, never moving the articles of any other.
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from . import tokenize
from .records import SearchDoc
from .tokenize import text_terms

FORMAT_VERSION = 3
DOC_CHUNK = 8
# The most articles in a segment. Spans split in halves hold between about half and all of
# it, so a query fetches one shard per segment from fewer segments than with 2,048: at
# 10,000 generated articles 4 segments instead of 7 (docs/search.md).
SEGMENT = 4096
# Segments split time in halves from a span of 2**TIME_BITS seconds that starts 2**(TIME_BITS
# - 1) seconds before 1970, so any date a Python datetime holds has its place.
TIME_BITS = 40
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MAX_SHARDS = 512
DOCS_PER_SHARD = 8
# 64 URL-safe characters: the first 32 end a number, the last 32 carry 5 more bits of it.
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"
DIGIT_VALUE = {ch: i for i, ch in enumerate(DIGITS)}


def fnv1a(text: str) -> int:
    """32-bit FNV-1a over the code points of `text` (search.js computes the same)."""
    h = 0x811C9DC5
    for ch in text:
        h ^= ord(ch)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def shard_count(docs: int) -> int:
    """Shards for a segment of `docs` articles: about 8 articles' worth of terms per shard.

    A power of two from 8 to 512 (a full segment), so it changes only when the segment
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


def partition(docs: Sequence[SearchDoc], most: int = SEGMENT) -> list[tuple[str, int, int]]:
    """The segments of date-ordered `docs`: [(name, first index, end index)], oldest first.

    A segment is a leaf of the binary split of time: a span holding more than `most` docs is
    halved (its older and newer half), down to single seconds (a second with more than
    `most` docs stays one segment). Empty halves have no segment. The name is the leaf's
    depth and position ("14-2b7a"), so a segment keeps its name, and its files their paths,
    for as long as its span is not split.
    """
    keys = [int(d.date.timestamp() // 1) + (1 << (TIME_BITS - 1)) for d in docs]
    out: list[tuple[str, int, int]] = []

    def split(lo: int, hi: int, depth: int, prefix: int) -> None:
        if hi - lo <= most or depth == TIME_BITS:
            out.append((f"{depth}-{prefix:x}", lo, hi))
            return
        mid = bisect_left(keys, ((prefix << 1) | 1) << (TIME_BITS - depth - 1), lo, hi)
        if mid > lo:
            split(lo, mid, depth + 1, prefix << 1)
        if hi > mid:
            split(mid, hi, depth + 1, (prefix << 1) | 1)

    if docs:
        split(0, len(docs), 0, 0)
    return out


def segment_span(name: str) -> tuple[datetime, datetime]:
    """The span of time of segment `name` (`partition`): [start, end), in UTC, clamped to
    the dates Python can hold."""
    depth, prefix = _leaf(name)
    width = 1 << (TIME_BITS - depth)
    start = prefix * width - (1 << (TIME_BITS - 1))

    def at(seconds: int) -> datetime:
        try:
            return EPOCH + timedelta(seconds=seconds)
        except OverflowError:
            return datetime.min.replace(tzinfo=UTC) if seconds < 0 else datetime.max.replace(tzinfo=UTC)

    return at(start), at(start + width)


def postings(docs: Sequence[SearchDoc]) -> dict[str, list[tuple[int, bool]]]:
    """term -> [(doc id, the term is in the title)], ids ascending."""
    return postings_range(docs, 0, len(docs))


def body_of(doc: SearchDoc) -> str:
    """The doc's body text; a record kept without it (`SearchDoc.slim`) must be given its
    text by the caller (`build_files(body=…)`), never tokenized as empty."""
    if not doc.has_body:
        raise ValueError(f"search: {doc.url}: the record has no body text to index")
    return doc.body


def excerpt_of(doc: SearchDoc) -> str:
    """The doc's excerpt; a record kept without it (`SearchDoc.slim`) must be given it by
    the caller (`build_files(excerpt=…)`) when its result row is in no cache."""
    if not doc.has_excerpt:
        raise ValueError(f"search: {doc.url}: the record has no excerpt for its result row")
    return doc.excerpt


def row_text(doc: SearchDoc, excerpt: str) -> str:
    """A doc's result row as JSON: [url, title, section, source or null, date, excerpt]."""
    return _text([doc.url, doc.title, doc.section, doc.source or None, doc.date_label, excerpt])


def row_key(doc: SearchDoc) -> str:
    """What a doc's result row follows from, short (the excerpt by its digest)."""
    return hashlib.sha1("\0".join((doc.url, doc.title, doc.section, doc.source, doc.date_label,
                                   doc.excerpt_key)).encode("utf-8", "surrogatepass")).hexdigest()[:16]


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


def _text(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _json(data) -> bytes:
    return _text(data).encode("utf-8")


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


def grow_segment(state: dict | None, docs: Sequence[SearchDoc], name: str,
                 body: Callable[[SearchDoc], str] = body_of) -> dict[str, list] | None:
    """The encoded postings of segment `name`, whose docs (its own ids 0..) are `docs`, from
    `state`, kept by an earlier build for that segment (`open_state`), when its docs are all
    among these, in the same order: only the articles that joined since are tokenized. None
    when `state` does not fit (another segment or other rules, a doc of the segment was
    edited or removed, or the span was split).

    A joining article is usually the newest, whose postings are appended; an article dated
    before the newest ones (a paper's 09:00 story scraped after a city hall's 11:00 release)
    takes an id inside the segment, and every later doc's id grows by one. A gap code depends
    only on the previous id, so a term's postings change only from the first id that moved:
    they are read back from the end of its code (the last id is kept with it) down to that
    id, and that tail alone is encoded again, with the new postings merged in."""
    if not state or state.get("name") != name or state.get("version") != _RULES:
        return None
    base, count = 0, len(docs)
    old_keys = state.get("docs")
    if not isinstance(old_keys, list) or not 0 < len(old_keys) <= count:
        return None
    # Which docs joined: the state's docs must be these minus the new ones, in order.
    known, new_ids = 0, []
    for doc_id in range(base, base + count):
        if known < len(old_keys) and doc_key(docs[doc_id]) == old_keys[known]:
            known += 1
        else:
            new_ids.append(doc_id)
    if known != len(old_keys):
        return None
    encoded = dict(state["encoded"])
    if not new_ids:
        return encoded
    first = new_ids[0]  # ids below it did not move
    moved: dict[int, int] = {}  # old id -> new id, for old ids from `first` on
    joined = set(new_ids)
    old_id = first
    for doc_id in range(first, base + count):
        if doc_id not in joined:
            moved[old_id] = doc_id
            old_id += 1
    added: dict[str, list[tuple[int, int]]] = {}
    for doc_id in new_ids:
        doc = docs[doc_id]
        title = text_terms(doc.title)
        for term in title:
            added.setdefault(term, []).append((doc_id, 1))
        for term in text_terms(body(doc)) - title:
            added.setdefault(term, []).append((doc_id, 0))
    table, limit = _ENCODED, len(_ENCODED)
    todo = {term for term, entry in encoded.items() if entry[1] >= first}
    todo.update(added)
    for term in todo:
        entry = encoded.get(term)
        if entry is None:
            code, last, tail = "", base - 1, []
        else:
            code, last, tail = _split_tail(entry[0], entry[1], first)
            tail = [(moved[i], t) for i, t in tail]
        items = sorted(tail + added[term]) if term in added else tail
        out, prev = [code], last
        for doc_id, in_title in items:
            v = ((doc_id - prev - 1) << 1) | in_title
            out.append(table[v] if v < limit else encode_number(v))
            prev = doc_id
        encoded[term] = ["".join(out), prev]
    return encoded


def _grown(grow, docs: Sequence[SearchDoc], name: str, body) -> dict[str, list] | None:
    """`grow_segment` from the state kept for segment `name`; a state that is not what
    `open_state` writes (a damaged cache file) is a miss, never a failed build. A wrong
    article list cannot pass: the state's keys must be the segment's, in order."""
    try:
        return grow_segment(grow.get(name), docs, name, body)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError):
        return None


def _split_tail(code: str, last: int, first: int) -> tuple[str, int, list]:
    """Split a term's encoded postings (last id `last`) before its first posting with an id
    of `first` or more. Returns the code before that posting; the id of the posting that
    code ends with (the segment's base - 1 when none: what the first gap counts from); and
    the postings from there on as (id, in title), ids ascending. Read from the end: a
    number's last character is one of the first 32 digits, and each gap gives the id before
    it."""
    tail = []
    end = len(code)
    doc_id = last
    while end and doc_id >= first:
        start = end - 1
        while start and DIGIT_VALUE[code[start - 1]] >= 32:
            start -= 1
        value = 0
        for ch in code[start:end]:
            value = (value << 5) | (DIGIT_VALUE[ch] & 31)
        tail.append((doc_id, value & 1))
        doc_id -= 1 + (value >> 1)
        end = start
    tail.reverse()
    return code[:end], doc_id, tail


def open_state(docs: Sequence[SearchDoc], name: str, encoded: dict,
               rows: dict[str, str] | None = None) -> dict:
    """What `grow_segment` needs of segment `name` (its docs `docs`) in the next build, and
    its docs' result rows by `row_key` (for records kept without their excerpt)."""
    keys = [doc_key(doc) for doc in docs]
    return {"version": _RULES, "name": name, "count": len(docs),
            "key": hashlib.sha1("".join(keys).encode()).hexdigest(), "docs": keys,
            "encoded": encoded, "rows": rows or {}}


def doc_key(doc: SearchDoc) -> str:
    """What a doc's postings follow from (its title and body), short: the open segment's
    state keeps one per doc, to tell the docs that joined it from those it had."""
    return hashlib.sha1(doc.title.encode("utf-8") + b"\0" + doc.body_key.encode()).hexdigest()[:16]


def _add_doc(digest, doc: SearchDoc) -> None:
    digest.update(b"\0\0" + doc.title.encode("utf-8") + b"\0" + doc.body_key.encode())


# What a segment's shard bytes are made by: these rules' source, so a cached segment never
# outlives a change to them (the update job also drops every cache when the code changes).
_RULES = hashlib.sha1(
    Path(tokenize.__file__).read_bytes() + Path(__file__).read_bytes()
).hexdigest()


def segment_key(docs: Sequence[SearchDoc]) -> str:
    """What one segment's shard files depend on: each of its docs' title and body, in order
    (its ids count from 0, whatever comes before it)."""
    h = hashlib.sha1(f"{_RULES}\0{FORMAT_VERSION}\0{len(docs)}".encode())
    for doc in docs:
        _add_doc(h, doc)
    return h.hexdigest()


def build_files(
    docs: Iterable[SearchDoc], sections: Sequence[tuple[str, str]], segment: int = SEGMENT,
    cache: dict[str, list[bytes]] | None = None, grow: dict | None = None,
    body: Callable[[SearchDoc], str] = body_of,
    run: Callable[[list[int], Callable[[int], dict]], dict[int, dict]] | None = None,
    excerpt: Callable[[SearchDoc], str] = excerpt_of,
) -> dict[str, bytes]:
    """Every file of the index, keyed by its path relative to the search/ folder.

    `sections` is [(name, slug)] in menu order (NEWSROOM_SECTIONS); section slugs not in it
    follow in sorted order, so every doc has one. `segment`: the most docs in a segment
    (`partition`). `cache`: shard files of earlier builds by `segment_key`; a segment found
    there is not tokenized again (after one new article only the newest segment is), and
    the segments built are added. `grow`: {segment name: state}, each segment's postings
    from the build that made it (`open_state`): a segment whose articles changed then
    tokenizes only the articles that joined it (`grow_segment`). The states of the
    segments built are set in it, those of segments gone are deleted; it may load its
    states lazily (write.SegmentStates). `body`: a doc's body text, for records kept without it
    (`SearchDoc.slim`); called only for the docs tokenized. `excerpt`: likewise a doc's
    excerpt, called only for a doc whose result row is neither in `cache` (a segment's
    `d/` files, by its rows' keys) nor in a kept state. `run(segments, tokenize)`:
    {segment: tokenize(segment)}, by default one after another (the plugin shares them out
    between processes).
    """
    ordered = order_docs(docs)
    section_list = [[slug, name] for name, slug in sections]
    known = {slug for slug, _name in section_list}
    section_list += [[slug, slug] for slug in sorted({d.section for d in ordered} - known)]

    # Each segment's shards: from the cache, by growing a segment from its kept postings,
    # or tokenized (`run` may share those out between processes: they are independent).
    parts = partition(ordered, segment)
    plan = []
    todo = []
    for seg, (name, lo, hi) in enumerate(parts):
        own_docs = ordered[lo:hi]
        key = segment_key(own_docs)
        shard_files = cache.get(key) if cache is not None else None
        encoded = None
        if shard_files is None:
            encoded = _grown(grow, own_docs, name, body) if grow is not None else None
            if encoded is None:
                todo.append(seg)
        plan.append((seg, name, own_docs, key, shard_files, encoded))

    def tokenize(seg: int) -> dict[str, list]:
        _name, lo, hi = parts[seg]
        return encode_segment(postings_range(ordered[lo:hi], 0, hi - lo, body), 0)

    tokenized = (run or _one_by_one)(todo, tokenize)
    files: dict[str, bytes] = {}
    segments = []
    # Each segment's result rows (its d/ files): from the cache when none changed, else
    # row by row from the states kept for its span (an article kept without its excerpt)
    # or from the article's excerpt. Before any state is replaced below.
    chunks_of: dict[int, list[bytes]] = {}
    rows_of: dict[int, list[str]] = {}
    keys_of: dict[int, list[str]] = {}
    for seg, name, own_docs, _key, _shards, _encoded in plan:
        keys = keys_of[seg] = [row_key(d) for d in own_docs]
        rows_id = "r" + hashlib.sha1(f"{_RULES}\0{FORMAT_VERSION}\0{''.join(keys)}".encode()).hexdigest()
        chunks = cache.get(rows_id) if cache is not None else None
        if chunks is None:
            rows = _rows(own_docs, keys, _kept_rows(grow, name, own_docs), excerpt)
            chunks = [("[" + ",".join(rows[k : k + DOC_CHUNK]) + "]").encode("utf-8")
                      for k in range(0, len(rows), DOC_CHUNK)]
            if cache is not None:
                cache[rows_id] = chunks
            rows_of[seg] = rows
        chunks_of[seg] = chunks

    for seg, name, own_docs, key, shard_files, encoded in plan:
        count = len(own_docs)
        if shard_files is None:
            if encoded is None:
                encoded = tokenized[seg]
            shard_files = render_encoded(encoded, count)
            if cache is not None:
                cache[key] = shard_files
            if grow is not None:
                rows = rows_of.get(seg)
                if rows is None:  # the rows came from the cache: the same rows, as text
                    rows = [_text(r) for c in chunks_of[seg] for r in json.loads(c)]
                grow[name] = open_state(own_docs, name, encoded,
                                        dict(zip(keys_of[seg], rows, strict=True)))
        own: list[bytes] = []
        for k, data in enumerate(shard_files):
            files[f"s/{name}/{k}.txt"] = data
            own.append(data)
        for k, data in enumerate(chunks_of[seg]):
            files[f"d/{name}/{k}.json"] = data
            own.append(data)
        files[f"f/{name}.json"] = data = _json(facets(own_docs))
        own.append(data)
        segments.append({"name": name, "count": count, "shards": len(shard_files),
                         "hash": _short_hash(b"\0".join(own))})

    manifest = {
        "v": FORMAT_VERSION,
        "count": len(ordered),
        "segments": segments,
        "docChunk": DOC_CHUNK,
        "sections": section_list,
    }
    files["manifest.json"] = _json(manifest)
    if grow is not None:
        names = {name for name, _lo, _hi in parts}
        for name in [n for n in grow if n not in names]:  # spans split or emptied
            del grow[name]
    return files


def _kept_rows(grow, name: str, docs: Sequence[SearchDoc]):
    """A function from a row key to the row kept for it in the state of segment `name` or
    of a segment whose span holds it or lies in it (a span split or merged since), or None.
    States are read only when a doc has no excerpt to make its row from."""
    if grow is None or all(d.has_excerpt for d in docs):
        return lambda key: None
    depth, prefix = _leaf(name)
    found: dict[str, str] = {}
    for other in list(grow):
        leaf = _leaf(other)
        if leaf is None:
            continue
        d, p = leaf
        if (p >> (d - depth) == prefix) if d >= depth else (prefix >> (depth - d) == p):
            try:
                rows = grow.get(other, {}).get("rows")
                if isinstance(rows, dict):
                    found.update(rows)
            except (AttributeError, TypeError):
                continue  # a damaged state: its rows are made again
    return found.get


def _leaf(name: str) -> tuple[int, int] | None:
    """(depth, position) of a segment name (`partition`), or None for another name."""
    try:
        depth, prefix = name.split("-")
        return int(depth), int(prefix, 16)
    except ValueError:
        return None


def _rows(docs: Sequence[SearchDoc], keys: list[str], kept, excerpt) -> list[str]:
    out = []
    for doc, key in zip(docs, keys, strict=True):
        row = None if doc.has_excerpt else kept(key)
        if not isinstance(row, str):
            row = row_text(doc, doc.excerpt if doc.has_excerpt else excerpt(doc))
        out.append(row)
    return out


def facets(docs: Sequence[SearchDoc]) -> dict:
    """What the filters read of a segment's docs: {"sections": [slug], "sources": [name],
    "rows": [[section, source (-1: none), day]]}, the indexes into the segment's own lists
    (in order of first use), so that the file depends on the segment's docs alone."""
    sections: dict[str, int] = {}
    sources: dict[str, int] = {}
    rows = []
    for d in docs:
        sec = sections.setdefault(d.section, len(sections))
        src = sources.setdefault(d.source, len(sources)) if d.source else -1
        rows.append([sec, src, d.day])
    return {"sections": list(sections), "sources": list(sources), "rows": rows}
