"""Headlines and subtitles: a page title without its site decoration, the 제목 cell, a
subtitle marked by class or written as a `- 부제 -` line."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import lxml.etree

from .text import norm

_TITLE_SEP_RE = re.compile(r"\s+(?:-|–|—|\||｜|ㅣ|::|:|·|»|<|>)\s+")
_TITLE_EDGE_RE = re.compile(r"^(?:::|[|｜»])\s*|\s*(?:::|[|｜»])$")
_DECORATION_WORDS = {
    "뉴스", "보도자료", "보도자료실", "공지사항", "새소식", "홈", "홈페이지", "모바일", "기사",
    "news",
    "전체기사", "기사본문", "home", "알림마당", "시정소식", "소식", "정책브리핑",
}


# Menu and section names of Korean boards and news sites (도정소식, 열린시정, 행정정보, 보도자료 상세)
# and names of public bodies and outlets alone (광주광역시, 서울특별시, 한빛군청, 한빛일보, 동아닷컴):
# never a headline.
_SECTION_RE = re.compile(
    r"^(?:열린|새)?(?:도|시|군|구|의)정(?:소식|뉴스|홍보|소통)?$|^(?:행정|정책|정보)(?:정보|공개|소식)$"
    r"|^(?:알림|소통|참여|정보|열린)(?:마당|광장|공간)$|^(?:보도|언론|홍보)(?:자료|보도|자료실|해명자료)?\s*"
    r"(?:상세|상세보기|보기|내용|게시판)?$|^(?:게시판|게시물|게시글)\s*(?:상세|상세보기|보기|내용)?$"
    r"|^(?:상세|상세보기|본문|내용\s*보기|뉴스\s*보기|기사\s*보기)$"
)
_BODY_NAME_RE = re.compile(
    r"^[가-힣]{1,6}(?:특별시|광역시|특별자치시|특별자치도|시청|군청|구청|도청|도의회|시의회|군의회)$"
    r"|^[가-힣]{1,4}(?:시|군|구|도)$"
)
_OUTLET_RE = re.compile(r"^[가-힣A-Za-z0-9]{1,10}(?:일보|신문|닷컴|타임즈|타임스|뉴스|방송|저널|경제|투데이)$")


def is_decoration(segment: str, site_names: list[str]) -> bool:
    s = segment.strip().lower()
    if not s or s in _DECORATION_WORDS:
        return True
    if s.endswith(("모바일", "mobile")) or s.startswith("모바일"):
        return True
    compact = re.sub(r"\s+", " ", s)
    if _SECTION_RE.match(compact) or _BODY_NAME_RE.match(compact) or _OUTLET_RE.match(compact):
        return True
    if is_breadcrumb(segment):
        return True
    for name in site_names:
        n = name.strip().lower()
        if n and (s == n or (len(n) >= 2 and n in s and len(s) <= len(n) + 6)):
            return True
    return False


def is_breadcrumb(text: str) -> bool:
    """"알림마당>담양뉴스>보도자료 > 상세", "홈 > 뉴스 > 경제": short parts joined by `>`."""
    parts = [p.strip() for p in re.split(r"[>›»]", text)]
    return len(parts) >= 3 and all(0 < len(p) <= 12 for p in parts)


def is_cut(title: str) -> bool:
    """True for a feed or list title cut short ("…", "..", "...")."""
    return norm(title).endswith(("…", "..", "⋯"))


def site_names_from_url(url: str) -> list[str]:
    """The site's name as its host spells it ("entermedia" of www.entermedia.co.kr)."""
    host = (urlsplit(url).hostname or "").lower()
    labels = [x for x in host.split(".") if x not in _HOST_NOISE]
    return [labels[0]] if labels and len(labels[0]) >= 4 else []


_HOST_NOISE = {"www", "m", "mobile", "news", "co", "or", "go", "ac", "ne", "re", "kr", "com",
               "net", "org"}
