"""Extraction: feed items, list pages and article pages in, plain records out.

Pure functions: text (already decoded by `encoding.py`) and the page URL in, dataclasses out.
No network, no files. The orchestration (what to fetch next) lives in `api.py`.

- Feeds: feedparser reads RSS 2.0 and Atom. Its `*_parsed` fields assume UTC when a date has
  no zone, which shifts Korean feeds by nine hours; we parse the raw string ourselves and read a
  zone-less date as Asia/Seoul.
- List pages: the source's CSS selectors (`list_item`, `link`, `next_page`), or a generic
  fallback that recognises article links by the shapes Korean boards use.
- Article pages: the source's selectors when given, else trafilatura's main-text extraction
  (HTML output, keeping tables, lists, images and links). Title, dates, author, attachments and
  the 공공누리 licence are read from the page itself.
"""

from __future__ import annotations

import email.utils
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import feedparser
import lxml.etree
import lxml.html
import trafilatura
from bs4 import BeautifulSoup
from dateutil import parser as date_parser

from newsroom.core.model import KST

from .encoding import normalise_text

logger = logging.getLogger(__name__)

# --- records -------------------------------------------------------------------------------


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


# --- dates ---------------------------------------------------------------------------------

_YMD_RE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[.\-/년]\s*(?P<mo>\d{1,2})\s*[.\-/월]\s*(?P<d>\d{1,2})(?:\s*일)?\.?"
    r"(?:\s*\([월화수목금토일]\))?"
    r"(?:[\sT]+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?)?"
)
_MDY_RE = re.compile(
    r"\b(?P<mo>\d{2})/(?P<d>\d{2})/(?P<y>(?:19|20)\d{2})"
    r"(?:\s+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?)?"
)
_YY_RE = re.compile(
    r"(?<![\d.\-])(?P<y>\d{2})-(?P<mo>\d{2})-(?P<d>\d{2})(?![\d\-])"
    r"(?:\s+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?)?"
)
_ZONED_RE = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})"
)


def _from_match(m: re.Match, two_digit_year: bool = False) -> datetime | None:
    y = int(m["y"]) + (2000 if two_digit_year else 0)
    try:
        return datetime(
            y, int(m["mo"]), int(m["d"]), int(m["h"] or 0), int(m["mi"] or 0), int(m["s"] or 0),
            tzinfo=KST,
        )
    except ValueError:
        return None


def parse_date(text: str | None) -> datetime | None:
    """Read a date as Korean sites write it; a date without a zone is Asia/Seoul.

    Understands ISO 8601 with an offset, RFC 822 (feeds), `2025-12-11`, `2026.01.07 14:11`,
    `2025년 12월 10일`, `26-01-07` and data.go.kr's `05/08/2026 16:51:00` (month first).

    Returns:
        An aware datetime, or None when no date is found.
    """
    if not text:
        return None
    text = text.strip()
    m = _ZONED_RE.search(text)
    if m:
        try:
            return date_parser.isoparse(m.group(0).replace(" ", "T", 1).replace(" ", ""))
        except ValueError:
            pass
    if re.match(r"^[A-Za-z]{3},?\s+\d", text) or re.match(r"^\d{1,2}\s+[A-Za-z]{3}\s+\d{4}", text):
        try:
            dt = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            dt = None
        if dt is not None:
            return dt if dt.tzinfo else dt.replace(tzinfo=KST)
    for regex, short in ((_YMD_RE, False), (_MDY_RE, False), (_YY_RE, True)):
        m = regex.search(text)
        if m:
            dt = _from_match(m, short)
            if dt:
                return dt
    try:
        dt = date_parser.parse(text, fuzzy=False)
    except (ValueError, OverflowError):
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=KST)


# Labels that precede the publication / modification date on Korean pages.
_PUBLISHED_LABEL_RE = re.compile(
    r"(?:등록일(?:시|자)?|작성일(?:시|자)?|게시일(?:시|자)?|입력(?:일|일시)?|승인|배포일(?:시)?"
    r"|보도일(?:시)?|등록)\s*[:：]?\s*"
)
_MODIFIED_LABEL_RE = re.compile(r"(?:수정일(?:시|자)?|수정|최종\s*수정)\s*[:：]?\s*")
_ANY_DATE_RE = re.compile(
    r"(?:(?:19|20)\d{2}\s*[.\-/년]\s*\d{1,2}\s*[.\-/월]\s*\d{1,2}(?:[^\d\n]{0,8}\d{1,2}:\d{2}(?::\d{2})?)?"
    r"|\d{2}/\d{2}/\d{4}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
    r"|\d{2}-\d{2}-\d{2}(?:\s+\d{1,2}:\d{2})?)"
)


def find_labelled_date(text: str, label: re.Pattern) -> datetime | None:
    """The first date that directly follows one of `label`'s words in `text`."""
    for m in label.finditer(text):
        after = text[m.end(): m.end() + 40]
        d = _ANY_DATE_RE.match(after)
        if d:
            dt = parse_date(d.group(0))
            if dt:
                return dt
    return None


# --- feeds ---------------------------------------------------------------------------------

_TAG_RE = re.compile(r"<[^>]+>")
_WS_RE = re.compile(r"\s+")


_MORE_RE = re.compile(
    r"\s*[\[(<]?\s*(?:기사\s*)?(?:더\s*보기|전문\s*보기|원문\s*보기|read\s+more|more)\s*[\])>]?"
    r"\s*(?:»|>>|…)?\s*$",
    re.I,
)


def feed_summary_text(html: str) -> str:
    """A feed description as text, without a trailing "[더보기]" / "Read more" link."""
    return _MORE_RE.sub("", html_to_text(html))


