"""What the index knows of an article: a plain record, made from Pelican's article at the edge.

`SearchDoc` is all the later stages see; `from_article` is the only function that touches a
Pelican object, so the index can be built and tested from plain records.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import logging
import os
import re
import sys
from dataclasses import dataclass, field
from datetime import date, datetime

from newsroom.core.model import KST

logger = logging.getLogger(__name__)

TAG_RE = re.compile(r"<[^>]+>")
SPACE_RE = re.compile(r"\s+")
# Bullets press releases start paragraphs with (□ ㅇ ○ ◇ ■ ▶ ※ -): noise in a snippet.
BULLET_RE = re.compile(r"(?:(?<=\s)|^)[□ㅇ○◇◆■▶※ㆍ·\-*]+(?=\s)")
EXCERPT_CHARS = 240
EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class SearchDoc:
    """One article as the search index sees it."""

    url: str  # relative to the site root, e.g. news/<slug>.html
    title: str
    section: str  # section slug (politics, economy, culture)
    source: str  # issuing agency (뉴스출처), may be empty
    date: datetime  # aware
    body: str  # plain text: subtitle, summary, tags, body
    excerpt: str = ""  # the text snippets are cut from
    tags: tuple[str, ...] = field(default_factory=tuple)
    # Digests of `body` and `excerpt`, kept when they are dropped (`slim`): the index's
    # cache keys.
    body_key: str = ""
    excerpt_key: str = ""

    def __post_init__(self) -> None:
        if not self.body_key:
            object.__setattr__(self, "body_key", text_key(self.body))
        if not self.excerpt_key:
            object.__setattr__(self, "excerpt_key", text_key(self.excerpt))

    def slim(self) -> SearchDoc:
        """The record without its body text and excerpt, as it is kept in Pelican's content
        cache (the body was half the cache, the excerpt a third of the rest: 500 bytes an
        article in memory); `body_key` and `excerpt_key` still say whether they changed.
        The index takes an unchanged article's result row from its cache."""
        return dataclasses.replace(self, body="", excerpt="")

    @property
    def has_body(self) -> bool:
        return bool(self.body) or self.body_key == EMPTY_KEY

    @property
    def has_excerpt(self) -> bool:
        return bool(self.excerpt) or self.excerpt_key == EMPTY_KEY

    @property
    def day(self) -> int:
        """Days since 1970-01-01 of the article's date in Korea time."""
        return (self.date.astimezone(KST).date() - EPOCH).days

    @property
    def date_label(self) -> str:
        d = self.date.astimezone(KST)  # not strftime: Pelican's dates format slowly
        return f"{d.year:04d}.{d.month:02d}.{d.day:02d}"


def text_key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


