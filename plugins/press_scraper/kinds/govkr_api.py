"""Kind "api": the data.go.kr 정책브리핑 press-release API, configured in `[sources.api]`.

Every press release of the last `lookback_days`, in windows of at most three days (the API
refuses longer ones), page by page. The service key comes from an environment variable and
never appears in a URL we log, report or cache (see fetch.secrets). A reply carries the whole
release (HTML, ministry, attachments): no page is fetched.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from datetime import date as Date
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import lxml.etree
import lxml.html

from newsroom.core.model import now_kst

from .. import markdown as md
from ..article import record_from_feed_item
from ..attachments import attachment_name
from ..dates import parse_loose_date
from ..discovery import form_url, signature
from ..encoding import normalise_text
from ..fetch import FetchError
from ..records import Attachment, FeedItem, Record
from ..schema import check_int, check_subtable
from ..text import WS_RE, clean_href
from ..titles import take_dashed_subtitle

logger = logging.getLogger(__name__)

TABLE = "api"
API_KEYS = ("api_key_env", "lookback_days", "rows")
ENV_NAME_RE = re.compile(r"^[A-Z_][A-Z0-9_]{0,63}$")
API_MAX_WINDOW_DAYS = 3  # data.go.kr refuses more with resultCode 98 THREE_DAYS_OVER_ERROR


@dataclass(frozen=True)
class ApiSpec:
    """`[sources.api]`: the data.go.kr 정책브리핑 press-release API."""

    api_key_env: str
    lookback_days: int = 3
    rows: int = 100


def parse_config(raw: Any, fail) -> ApiSpec:
    """Validate `[sources.api]`."""
    check_subtable(raw, "api", API_KEYS, fail)
    env = raw.get("api_key_env")
    if env is None:
        raise fail("api.api_key_env", "missing (required for kind = \"api\"): the name of the "
                                      "environment variable holding the service key")
    if not isinstance(env, str) or not ENV_NAME_RE.match(env):
        raise fail("api.api_key_env", f"expected an environment variable name like "
                                      f"'DATA_GO_KR_KEY' (the key itself never goes in this "
                                      f"file), got a {type(env).__name__} of {len(str(env))} "
                                      f"characters")
    days = check_int(raw, "lookback_days", ApiSpec.lookback_days, 1, 31, fail, where="api")
    rows = check_int(raw, "rows", ApiSpec.rows, 1, 1000, fail, where="api")
    return ApiSpec(api_key_env=env, lookback_days=days, rows=rows)


def check_selectors(sel, fail) -> None:
    if sel:
        raise fail("selectors", "kind = \"api\" reads XML, not pages: no selectors")


def direct_record(cand) -> Record:
    return record_from_api_item(cand.item, cand.link or cand.url,
                                default_license=cand.source.license or "")


# --- discovery ----------------------------------------------------------------------------


def api_windows(today: Date, days: int) -> list[tuple[Date, Date]]:
    """`days` days up to `today` as (start, end) windows of at most three days (both ends
    inclusive), newest first: the API answers resultCode 98 to a longer one."""
    windows = []
    end = today
    left = days
    while left > 0:
        span = min(API_MAX_WINDOW_DAYS, left)
        start = end - timedelta(days=span - 1)
        windows.append((start, end))
        end = start - timedelta(days=1)
        left -= span
    return windows


def _api_error(url: str, exc: FetchError) -> Exception:
    """A failed API request, with the gateway's reason when its error page says one."""
    if exc.body:
        try:
            parse_api_reply(exc.body)
        except ApiError as err:
            return ValueError(f"{url}: {exc.reason}: {err}")
    return exc


def discover(source, fetcher, add, *, today: Date | None = None) -> None:
    """Every press release of the last `lookback_days`, window by window, page by page."""
    spec = source.spec
    key = os.environ.get(spec.api_key_env, "").strip()
    if not key:
        raise ValueError(f"{source.url}: environment variable {spec.api_key_env} (the service "
                         f"key) is not set")
    today = today or now_kst().date()
    for start, end in api_windows(today, spec.lookback_days):
        for page_no in range(1, source.max_pages + 1):
            params = [("startDate", start.strftime("%Y%m%d")), ("endDate", end.strftime("%Y%m%d")),
                      ("numOfRows", str(spec.rows)), ("pageNo", str(page_no))]
            parts = urlsplit(source.url)
            query = "&".join(q for q in (parts.query, urlencode(params)) if q)
            url = urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
            try:
                result = fetcher.get(url, kind="feed", secret_query=(("serviceKey", key),),
                                     error_body=True)
            except FetchError as exc:
                raise _api_error(url, exc) from None
            try:
                page = parse_api_reply(result.content)
            except ApiError as exc:
                raise ValueError(f"{url}: {_scrub(str(exc), key)}") from None
            if not page.ok:
                raise ValueError(f"{url}: API resultCode {page.code} "
                                 f"({_scrub(page.message, key) or 'no message'})")
            for item in page.items:
                _add_api_item(source, item, add)
            if len(page.items) < spec.rows or (
                page.total is not None and page_no * spec.rows >= page.total
            ):
                break
        else:
            logger.warning("%s: %s to %s has more than %d pages of %d; the rest is left out "
                           "(raise max_pages or rows)", source.id, start, end, source.max_pages,
                           spec.rows)


def _scrub(text: str, key: str) -> str:
    return text.replace(key, "***") if key else text


def _add_api_item(source, item: ApiItem, add) -> None:
    if item.url:
        url = item.url
    elif item.item_id and re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", item.item_id):
        url = form_url(source.url, [("NewsItemId", item.item_id)])
    else:
        logger.warning("%s: a NewsItem without OriginalUrl or NewsItemId (%r) is left out",
                       source.id, item.title[:60])
        return
    sig = signature(item.title, item.date, item.modified, item.status, item.ministry,
                     md.content_hash(item.html), [(a.name, a.url) for a in item.attachments])
    add(url, title=item.title, signature=sig, item=item, link=item.url)


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
            items.append(_read_news_item(el))
    return ApiPage(code, message, total, tuple(items))


def _read_news_item(el) -> ApiItem:
    url = _xml_text(el, "OriginalUrl")
    url = clean_href(url, url) if url.lower().startswith(("http://", "https://")) else ""
    names = [normalise_text(n.text or "").strip() for n in el.findall("FileName")]
    links = [normalise_text(n.text or "").strip() for n in el.findall("FileUrl")]
    files = []
    for i, link in enumerate(links):
        href = clean_href(link, url or link)
        if href:
            name = names[i] if i < len(names) and names[i] else href.rsplit("/", 1)[-1]
            files.append(Attachment(attachment_name(name) or name, href))
    status = _xml_text(el, "ContentsStatus").upper()
    return ApiItem(
        item_id=_xml_text(el, "NewsItemId"),
        title=WS_RE.sub(" ", _xml_text(el, "Title")),
        html=_xml_text(el, "DataContents"),
        date=parse_loose_date(_xml_text(el, "ApproveDate")),
        modified=parse_loose_date(_xml_text(el, "ModifyDate")) if status == "U" else None,
        status=status or "I",
        ministry=WS_RE.sub(" ", _xml_text(el, "MinisterCode")),
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
    subtitle = take_dashed_subtitle(list(body.iter("p", "h2", "h3", "h4", "div"))[1:5])
    body_html = "".join(lxml.html.tostring(c, encoding="unicode") for c in body) or "<p></p>"
    return Record(**{
        **record.__dict__,
        "body_html": body_html if subtitle else record.body_html,
        "subtitle": subtitle,
        "attachments": files,
        "department": item.ministry,
    })
