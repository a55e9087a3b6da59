"""Kind "html": a board's list pages (links to article pages), page after page.

The source's CSS selectors (`list_item`, `link`, `next_page`) pick the rows, or a generic pass
recognises article links by the shapes Korean boards use.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from ..discovery import decode, selectors_of, signature
from ..encoding import normalise_text
from ..fetch import FetchError
from ..listing import is_pinned
from ..records import ListLink, ListPage
from ..text import WS_RE, clean_href

logger = logging.getLogger(__name__)

TABLE = None


def parse_config(raw, fail) -> None:
    return None


def check_selectors(sel, fail) -> None:
    return None


def direct_record(cand) -> None:
    return None


def discover(source, fetcher, add) -> None:
    """List pages up to `max_pages`, following the next-page link."""
    url: str | None = source.url
    visited: set[str] = set()
    selectors = selectors_of(source)
    found = 0
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
        page = parse_list_page(decode(result, "list"), result.final_url, selectors)
        if page_no == 0 and not page.links:
            # A board read through POST forms or scripts (`javascript:searchDetail('5')`), or
            # selectors that no longer match: nothing will ever come of it, so say so now.
            raise ValueError(f"{url}: no article links on the list page (a board that opens "
                             f"articles by POST or script, or selectors that do not match)")
        for link in page.links:
            found += add(link.url, title=link.title, signature=signature(link.title))
        url = page.next_url


_ARTICLE_LINK_RE = re.compile(
    r"(view|read|detail|articleView|nttNo=|nttId=|idxno=|wr_id=|seq=|list_no=|newsId=|B_NUM="
    r"|mode=view|act=view|/\d{4,}(?:\.html?)?$)",
    re.I,
)
_NEXT_TEXTS = {"다음", "다음페이지", "다음 페이지", "다음 목록", "next", "›", "»", ">", "▶"}


def parse_list_page(
    html: str, page_url: str, selectors: Mapping[str, str] | None = None
) -> ListPage:
    """Article links and the next page of a board's list page.

    With `list_item` (and optionally `link`) selectors, each matching row gives one link;
    rows marked 공지 (pinned notices repeated on every page) are left out. Without selectors,
    a generic pass keeps same-site links shaped like article views.
    """
    selectors = selectors or {}
    soup = BeautifulSoup(normalise_text(html), "lxml")
    links: list[ListLink] = []
    seen: set[str] = set()

    def add(a) -> None:
        url = clean_href(a.get("href"), page_url, drop_list_state=True)
        if url and url not in seen and url.split("#")[0] != page_url:
            seen.add(url)
            links.append(ListLink(url, WS_RE.sub(" ", a.get_text(" ", strip=True))))

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
        host = urlsplit(page_url).netloc.lower()
        scope = soup.find("main") or soup.find(id=re.compile("content", re.I)) or soup
        for a in scope.find_all("a", href=True):
            href = a["href"]
            text = a.get_text(" ", strip=True)
            if len(text) < 6 or not _ARTICLE_LINK_RE.search(href):
                continue
            row = a.find_parent(["tr", "li"])
            if row is not None and is_pinned(row):
                continue
            url = clean_href(href, page_url, drop_list_state=True)
            if url and urlsplit(url).netloc.lower() == host:
                add(a)

    next_url = None
    if selectors.get("next_page"):
        a = soup.select_one(selectors["next_page"])
        if a is not None:
            next_url = clean_href(a.get("href"), page_url) or None
    else:
        a = soup.find("a", rel="next") or soup.find("a", class_=re.compile(r"\bnext\b", re.I))
        if a is None:
            for cand in soup.find_all("a", href=True):
                text = cand.get_text(" ", strip=True) or cand.get("title", "") or ""
                if text.strip().lower() in _NEXT_TEXTS:
                    a = cand
                    break
        if a is not None:
            next_url = clean_href(a.get("href"), page_url) or None
    if next_url == page_url:
        next_url = None
    return ListPage(tuple(links), next_url)