def html_to_text(html: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed."""
    if not html:
        return ""
    if "<" not in html and "&" not in html:
        return _WS_RE.sub(" ", html).strip()
    try:
        text = lxml.html.fragment_fromstring(html, create_parent="div").text_content()
    except (ValueError, lxml.etree.ParserError):
        text = _TAG_RE.sub(" ", html)
    return _WS_RE.sub(" ", text).strip()


# A feed's content counts as the full article when it is at least this long (characters of text)
# and longer than its description; otherwise the linked page is fetched.
FULL_TEXT_MIN_CHARS = 500


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
        link = clean_href(link, base_url)
        if not link or link in seen:
            continue
        seen.add(link)
        # dict.get: FeedParserDict.get("updated") falls back to `published` (with a warning).
        published = parse_date(dict.get(entry, "published") or dict.get(entry, "created") or "")
        updated = parse_date(dict.get(entry, "updated") or "")
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
        items.append(
            FeedItem(
                url=link,
                title=html_to_text(entry.get("title", "")),
                date=published or updated,
                updated=updated if published else None,
                summary=feed_summary_text(summary_html),
                content_html=content_html,
                author=clean_author(html_to_text(entry.get("author", ""))),
                categories=categories,
            )
        )
    if not items and parsed.entries:
        # A feed whose every item lost its link yields nothing forever: say so, loudly.
        raise ValueError(f"feed has {len(parsed.entries)} items but none with an http(s) link")
    if not items and parsed.get("bozo"):
        raise ValueError(f"not a well-formed feed, and no item could be read from it "
                         f"({parsed.get('bozo_exception')})")
    return items


# --- links and list pages ------------------------------------------------------------------

# Query parameters that only carry the list's state (page number, page size, search form).
# Detail links from page 2 on often repeat them (`…&nttNo=5&pageIndex=2`): dropping them keeps
# one article one URL wherever it was found.
LIST_STATE_PARAMS = frozenset(
    {
        "pageindex", "pageunit", "pagesize", "page", "movepage", "npage", "nowpagenum",
        "listcnt", "recordcountperpage", "searchcnd", "searchwrd", "searchkrwd", "sc_word",
        "searchcondition", "searchkeyword", "start",
    }
)


def clean_href(href: str | None, base_url: str, *, drop_list_state: bool = False) -> str:
    """Resolve a link against its page and undo common CMS quirks.

    `&amp;` left in an href (double-escaped markup) becomes `&`, a doubled `&&` one `&`.
    Only http(s) results are returned; `javascript:` and `mailto:` give "".
    """
    if not href:
        return ""
    href = href.strip().replace("&amp;", "&")
    href = re.sub(r"&{2,}", "&", href).replace("?&", "?")
    if href.lower().startswith(("javascript:", "mailto:", "tel:", "data:", "#")):
        return ""
    url = urljoin(base_url, href)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    query = parts.query
    if drop_list_state and query:
        pairs = parse_qsl(query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if k.lower() not in LIST_STATE_PARAMS]
        if kept and len(kept) != len(pairs):
            query = urlencode(kept, safe="/:")
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, ""))


_PINNED_RE = re.compile(r"^\s*(?:공\s*지|notice|필독|고정)\s*$", re.I)


def _is_pinned(row) -> bool:
    """A 공지 row: its first cell, a badge, or its class says so."""
    classes = " ".join(row.get("class", []) if hasattr(row, "get") else [])
    if re.search(r"\b(notice|pinned|fixed|top)\b", classes, re.I):
        return True
    first = row.find(["td", "th", "span", "em", "strong"])
    if first is not None and _PINNED_RE.match(first.get_text(" ", strip=True)):
        return True
    for img in row.find_all("img"):
        if "공지" in (img.get("alt") or ""):
            return True
    return False


# Link shapes of article views on Korean boards and news CMSs (see docs/scraper.md).
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
            links.append(ListLink(url, _WS_RE.sub(" ", a.get_text(" ", strip=True))))

    if selectors.get("list_item"):
        for row in soup.select(selectors["list_item"]):
            if _is_pinned(row):
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
            if row is not None and _is_pinned(row):
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


@dataclass(frozen=True)
class DetailRef:
    """A row of a POST-only board: the id its script passes on, and the row's title."""

    id: str
    title: str = ""


_SAFE_ID_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def parse_post_list(html: str, pattern: re.Pattern,
                    selectors: Mapping[str, str] | None = None) -> list[DetailRef]:
    """Rows of a board whose links are scripts (`onclick="searchDetail('123')"`).

    Every element's `onclick` and `href` (in `list_item` rows, at `link` inside them, when
    those selectors are given) is searched with `pattern`; its one group is the id. Rows
    marked 공지 are left out, each id counts once, and an id that is not plain ASCII
    (letters, digits, `_ . -`, at most 64) is ignored, since it goes into a form field.
    """
    selectors = selectors or {}
    soup = BeautifulSoup(normalise_text(html), "lxml")
    if selectors.get("list_item"):
        rows = [r for r in soup.select(selectors["list_item"]) if not _is_pinned(r)]
        if selectors.get("link"):
            elements = [el for r in rows for el in r.select(selectors["link"])]
        else:
            elements = [el for r in rows for el in [r, *r.find_all(True)]]
    else:
        elements = soup.find_all(True)
    refs: list[DetailRef] = []
    seen: set[str] = set()
    for el in elements:
        for attr in ("onclick", "href"):
            value = el.get(attr)
            m = pattern.search(value) if isinstance(value, str) else None
            if not m or not m.group(1):
                continue
            item_id = m.group(1)
            if not _SAFE_ID_RE.match(item_id):
                logger.warning("ignoring a list row id that is not plain ASCII: %r", item_id[:80])
                break
            row = el.find_parent(["tr", "li"])
            if item_id in seen or (row is not None and _is_pinned(row)):
                break
            seen.add(item_id)
            text = el.get_text(" ", strip=True) or el.get("title", "")
            refs.append(DetailRef(item_id, _WS_RE.sub(" ", text)))
            break
    return refs


# --- titles --------------------------------------------------------------------------------

_TITLE_SEP_RE = re.compile(r"\s+(?:-|–|—|\||｜|ㅣ|::|:|·|»|<|>)\s+")
_TITLE_EDGE_RE = re.compile(r"^(?:::|[|｜»])\s*|\s*(?:::|[|｜»])$")
_DECORATION_WORDS = {
    "뉴스", "보도자료", "보도자료실", "공지사항", "새소식", "홈", "홈페이지", "모바일", "기사",
    "news",
    "전체기사", "기사본문", "home", "알림마당", "시정소식", "소식", "정책브리핑",
}


def _norm(text: str) -> str:
    return _WS_RE.sub(" ", text or "").strip()


def _is_decoration(segment: str, site_names: list[str]) -> bool:
    s = segment.strip().lower()
    if not s or s in _DECORATION_WORDS:
        return True
    if s.endswith(("모바일", "mobile")) or s.startswith("모바일"):
        return True
    for name in site_names:
        n = name.strip().lower()
        if n and (s == n or (len(n) >= 2 and n in s and len(s) <= len(n) + 6)):
            return True
    return False


def strip_title_decoration(title: str, site_names: list[str]) -> str:
    """Drop `- 사이트명`, `: 뉴스 : 매체`, `매체 모바일 ::` and `| 매체` parts of a page title."""
    # Old CMSs frame the title with separators (":: 한솔군청 :: 보도자료"): a leading `::`
    # has no space before it, so it would stick to the site name and hide it.
    title = _TITLE_EDGE_RE.sub("", _norm(title))
    parts = _TITLE_SEP_RE.split(title)
    if len(parts) == 1:
        return title
    kept = [p for p in parts if not _is_decoration(p, site_names)]
    if not kept:
        # "서안군청 모바일 :: 보도자료": every part is the site or the menu; no headline here.
        return ""
    if len(kept) == len(parts):
        return title  # no decoration recognised: the separators belong to the headline
    # Keep the original text between the first and last kept part.
    start = title.find(kept[0])
    end = title.rfind(kept[-1]) + len(kept[-1])
    return title[start:end].strip() if 0 <= start < end else " ".join(kept)


def choose_title(
    *, page_title: str = "", og_title: str = "", headings: list[str] = (),
    site_names: list[str] = (), labelled: str = "", fallback: str = "",
) -> str:
    """The headline: a heading that the page title or og:title contains, else a cleaned title,
    else the detail table's 제목 cell (`labelled`), else the first plausible heading."""
    names = [n for n in site_names if n]
    page_title, og_title = _norm(page_title), _norm(og_title)
    for h in headings:
        h = _norm(h)
        if len(h) >= 4 and not _is_decoration(h, names) and (
            (og_title and h in og_title) or (page_title and h in page_title)
        ):
            return h
    for candidate in (og_title, page_title):
        if candidate:
            cleaned = strip_title_decoration(candidate, names)
            if cleaned and not _is_decoration(cleaned, names):
                return cleaned
    if _norm(labelled):
        return _norm(labelled)
    for h in headings:
        h = _norm(h)
        if len(h) >= 4 and not _is_decoration(h, names):
            return h
    return _norm(fallback)


def labelled_title(root) -> str:
    """The cell labelled 제목 in a `th/td`, `td/td` (old table layouts) or `dt/dd` detail
    table, or ""."""
    for label in root.xpath("//th|//dt|//td[following-sibling::td]"):
        if re.sub(r"\s+", "", label.text_content()) in ("제목", "글제목", "title"):
            cell = label.getnext()
            if cell is not None and cell.tag in ("td", "dd"):
                text = _norm(cell.text_content())
                if len(text) >= 2:
                    return text
    return ""


# --- boilerplate ---------------------------------------------------------------------------

_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
BOILERPLATE_PATTERNS = [
    re.compile(r"무단\s*전재|재배포\s*금지|무단\s*복제"),
    re.compile(r"저작권자\s*[©ⓒ(]|copyright\s*(?:©|ⓒ|\(c\))|^\s*[©ⓒ]", re.I),
    re.compile(r"^\s*\S{2,5}\s*(?:기자|특파원|통신원)\s*" + _EMAIL + r"\s*$"),
    re.compile(r"^\s*" + _EMAIL + r"\s*$"),
    re.compile(r"기사\s*제보"),
    re.compile(
        r"^(?:\s*(?:(?:이\s*글\s*)?공유하기|페이스북|facebook|트위터|twitter|카카오톡|카카오스토리|밴드|네이버|"
        r"url\s*복사|링크\s*복사|인쇄|스크랩|글자\s*크기|확대|축소|목록|이전글|다음글|좋아요|SNS\s*공유)"
        r"\s*[|/·:：]?)+$",
        re.I,
    ),
    # WordPress/Jetpack's like button ("이것이 좋아요: 좋아하기 불러오는 중...").
    re.compile(r"좋아하기\s*불러오는\s*중|^\s*이것이\s*좋아요\s*[:：]?\s*$"),
    # An ad slot's label left behind when its script is removed.
    re.compile(r"^\s*(?:광고|AD|advertisement|sponsored|스폰서)\s*$", re.I),
    # The comment box's prompt and count ("댓글을 작성하려면 로그인하세요", "댓글 3").
    re.compile(r"댓글을?\s*(?:작성|입력|남기|쓰)[^.]{0,20}로그인|로그인\s*(?:후|하시면|하셔야)[^.]{0,20}댓글"
               r"|^\s*(?:댓글|전체\s*댓글)\s*[\d,]*\s*(?:개)?\s*$"),
    re.compile(r"본\s*저작물은\s*[\"“']?공공누리|공공누리[^.]{0,40}조건에\s*따라\s*이용"),
    re.compile(r"이\s*페이지의?\s*(?:담당|정보|만족)|만족하십니까"),
    re.compile(r"^\s*기자명\s*[:：]?\s*\S{2,5}(?:\s*기자)?\s*$"),
    re.compile(r"^\s*(?:조회수?|조회)\s*[:：]?\s*[\d,]+\s*$"),
    # An info row: 등록일 2025-12-11 담당부서 일자리정책과 조회수 12 (a `dl` becomes a list).
    re.compile(
        r"^(?:\s*(?:등록일(?:시)?|작성일(?:시)?|입력|수정일?|게시일|승인|담당부서|부서명|등록부서|작성자|기자명"
        r"|조회수?|전화번호|연락처|담당자)\s*[:：]?\s*[^\s:：]+(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)+\s*$"
    ),
]


def is_boilerplate(text: str) -> bool:
    """True for copyright lines, e-mail bylines, 기사제보 lines, share-button rows, KOGL text."""
    text = _norm(text)
    if not text or len(text) > 200:
        return False
    return any(p.search(text) for p in BOILERPLATE_PATTERNS)


_BLOCKS = (
    "p", "div", "li", "span", "section", "footer", "aside", "blockquote", "h4", "h5", "h6",
    "ul", "ol", "dl", "table",
)


# Headings of link boxes that CMSs put inside or right after the article: other articles,
# not this one's text. Matched on the whole heading (a trailing colon or count allowed).
LINK_BOX_HEADINGS = (
    "관련기사", "관련 기사", "관련뉴스", "관련 뉴스", "관련", "관련 글", "관련글", "연관기사",
    "많이 본 뉴스", "많이 본 기사", "많이본뉴스", "가장 많이 본 뉴스", "인기기사", "인기 기사",
    "인기뉴스", "주요뉴스", "주요 뉴스", "최신기사", "최신 기사", "추천기사", "추천 기사",
    "이 시각 주요뉴스", "함께 보면 좋은 기사", "이 기사와 함께 많이 본 뉴스", "related",
    "related posts", "related articles", "most read", "popular",
)
_LINK_BOX_HEADING_RE = re.compile(
    r"^\s*[\[<【]?\s*(?:" + "|".join(re.escape(h) for h in LINK_BOX_HEADINGS)
    + r")\s*[\]>】]?\s*[:：]?\s*$",
    re.I,
)
_HEADING_TAGS = ("h2", "h3", "h4", "h5", "h6", "strong", "b", "p", "dt", "span", "em")


def _mostly_links(el, skip=None) -> bool:
    """True when `el` (without `skip`) is a list of links: at least 60 % of its text is link text."""
    text = _norm(el.text_content())
    if skip is not None:
        text = text.replace(_norm(skip.text_content()), "", 1).strip()
    if not text:
        return False
    linked = sum(len(_norm(a.text_content())) for a in el.iter("a") if not (
        skip is not None and a in skip.iter("a")))
    return linked >= 0.6 * len(text.replace(" ", "")) or linked >= 0.6 * len(text)


def drop_link_boxes(root) -> None:
    """Remove "관련기사" / "많이 본 뉴스" boxes: a heading of LINK_BOX_HEADINGS with links.

    The box is the heading's parent when that is made of links; otherwise the heading and
    the link lists right after it go.
    """
    for h in list(root.iter(*_HEADING_TAGS)):
        if h.getparent() is None or not _LINK_BOX_HEADING_RE.match(_norm(h.text_content())):
            continue
        box = h
        while True:  # climb wrappers that hold only the heading (<div><h3>관련기사</h3></div>)
            parent = box.getparent()
            if parent is None or parent is root or len(parent) != 1:
                break
            box = parent
        parent = box.getparent()
        if parent is not None and parent is not root and _mostly_links(parent, skip=box):
            parent.drop_tree()
            continue
        following = box.getnext()
        dropped = False
        while following is not None and following.tag in ("ul", "ol", "div", "dl", "table", "p") \
                and _mostly_links(following):
            nxt = following.getnext()
            following.drop_tree()
            following, dropped = nxt, True
        if dropped:
            box.drop_tree()


def drop_boilerplate(root) -> None:
    """Remove boilerplate blocks (see `is_boilerplate`, `drop_link_boxes`) from an lxml tree
    in place."""
    drop_link_boxes(root)
    for el in list(root.iter(*_BLOCKS)):
        if el.getparent() is None:
            continue
        text = el.text_content()
        if is_boilerplate(text):
            el.drop_tree()
        elif el.tag in ("div", "section", "aside", "footer", "span") and not text.strip():
            if not len(el.xpath(".//img|.//table")):
                el.drop_tree()


# --- attachments, licence, images ----------------------------------------------------------

ATTACHMENT_EXTENSIONS = (
    "hwp", "hwpx", "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "zip", "odt", "txt", "csv",
)
_ATTACH_EXT_RE = re.compile(r"\.(" + "|".join(ATTACHMENT_EXTENSIONS) + r")\b", re.I)
_SIZE_NOISE_RE = re.compile(
    r"\s*(?:\((?:down|size|다운)[^)]*\)|\[\s*\d[\d.,]*\s*[kmg]?b\s*\]|\(\s*\d[\d.,]*\s*[kmg]?b\s*\)"
    r"|\[?미리보기\]?|\[?바로보기\]?|\[?다운로드\]?)",
    re.I,
)


_FILE_NAME_ATTRS = ("data-file-nm", "data-filename", "data-file-name", "data-orgn-file-nm",
                    "data-name")
_FILE_URL_ATTRS = ("data-url", "data-href", "data-link", "data-file-url", "data-down-url",
                   "data-download", "href")
# A literal address inside an onclick ("location.href='/cmm/fms/FileDown.do?…'").
_ONCLICK_URL_RE = re.compile(r"[\"'](/[^\"'\s]+|https?://[^\"'\s]+)[\"']")


def _attachment_name(text: str) -> str:
    return _SIZE_NOISE_RE.sub("", text).strip()


def find_attachments(root, page_url: str) -> list[Attachment]:
    """Attached files, in page order.

    Links whose href or text ends in a document extension; and download buttons that only
    carry the file's name (`<button data-file-nm="….hwp" onclick="fn_downFile('…')">`) or
    `javascript:` links named like a file. A button's URL is kept when the markup states one
    (a `data-url`-like attribute, or a literal path in its onclick); otherwise the file is
    listed by name only (Attachment.url == ""), and readers get it from the original page.
    """
    found: list[Attachment] = []
    seen: set[str] = set()
    named_only: list[str] = []
    xpath = "//a|//button|" + "|".join(f"//*[@{attr}]" for attr in _FILE_NAME_ATTRS)
    for el in root.xpath(xpath):
        text = _norm(el.text_content()) or _norm(el.get("title") or "")
        name_attr = next((_norm(el.get(a)) for a in _FILE_NAME_ATTRS if el.get(a)), "")
        if el.tag != "a" or name_attr:
            # A download button: its name attribute, else its text if it names a file.
            name = _attachment_name(name_attr or text)
            if not _ATTACH_EXT_RE.search(name):
                continue
            url = ""
            for attr in _FILE_URL_ATTRS:
                url = clean_href(el.get(attr), page_url) if el.get(attr) else ""
                if url:
                    break
            if not url:
                m = _ONCLICK_URL_RE.search(el.get("onclick") or "")
                url = clean_href(m.group(1), page_url) if m else ""
            if url:
                if url not in seen:
                    seen.add(url)
                    found.append(Attachment(name=name, url=url))
            elif name not in named_only:
                named_only.append(name)
                found.append(Attachment(name=name, url=""))
            continue
        href = el.get("href") or ""
        path = urlsplit(href.replace("&amp;", "&")).path
        ext_in_href = bool(re.search(r"\.(" + "|".join(ATTACHMENT_EXTENSIONS) + r")$", path, re.I))
        ext_in_text = bool(_ATTACH_EXT_RE.search(text))
        ext_in_query = bool(_ATTACH_EXT_RE.search(urlsplit(href).query)) and bool(
            re.search(r"down|file|attach", href, re.I)
        )
        if not (ext_in_href or ext_in_text or ext_in_query):
            continue
        if re.fullmatch(r"\[?\s*(미리보기|바로보기|preview)\s*\]?", text, re.I):
            continue
        url = clean_href(href, page_url)
        if not url:
            # `javascript:goDownLoad(…)` (a POST download): the name is still worth showing.
            name = _attachment_name(text)
            if ext_in_text and name not in named_only:
                named_only.append(name)
                found.append(Attachment(name=name, url=""))
            continue
        if url in seen:
            continue
        name = _attachment_name(text) or urlsplit(url).path.rsplit("/", 1)[-1]
        seen.add(url)
        found.append(Attachment(name=name, url=url))
    # A file listed by name and also linked (a label beside its button) is listed once.
    linked = {a.name for a in found if a.url}
    return [a for a in found if a.url or a.name not in linked]


_KOGL_RE = re.compile(r"공공누리[^제]{0,20}제?\s*([1-4])\s*유형")
_KOGL_IMG_RE = re.compile(r"opentype0?([1-4])", re.I)


def detect_license(root) -> str:
    """`공공누리 제N유형` from the KOGL mark's alt text, its image name or its sentence."""
    for img in root.iter("img"):
        alt = img.get("alt") or ""
        m = _KOGL_RE.search(alt) or (
            "공공누리" in alt and re.search(r"제\s*([1-4])\s*유형", alt)
        )
        if not m and "kogl" in (img.get("src") or "").lower():
            m = _KOGL_IMG_RE.search(img.get("src") or "")
        if m:
            return f"공공누리 제{m.group(1)}유형"
    m = _KOGL_RE.search(_norm(root.text_content()))
    return f"공공누리 제{m.group(1)}유형" if m else ""


def _is_content_image(src: str) -> bool:
    low = src.lower()
    return bool(src) and not any(
        k in low
        for k in ("kogl", "opentype", "/icon", "icon_", "btn_", "/btn", "blank.gif", "logo")
    )


# --- article pages -------------------------------------------------------------------------


def _doc(html: str):
    """Parse HTML text with lxml, ignoring an encoding declaration left in decoded text."""
    return lxml.html.document_fromstring(
        html.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8")
    )


def _meta(root, *names: str) -> str:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            found = root.xpath(f'//meta[@{attr}="{name}"]/@content')
            if found and found[0].strip():
                return found[0].strip()
    return ""


_CHROME_MARKER_RE = re.compile(
    r"footer|manager|satisf|charge|copyright|gnb|lnb|nav|page-?_?info", re.I
)
# Words of the box that names who manages the menu page ("이 페이지의 담당부서 홍보실,
# 최종수정일 2019-05-01, 만족하십니까?"). Its department and date are the menu's, not the
# release's, and the box often has no telling class name.
_PAGE_MANAGER_RE = re.compile(
    r"이\s*페이지|페이지\s*담당|콘텐츠\s*(?:담당|관리)|자료\s*관리\s*부서|만족도|만족하십니까"
)
_BOX_TAGS = ("div", "dl", "section", "aside", "ul", "table", "footer", "form")


def page_manager_boxes(root) -> set:
    """The small blocks holding a page-manager notice (see _PAGE_MANAGER_RE)."""
    boxes = set()
    for text in root.xpath("//body//text()[contains(., '페이지') or contains(., '만족') "
                           "or contains(., '콘텐츠') or contains(., '자료')]"):
        if not _PAGE_MANAGER_RE.search(text):
            continue
        parent = text.getparent()
        box = parent if parent.tag in _BOX_TAGS else next(
            (a for a in parent.iterancestors(*_BOX_TAGS)), None)
        # A big block is the page itself (a "이 페이지 인쇄" button in the content area).
        if box is not None and len(_norm(box.text_content())) <= 300:
            boxes.add(box)
    return boxes


def _outside_chrome(el, boxes: set = frozenset()) -> bool:
    """False inside a footer, menu or page-manager box: its 담당부서 and dates are the
    menu's, not the release's."""
    if el in boxes:
        return False
    for anc in el.iterancestors():
        if anc in boxes:
            return False
        marker = f"{anc.tag} {anc.get('id', '')} {anc.get('class', '')}"
        if _CHROME_MARKER_RE.search(marker):
            return False
    return True


_AUTHOR_SUFFIX_RE = re.compile(r"\s*(?:선임|수석|객원|인턴)?\s*(?:기자|특파원|통신원)\s*$")


def clean_author(text: str) -> str:
    """A byline as a name: no e-mail address, no 기자 title, no label.

    RSS `author` is often "mail@host (Name)"; ndsoft feeds say "홍길동 기자".
    """
    text = _norm(text)
    m = re.fullmatch(r"\S+@\S+\s*\((.+)\)", text)
    if m:
        text = m.group(1)
    text = re.sub(_EMAIL, " ", text)
    text = re.sub(r"^(?:기자명|작성자|담당부서|부서명|등록부서|글쓴이|by)\s*[:：]?\s*", "", _norm(text),
                  flags=re.I)
    bare = _AUTHOR_SUFFIX_RE.sub("", text)
    if len(bare.strip()) >= 2:  # "이기자" is a name; "홍길동기자" is 홍길동
        text = bare
    text = text.strip(" ()[]=,/")
    if text.startswith(("http://", "https://")) or len(text) > 60:
        return ""
    return text


# A department is not a reporter: "[사이트=예산과 기자]" would misstate who wrote the release,
# so the writer puts it in `Department` (shown with the 뉴스출처 credit) instead. Suffixes of Korean public bodies' units; the short
# ones only from three syllables (예산과), or four for 국/단/계, which end personal names too.
_DEPT_LONG = ("담당관", "사무국", "사무처", "사업소", "위원회", "센터", "본부", "지원단", "추진단",
              "보건소", "도서관", "협의회")
_DEPT_SHORT3 = ("과", "팀", "실", "부", "처")
_DEPT_SHORT4 = ("국", "단", "계", "원", "소")


def is_department(name: str) -> bool:
    """True when a byline names an office (일자리정책과, 의회사무국), not a person."""
    name = re.sub(r"\s+", "", name)
    if not name or not re.fullmatch(r"[가-힣·()0-9]+", name):
        return False
    if name.endswith(_DEPT_LONG):
        return True
    n = len(name)
    return (n >= 3 and name.endswith(_DEPT_SHORT3)) or (n >= 4 and name.endswith(_DEPT_SHORT4))


# The body containers of common Korean board and news CMSs, most specific first (data, as
# trafilatura keeps its XPaths). A short release on a page full of menus is where a
# text-density extractor fails: it keeps the whole page. A container named like this, holding
# real text, is the body; otherwise trafilatura decides.
LIKELY_BODY_XPATHS = [
    '//*[@itemprop="articleBody"]',
    '//*[@id="article-view-content-div"]',
    '//*[@id="bo_v_con"]',
    '//*[@id="articleBody" or @id="article_body" or @id="newsContent" or @id="news_content"]',
    '//div[contains(concat(" ", normalize-space(@class), " "), " view-content ")]',
    '//div[contains(concat(" ", normalize-space(@class), " "), " view_content ")]',
    '//div[contains(concat(" ", normalize-space(@class), " "), " view-con ")]',
    '//div[contains(concat(" ", normalize-space(@class), " "), " view_cont ")]',
    '//div[contains(concat(" ", normalize-space(@class), " "), " bbs_view_cont ")]',
    '//div[contains(concat(" ", normalize-space(@class), " "), " board_view_cont ")]',
    '//div[contains(concat(" ", normalize-space(@class), " "), " article-body ")]',
    '//div[contains(concat(" ", normalize-space(@class), " "), " article_body ")]',
    '//div[contains(concat(" ", normalize-space(@class), " "), " news-content ")]',
    # WordPress themes (and Jetpack's share and like blocks inside it, removed beforehand).
    '//div[contains(concat(" ", normalize-space(@class), " "), " entry-content ")]',
    # Old table-layout CMSs: the release is one cell of a detail table.
    '//td[contains(concat(" ", normalize-space(@class), " "), " content ")]',
    '//td[contains(concat(" ", normalize-space(@class), " "), " view_content ")]',
    '//td[contains(concat(" ", normalize-space(@class), " "), " board_content ")]',
]
_LIKELY_BODY = [lxml.etree.XPath(x) for x in LIKELY_BODY_XPATHS]
LIKELY_BODY_MIN_CHARS = 40


# Class and id words of page parts that are never the article: comments, related and popular
# article boxes, share and like buttons, ad slots. A word matches a whole token or a
# hyphen/underscore-separated part of one (`article-relation`, `div-gpt-ad-inread`,
# `jp-relatedposts`), so `head` or `thread` never match `ad`.
BOILERPLATE_MARKERS = (
    "comment", "comments", "cmt", "reply", "replies", "disqus",
    "related", "relation", "relatedposts", "relate", "rel-news", "popular", "ranking", "rank",
    "most-viewed", "mostviewed", "best-news", "hot-news",
    "share", "sharing", "sharedaddy", "sns", "social", "likes", "like", "sd-like",
    "ad", "ads", "adsense", "advert", "advertisement", "gpt-ad", "banner", "sponsor",
    "post-navigation", "nav-links", "prev-next",
)
_MARKER_RE = re.compile(
    r"(?:^|[\s_-])(?:" + "|".join(re.escape(m) for m in BOILERPLATE_MARKERS) + r")(?=$|[\s_-])",
    re.I,
)
# Never removed as a whole, whatever its class says (`<body class="has-comments">`).
_NEVER_DROPPED = ("html", "body", "main", "article")


def drop_boilerplate_containers(root) -> None:
    """Remove elements whose class or id names a comment box, a related-articles or ranking
    box, share/like buttons or an ad slot (BOILERPLATE_MARKERS), in place.

    An element that holds the page's h1 or a LIKELY_BODY_XPATHS container is kept: its class
    describes a wrapper, not a box.
    """
    keep = set()
    for xpath in _LIKELY_BODY:
        for el in xpath(root):
            keep.add(el)
            keep.update(el.iterancestors())
    for h1 in root.iter("h1"):
        keep.update(h1.iterancestors())
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.tag in _NEVER_DROPPED or el in keep:
            continue
        marker = f"{el.get('class', '')} {el.get('id', '')}".strip()
        if marker and el.getparent() is not None and _MARKER_RE.search(marker):
            el.drop_tree()


def likely_body(root) -> str:
    """The inner HTML of a well-known body container holding real text, else ''."""
    for xpath in _LIKELY_BODY:
        found = xpath(root)
        if len(found) != 1:  # none, or a list page with many: not an article's body
            continue
        el = found[0]
        if len(_norm(el.text_content())) < LIKELY_BODY_MIN_CHARS:
            continue
        return _escape_text(el.text or "") + "".join(
            lxml.html.tostring(child, encoding="unicode") for child in el)
    return ""


# Subtitles that news CMSs mark by class outside the body (`h2.sub`, `.subtitle`, …): data.
SUBTITLE_CLASSES = ("subtitle", "sub-title", "sub_title", "sub", "article-subtitle",
                    "subject-sub", "view-subtitle", "summary-title")
_SUBTITLE_XPATH = lxml.etree.XPath(
    "|".join(f'//*[self::h2 or self::h3 or self::h4 or self::p or self::div or self::strong]'
             f'[contains(concat(" ", normalize-space(@class), " "), " {c} ")]'
             for c in SUBTITLE_CLASSES))


def marked_subtitle(root, title: str) -> str:
    """A subtitle the page marks by class, when it is a short line that is not the title."""
    for el in _SUBTITLE_XPATH(root):
        text = _norm(el.text_content()).strip(" -–―")
        if 5 <= len(text) <= 200 and text != title and not el.xpath(".//img|.//table|.//a"):
            return text
    return ""


_SUBTITLE_RE = re.compile(r"^\s*[-–―]\s*(.{4,}?)\s*[-–―]\s*$")


def _select_html(soup: BeautifulSoup, selector: str) -> str:
    el = soup.select_one(selector)
    return el.decode_contents() if el is not None else ""


def _select_text(soup: BeautifulSoup, selector: str | None) -> str:
    if not selector:
        return ""
    el = soup.select_one(selector)
    return _norm(el.get_text(" ", strip=True)) if el is not None else ""


_CODE_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg")


def _drop_code(root) -> None:
    """Remove elements whose text is code, not prose (it would leak into summaries)."""
    for el in list(root.iter(*_CODE_TAGS)):
        if el.getparent() is not None:
            el.drop_tree()


def _absolutise(root, base_url: str) -> None:
    for el in root.iter("a", "img"):
        attr = "href" if el.tag == "a" else "src"
        value = el.get(attr)
        if value is None:
            continue
        url = clean_href(value, base_url)
        if url:
            el.set(attr, url)
        else:
            del el.attrib[attr]


def parse_article(
    html: str,
    url: str,
    *,
    selectors: Mapping[str, str] | None = None,
    site_names: list[str] = (),
    default_license: str = "",
) -> Record:  # noqa: C901 - one linear pass over the page, field by field
    """Extract one article page.

    Args:
        html: the page, decoded.
        url: the page's URL (relative links are resolved against it).
        selectors: the source's `title`, `date`, `body`, `author` selectors; generic extraction
            (trafilatura) for what is absent.
        site_names: names to strip from `<title>` decorations (the source's name, og:site_name).
        default_license: the source's licence, used when the page shows no 공공누리 mark.

    Returns:
        A Record; `body_html` is not yet sanitised (see markdown.sanitize_html).
    """
    selectors = selectors or {}
    html = normalise_text(html)
    root = _doc(html)
    soup = BeautifulSoup(html, "lxml") if selectors else None
    names = [*site_names, _meta(root, "og:site_name")]

    # Title
    sel_title = _select_text(soup, selectors.get("title")) if soup is not None else ""
    page_title = _norm(" ".join(root.xpath("//title//text()")))
    headings = [_norm(h.text_content()) for h in root.xpath("//h1|//h2|//h3")][:12]
    title = choose_title(
        page_title=page_title, og_title=_meta(root, "og:title", "twitter:title"),
        headings=headings, site_names=names, labelled=labelled_title(root),
    )
    if sel_title:
        title = strip_title_decoration(sel_title, names)

    # Body
    body_html = ""
    if soup is not None and selectors.get("body"):
        body_html = _select_html(soup, selectors["body"])
    # A tree of its own (the page's stays whole for dates and authors) without comment,
    # related-article, share and ad boxes, which often sit inside the body container.
    tree = _doc(html) if not body_html else None
    if tree is not None:
        drop_boilerplate_containers(tree)
        body_html = likely_body(tree)
    if not body_html and tree is not None:
        # fast=True skips trafilatura's second opinion (readability/jusText comparison): it
        # halves the time per page, and our boilerplate pass below removes what it would.
        # trafilatura drops <figcaption>, and with it the photo credit "(사진=…)": captions
        # become paragraphs in the tree it is given (it edits that tree).
        for caption in tree.iter("figcaption"):
            caption.tag = "p"
        body_html = trafilatura.extract(
            tree, url=url, output_format="html", include_tables=True, include_images=True,
            include_links=True, include_formatting=True, with_metadata=False, favor_recall=True,
            deduplicate=False, fast=True,
        ) or ""
    body = lxml.html.fragment_fromstring(body_html or "<p></p>", create_parent="div")
    _drop_code(body)
    _absolutise(body, url)
    drop_boilerplate(body)
    # The headline repeated at the top of the body.
    for el in body.iter("h1", "h2", "h3", "p"):
        if _norm(el.text_content()) == title:
            el.drop_tree()
        break
    subtitle = _select_text(soup, selectors.get("subtitle")) if soup is not None else ""
    if not subtitle:
        subtitle = marked_subtitle(root, title)
        for el in list(body.iter("p", "h2", "h3", "h4", "div", "strong"))[:4] if subtitle else []:
            if _norm(el.text_content()).strip(" -–―") == subtitle:
                el.drop_tree()  # shown as the subtitle, not again as the body's first line
                break
    for el in [] if subtitle else list(body.iter("p", "h2", "h3", "h4", "div"))[:4]:
        m = _SUBTITLE_RE.match(_norm(el.text_content()))
        if m and not len(el.xpath(".//img|.//table")):
            subtitle = m.group(1)
            el.drop_tree()
            break
    for br in body.iter("br"):  # so text_content() keeps a space where a line broke
        br.tail = " " + (br.tail or "")
    body_text = _norm(body.text_content())
    body_html = "".join(
        lxml.html.tostring(child, encoding="unicode") for child in body
    )
    if body.text and body.text.strip():
        body_html = f"<p>{_escape_text(body.text)}</p>" + body_html

    # Dates: selector, meta, then a labelled date outside the footer.
    boxes = page_manager_boxes(root)
    page_text = "\n".join(
        _norm(t) for t in root.xpath("//body//text()[normalize-space()]")
        if _outside_chrome(t.getparent(), boxes)
    )
    date = None
    if soup is not None and selectors.get("date"):
        date = parse_date(_select_text(soup, selectors["date"]))
    date = date or parse_date(
        _meta(root, "article:published_time", "og:article:published_time", "datePublished",
              "pubdate", "date", "dcterms.date")
    )
    if date is None:
        times = root.xpath("//time/@datetime")
        date = parse_date(times[0]) if times else None
    date = date or find_labelled_date(page_text, _PUBLISHED_LABEL_RE)
    modified = parse_date(_meta(root, "article:modified_time", "og:updated_time", "dateModified"))
    modified = modified or find_labelled_date(page_text, _MODIFIED_LABEL_RE)
    if modified and date and modified <= date:
        modified = None

    # Author: selector, meta, byline, or the release's 담당부서.
    author = _select_text(soup, selectors.get("author")) if soup is not None else ""
    author = author or _meta(root, "author", "article:author", "dable:author")
    if not author:
        m = re.search(r"기자명\s*[:：]?\s*(\S{2,5})\s*기자", page_text) or re.search(
            r"(?:담당\s*부서|부서명|등록부서|작성부서|작성자)\s*[:：]?\s*\n?\s*"
            r"([가-힣A-Za-z0-9]{2,20})",
            page_text,
        )
        author = m.group(1) if m else ""
    author = clean_author(author)

    images = []
    for img in body.iter("img"):
        src = img.get("src") or ""
        if _is_content_image(src) and src not in images:
            images.append(src)

    summary = _meta(root, "og:description", "description")
    if not summary or len(summary) < 20 or summary == title or _is_decoration(summary, names):
        # Paragraph text reads better than table cells run together.
        summary = " ".join(_norm(p.text_content()) for p in body.iter("p")) or body_text

    return Record(
        url=url,
        title=title,
        body_html=body_html,
        subtitle=subtitle,
        date=date,
        modified=modified,
        author=author,
        summary=_shorten(summary, 200),
        images=tuple(images),
        attachments=tuple(find_attachments(_attachment_scope(root, soup, selectors), url)),
        license=detect_license(root) or default_license,
        category_hint=_meta(root, "article:section"),
    )


def _attachment_scope(root, soup, selectors: Mapping[str, str]):
    """The part of the page to look for attachments in: the source's selector, else all."""
    if soup is None or not selectors.get("attachments"):
        return root
    found = soup.select(selectors["attachments"])
    html = "".join(str(el) for el in found) or "<p></p>"
    return lxml.html.fragment_fromstring(html, create_parent="div")


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_BULLET_LEAD_RE = re.compile(r"^[\s□■○●◦ㅇ◆◇▶▣※*·-]+")


def _shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary, with an ellipsis when cut."""
    text = _BULLET_LEAD_RE.sub("", _norm(text))
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,.") + "…"


def record_from_feed_item(item: FeedItem, *, default_license: str = "") -> Record:
    """A record from a feed item that carries the full text (no page fetch needed)."""
    body = lxml.html.fragment_fromstring(item.content_html or "<p></p>", create_parent="div")
    _drop_code(body)
    _absolutise(body, item.url)
    drop_boilerplate(body)
    images = tuple(
        dict.fromkeys(
            img.get("src") for img in body.iter("img") if _is_content_image(img.get("src") or "")
        )
    )
    text = _norm(body.text_content())
    return Record(
        url=item.url,
        title=item.title,
        body_html="".join(lxml.html.tostring(c, encoding="unicode") for c in body)
        or f"<p>{_escape_text(body.text or '')}</p>",
        date=item.date,
        modified=item.updated,
        author=item.author,
        summary=_shorten(item.summary or text, 200),
        images=images,
        attachments=tuple(find_attachments(body, item.url)),
        license=detect_license(body) or default_license,
        category_hint=item.categories[0] if item.categories else "",
    )


# --- data.go.kr 정책브리핑 API -------------------------------------------------------------

# resultCode values of the data.go.kr gateway that mean "fine": 0/00 a page of items,
# 3/03 NODATA_ERROR (nothing in that window).
API_OK_CODES = ("0", "00")
API_NODATA_CODES = ("3", "03")


@dataclass(frozen=True)
class ApiItem:
    """One `NewsItem` of a press-release API reply."""

    item_id: str
    title: str
    html: str
    date: datetime | None
    modified: datetime | None
    status: str  # "I" new, "U" updated
    ministry: str
    url: str  # OriginalUrl, http(s) or ""
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class ApiPage:
    """A reply: its result code and message, the total count and the items."""

    code: str
    message: str
    total: int | None
    items: tuple[ApiItem, ...]

    @property
    def ok(self) -> bool:
        return self.code in API_OK_CODES or self.code in API_NODATA_CODES


class ApiError(ValueError):
    """A reply that is an error: the gateway's or the service's code and message."""


# No entities, no DTD, no network: an API reply is data, and lxml must not fetch or expand.
_XML_PARSER = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                                   huge_tree=False, remove_comments=True)


def _xml_text(el, name: str) -> str:
    found = el.find(name)
    return normalise_text(found.text or "").strip() if found is not None and found.text else ""


def parse_api_reply(content: bytes) -> ApiPage:
    """Read a data.go.kr XML reply (`<response><header><resultCode>…`, `NewsItem`s in body).

    Raises:
        ApiError: a gateway error (`OpenAPI_ServiceResponse`: no key, unregistered key,
            quota) or a reply that is not XML of either shape.
    """
    try:
        root = lxml.etree.fromstring(content, _XML_PARSER)
    except lxml.etree.XMLSyntaxError as exc:
        raise ApiError(f"not an XML API reply ({exc})") from None
    if root is None:
        raise ApiError("empty API reply")
    if root.tag == "OpenAPI_ServiceResponse":
        header = root.find("cmmMsgHeader")
        header = header if header is not None else root
        auth = _xml_text(header, "returnAuthMsg")
        code = _xml_text(header, "returnReasonCode")
        msg = _xml_text(header, "errMsg")
        raise ApiError(f"gateway error {auth or msg or 'unknown'}"
                       + (f" (returnReasonCode {code})" if code else ""))
    if root.tag != "response":
        raise ApiError(f"unexpected XML reply <{root.tag}>")
    header = root.find("header")
    code = _xml_text(header, "resultCode") if header is not None else ""
    message = _xml_text(header, "resultMsg") if header is not None else ""
    if not code:
        raise ApiError("API reply without a resultCode")
    body = root.find("body")
    total = None
    items: list[ApiItem] = []
    if body is not None:
        count = _xml_text(body, "totalCount")
        total = int(count) if count.isdigit() else None
        news = body.findall("NewsItem") or body.findall("items/item") or body.findall(
            "items/NewsItem")
        for el in news:
            items.append(_api_item(el))
    return ApiPage(code, message, total, tuple(items))


def _api_item(el) -> ApiItem:
    url = _xml_text(el, "OriginalUrl")
    url = clean_href(url, url) if url.lower().startswith(("http://", "https://")) else ""
    names = [normalise_text(n.text or "").strip() for n in el.findall("FileName")]
    links = [normalise_text(n.text or "").strip() for n in el.findall("FileUrl")]
    files = []
    for i, link in enumerate(links):
        href = clean_href(link, url or link)
        if href:
            name = names[i] if i < len(names) and names[i] else href.rsplit("/", 1)[-1]
            files.append(Attachment(_attachment_name(name) or name, href))
    status = _xml_text(el, "ContentsStatus").upper()
    return ApiItem(
        item_id=_xml_text(el, "NewsItemId"),
        title=_WS_RE.sub(" ", _xml_text(el, "Title")),
        html=_xml_text(el, "DataContents"),
        date=parse_date(_xml_text(el, "ApproveDate")),
        modified=parse_date(_xml_text(el, "ModifyDate")) if status == "U" else None,
        status=status or "I",
        ministry=_WS_RE.sub(" ", _xml_text(el, "MinisterCode")),
        url=url,
        attachments=tuple(files),
    )


def record_from_api_item(item: ApiItem, url: str, *, default_license: str = "") -> Record:
    """A record from an API item: its HTML cleaned like a feed's, the ministry (MinisterCode)
    as the issuing office (`Department`, shown with the source's credit)."""
    feed = FeedItem(url=url, title=item.title, date=item.date, updated=item.modified,
                    content_html=item.html or "<p></p>")
    record = record_from_feed_item(feed, default_license=default_license)
    files = tuple(dict.fromkeys([*record.attachments, *item.attachments]))
    # A `- 부제 -` line at the top is the subtitle, as on article pages.
    body = lxml.html.fragment_fromstring(record.body_html or "<p></p>", create_parent="div")
    subtitle = ""
    for el in list(body.iter("p", "h2", "h3", "h4", "div"))[1:5]:
        m = _SUBTITLE_RE.match(_norm(el.text_content()))
        if m and not len(el.xpath(".//img|.//table")):
            subtitle = m.group(1)
            el.drop_tree()
            break
    body_html = "".join(lxml.html.tostring(c, encoding="unicode") for c in body) or "<p></p>"
    return Record(**{
        **record.__dict__,
        "body_html": body_html if subtitle else record.body_html,
        "subtitle": subtitle,
        "attachments": files,
        "department": item.ministry,
    })
