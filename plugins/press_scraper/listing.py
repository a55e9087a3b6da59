"""What list pages (HTML and POST boards) share: pinned 공지 rows, and finding the board.

A list page of a Korean 보도자료 board carries much more than the board: menus, quick links,
banners, a photo gallery, a most-viewed box, a notice box from another board. The board is
the *repeated block* (rows of a table, items of a list, cards) whose links share one path and
differ in one id parameter, near the page's main heading and paging. `find_board` looks for
that structure first; the URL shapes boards use (`view.do`, `nttId=`, `idxno=`) are only hints
that raise a candidate's score.

Rows that open their article with a script (`onclick="fn_view('123')"`) count as links when
the view URL can be built (scriptlinks.py).

Pure functions of (html, page URL): no fetching here.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from .scriptlinks import ScriptCalls, call_of, fill_template, script_calls
from .text import LIST_STATE_PARAMS, WS_RE, clean_href

_PINNED_RE = re.compile(r"^\s*(?:공\s*지|notice|필독|고정)\s*$", re.I)


def is_pinned(row) -> bool:
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


# --- the board ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One row of the board: its article's URL, title and the date the row shows ("" if none)."""

    url: str
    title: str
    date: str = ""


@dataclass
class Board:
    """The block `find_board` took for the board, and why."""

    rows: list[Row]
    # CSS selectors that pick these rows and their link (for a sources.toml block), or "" when
    # no simple selector picks exactly them (script links have no `link` selector either).
    list_item: str = ""
    link: str = ""
    id_params: tuple[str, ...] = ()
    score: float = 0.0
    # The best other block's score: close to `score` means the choice was a near thing.
    runner_up: float = 0.0
    pinned: int = 0  # 공지 rows left out
    scripted: bool = False  # rows open their article with a script (view URL built)
    lone: bool = False  # no repeated block: up to three rows taken by their URL shape alone


# URL shapes of article views (hints only: they raise a block's score).
ARTICLE_LINK_RE = re.compile(
    r"(view|read|detail|articleView|nttNo=|nttId=|idxno=|wr_id=|seq=|list_no=|newsId=|B_NUM="
    r"|articleId=|idx=|/\d{4,}(?:\.html?)?$)",
    re.I,
)
# Words that mark a block as something other than the board, in its class/id, its heading or
# its links: menus, quick links, banners, galleries, most-viewed and related boxes.
_NOT_BOARD_RE = re.compile(
    r"(?i)\b[\w-]*(?:gnb|lnb|snb|tnb|nav|menu|quick|banner|footer|header|gallery|photo|"
    r"thumb_?list|best|most|popular|ranking|rank|hot|related|family|sitemap|util|"
    r"slide|visual|popup|sns|share|location|breadcrumb|side|aside|tab_?menu)[\w-]*\b"
)
_NOT_BOARD_URL_RE = re.compile(r"(?i)(photo|gallery|mostview|popular|best|rank|banner|popup|"
                               r"filedown|download|print|pwise)")
_NOT_BOARD_HEADING_RE = re.compile(r"(많이\s*본|인기|포토|갤러리|사진|바로\s*가기|배너|관련|"
                                   r"추천|최근\s*본|메뉴)")
_BOARD_WORDS_RE = re.compile(r"(보도|소식|뉴스|공지|게시판|알림|언론|press|news|board)", re.I)
_PAGING_RE = re.compile(r"(?i)pag|paging|page_?nav|pagination|page_?num|board_?page")
_CONTENT_RE = re.compile(r"(?i)\b(content|contents|cont|board|bbs|list|article|press|news)")
_TITLE_CHILD = ["strong", "h2", "h3", "h4", "h5", "dt", "b"]
_TITLE_CLASS_RE = re.compile(r"(?i)\b(tit|title|subject|subj|sbj)")
_DATE_RE = re.compile(
    r"(?<!\d)((?:19|20)\d{2}\s*[.\-/]\s*\d{1,2}\s*[.\-/]\s*\d{1,2}\.?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
    r"|\d{2}-\d{2}-\d{2}(?![\d\-]))"
)
_MAX_DEPTH = 12


def _query_names(url: str) -> frozenset[str]:
    return frozenset(k for k, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)
                     if k.lower() not in LIST_STATE_PARAMS)


def _path_shape(url: str) -> str:
    """The URL's path with long numbers as `{n}`: `/news/2026/12345.html` -> `/news/{n}/{n}.html`."""
    return re.sub(r"\d{3,}", "{n}", urlsplit(url).path)


@dataclass
class _Link:
    el: object  # the element carrying the href or onclick
    url: str
    group: tuple[str, str, str]  # (host, path shape, script function or "")
    names: frozenset[str]


