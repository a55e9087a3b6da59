"""The scraper's plain records: what extraction gives and the writer takes.

Dataclasses only (no parser), so the Markdown writer and the store can use them without
loading the extraction libraries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Attachment:
    """A file attached to a release: its shown name and absolute URL on the original site."""

    name: str
    url: str


@dataclass(frozen=True)
class FeedItem:
    """One item of a feed. `content_html` is set only when the feed carries the full text."""

    url: str
    title: str
    date: datetime | None = None
    updated: datetime | None = None
    summary: str = ""
    content_html: str = ""
    author: str = ""
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class ListLink:
    """An article link found on a list page."""

    url: str
    title: str = ""


@dataclass(frozen=True)
class ListPage:
    """What a list page offers: article links (pinned 공지 rows left out) and the next page."""

    links: tuple[ListLink, ...]
    next_url: str | None = None


@dataclass(frozen=True)
class Record:
    """One article as extracted, before it becomes Markdown."""

    url: str
    title: str
    body_html: str = ""
    subtitle: str = ""
    date: datetime | None = None
    modified: datetime | None = None
    author: str = ""
    summary: str = ""
    images: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)
    license: str = ""
    category_hint: str = ""
    department: str = ""  # the issuing office when the source states it (API MinisterCode)
