"""What the index knows of an article: a plain record, made from Pelican's article at the edge.

`SearchDoc` is all the later stages see; `from_article` is the only function that touches a
Pelican object, so the index can be built and tested from plain records.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from newsroom.core.model import KST

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
        return self.date.astimezone(KST).strftime("%Y.%m.%d")


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