def _collect_links(soup, page_url: str, view_url: str | None, calls: ScriptCalls) -> list[_Link]:
    hosts = {urlsplit(page_url).netloc.lower()}
    if view_url:  # the operator named the view URL: its host is the board's too
        hosts.add(urlsplit(view_url).netloc.lower())
    page = clean_href(page_url, page_url, drop_list_state=True)
    links: list[_Link] = []
    for el in soup.find_all(True):
        href = el.get("href") if el.name in ("a", "area") else None
        url, fn = "", ""
        if isinstance(href, str) and not href.strip().lower().startswith("javascript:"):
            url = clean_href(href, page_url, drop_list_state=True)
        if not url:
            call = call_of(el.get("onclick") or (href if isinstance(href, str) else ""))
            if call:
                fn = call[0]
                template = view_url or calls.templates.get(fn)
                built = fill_template(template, call[1]) if template else None
                url = clean_href(built, page_url, drop_list_state=True) if built else ""
        host = urlsplit(url).netloc.lower() if url else ""
        if not url or url == page or host not in hosts:
            continue
        links.append(_Link(el, url, (host, _path_shape(url), fn), _query_names(url)))
    return links


def _ancestors(el) -> list:
    chain = [el]
    node = el
    while node.parent is not None and node.parent.name not in (None, "[document]", "html"):
        node = node.parent
        chain.append(node)
        if len(chain) > _MAX_DEPTH or node.name == "body":
            break
    return chain


def _clusters(links: list[_Link]) -> list[tuple[object, dict[int, list[_Link]]]]:
    """Links of one group split by the repeated block they sit in.

    A link's row is its highest ancestor that has a sibling of the same tag holding a link of
    the group to another URL; the rows' parent is the block. Links in no such structure (a
    lone link) are dropped.
    """
    chains = {id(link): _ancestors(link.el) for link in links}
    # (parent element id, child tag) -> the children of that tag holding links, and their URLs
    below: dict[tuple[int, str], tuple[set[int], set[str]]] = {}
    for link in links:
        chain = chains[id(link)]
        for child, parent in zip(chain, chain[1:], strict=False):
            kids, urls = below.setdefault((id(parent), child.name), (set(), set()))
            kids.add(id(child))
            urls.add(link.url)
    out: dict[int, tuple[object, dict[int, list[_Link]]]] = {}
    for link in links:
        chain = chains[id(link)]
        for child, parent in zip(chain, chain[1:], strict=False):
            kids, urls = below[(id(parent), child.name)]
            # Siblings of one tag holding more than one URL: `child` is a row. (Counted per
            # tag, not per pair of siblings, so a page of 10,000 links stays linear.)
            if len(kids) > 1 and len(urls) > 1:
                block = out.setdefault(id(parent), (parent, {}))
                block[1].setdefault(id(child), []).append(link)
                link.row = child  # type: ignore[attr-defined]
                break
    return list(out.values())


def _classes(el) -> str:
    if not hasattr(el, "get"):
        return ""
    return " ".join([*(el.get("class") or []), el.get("id") or ""])


def _text(el) -> str:
    return WS_RE.sub(" ", el.get_text(" ", strip=True)) if el is not None else ""


def _title_of(row, row_links: list[_Link]) -> str:
    """The row's title: a heading-like child of its link, else the longest link text."""
    best = ""
    for link in row_links:
        el = link.el
        inner = el.find(_TITLE_CHILD) or el.find(class_=_TITLE_CLASS_RE)
        text = _text(inner) if inner is not None else _text(el)
        text = text or (el.get("title") or "").strip()
        if len(text) > len(best):
            best = text
    return best[:300]


def _date_of(row, title: str) -> str:
    text = _text(row).replace(title, " ")
    m = _DATE_RE.search(text)
    if not m:
        return ""
    return WS_RE.sub(" ", re.sub(r"\s*([.\-/])\s*", r"\1", m.group(1))).rstrip(".")


def _main_heading(soup) -> str:
    title = _text(soup.find("title"))
    return re.split(r"\s+(?:[-|:<>»·]|::)\s+", title)[0].strip() if title else ""


@dataclass
class _Kept:
    """A row of a candidate block: the row element, its links to one URL, their title."""

    row: object
    links: list[_Link]
    names: Counter  # the query names of the row's links
    title: str

    @property
    def url(self) -> str:
        return self.links[0].url


