"""Kind "html": a board's list pages (links to article pages), page after page.

The source's CSS selectors (`list_item`, `link`, `next_page`) pick the rows; without them the
board is found by its structure (listing.find_board: the repeated block whose links share one
path and differ in one id, near the heading and paging; URL shapes are hints). Rows that open
their article by script (`fn_view('123')`) are read when the page's script shows the view URL
or `[sources.html] view_url` gives it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bs4 import BeautifulSoup

from ..discovery import decode, selectors_of, signature
from ..encoding import normalise_text
from ..fetch import FetchError
from ..listing import Board, find_board, is_pinned
from ..records import ListLink, ListPage
from ..schema import check_http_url, check_subtable
from ..scriptlinks import ScriptCalls, script_calls
from ..text import LIST_STATE_PARAMS, WS_RE, clean_href

logger = logging.getLogger(__name__)

TABLE = "html"
HTML_KEYS = ("view_url",)
_TEMPLATE_RE = re.compile(r"\{(id|[1-9])\}")


@dataclass(frozen=True)
class HtmlBoard:
    """`[sources.html]`: how rows that open their article by script become URLs."""

    # `https://…/view.do?bbsId=B1&nttId={1}`: `{1}` (or `{id}`), `{2}`… are the script
    # call's arguments (`goView('B1','456')`).
    view_url: str | None = None

    @property
    def extra_urls(self) -> tuple[str, ...]:
        return (fill_placeholders(self.view_url),) if self.view_url else ()


def fill_placeholders(template: str) -> str:
    return _TEMPLATE_RE.sub("0", template)


def parse_config(raw: Any, fail) -> HtmlBoard | None:
    """Validate `[sources.html]` (absent: None)."""
    if raw is None:
        return None
    check_subtable(raw, "html", HTML_KEYS, fail)
    view_url = raw.get("view_url")
    if view_url is not None:
        if not isinstance(view_url, str):
            raise fail("html.view_url", f"expected a URL string, got {view_url!r}")
        problem = check_http_url(fill_placeholders(view_url))
        if problem:
            raise fail("html.view_url", problem)
        if not _TEMPLATE_RE.search(view_url):
            raise fail("html.view_url", f"{view_url!r} has no {{1}} (or {{id}}): where the "
                                        f"script's first argument goes")
        if "{" in _TEMPLATE_RE.sub("", view_url) or "}" in _TEMPLATE_RE.sub("", view_url):
            raise fail("html.view_url", f"{view_url!r}: only {{id}} and {{1}}…{{9}} may be "
                                        f"filled in")
    return HtmlBoard(view_url=view_url)


def check_selectors(sel, fail) -> None:
    return None


def direct_record(cand) -> None:
    return None


def view_url_of(source) -> str | None:
    return source.spec.view_url if isinstance(source.spec, HtmlBoard) else None


def discover(source, fetcher, add) -> None:
    """List pages up to `max_pages`, following the next-page link."""
    url: str | None = source.url
    visited: set[str] = set()
    selectors = selectors_of(source)
    found = 0
    pinned: dict[str, str] = {}
    for page_no in range(source.max_pages):
        if not url or url in visited:
            break
        visited.add(url)
        try:
            result = fetcher.get(url, kind="list", conditional=True)
        except FetchError:
            if page_no == 0:
                raise
            logger.warning("%s: list page %s failed; keeping the %d items found", source.id,
                           url, found)
            break
        html = decode(result, "list")
        reading = read_list_page(html, result.final_url, selectors, view_url=view_url_of(source))
        if page_no == 0 and reading.board is not None and reading.board.list_item:
            pinned = {"list_item": reading.board.list_item, "link": reading.board.link}
        elif page_no > 0 and pinned and not selectors:
            # Later pages are the same skin: page 1's board, by its selector, wins when it
            # finds more (a last page of one row has nothing to repeat).
            again = read_list_page(html, result.final_url, {k: v for k, v in pinned.items() if v})
            if len(again.page.links) > len(reading.page.links):
                reading = again
        page = reading.page
        if reading.board is not None:
            b = reading.board
            logger.debug("%s: board of %d rows on %s (score %s, next best %s, rows %r)",
                         source.id, len(b.rows), url, b.score, b.runner_up, b.list_item)
        if page_no == 0 and not page.links:
            raise ValueError(f"{url}: no article links on the list page ({reading.why_none()})")
        for link in page.links:
            found += add(link.url, title=link.title, signature=signature(link.title))
        url = page.next_url


@dataclass
class ListReading:
    """A list page as read: what discovery uses (`page`) and what `newsroom probe` shows."""

    page: ListPage
    board: Board | None  # the block the generic pass took (None with selectors, or no board)
    calls: ScriptCalls
    selectors_used: bool = False
    dates: tuple[str, ...] = ()  # the date each row shows, in `page.links` order ("" if none)

    def why_none(self) -> str:
        """Why no article link was found, and what to do about it."""
        if self.calls.names:
            name, _ = self.calls.names.most_common(1)[0]
            if name in self.calls.problems:
                return (f"rows open articles with the script {name}(…), which "
                        f"{self.calls.problems[name]}")
            return (f"rows open articles with the script {name}(…) and the page does not show "
                    f"its view URL: set [sources.html] view_url = \"https://…/view.do?id={{1}}\" "
                    f"({{1}} is the script's first argument), or use kind = \"post\"")
        if self.selectors_used:
            return "selectors.list_item matches no row with a link"
        return ("no repeated block of article links: set selectors.list_item (a CSS selector "
                "for the rows), or a board that opens articles by POST is kind = \"post\"")


def parse_list_page(
    html: str, page_url: str, selectors: Mapping[str, str] | None = None, *,
    view_url: str | None = None,
) -> ListPage:
    """Article links and the next page of a board's list page (see `read_list_page`)."""
    return read_list_page(html, page_url, selectors, view_url=view_url).page


