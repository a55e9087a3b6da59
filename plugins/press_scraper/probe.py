"""What a source with a given URL would yield: the engine of `newsroom probe URL`.

`probe(url, settings=…, selectors=…, view_url=…, kind=…) -> Probe` fetches the URL once
(politely: robots.txt, the delay, the caps of the scraper's Fetcher), decides what it is (a
feed; a list page; a page that advertises a feed with `<link rel="alternate">`, whose feed is
then read instead), reads the first page's rows with the same kind modules `newsroom scrape`
uses (kinds.feed.parse_feed, kinds.board.read_list_page), reads one article in full
(article.parse_article), and proposes a ready `[[sources]]` block. It writes nothing: no
content, no state, no cache.

`check_overrides(selectors, view_url)` validates the operator's overrides as sources.toml
would, before anything is fetched (raises sources.SourcesError).
"""

from __future__ import annotations

import json
import logging
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from newsroom.core.model import format_date

from .discovery import Candidate, decode
from .fetch import Fetcher, FetchError
from .kinds import KINDS
from .sources import ID_RE, ScraperSettings, SourcesError, parse
from .store import make_identity

logger = logging.getLogger(__name__)

BODY_CHARS = 200
SHOWN_ROWS = 50
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
_FEED_SNIFF_RE = re.compile(rb"<(?:rss|feed|rdf:RDF)\b", re.I)
_HOST_WORDS = {"www", "m", "go", "kr", "or", "co", "com", "net", "ac", "re", "ne", "org"}


@dataclass
class Probe:
    """What `probe` found; `found` when the first page gave at least one article."""

    url: str
    kind: str = ""  # "rss" or "html": the kind the proposed source has ("" when none)
    detected: str = ""  # what the URL is, in words
    feed_url: str | None = None  # the feed a page advertises
    rows: list[dict[str, str]] = field(default_factory=list)
    next_page: str | None = None
    article: dict[str, Any] | None = None
    source: dict[str, Any] = field(default_factory=dict)  # the proposed [[sources]] table
    notes: list[str] = field(default_factory=list)  # what it could not decide, and the fix
    error: str | None = None

    @property
    def found(self) -> bool:
        return bool(self.rows)

    def toml(self) -> str:
        """The proposed `[[sources]]` block, ready to paste into sources.toml."""
        if not self.source:
            return ""
        lines = ["[[sources]]"]
        tables = []
        for key, value in self.source.items():
            if isinstance(value, Mapping):
                tables.append((key, value))
            else:
                lines.append(f"{key} = {_toml_value(value)}")
        for name, table in tables:
            lines += ["", f"[sources.{name}]"]
            lines += [f"{k} = {_toml_value(v)}" for k, v in table.items()]
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        data = {k: v for k, v in asdict(self).items()}
        data["found"] = self.found
        data["toml"] = self.toml()
        return json.dumps(clean(data), ensure_ascii=False, indent=2)


def _toml_value(value: Any) -> str:
    # A JSON string is a valid TOML basic string (the escapes are the same).
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


def clean(value: Any) -> Any:
    """Text from a source as safe to print: no control, format or bidi characters."""
    if isinstance(value, str):
        return "".join(c for c in value if c in "\n\t" or unicodedata.category(c)[0] != "C")
    if isinstance(value, Mapping):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    return value


def _raw_source(url: str, kind: str, selectors: Mapping[str, str] | None,
                view_url: str | None, sid: str = "probe", name: str = "probe") -> dict:
    raw: dict[str, Any] = {"id": sid, "name": name, "kind": kind, "url": url}
    if selectors:
        raw["selectors"] = dict(selectors)
    if view_url:
        raw["html"] = {"view_url": view_url}
    return raw


def check_overrides(url: str, selectors: Mapping[str, str] | None, view_url: str | None,
                    kind: str | None = None) -> None:
    """Validate the URL and the overrides as sources.toml would.

    Raises:
        SourcesError naming the key.
    """
    try:
        parse({"sources": [_raw_source(url, kind or "html", selectors, view_url)]},
              path="command line")
    except SourcesError as exc:
        option = {"selectors": "--selectors", "html": "--view-url", "url": "URL"}.get(
            (exc.key or "").split(".")[0], "argument")
        prefix = f"command line: source #1 (probe): key {exc.key!r}: "
        detail = str(exc)[len(prefix):] if str(exc).startswith(prefix) else str(exc)
        name = (exc.key or "").split(".", 1)[-1] if option != "URL" else ""
        raise SourcesError(option, (f"{name}: " if name else "") + detail) from None


def _site_name(soup) -> str:
    meta = soup.find("meta", attrs={"property": "og:site_name"})
    if meta is not None and (meta.get("content") or "").strip():
        return meta["content"].strip()
    title = soup.find("title")
    text = re.sub(r"\s+", " ", title.get_text(" ", strip=True)) if title is not None else ""
    parts = [p.strip() for p in re.split(r"\s+(?:[-|:<>»·]|::)\s+", text) if p.strip()]
    return parts[-1] if len(parts) > 1 else ""