def _score(parent, rows: dict[int, list[_Link]], main: str) -> tuple[float, list, int]:
    """How much a block looks like the board; also its rows (pinned left out)."""
    kept, pinned = [], 0
    seen: set[str] = set()
    for row_links in rows.values():
        row = row_links[0].row  # type: ignore[attr-defined]
        if is_pinned(row):
            pinned += 1
            continue
        names = Counter(link.names for link in row_links)
        url = row_links[0].url
        if url in seen:
            continue
        seen.add(url)
        same = [link for link in row_links if link.url == url]
        kept.append(_Kept(row, same, names, _title_of(row, same)))
    n = len(kept)
    if n == 0:  # a block of 공지 rows only
        return 0.0, kept, pinned
    score = float(n)
    titles = [k.title for k in kept]
    median = statistics.median(len(t) for t in titles)
    score *= 1.6 if median >= 10 else 1.2 if median >= 6 else 0.5 if median >= 4 else 0.1
    image_only = sum(1 for k in kept if not any(_text(link.el) for link in k.links))
    if image_only * 2 > n:
        score *= 0.3
    # The block and its nearest ancestors (not <body>: a class there says nothing of one box).
    context = [el for el in _ancestors(parent)[:7] if el.name != "body"]
    if any(el.name in ("nav", "header", "footer", "aside") or _NOT_BOARD_RE.search(_classes(el))
           for el in context):
        score *= 0.2
    urls = [k.url for k in kept]
    if sum(1 for u in urls if _NOT_BOARD_URL_RE.search(u)) * 2 > n:
        score *= 0.3
    if sum(1 for u in urls if ARTICLE_LINK_RE.search(u)) * 2 > n:
        score *= 1.4
    heading = parent.find_previous(["h1", "h2", "h3", "h4"])
    heading_text = _text(heading)
    if heading_text and _NOT_BOARD_HEADING_RE.search(heading_text):
        score *= 0.3
    elif heading_text and main and (heading_text in main or main in heading_text):
        score *= 1.5
    elif heading_text and _BOARD_WORDS_RE.search(heading_text):
        score *= 1.2
    if _has_paging_after(parent):
        score *= 1.5
    if any(el.name == "main" or _CONTENT_RE.search(_classes(el)) for el in context):
        score *= 1.2
    if pinned:
        score *= 1.2
    if len(_varying(urls)) == 1:
        score *= 1.3
    return score, kept, pinned


def _has_paging_after(parent) -> bool:
    node = parent
    for _ in range(4):
        for sib in node.find_next_siblings(limit=3):
            if not hasattr(sib, "get"):
                continue
            if _PAGING_RE.search(_classes(sib)) or sib.find(class_=_PAGING_RE):
                return True
            hrefs = [a.get("href") or "" for a in sib.find_all("a", href=True)]
            if any(re.search(r"(?i)[?&](page\w*|pageindex|movepage|start|npage)=\d", h)
                   for h in hrefs):
                return True
        if node.parent is None or node.parent.name == "body":
            break
        node = node.parent
    return False


def _varying(urls: list[str]) -> tuple[str, ...]:
    """Query parameters (or "path") whose value differs between the URLs."""
    values: dict[str, set[str]] = {}
    for url in urls:
        parts = urlsplit(url)
        values.setdefault("path", set()).add(parts.path)
        for k, v in parse_qsl(parts.query, keep_blank_values=True):
            values.setdefault(k, set()).add(v)
    return tuple(k for k, v in values.items() if len(v) > 1)


# Classes that say a row's state, not what it is: never part of an inferred selector.
_STATE_CLASSES = {"on", "active", "current", "selected", "first", "last", "odd", "even", "new"}


def _selector_step(el) -> str:
    if el.get("id") and re.match(r"^[A-Za-z][\w-]*$", el["id"]):
        return f"{el.name}#{el['id']}"
    classes = [c for c in (el.get("class") or [])
               if re.match(r"^[A-Za-z][\w-]*$", c) and c.lower() not in _STATE_CLASSES]
    return el.name + "".join(f".{c}" for c in classes[:3])


def _infer_selectors(soup, parent, kept) -> tuple[str, str]:
    """A `list_item` selector picking exactly the rows (and a `link` inside them), or ""."""
    rows = [k.row for k in kept]
    shapes = {_selector_step(r) for r in rows if not r.get("id")}
    if len({r.name for r in rows}) != 1:
        return "", ""
    steps = [shapes.pop() if len(shapes) == 1 else rows[0].name]
    node = parent
    for _ in range(4):
        if node is None or node.name in ("body", "[document]"):
            break
        steps.insert(0, _selector_step(node))
        node = node.parent
        if "." not in steps[0] and "#" not in steps[0]:
            continue  # `tbody > tr` alone says too little: go up to a named block
        candidate = " > ".join(steps)
        try:
            picked = soup.select(candidate)
        except Exception:  # a class name soupsieve refuses
            return "", ""
        if {id(r) for r in rows} <= {id(p) for p in picked} and len(picked) <= len(rows) + 3:
            return candidate, _infer_link(kept)
        if "#" in steps[0]:
            break
    return "", ""


