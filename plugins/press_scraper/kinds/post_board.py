"""Kind "post": a board read by form POSTs (새올 and other boards whose rows open articles
with `searchDetail('123')` scripts), configured in `[sources.post]`."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bs4 import BeautifulSoup

from ..discovery import decode, form_url, selectors_of, signature
from ..encoding import has_invisible, normalise_text
from ..fetch import FetchError, FormPost
from ..listing import is_pinned
from ..schema import check_http_url, check_int, check_subtable
from ..text import WS_RE

logger = logging.getLogger(__name__)

TABLE = "post"
POST_KEYS = (
    "list_form", "page_field", "first_page", "detail_url", "detail_method", "detail_id_pattern",
    "detail_form", "link_url", "idempotent",
)
FORM_FIELD_RE = re.compile(r"^[A-Za-z0-9_.\-\[\]]{1,64}$")


@dataclass(frozen=True)
class PostBoard:
    """`[sources.post]`: a board whose list and articles are reached by form POSTs (새올)."""

    detail_url: str
    detail_id_pattern: str
    detail_form: tuple[tuple[str, str], ...]
    list_form: tuple[tuple[str, str], ...] = ()
    page_field: str = "pageIndex"
    first_page: int = 1
    detail_method: str = "post"
    link_url: str | None = None
    idempotent: bool = False

    @property
    def extra_urls(self) -> tuple[str, ...]:
        """URLs besides the source's own that the operator named (their hosts are trusted)."""
        return (self.detail_url,)

    @property
    def id_regex(self) -> re.Pattern:
        return re.compile(self.detail_id_pattern)

    def form_for(self, item_id: str) -> tuple[tuple[str, str], ...]:
        """The detail form with `{id}` filled in."""
        return tuple((k, v.replace("{id}", item_id)) for k, v in self.detail_form)


# --- configuration ------------------------------------------------------------------------


def parse_config(raw: Any, fail) -> PostBoard:
    """Validate `[sources.post]`."""
    check_subtable(raw, "post", POST_KEYS, fail)
    for key in ("detail_url", "detail_id_pattern", "detail_form"):
        if key not in raw:
            raise fail(f"post.{key}", "missing (required for kind = \"post\")")
    problem = check_http_url(raw["detail_url"])
    if problem:
        raise fail("post.detail_url", problem)
    pattern = raw["detail_id_pattern"]
    if not isinstance(pattern, str) or not pattern:
        raise fail("post.detail_id_pattern", f"expected a regular expression string, got {pattern!r}")
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise fail("post.detail_id_pattern", f"invalid regular expression {pattern!r}: {exc}") from None
    if compiled.groups != 1:
        raise fail("post.detail_id_pattern",
                   f"needs exactly one capturing group (the id), has {compiled.groups}: {pattern!r}")
    detail_form = form_table(raw["detail_form"], "post.detail_form", fail, template=True)
    if not any("{id}" in v for _, v in detail_form):
        raise fail("post.detail_form", "no field holds {id} (where the article's id goes)")
    list_form = form_table(raw.get("list_form", {}), "post.list_form", fail, template=False)
    page_field = raw.get("page_field", PostBoard.page_field)
    if not isinstance(page_field, str) or not FORM_FIELD_RE.match(page_field):
        raise fail("post.page_field", f"expected a form field name, got {page_field!r}")
    if page_field in dict(list_form):
        raise fail("post.page_field", f"{page_field!r} is also in list_form; set it in one place")
    first_page = check_int(raw, "first_page", PostBoard.first_page, 0, 1, fail, where="post",
                           expected="0 or 1")
    method = raw.get("detail_method", PostBoard.detail_method)
    if method not in ("post", "get"):
        raise fail("post.detail_method", f"expected \"post\" or \"get\", got {method!r}")
    link_url = raw.get("link_url")
    if link_url is not None:
        if not isinstance(link_url, str):
            raise fail("post.link_url", f"expected a URL string, got {link_url!r}")
        rest = link_url.replace("{id}", "")
        problem = check_http_url(link_url.replace("{id}", "0"))
        if problem:
            raise fail("post.link_url", problem)
        if "{" in rest or "}" in rest:
            raise fail("post.link_url", f"{link_url!r}: only {{id}} may be filled in")
    idempotent = raw.get("idempotent", False)
    if not isinstance(idempotent, bool):
        raise fail("post.idempotent", f"expected true or false, got {idempotent!r}")
    return PostBoard(
        detail_url=raw["detail_url"], detail_id_pattern=pattern, detail_form=detail_form,
        list_form=list_form, page_field=page_field, first_page=first_page,
        detail_method=method, link_url=link_url, idempotent=idempotent,
    )