EMPTY_KEY = text_key("")


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment: tags dropped, entities decoded, spaces collapsed."""
    return SPACE_RE.sub(" ", html.unescape(TAG_RE.sub(" ", markup or ""))).strip()


def make_excerpt(*parts: str, limit: int = EXCERPT_CHARS) -> str:
    """The first `limit` characters of the given texts, bullets removed."""
    text = SPACE_RE.sub(" ", BULLET_RE.sub(" ", " ".join(p for p in parts if p))).strip()
    return text[:limit]


def from_article(article) -> SearchDoc:
    """A SearchDoc from a Pelican Article (after newsroom_site set its section slug)."""
    meta = article.metadata
    body = html_to_text(getattr(article, "_content", "") or "")
    summary = html_to_text(str(meta.get("summary", "") or ""))
    subtitle = str(meta.get("subtitle", "") or "")
    tags = tuple(str(t) for t in getattr(article, "tags", []) or [])
    source = str(meta.get("source", "") or "")
    category = getattr(article, "category", None)
    return SearchDoc(
        url=article.url,
        title=html_to_text(article.title),
        section=category.slug if category else "",
        source=source,
        date=article.date,
        body=" ".join(p for p in (subtitle, summary, " ".join(tags), source, body) if p),
        excerpt=make_excerpt(summary or subtitle, body),
        tags=tags,
    )


def attach_docs(generator, run=None) -> None:
    """`article_generator_pretaxonomy`: with Pelican's content cache on (the update job),
    each article carries its SearchDoc, made when the article is read and pickled with it,
    so an unchanged article is not turned into text again (10,000 articles: about 5 s a
    build). Before Pelican saves its cache, so the doc travels with the article; an edited
    file is read into a new article, and the job drops the cache on any code or settings
    change. The kept doc has no body text (`SearchDoc.slim`, half the cache's size): this
    build keeps the whole doc of each article it made one for (`full_doc`), and a later
    build that must tokenize an older article again makes its doc anew.
    `run(jobs, fn)`: where the new docs are made (`make_docs`).
    NEWSROOM_RENDER_VERIFY=1 (the test suite) makes every doc again and fails the build when
    a kept one differs."""
    _FULL.clear()
    if not generator.settings.get("CACHE_CONTENT"):
        return
    new = []
    for article in generator.articles:
        kept = article.__dict__.get(DOC_ATTR)
        if kept is None:
            new.append(article)
        elif VERIFY and kept != from_article(article).slim():
            raise RuntimeError(f"NEWSROOM_RENDER_VERIFY failed: {article.source_path}: "
                               "its kept search record is stale")
    for article, full in zip(new, make_docs(new, run), strict=True):
        _FULL[id(article)] = (article, full)
        setattr(article, DOC_ATTR, _sharing(full.slim(), article))


def make_docs(articles: list, run=None) -> list[SearchDoc]:
    """`from_article` of each article, in order. `run(jobs, fn) -> {job: fn(job)}` may share
    the work out between processes (newsroom.core.forked.map_shares): on a first publish,
    turning 10,000 bodies into text took 3 s of the build process alone."""
    if run is None:
        return [from_article(a) for a in articles]
    made = run(list(range(len(articles))), lambda i: from_article(articles[i]))
    return [made[i] for i in range(len(articles))]


def _interned(value):
    return sys.intern(value) if type(value) is str else value


def _own(value, theirs):
    """The article's own object when it equals the record's (of the same type), else the
    record's."""
    return theirs if type(theirs) is type(value) and theirs == value else value


def _sharing(doc: SearchDoc, article) -> SearchDoc:
    """`doc` with the article's own objects where they are equal (title, URL, date, tag
    names) and one interned object per section slug and per source, so that Pelican's
    content cache pickles each once. A record made in another process (a first publish, `make_docs` in
    shares) comes back with copies of all of them (about 600 bytes an article)."""
    when, own_when = doc.date, getattr(article, "date", None)
    if (type(own_when) is type(when) and own_when == when
            and own_when.tzinfo == when.tzinfo and own_when.utcoffset() == when.utcoffset()):
        when = own_when
    own_tags = tuple(str(t) for t in getattr(article, "tags", None) or [])
    return dataclasses.replace(
        doc,
        title=_own(doc.title, article.title),
        url=_own(doc.url, article.url),
        section=_interned(doc.section),
        # As the content cache pickles the article's source (newsroom_site/speedups.py).
        source=_interned(doc.source),
        date=when,
        tags=own_tags if own_tags == doc.tags else doc.tags,
    )


def doc_of(article) -> SearchDoc:
    """The article's SearchDoc: the one it carries (attach_docs, maybe without its body),
    else made now."""
    return article.__dict__.get(DOC_ATTR) or from_article(article)


def full_doc(article) -> SearchDoc:
    """The article's SearchDoc with its body text and excerpt."""
    hit = _FULL.get(id(article))
    if hit is not None and hit[0] is article:
        return hit[1]
    kept = article.__dict__.get(DOC_ATTR)
    return kept if kept is not None and kept.has_body and kept.has_excerpt else from_article(article)


DOC_ATTR = "_newsroom_search_doc"  # newsroom_site/incremental.py leaves it out of fingerprints
VERIFY = bool(os.environ.get("NEWSROOM_RENDER_VERIFY"))
# This build's whole docs, by article (the article is kept so that its id stays its own).
_FULL: dict[int, tuple[object, SearchDoc]] = {}