def _infer_link(kept) -> str:
    steps = []
    first_row, el = kept[0].row, kept[0].links[0].el
    if el.name != "a":
        return ""
    parent = el.parent
    if parent is not None and parent is not first_row and (parent.get("class") or []):
        steps.append(_selector_step(parent))
    steps.append("a")
    selector = " ".join(steps)
    for k in kept[:30]:
        row, links = k.row, k.links
        try:
            found = row.select_one(selector)
        except Exception:
            return ""
        if found is None or clean_href(found.get("href"), "http://x/") == "":
            return ""
        if found is not links[0].el and found.get("href") != links[0].el.get("href"):
            return ""
    return selector if selector != "a" else ""


MIN_SCORE = 4.0


def _lone_rows(links: list[_Link], page_url: str) -> Board | None:
    """The last page of a board often has one row and nothing to repeat: take the links in a
    table row or list item shaped like an article view, when they are few and of one shape."""
    found: list[_Link] = []
    for link in links:
        el = link.el
        if link.group[2] or not ARTICLE_LINK_RE.search(link.url) or len(_text(el)) < 6:
            continue
        row = el.find_parent(["tr", "li"])
        chain = [a for a in _ancestors(el)[:9] if a.name != "body"]
        if row is None or is_pinned(row) or any(
                a.name in ("nav", "header", "footer", "aside")
                or _NOT_BOARD_RE.search(_classes(a)) for a in chain):
            continue
        if link.url not in {f.url for f in found}:
            found.append(link)
    if not found or len(found) > 3 or len({f.group for f in found}) != 1:
        return None
    rows = []
    for link in found:
        row = link.el.find_parent(["tr", "li"])
        title = _title_of(row, [link])
        rows.append(Row(link.url, title, _date_of(row, title)))
    return Board(rows=rows, id_params=_varying([r.url for r in rows]), lone=True)


def find_board(soup, page_url: str, *, view_url: str | None = None,
               calls: ScriptCalls | None = None) -> Board | None:
    """The board of a list page: its rows in page order, or None when no block looks like one.

    Args:
        soup: the parsed page (BeautifulSoup).
        page_url: its URL (links are resolved against it; other hosts are never rows).
        view_url: a template for rows that open their article by script (`{1}`, `{id}`).
        calls: the page's script calls (`script_calls(soup)`), when already computed.
    """
    calls = calls if calls is not None else script_calls(soup)
    links = _collect_links(soup, page_url, view_url, calls)
    groups: dict[tuple[str, str, str], list[_Link]] = {}
    for link in links:
        groups.setdefault(link.group, []).append(link)
    main = _main_heading(soup)
    scored = []
    for group in groups.values():
        for parent, rows in _clusters(group):
            score, kept, pinned = _score(parent, rows, main)
            if kept:
                scored.append((score, parent, kept, pinned, group))
    scored.sort(key=lambda s: -s[0])
    if not scored or scored[0][0] < MIN_SCORE:
        return _lone_rows(links, page_url)
    score, parent, kept, pinned, group = scored[0]
    merged = {id(parent)}
    # Cards laid out in several rows of one grid: sibling blocks of the same group and shape.
    for other in scored[1:]:
        o_parent = other[1]
        if (other[4] is group and o_parent.parent is parent.parent
                and _selector_step(o_parent) == _selector_step(parent)):
            known = {k.url for k in kept}
            kept = kept + [k for k in other[2] if k.url not in known]
            pinned += other[3]
            merged.add(id(o_parent))
    if len(merged) > 1:
        order = {id(el): i for i, el in enumerate(soup.find_all(True))}
        kept.sort(key=lambda k: order.get(id(k.row), 0))
    # The rows' own URL shape: the query names most rows share (a stray link is left out).
    common = Counter(k.names.most_common(1)[0][0] for k in kept).most_common(1)[0][0]
    kept = [k for k in kept if k.names.most_common(1)[0][0] == common]
    urls = [k.url for k in kept]
    scripted = bool(group[0].group[2])
    list_item, link = _infer_selectors(soup, parent, kept)
    runner_up = next((s[0] for s in scored[1:] if id(s[1]) not in merged), 0.0)
    rows = []
    for k in kept:
        rows.append(Row(k.url, k.title, _date_of(k.row, k.title)))
    return Board(rows=rows, list_item=list_item, link="" if scripted else link,
                 id_params=_varying(urls), score=round(score, 2), runner_up=round(runner_up, 2),
                 pinned=pinned, scripted=scripted)