# "[대전일보] 제목", "[한빛신문=홍길동 기자] 제목": an outlet tag before the headline.
_OUTLET_TAG_RE = re.compile(
    r"^\s*[\[【]\s*[가-힣A-Za-z0-9]{1,10}(?:일보|신문|닷컴|타임즈|타임스|뉴스|방송|저널|통신)"
    r"(?:\s*=\s*[^\]】]{0,20})?\s*[\]】]\s*"
)


def drop_keyword_tail(title: str, keywords: str) -> str:
    """Cut the page's keyword list where a CMS appended it to the title ("…협약, 나주시,
    전라남도 나주, Naju City")."""
    words = {norm(k).lower() for k in re.split(r"[,;]", keywords or "") if norm(k)}
    if not words:
        return title
    parts = [p.strip() for p in title.split(",")]
    while len(parts) > 1 and parts[-1].lower() in words:
        parts.pop()
    return ", ".join(parts) if len(parts) < len(title.split(",")) else title


def strip_title_decoration(title: str, site_names: list[str]) -> str:
    """Drop `- 사이트명`, `: 뉴스 : 매체`, `매체 모바일 ::` and `| 매체` parts of a page title."""
    # Old CMSs frame the title with separators (":: 한솔군청 :: 보도자료"): a leading `::`
    # has no space before it, so it would stick to the site name and hide it.
    title = _OUTLET_TAG_RE.sub("", _TITLE_EDGE_RE.sub("", norm(title)))
    parts = _TITLE_SEP_RE.split(title)
    if len(parts) == 1:
        return title
    kept = [p for p in parts if not is_decoration(p, site_names)]
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
    site_names: list[str] = (), labelled: str = "", fallback: str = "", view_title: str = "",
) -> str:
    """The headline, never the site's, section's or outlet's name alone:

    1. a heading (h1-h3) that the page title or og:title contains;
    2. the detail table's 제목 cell (`labelled`), then the board's title element
       (`view_title`: `h3.view_title`, `p#dev-title`, `div.board_view_head`'s first line);
    3. og:title or the page title without the site's decoration;
    4. the first heading that is not a decoration.
    """
    names = [n for n in site_names if n]
    page_title, og_title = norm(page_title), norm(og_title)
    # og:title "뉴스타파" on a page titled "기사 제목 - 뉴스타파": that one is the outlet's name.
    for one, other in ((og_title, page_title), (page_title, og_title)):
        parts = _TITLE_SEP_RE.split(other) if one and other and one != other else []
        if one in parts and len(one) < max(len(p) for p in parts):
            names.append(one)
    for h in headings:
        h = norm(h)
        if len(h) >= 4 and not is_decoration(h, names) and (
            (og_title and h in og_title) or (page_title and h in page_title)
        ):
            return _OUTLET_TAG_RE.sub("", h) or h
    for candidate in (labelled, view_title):
        candidate = strip_title_decoration(norm(candidate), names) if candidate else ""
        if len(candidate) >= 2 and not is_decoration(candidate, names):
            return candidate
    for candidate in (og_title, page_title):
        if candidate:
            cleaned = strip_title_decoration(candidate, names)
            if cleaned and not is_decoration(cleaned, names):
                return cleaned
    for h in headings:
        h = norm(h)
        if len(h) >= 4 and not is_decoration(h, names):
            return h
    return norm(fallback)


_VIEW_TITLE_IDS = {"dev-title", "view_title", "viewTitle", "bbs_title"}
_VIEW_TITLE_CLASSES = {"view_title", "view-title", "viewTitle", "bbs_title", "board_view_title",
                       "view_subject"}
_VIEW_HEAD_CLASSES = {"board_view_head", "view_head", "bbs_view_head"}
_LINE_TAGS = ("h2", "h3", "h4", "strong", "p", "div")
_WITH_CLASS_OR_ID = lxml.etree.XPath("//*[@class or @id]")


# For body_candidates' walk (boilerplate.py): the elements view_title and view_head_subtitle
# read, and those marked_subtitle reads.
VIEW_PICK = (frozenset(_VIEW_TITLE_CLASSES | _VIEW_HEAD_CLASSES), frozenset(_VIEW_TITLE_IDS))


