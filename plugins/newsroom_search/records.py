"""What the index knows of an article: a plain record, made from Pelican's article at the edge.

`SearchDoc` is all the later stages see; `from_article` is the only function that touches a
Pelican object, so the index can be built and tested from plain records.
"""

from __future__ import annotations

import hashlib
import html
import logging
import os
import pickle
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from newsroom.core.files import atomic_write
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

    @property
    def day(self) -> int:
        """Days since 1970-01-01 of the article's date in Korea time."""
        return (self.date.astimezone(KST).date() - EPOCH).days

    @property
    def date_label(self) -> str:
        d = self.date.astimezone(KST)  # not strftime: Pelican's dates format slowly
        return f"{d.year:04d}.{d.month:02d}.{d.day:02d}"


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


def doc_key(article) -> str:
    """What from_article reads of an article, hashed: its Markdown output, the metadata the
    record carries, its slug and the URL pattern (the URL follows from them)."""
    meta = article.metadata
    category = getattr(article, "category", None)
    parts = (
        article.source_path, getattr(article, "_content", "") or "", article.title,
        str(meta.get("summary", "") or ""), str(meta.get("subtitle", "") or ""),
        "|".join(str(t) for t in getattr(article, "tags", []) or []),
        str(meta.get("source", "") or ""), category.slug if category else "",
        article.date.isoformat(), article.slug or "",
        str(article.settings.get("ARTICLE_URL", "")),
    )
    return hashlib.blake2b("\x00".join(parts).encode("utf-8", "surrogatepass"),
                           digest_size=16).hexdigest()


class DocCache:
    """SearchDocs of the previous build by doc_key, so an unchanged article is not turned
    into text again (10,000 articles: about 5 s a build). One pickle in Pelican's CACHE_PATH,
    which the update job drops on any code or settings change; unreadable is empty."""

    def __init__(self, path):
        self.path = path
        self.old: dict[str, SearchDoc] = {}
        self.new: dict[str, SearchDoc] = {}
        if path is not None:
            try:
                with open(path, "rb") as f:
                    data = pickle.load(f)
                if isinstance(data, dict):
                    self.old = data
            except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError,
                    ValueError, TypeError):
                self.old = {}

    def doc(self, article) -> SearchDoc:
        key = doc_key(article)
        found = self.old.get(key)
        if not isinstance(found, SearchDoc):
            found = from_article(article)
        self.new[key] = found
        return found

    def save(self) -> None:
        if self.path is None or self.new.keys() == self.old.keys():
            return
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        atomic_write(self.path, pickle.dumps(self.new, protocol=pickle.HIGHEST_PROTOCOL),
                     sync=False)
