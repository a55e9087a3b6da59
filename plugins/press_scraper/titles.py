"""Headlines and subtitles: a page title without its site decoration, the 제목 cell, a
subtitle marked by class or written as a `- 부제 -` line."""

from __future__ import annotations

import re

import lxml.etree

from .text import norm

_TITLE_SEP_RE = re.compile(r"\s+(?:-|–|—|\||｜|ㅣ|::|:|·|»|<|>)\s+")
_TITLE_EDGE_RE = re.compile(r"^(?:::|[|｜»])\s*|\s*(?:::|[|｜»])$")
_DECORATION_WORDS = {
    "뉴스", "보도자료", "보도자료실", "공지사항", "새소식", "홈", "홈페이지", "모바일", "기사",
    "news",
    "전체기사", "기사본문", "home", "알림마당", "시정소식", "소식", "정책브리핑",
}


def is_decoration(segment: str, site_names: list[str]) -> bool:
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
    title = _TITLE_EDGE_RE.sub("", norm(title))
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
    site_names: list[str] = (), labelled: str = "", fallback: str = "",
) -> str:
    """The headline: a heading that the page title or og:title contains, else a cleaned title,
    else the detail table's 제목 cell (`labelled`), else the first plausible heading."""
    names = [n for n in site_names if n]
    page_title, og_title = norm(page_title), norm(og_title)
    for h in headings:
        h = norm(h)
        if len(h) >= 4 and not is_decoration(h, names) and (
            (og_title and h in og_title) or (page_title and h in page_title)
        ):
            return h
    for candidate in (og_title, page_title):
        if candidate:
            cleaned = strip_title_decoration(candidate, names)
            if cleaned and not is_decoration(cleaned, names):
                return cleaned
    if norm(labelled):
        return norm(labelled)
    for h in headings:
        h = norm(h)
        if len(h) >= 4 and not is_decoration(h, names):
            return h
    return norm(fallback)


def labelled_title(root) -> str:
    """The cell labelled 제목 in a `th/td`, `td/td` (old table layouts) or `dt/dd` detail
    table, or ""."""
    for label in root.xpath("//th|//dt|//td[following-sibling::td]"):
        if re.sub(r"\s+", "", label.text_content()) in ("제목", "글제목", "title"):
            cell = label.getnext()
            if cell is not None and cell.tag in ("td", "dd"):
                text = norm(cell.text_content())
                if len(text) >= 2:
                    return text
    return ""


SUBTITLE_CLASSES = ("subtitle", "sub-title", "sub_title", "sub", "article-subtitle",
                    "subject-sub", "view-subtitle", "summary-title")
_SUBTITLE_XPATH = lxml.etree.XPath(
    "|".join(f'//*[self::h2 or self::h3 or self::h4 or self::p or self::div or self::strong]'
             f'[contains(concat(" ", normalize-space(@class), " "), " {c} ")]'
             for c in SUBTITLE_CLASSES))


def marked_subtitle(root, title: str) -> str:
    """A subtitle the page marks by class, when it is a short line that is not the title."""
    for el in _SUBTITLE_XPATH(root):
        text = norm(el.text_content()).strip(" -–―")
        if 5 <= len(text) <= 200 and text != title and not el.xpath(".//img|.//table|.//a"):
            return text
    return ""


SUBTITLE_RE = re.compile(r"^\s*[-–―]\s*(.{4,}?)\s*[-–―]\s*$")


def take_dashed_subtitle(elements) -> str:
    """The first of `elements` that is a `- 부제 -` line (no image or table in it): removed
    from its tree, its text returned; "" when there is none."""
    for el in elements:
        m = SUBTITLE_RE.match(norm(el.text_content()))
        if m and not len(el.xpath(".//img|.//table")):
            el.drop_tree()
            return m.group(1)
    return ""