def form_table(value: Any, key: str, fail, *, template: bool) -> tuple[tuple[str, str], ...]:
    """A form table (`{ name = "value", … }`) as sorted pairs; numbers become strings."""
    if not isinstance(value, Mapping):
        raise fail(key, f"expected a table of form fields, got {value!r}")
    pairs = []
    for name, raw in value.items():
        if not FORM_FIELD_RE.match(name):
            raise fail(key, f"form field name {name!r} must be ASCII letters, digits, _ . - [ ]")
        if isinstance(raw, bool) or not isinstance(raw, (str, int)):
            raise fail(key, f"field {name!r}: expected a string or an integer, got {raw!r}")
        text = str(raw)
        if "\n" in text or "\r" in text or has_invisible(text):
            raise fail(key, f"field {name!r}: value must be one line of visible text")
        rest = text.replace("{id}", "") if template else text
        if "{" in rest or "}" in rest:
            allowed = "only {id} may be filled in" if template else "no placeholders here"
            raise fail(key, f"field {name!r}: {text!r} has braces ({allowed})")
        pairs.append((name, text))
    return tuple(sorted(pairs))


def check_selectors(sel, fail) -> None:
    if "next_page" in sel:
        raise fail("selectors.next_page", "kind = \"post\" pages with post.page_field")


def direct_record(cand) -> None:
    return None


# --- discovery ----------------------------------------------------------------------------


def discover(source, fetcher, add) -> None:
    """Pages of a POST board: `list_form` plus `page_field=N`, until a page adds no new id."""
    board = source.spec
    regex = board.id_regex
    selectors = selectors_of(source)
    ids: set[str] = set()
    for n in range(source.max_pages):
        page = board.first_page + n
        form = tuple(sorted([*board.list_form, (board.page_field, str(page))]))
        where = f"{source.url} (POST {board.page_field}={page})"
        try:
            result = fetcher.post(source.url, form, kind="list", idempotent=board.idempotent)
        except FetchError as exc:
            if n == 0:
                raise FetchError(where, exc.reason, status=exc.status) from None
            logger.warning("%s: list page %s failed (%s); keeping the %d items found",
                           source.id, where, exc.reason, len(ids))
            break
        refs = parse_post_list(decode(result, "list"), regex, selectors)
        if n == 0 and not refs:
            raise ValueError(f"{where}: no rows matching post.detail_id_pattern "
                             f"{board.detail_id_pattern!r} on the list page")
        fresh = [r for r in refs if r.id not in ids]
        if not fresh:  # past the last page a board shows it again, or nothing
            break
        for ref in fresh:
            ids.add(ref.id)
            detail_form = board.form_for(ref.id)
            url = form_url(board.detail_url, detail_form)
            request = (FormPost(board.detail_url, detail_form, board.idempotent)
                       if board.detail_method == "post" else url)
            link = board.link_url.replace("{id}", ref.id) if board.link_url else url
            add(url, title=ref.title, signature=signature(ref.title), request=request,
                link=link)


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
        rows = [r for r in soup.select(selectors["list_item"]) if not is_pinned(r)]
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
            if item_id in seen or (row is not None and is_pinned(row)):
                break
            seen.add(item_id)
            text = el.get_text(" ", strip=True) or el.get("title", "")
            refs.append(DetailRef(item_id, WS_RE.sub(" ", text)))
            break
    return refs