_NEXT_TEXTS = {"다음", "다음페이지", "다음 페이지", "다음 목록", "next", "›", "»", ">", "▶"}


def read_list_page(
    html: str, page_url: str, selectors: Mapping[str, str] | None = None, *,
    view_url: str | None = None,
) -> ListReading:
    """Article links and the next page of a board's list page.

    With `list_item` (and optionally `link`) selectors, each matching row gives one link;
    rows marked 공지 (pinned notices repeated on every page) are left out. Without selectors,
    the board is found by its structure (listing.find_board).
    """
    selectors = selectors or {}
    soup = BeautifulSoup(normalise_text(html), "lxml")
    links: list[ListLink] = []
    dates: list[str] = []
    seen: set[str] = set()
    calls = script_calls(soup)
    board = None

    def add(a) -> None:
        url = clean_href(a.get("href"), page_url, drop_list_state=True)
        if url and url not in seen and url.split("#")[0] != page_url:
            seen.add(url)
            links.append(ListLink(url, WS_RE.sub(" ", a.get_text(" ", strip=True))))
            dates.append("")

    if selectors.get("list_item"):
        for row in soup.select(selectors["list_item"]):
            if is_pinned(row):
                continue
            a = row.select_one(selectors["link"]) if selectors.get("link") else row.find("a")
            if a is None and row.name == "a":
                a = row
            if a is not None:
                add(a)
    else:
        board = find_board(soup, page_url, view_url=view_url, calls=calls)
        for row in board.rows if board else ():
            if row.url not in seen:
                seen.add(row.url)
                links.append(ListLink(row.url, row.title))
                dates.append(row.date)

    next_url = None
    if selectors.get("next_page"):
        a = soup.select_one(selectors["next_page"])
        if a is not None:
            next_url = clean_href(a.get("href"), page_url) or None
    else:
        a = soup.find("a", rel="next") or soup.find("a", class_=re.compile(r"\bnext\b", re.I))
        if a is None:
            for cand in soup.find_all("a", href=True):
                img = cand.find("img")
                text = (cand.get_text(" ", strip=True) or cand.get("title", "")
                        or (img.get("alt", "") if img is not None else "") or "")
                if text.strip().lower() in _NEXT_TEXTS:
                    a = cand
                    break
        if a is not None:
            next_url = clean_href(a.get("href"), page_url) or None
    if next_url is None and not selectors.get("next_page"):
        next_url = _numbered_next(soup, page_url)
    if next_url == page_url:
        next_url = None
    return ListReading(ListPage(tuple(links), next_url), board, calls,
                       selectors_used=bool(selectors.get("list_item")), dates=tuple(dates))


_PAGE_PARAM_RE = re.compile(r"(?i)^(page\w*|pageindex|movepage|npage|nowpagenum|start|cpage|"
                            r"pg|curpage|currentpage)$")


def _numbered_next(soup, page_url: str) -> str | None:
    """Paging with numbers only (no 다음 link): the link to page n + 1 beside the current one."""
    current = 1
    for k, v in parse_qsl(urlsplit(page_url).query):
        if _PAGE_PARAM_RE.match(k) and v.isdigit() and k.lower() != "start":
            current = int(v)
    strong = soup.find(["strong", "span", "em", "a"], class_=re.compile(r"(?i)^(?:on|active|current|now|cur|sel|selected)$"),
                       string=re.compile(r"^\s*\d{1,4}\s*$"))
    if strong is not None:
        current = int(strong.get_text(strip=True))
    wanted = str(current + 1)
    for a in soup.find_all("a", href=True):
        if a.get_text(strip=True) != wanted:
            continue
        url = clean_href(a["href"], page_url)
        query = parse_qsl(urlsplit(url).query) if url else []
        if any(k.lower() in LIST_STATE_PARAMS or _PAGE_PARAM_RE.match(k) for k, _ in query):
            return url
    return None

