"""Kind "rss": an RSS 2.0 or Atom feed.

feedparser reads the feed. Its `*_parsed` fields assume UTC when a date has no zone, which
shifts Korean feeds by nine hours; the raw string is parsed instead, a zone-less date read as
Asia/Seoul. A feed that carries the full text (or, excerpt-only, a summary) needs no page fetch.
"""

from __future__ import annotations

import logging
import re

import feedparser

from .. import markdown as md
from ..article import record_from_feed_item
from ..dates import parse_loose_date
from ..discovery import decode, signature
from ..encoding import normalise_text
from ..records import FeedItem, Record
from ..text import clean_author, clean_href, html_to_text

TABLE = None
logger = logging.getLogger(__name__)


def parse_config(raw, fail) -> None:
    return None


def check_selectors(sel, fail) -> None:
    for key in ("list_item", "link", "next_page"):
        if key in sel:
            raise fail(f"selectors.{key}", "only applies to kind = \"html\" list pages")


def discover(source, fetcher, add) -> None:
    result = fetcher.get(source.url, kind="feed", conditional=True)
    items = parse_feed(decode(result, "feed"), result.final_url)
    if not items and not re.search(rb"<(rss|feed|rdf)\b", result.content[:2048], re.I):
        raise ValueError(f"{source.url}: not an RSS or Atom feed ({result.content_type})")
    for item in items:
        sig = signature(item.title, item.date, item.updated, item.summary[:200],
                        md.content_hash(item.content_html) if item.content_html else "")
        add(item.url, title=item.title, signature=sig, feed_item=item)


def direct_record(cand) -> Record | None:
    """The feed has it all: the full text, or (excerpt-only) the summary we may show."""
    item = cand.feed_item
    if item and (item.content_html or (cand.source.excerpt_only and item.summary)):
        return record_from_feed_item(item, default_license=cand.source.license or "")
    return None


_MORE_RE = re.compile(
    r"\s*[\[(<]?\s*(?:기사\s*)?(?:더\s*보기|전문\s*보기|원문\s*보기|read\s+more|more)\s*[\])>]?"
    r"\s*(?:»|>>|…)?\s*$",
    re.I,
)


def feed_summary_text(html: str) -> str:
    """A feed description as text, without a trailing "[더보기]" / "Read more" link."""
    return _MORE_RE.sub("", html_to_text(html))


FULL_TEXT_MIN_CHARS = 500
# Items read from one feed, in feed order (feeds list the newest first). A 50,000-item feed
# took 42 s and 256 MB a run even with --limit 20, 35 s of it in feedparser: the document is
# cut after this many items before it is parsed (`first_items`), and a warning says so.
MAX_FEED_ITEMS = 1000
_ITEM_END_RE = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>", re.I)


def first_items(data: bytes, limit: int = MAX_FEED_ITEMS) -> tuple[bytes, int]:
    """`data` with only its first `limit` items (the rest cut out, the closing tags kept), and
    the number of items cut. Cheap: one regex scan, no parse."""
    ends = _ITEM_END_RE.finditer(data)
    cut_at = None
    for n, m in enumerate(ends, 1):
        if n == limit:
            cut_at = m.end()
            break
    if cut_at is None:
        return data, 0
    rest = list(_ITEM_END_RE.finditer(data, cut_at))
    if not rest:
        return data, 0
    return data[:cut_at] + data[rest[-1].end():], len(rest)

_CHARREF_RE = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


def _xml_char(code: int) -> bool:
    return (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF)


def drop_illegal_charrefs(data: bytes) -> bytes:
    """`data` without character references to code points XML forbids (`&#xD800;`,
    `&#xFFFE;`, `&#0;`): feedparser's fallback parser crashes on a lone surrogate, which
    failed the whole source, and the others would reach our own feeds."""

    def keep(m: re.Match) -> bytes:
        code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
        return m.group(0) if _xml_char(code) else b""

    return _CHARREF_RE.sub(keep, data) if b"&#" in data else data


def parse_feed(text: str | bytes, base_url: str) -> list[FeedItem]:
    """Items of an RSS 2.0 or Atom feed, in feed order, each link once.

    Args:
        text: the feed, decoded (or bytes, which feedparser decodes itself).
        base_url: the feed's URL; relative links are resolved against it.

    Returns:
        Items with absolute URLs; an item whose link repeats an earlier one is left out.

    Raises:
        ValueError: the feed is broken and gave no item, or none of its items has a link.
    """
    # Without a Content-Type, feedparser reads an undeclared document as ISO-8859-1 (HTTP's
    # old text/* default) and garbles UTF-8 descriptions ("lÃ­der"); application/xml lets
    # the XML rules apply: the declaration, else UTF-8.
    headers = {"content-location": base_url, "content-type": "application/xml"}
    if isinstance(text, str):
        text = normalise_text(text).encode("utf-8")
        headers["content-type"] = "application/xml; charset=utf-8"
    text = drop_illegal_charrefs(text)
    text, dropped = first_items(text)
    if dropped:
        logger.warning("%s: the feed holds %d more items than the %d read", base_url, dropped,
                       MAX_FEED_ITEMS)
    parsed = feedparser.parse(text, response_headers=headers)
    items: list[FeedItem] = []
    seen: set[str] = set()
    for entry in parsed.entries:
        link = entry.get("link") or ""
        if not link:
            for alt in entry.get("links", []):
                if alt.get("rel", "alternate") == "alternate" and alt.get("href"):
                    link = alt["href"]
                    break
        if not link and entry.get("id", "").startswith(("http://", "https://")):
            link = entry["id"]
        link = clean_href(normalise_text(link), base_url)
        if not link or link in seen:
            continue
        seen.add(link)
        # dict.get: FeedParserDict.get("updated") falls back to `published` (with a warning).
        published = parse_loose_date(dict.get(entry, "published") or dict.get(entry, "created") or "")
        updated = parse_loose_date(dict.get(entry, "updated") or "")
        summary_html = entry.get("summary") or entry.get("description") or ""
        content_html = ""
        for content in entry.get("content", []) or []:
            value = content.get("value") or ""
            if len(html_to_text(value)) >= FULL_TEXT_MIN_CHARS and len(value) >= len(summary_html):
                content_html = value
                break
        if not content_html and len(html_to_text(summary_html)) >= FULL_TEXT_MIN_CHARS * 2:
            # Some CMSs put the whole release in <description>.
            content_html = summary_html
        categories = tuple(
            t.get("term", "").strip() for t in entry.get("tags", []) or [] if t.get("term")
        )
        # feedparser resolves character references after our normalising pass over the feed's
        # text, so `&#xD800;` or `&#xFFFE;` arrive here: every field is normalised again.
        items.append(
            FeedItem(
                url=link,
                title=normalise_text(html_to_text(entry.get("title", ""))),
                date=published or updated,
                updated=updated if published else None,
                summary=normalise_text(feed_summary_text(summary_html)),
                content_html=normalise_text(content_html),
                author=normalise_text(clean_author(html_to_text(entry.get("author", "")))),
                categories=tuple(normalise_text(c) for c in categories),
            )
        )
    if not items and parsed.entries:
        # A feed whose every item lost its link yields nothing forever: say so, loudly.
        raise ValueError(f"feed has {len(parsed.entries)} items but none with an http(s) link")
    if not items and parsed.get("bozo"):
        raise ValueError(f"not a well-formed feed, and no item could be read from it "
                         f"({parsed.get('bozo_exception')})")
    return items