def view_title(root, elements=None) -> str:
    """The title element of a board's view page (no subtitle lines, no info row), or "".
    `elements`: the page's elements with a class or id of VIEW_PICK, when already found."""
    for el in elements if elements is not None else _WITH_CLASS_OR_ID(root):
        classes = set((el.get("class") or "").split())
        if el.get("id") in _VIEW_TITLE_IDS or classes & _VIEW_TITLE_CLASSES:
            line = el
        elif classes & _VIEW_HEAD_CLASSES:
            line = next((c for c in el if c.tag in _LINE_TAGS), None)
        else:
            continue
        text = norm(line.text_content()) if line is not None else ""
        if 2 <= len(text) <= 200:
            return text
    return ""


def labelled_title(root) -> str:
    """The cell labelled 제목 in a `th/td`, `td/td` (old table layouts) or `dt/dd` detail
    table, or "". `root`: the page's root element (its label cells are walked in C)."""
    for label in root.iter("th", "dt", "td"):
        if re.sub(r"\s+", "", label.text_content()) in ("제목", "글제목", "title") and not (
                label.tag == "td" and next(label.itersiblings("td"), None) is None):
            cell = label.getnext()
            if cell is not None and cell.tag in ("td", "dd"):
                text = norm(cell.text_content())
                if len(text) >= 2:
                    return text
    return ""


SUBTITLE_CLASSES = ("subtitle", "sub-title", "sub_title", "sub", "article-subtitle",
                    "subject-sub", "view-subtitle", "summary-title")
_SUBTITLE_TAGS = frozenset(("h2", "h3", "h4", "p", "div", "strong"))
# Elements whose class may hold one of SUBTITLE_CLASSES (all but one have "sub" in them), in
# document order: libxml2 tests class attributes faster than it tests every element's tag.
_MAYBE_SUBTITLE = lxml.etree.XPath(
    "//@class[contains(., 'sub') or contains(., 'summary-title')]/..")


SUBTITLE_PICK = (frozenset(SUBTITLE_CLASSES), frozenset())


def marked_subtitle(root, title: str, elements=None) -> str:
    """A subtitle the page marks by class, when it is a short line that is not the title.
    `elements`: the page's elements with a class of SUBTITLE_PICK, when already found."""
    wanted = set(SUBTITLE_CLASSES)
    for el in elements if elements is not None else _MAYBE_SUBTITLE(root):
        if el.tag not in _SUBTITLE_TAGS or not wanted & set(el.get("class").split()):
            continue
        text = norm(el.text_content()).strip(" -–―")
        if 5 <= len(text) <= 200 and text != title and not el.xpath(".//img|.//table|.//a"):
            return text
    return ""


SUBTITLE_RE = re.compile(r"^\s*[-–―]\s*(.{4,}?)\s*[-–―]\s*$")
_LEADING_DASH_RE = re.compile(r"\s*[-–―]")  # SUBTITLE_RE's start, on the text before norm()


def take_dashed_subtitle(elements) -> str:
    """The first of `elements` that is a `- 부제 -` line (no image or table in it): removed
    from its tree, its text returned; "" when there is none."""
    for el in elements:
        text = el.text_content()
        m = SUBTITLE_RE.match(norm(text)) if _LEADING_DASH_RE.match(text) else None
        if m and not len(el.xpath(".//img|.//table")):
            el.drop_tree()
            return m.group(1)
    return ""


def view_head_subtitle(root, elements=None) -> str:
    """The `- 부제 -` lines under the title in a board's view head, joined by " / ", or "".
    `elements`: as for view_title."""
    for el in elements if elements is not None else _WITH_CLASS_OR_ID(root):
        if set((el.get("class") or "").split()) & _VIEW_HEAD_CLASSES:
            lines = [m.group(1) for child in list(el)[1:]
                     if (m := SUBTITLE_RE.match(norm(child.text_content())))]
            return " / ".join(lines)
    return ""