def source_id(url: str) -> str:
    """An id from the URL's host (`www.ondal.go.kr` -> `ondal`), else its first path part."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not re.fullmatch(r"[\d.]+|\[.*\]|localhost", host):
        words = [w for w in host.split(".") if w not in _HOST_WORDS]
        sid = "-".join(re.sub(r"[^a-z0-9]+", "-", w).strip("-") for w in words)
        if ID_RE.match(sid):
            return sid
    first = re.sub(r"[^a-z0-9]+", "-", parts.path.strip("/").split("/")[0].lower()).strip("-")
    return first if ID_RE.match(first or "") else "source"


def probe(url: str, *, settings: ScraperSettings, selectors: Mapping[str, str] | None = None,
          view_url: str | None = None, kind: str | None = None) -> Probe:
    """Fetch `url` once and say what a source with it would yield (see the module doc).

    Args:
        url: a feed or a list page.
        settings: politeness settings (the `[scraper]` table of sources.toml).
        selectors: `[sources.selectors]` overrides to try (list_item, link, title, date, …).
        view_url: `[sources.html] view_url` for rows that open articles by script.
        kind: "rss" or "html" to skip detection ("html" reads a page that advertises a feed
            as a page).

    Returns:
        A Probe; `error` is set (and nothing found) when the URL could not be read.

    Raises:
        SourcesError: the overrides are invalid (checked before anything is fetched).
    """
    check_overrides(url, selectors, view_url, kind)
    result = Probe(url)
    base = parse({"sources": [_raw_source(url, kind or "html", selectors, view_url)]},
                 path="command line").sources[0]
    with Fetcher(settings, None, sources=[base], public_only=True) as fetcher:
        try:
            page = fetcher.get(url, kind="list")
        except FetchError as exc:
            result.error = str(exc)
            return result
        is_feed = kind == "rss" or (kind is None and _looks_like_feed(page))
        if is_feed:
            result.detected = "a feed (RSS or Atom)"
            _probe_feed(result, page, url, fetcher, selectors, name="")
            return result
        try:
            html = decode(page, "list")
        except ValueError as exc:  # bytes that fit no encoding
            result.error = f"{url}: {exc}"
            return result
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(html, "lxml")
        name = _site_name(soup)
        feed_url = _advertised_feed(soup, page.final_url)
        if feed_url and kind is None:
            result.feed_url = feed_url
            result.detected = (f"a page that advertises a feed ({feed_url}): the feed is read "
                               f"instead (--kind html reads the page itself)")
            try:
                feed = fetcher.get(feed_url, kind="feed")
            except FetchError as exc:
                result.notes.append(f"the advertised feed could not be read ({exc.reason}); "
                                    f"--kind html reads the page as a list page")
                return result
            _probe_feed(result, feed, feed_url, fetcher, selectors, name=name)
            return result
        result.detected = "a list page (HTML)"
        if feed_url:
            result.notes.append(f"the page advertises a feed, {feed_url}: a feed is the more "
                                f"reliable source (probe it without --kind)")
        _probe_board(result, html, page.final_url, fetcher, selectors, view_url, name)
    return result


def _looks_like_feed(page) -> bool:
    """A feed by its type, or by its first element (servers send feeds as text/html too)."""
    head = page.content[:2048]
    sniffed = _FEED_SNIFF_RE.search(head)
    if sniffed and not re.search(rb"<html\b", head[:sniffed.start()], re.I):
        return True
    ctype = page.content_type
    return "html" not in ctype and ("xml" in ctype or "rss" in ctype or "atom" in ctype)


def _advertised_feed(soup, page_url: str) -> str | None:
    for link in soup.find_all("link", href=True):
        rel = [r.lower() for r in (link.get("rel") or [])]
        if "alternate" in rel and (link.get("type") or "").lower().strip() in _FEED_TYPES:
            url = urljoin(page_url, link["href"].strip())
            if urlsplit(url).scheme in ("http", "https"):
                return url
    return None


def _source_table(result: Probe, url: str, kind: str, name: str,
                  selectors: Mapping[str, str] | None, view_url: str | None) -> None:
    sid = source_id(url)
    name = re.sub(r"\s+", " ", clean(name or "")).strip()[:80]
    if not name:
        name = sid
        result.notes.append("name: the page gives no site name (og:site_name or <title>); "
                            "write the issuer's name, e.g. \"온달군청\"")
    raw = _raw_source(url, kind, selectors, view_url, sid=sid, name=name)
    # The block must load as it is: validate it the way `newsroom scrape` will.
    parse(tomllib.loads(Probe(url, source=raw).toml()), path="proposed block")
    result.kind = kind
    result.source = raw


def _probe_feed(result: Probe, page, url: str, fetcher, selectors, *, name: str) -> None:
    feed = KINDS["rss"]
    try:
        text = decode(page, "feed")
        items = feed.parse_feed(text, page.final_url)
    except ValueError as exc:
        result.error = f"{url}: {exc}"
        return
    if not name:  # the channel's title, without "보도자료" / "RSS" after the issuer's name
        data = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
        m = re.search(r"<title[^>]*>(?:<!\[CDATA\[)?\s*([^<\]]{1,200})", data)
        name = re.split(r"\s+(?:보도자료|뉴스|RSS|소식)", m.group(1).strip())[0] if m else ""
    result.rows = [{"title": i.title, "date": format_date(i.date) if i.date else "",
                    "link": i.url} for i in items[:SHOWN_ROWS]]
    feed_selectors = {k: v for k, v in (selectors or {}).items()
                      if k not in ("list_item", "link", "next_page")}
    _source_table(result, url, "rss", name, feed_selectors, None)
    if not items:
        result.notes.append("the feed has no items now: probe again later, or use the list "
                            "page the feed belongs to")
        return
    item = items[0]
    source = parse({"sources": [result.source]}, path="proposed block").sources[0]
    record = feed.direct_record(Candidate(source, item.url, make_identity(source.id, item.url),
                                          feed_item=item))
    if record is not None:
        _show_article(result, record, "the feed's own full text")
        return
    _read_article(result, item.url, fetcher, feed_selectors, name)


def _probe_board(result: Probe, html: str, page_url: str, fetcher, selectors, view_url,
                 name: str) -> None:
    board_kind = KINDS["html"]
    reading = board_kind.read_list_page(html, page_url, selectors, view_url=view_url)
    links = reading.page.links
    result.rows = [{"title": link.title, "date": date, "link": link.url}
                   for link, date in list(zip(links, reading.dates, strict=True))[:SHOWN_ROWS]]
    result.next_page = reading.page.next_url
    chosen = dict(selectors or {})
    board = reading.board
    if not links:
        result.notes.append(f"no article links on the list page: {reading.why_none()}")
        _source_table(result, page_url if page_url == result.url else result.url, "html",
                      name, chosen, view_url)
        return
    if board is not None and board.lone:
        result.notes.append(f"no repeated block of rows: the {len(links)} row(s) above were taken "
                            f"by their URL shape alone; check them, or set selectors.list_item")
    if board is not None:
        if board.runner_up >= 0.5 * board.score and board.list_item:
            chosen.setdefault("list_item", board.list_item)
            if board.link:
                chosen.setdefault("link", board.link)
            result.notes.append(
                f"another block of links looks almost as much like the board (score "
                f"{board.runner_up} against {board.score}): the rows are pinned with "
                f"selectors.list_item = {board.list_item!r}; check them above")
        if board.scripted and not view_url:
            result.notes.append("rows open articles by script; the view URL was read from the "
                                "page's own script (set [sources.html] view_url if it changes)")
    if result.next_page is None and not (selectors or {}).get("next_page"):
        result.notes.append("no next-page link found: only the first page will be read; set "
                            "selectors.next_page (a CSS selector for the '다음' link) for more")
    _source_table(result, result.url, "html", name, chosen, view_url)
    _read_article(result, links[0].url, fetcher, chosen, name)


def _read_article(result: Probe, url: str, fetcher, selectors, name: str) -> None:
    from .article import parse_article

    try:
        page = fetcher.get(url, kind="page")
    except FetchError as exc:
        result.notes.append(f"the first article could not be read: {exc}")
        return
    try:
        record = parse_article(decode(page, "page"), page.final_url,
                               selectors={k: v for k, v in (selectors or {}).items()
                                          if k not in ("list_item", "link", "next_page")},
                               site_names=[name] if name else [])
    except Exception as exc:  # one odd page: say so, as the scraper would, and go on
        logger.debug("extraction of %s failed", url, exc_info=True)
        result.notes.append(f"the first article could not be extracted: {exc!r}")
        return
    _show_article(result, record, page.final_url)


def _show_article(result: Probe, record, where: str) -> None:
    from .text import html_to_text

    body = html_to_text(record.body_html)
    result.article = {
        "url": record.url, "read_from": where, "title": record.title,
        "date": format_date(record.date) if record.date else "",
        "author": record.author, "department": record.department,
        "body": body[:BODY_CHARS], "body_chars": len(body),
        "images": list(record.images), "license": record.license,
        "attachments": [{"name": a.name, "url": a.url} for a in record.attachments],
    }
    fixes = [("title", "selectors.title"), ("date", "selectors.date")]
    for key, fix in fixes:
        if not result.article[key]:
            result.notes.append(f"the article's {key} was not found: set {fix} (a CSS "
                                f"selector on the article page)")
    if len(body) < 50:
        result.notes.append("the article's body is empty or very short: set selectors.body "
                            "(a CSS selector for the text on the article page)")
    if not record.license:
        result.notes.append("no 공공누리 mark on the article: if the site states a licence, "
                            "write it as license = \"…\" (or excerpt_only = true)")
