"""What is on an article page but not the article: copyright and share lines, link boxes,
comment/related/ad containers, the menu page's manager box; and the known body containers."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import lxml.etree
import lxml.html

from .text import EMAIL, escape_text, norm

BOILERPLATE_PATTERNS = [
    re.compile(r"무단\s*전재|재배포\s*금지|무단\s*복제"),
    re.compile(r"저작권자\s*[©ⓒ(]|copyright\s*(?:©|ⓒ|\(c\))|^\s*[©ⓒ]", re.I),
    re.compile(r"^\s*\S{2,5}\s*(?:기자|특파원|통신원)\s*" + EMAIL + r"\s*$"),
    re.compile(r"^\s*" + EMAIL + r"\s*$"),
    re.compile(r"기사\s*제보"),
    re.compile(
        r"^(?:\s*(?:(?:이\s*글\s*)?공유하기|페이스북|facebook|트위터|twitter|카카오톡|카카오스토리|밴드|네이버|"
        r"url\s*복사|링크\s*복사|인쇄|스크랩|글자\s*크기|확대|축소|목록|이전글|다음글|좋아요|SNS\s*공유)"
        r"\s*[|/·:：]?)+$",
        re.I,
    ),
    # WordPress/Jetpack's like button ("이것이 좋아요: 좋아하기 불러오는 중...").
    re.compile(r"좋아하기\s*불러오는\s*중|^\s*이것이\s*좋아요\s*[:：]?\s*$"),
    # A breadcrumb ("뉴스 > 경제 > 기업·CEO").
    re.compile(r"^\s*(?:[^>\s][^>]{0,11}>\s*){2,}[^>]{1,12}$"),
    # A toggle's or a player's label left as a line ("더보기", "접기", "... more", "less").
    re.compile(r"^\s*(?:…|\.{2,3})?\s*(?:더\s*보기|접기|펼치기|닫기|read\s+more|show\s+more|see\s+more"
               r"|more|less|close|video)\s*(?:…|\.{2,3})?\s*[+›»>]?\s*$", re.I),
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


_BOILERPLATE_MAX_CHARS = 200


def longer_than(text: str, limit: int) -> bool:
    """Whether norm(text) is longer than `limit`, reading a long text's start only when that
    decides it: norm of a prefix is never longer than norm of the whole. (A body's outer blocks
    hold the whole article; normalising all of it for each was most of drop_boilerplate's
    time.)"""
    if len(text) > 4 * limit and len(norm(text[: 4 * limit])) > limit:
        return True
    return len(norm(text)) > limit


def is_boilerplate(text: str) -> bool:
    """True for copyright lines, e-mail bylines, 기사제보 lines, share-button rows, KOGL text."""
    if longer_than(text, _BOILERPLATE_MAX_CHARS):
        return False
    text = norm(text)
    if not text:
        return False
    return any(p.search(text) for p in BOILERPLATE_PATTERNS)


_BLOCKS = (
    "p", "div", "li", "span", "section", "footer", "aside", "blockquote", "h4", "h5", "h6",
    "ul", "ol", "dl", "table",
)


# Headings of link boxes that CMSs put inside or right after the article: other articles,
# not this one's text. Matched on the whole heading (a trailing colon or count allowed).
LINK_BOX_HEADINGS = (
    "관련기사", "관련 기사", "다른 포토 기사", "다른 포토기사", "포토뉴스", "포토 뉴스", "이 기자의 다른 기사",
    "다른 기사", "이 시각 포토", "관련뉴스", "관련 뉴스", "관련", "관련 글", "관련글", "연관기사",
    "많이 본 뉴스", "많이 본 기사", "많이본뉴스", "가장 많이 본 뉴스", "인기기사", "인기 기사",
    "인기뉴스", "주요뉴스", "주요 뉴스", "최신기사", "최신 기사", "추천기사", "추천 기사",
    "이 시각 주요뉴스", "함께 보면 좋은 기사", "이 기사와 함께 많이 본 뉴스", "related",
    "related posts", "related articles", "most read", "popular", "함께 볼 기사", "함께 읽으면 좋은 기사",
    "같이 보면 좋은 뉴스", "추천 뉴스", "explore further", "you may also like", "you might also like",
    "more stories", "more from", "also read", "see also", "read more",
)
_LINK_BOX_HEADING_RE = re.compile(
    r"^\s*[\[<【]?\s*(?:" + "|".join(re.escape(h) for h in LINK_BOX_HEADINGS)
    # "Most read in world news", "More from Business"
    + r"|(?:most read|more from|more stories)\s+(?:in\s+)?\w[\w ]{0,30}"
    + r")\s*[\]>】]?\s*(?:[:：]|\.{2,3}|…)?\s*$",
    re.I,
)
# Longer than any text _LINK_BOX_HEADING_RE can match (its longest heading, brackets and a
# colon; "more stories in " and 31 characters).
_LINK_BOX_HEADING_MAX_CHARS = 100
_HEADING_TAGS = ("h2", "h3", "h4", "h5", "h6", "strong", "b", "p", "dt", "span", "em")


def _mostly_links(el, skip=None) -> bool:
    """True when `el` (without `skip`) is a list of links: at least 60 % of its text is link text."""
    text = norm(el.text_content())
    if skip is not None:
        text = text.replace(norm(skip.text_content()), "", 1).strip()
    if not text:
        return False
    linked = sum(len(norm(a.text_content())) for a in el.iter("a") if not (
        skip is not None and a in skip.iter("a")))
    return linked >= 0.6 * len(text.replace(" ", "")) or linked >= 0.6 * len(text)


def drop_link_boxes(root) -> None:
    """Remove "관련기사" / "많이 본 뉴스" boxes: a heading of LINK_BOX_HEADINGS with links.

    The box is the heading's parent when that is made of links; otherwise the heading and
    the link lists right after it go.
    """
    for h in list(root.iter(*_HEADING_TAGS)):
        text = h.text_content()
        if h.getparent() is None or longer_than(text, _LINK_BOX_HEADING_MAX_CHARS) \
                or not _LINK_BOX_HEADING_RE.match(norm(text)):
            continue
        if not any(a is root for a in h.iterancestors()):
            continue  # gone with an earlier box (a list heading inside a 관련기사 box)
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



# Photo captions whose repeated text is dropped: a CMS prints one caption under every photo
# of a series, or a slideshow's caption both in the slide and in its thumbnail strip.
_CAPTION_BLOCKS = ("p", "figcaption", "div", "span")
_CAPTION_CLASS_RE = re.compile(r"caption", re.I)
_CAPTION_MIN_CHARS = 20


def _is_caption(el) -> bool:
    """A figcaption, a block classed as a caption, or a block right after a photo."""
    if el.tag == "figcaption" or _CAPTION_CLASS_RE.search(el.get("class", "")):
        return True
    prev = el.getprevious()
    return prev is not None and (prev.tag == "img" or prev.find(".//img") is not None)


def drop_repeated_captions(root) -> None:
    """Remove a photo caption (see _is_caption) of 20 characters or more whose text equals an
    earlier block's, in place: the reader sees it once. Other repeated lines stay (a meal
    plan or a table legitimately repeats a line)."""
    seen: set[str] = set()
    for el in list(root.iter(*_CAPTION_BLOCKS)):
        if el.getparent() is None or next(el.iterdescendants(*_CAPTION_BLOCKS), None) is not None:
            continue  # gone with an earlier block, or holds blocks of its own
        text = norm(el.text_content())
        if len(text) < _CAPTION_MIN_CHARS:
            continue
        if text in seen and _is_caption(el):
            el.drop_tree()
        seen.add(text)

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
        if box is not None and len(norm(box.text_content())) <= 300:
            boxes.add(box)
    return boxes


def outside_chrome(el, boxes: set = frozenset()) -> bool:
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


def text_outside_chrome(root, boxes: set = frozenset()) -> str:
    """The page's text lines (one per text node, whitespace collapsed) outside footers, menus
    and page-manager boxes: the same lines `outside_chrome` keeps, in one walk of the tree
    that skips a chrome element's whole subtree.

    Nothing inside a chrome element is read, so the walk does not enter one (a menu of 30
    links was a third of the walk); a chrome element's tail is its parent's text.
    """
    body = root.find("body") if root.tag == "html" else root
    if body is None or body in boxes:
        return ""
    lines: list[str] = []
    add = lines.append
    chrome_marker = _CHROME_MARKER_RE.search
    # Elements, and the tails of their children (strings), still to read, outside chrome.
    stack: list = [body]
    pop, push = stack.pop, stack.append
    while stack:
        el = pop()
        if isinstance(el, str):  # a tail
            if el.strip():
                add(norm(el))
            continue
        tag = el.tag
        if not isinstance(tag, str):
            # A comment or processing instruction: its tail is read here and, as pushed
            # with it by its parent, once more (kept as it was: the lines are only searched).
            tail = el.tail
            if tail and tail.strip():
                add(norm(tail))
            continue
        if el is not body and (el in boxes or chrome_marker(
                f"{tag} {el.get('id', '')} {el.get('class', '')}")):
            continue
        text = el.text
        if text and text.strip():
            add(norm(text))
        for child in reversed(el):
            tail = child.tail
            if tail:
                push(tail)
            push(child)
    return "\n".join(lines)


LIKELY_BODY_XPATHS = [
    '//*[@itemprop="articleBody"]',
    '//*[@id="article-view-content-div"]',
    '//*[@id="bo_v_con"]',
    # Not <body> itself: some pages put the id on it.
    '//*[not(self::body or self::html)]'
    '[@id="articleBody" or @id="article_body" or @id="newsContent" or @id="news_content"]',
    # Korean board CMSs' body. (On Drupal sites `view-content` is a list of headlines: a container
    # made mostly of links is never taken, see likely_body_element.)
    '//div[contains(concat(" ", normalize-space(@class), " "), " view-content ")]',
    '//div[contains(concat(" ", normalize-space(@class), " "), " view_content ")]',
    '//div[contains(concat(" ", normalize-space(@class), " "), " view-con ")]',
    '//div[contains(concat(" ", normalize-space(@class), " "), " view_cont ")]',
    '//div[contains(concat(" ", normalize-space(@class), " "), " bbs_view_cont ")]',
    '//div[contains(concat(" ", normalize-space(@class), " "), " board_view_cont ")]',
    '//div[contains(concat(" ", normalize-space(@class), " "), " article-body ")]',
    '//div[contains(concat(" ", normalize-space(@class), " "), " article_body ")]',
    '//div[contains(concat(" ", normalize-space(@class), " "), " news-content ")]',
    # Board view pages: the cell labelled 내용/본문 of the detail table, and common body classes.
    '//td[preceding-sibling::th[1][normalize-space()="내용" or normalize-space()="본문"]]',
    '//div[contains(concat(" ", normalize-space(@class), " "), " board_view_body ")]',
    '//div[contains(concat(" ", normalize-space(@class), " "), " bbs_content ")]',
    '//div[contains(concat(" ", normalize-space(@class), " "), " view_text ")]',
    # WordPress themes (and Jetpack's share and like blocks inside it, removed beforehand).
    '//div[contains(concat(" ", normalize-space(@class), " "), " entry-content ")]',
    # Old table-layout CMSs: the release is one cell of a detail table.
    '//td[contains(concat(" ", normalize-space(@class), " "), " content ")]',
    '//td[contains(concat(" ", normalize-space(@class), " "), " view_content ")]',
    '//td[contains(concat(" ", normalize-space(@class), " "), " board_content ")]',
]
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


# LIKELY_BODY_XPATHS as (attribute, value, tags) tests of one element, for rules that are
# an exact attribute value or a class token: body_candidates checks them in one walk of the
# page instead of one XPath search of the whole tree each. A rule not of that shape (the
# 내용/본문 table cell) stays an XPath. tests/scraper checks both forms agree.
_ID_BODY = frozenset({"articleBody", "article_body", "newsContent", "news_content"})
_SIMPLE_RULE_RE = re.compile(
    r'^//(\*|div|td)\[contains\(concat\(" ", normalize-space\(@class\), " "\), " ([\w-]+) "\)\]$'
    r'|^//\*\[@(id|itemprop)="([\w-]+)"\]$')


def _rule(xpath: str):
    """(attribute, value, tag or None) for a simple rule, or the compiled XPath."""
    if xpath.startswith("//*[not(self::body or self::html)]"):
        return ("id-set", _ID_BODY, None)
    m = _SIMPLE_RULE_RE.match(xpath)
    if m is None:
        return lxml.etree.XPath(xpath)
    if m.group(2):
        return ("class", m.group(2), None if m.group(1) == "*" else m.group(1))
    return (m.group(3), m.group(4), None)


_BODY_RULES = [_rule(x) for x in LIKELY_BODY_XPATHS]
_WITH_BODY_ATTRS = lxml.etree.XPath("//*[@class or @id or @itemprop]")


def _rule_index():
    """The simple rules by the attribute value they test: class token -> [(rule, tag or
    None)], id -> [(rule, whether <body>/<html> are excluded)], itemprop -> [rule]."""
    by_class: dict[str, list] = {}
    by_id: dict[str, list] = {}
    by_itemprop: dict[str, list] = {}
    for i, rule in enumerate(_BODY_RULES):
        if not isinstance(rule, tuple):
            continue
        attr, value, only = rule
        if attr == "class":
            by_class.setdefault(value, []).append((i, only))
        elif attr == "id-set":
            for v in value:
                by_id.setdefault(v, []).append((i, True))
        elif attr == "id":
            by_id.setdefault(value, []).append((i, False))
        else:
            by_itemprop.setdefault(value, []).append(i)
    return by_class, by_id, by_itemprop


_BY_CLASS, _BY_ID, _BY_ITEMPROP = _rule_index()


# What a class or id value means to the walk below, by value: a site repeats its class
# names on every page and every element. Emptied when it grows large (a long scrape of many
# sites).
_VALUE_CACHE: dict[tuple[str, str], tuple[tuple, bool, frozenset]] = {}
_VALUE_CACHE_MAX = 50_000


def _value_info(attr: str, value: str) -> tuple[tuple, bool, frozenset]:
    """(the simple rules a `class` or `id` value passes, as (rule, tag or None, whether
    <body>/<html> are excluded); whether the value names a boilerplate box; a class value's
    tokens)."""
    key = (attr, value)
    info = _VALUE_CACHE.get(key)
    if info is None:
        if attr == "class":
            tokens = frozenset(value.split())
            rules = tuple(dict.fromkeys(
                (i, only, False) for token in value.split() for i, only in _BY_CLASS.get(token, ())))
        else:
            tokens = frozenset()
            rules = tuple((i, None, not_body) for i, not_body in _BY_ID.get(value, ()))
        if len(_VALUE_CACHE) >= _VALUE_CACHE_MAX:
            _VALUE_CACHE.clear()
        info = _VALUE_CACHE[key] = (rules, _is_boilerplate_marker(value), tokens)
    return info


def body_candidates(root, boxes: list | None = None,
                    picks: Sequence[tuple[frozenset, frozenset, list]] = ()) -> list[list]:
    """What each of LIKELY_BODY_XPATHS finds in `root`, in their order and in document order
    (for both functions below, so the page is searched once).

    With `boxes`, the same walk appends the elements whose class or id is a boilerplate
    marker (see drop_boilerplate_containers) to it. (The marker of "class id" joined is a
    marker of one of them: markers hold no space, and a space bounds a marker as an end
    does.) Each of `picks`, (class tokens, ids, a list), gets the elements with one of those
    class tokens or ids appended to its list, in document order: other passes that look for
    elements by class (titles.view_title, marked_subtitle) read those instead of the page."""
    found: list[list] = [[] if isinstance(r, tuple) else r(root) for r in _BODY_RULES]
    for el in _WITH_BODY_ATTRS(root):
        cls, ident, prop = el.get("class"), el.get("id"), el.get("itemprop")
        hits = ()
        bad = False
        tokens = frozenset()
        if cls:
            rules, bad, tokens = _value_info("class", cls)
            if rules:
                hits = {i for i, only, _ in rules if only is None or only == el.tag}
        if ident:
            rules, bad_id, _ = _value_info("id", ident)
            bad = bad or bad_id
            if rules:
                hits = {*hits, *(i for i, _, not_body in rules
                                 if not (not_body and el.tag in ("body", "html")))}
        if prop is not None and prop in _BY_ITEMPROP:
            hits = {*hits, *_BY_ITEMPROP[prop]}
        for i in hits:
            found[i].append(el)
        if bad and boxes is not None:
            boxes.append(el)
        for classes, ids, picked in picks:
            if (ident and ident in ids) or not tokens.isdisjoint(classes):
                picked.append(el)
    return found


_SINGLE_MARKERS = frozenset(m for m in BOILERPLATE_MARKERS if "-" not in m)
_MULTI_MARKERS = tuple(m for m in BOILERPLATE_MARKERS if "-" in m)
_MARKER_SPLIT_RE = re.compile(r"[\s_-]+")


@functools.lru_cache(maxsize=4096)  # a site repeats its class names on every page
def _is_boilerplate_marker(marker: str) -> bool:
    """_MARKER_RE.search(marker), with a quick token check first (most class names are not)."""
    low = marker.lower()
    if _SINGLE_MARKERS.isdisjoint(_MARKER_SPLIT_RE.split(low)) and not any(
            m in low for m in _MULTI_MARKERS):
        return False
    return bool(_MARKER_RE.search(marker))


def drop_boilerplate_containers(root, candidates: list[list] | None = None,
                                boxes: list | None = None) -> None:
    """Remove elements whose class or id names a comment box, a related-articles or ranking
    box, share/like buttons or an ad slot (BOILERPLATE_MARKERS), in place.

    An element that holds the page's h1 or a LIKELY_BODY_XPATHS container is kept: its class
    describes a wrapper, not a box. `candidates`: body_candidates(root), when already known;
    `boxes`: the marked elements the same call collected (body_candidates(root, boxes)).
    """
    if candidates is None:
        boxes = []
        candidates = body_candidates(root, boxes)
    keep = _holders(root, candidates)
    if boxes is None:
        boxes = []
        body_candidates(root, boxes)
    for el in boxes:
        if el.tag not in _NEVER_DROPPED and el not in keep and el.getparent() is not None:
            el.drop_tree()


def _holders(root, candidates: list[list]) -> set:
    """The LIKELY_BODY_XPATHS containers and their ancestors, and the ancestors of the page's
    h1: elements never removed as boxes, whatever their class says."""
    keep = set()
    for found in candidates:
        for el in found:
            keep.add(el)
            keep.update(el.iterancestors())
    for h1 in root.iter("h1"):
        keep.update(h1.iterancestors())
    return keep


# Korean CMSs' menus (gnb, lnb and snb: the global, local and side navigation bars) and page
# footers, by a class or id token or a hyphen/underscore part of one (`site-footer`,
# `lnb_wrap`). `nav` is not among them: on the benchmark it also names pagination and
# "previous/next article" links that trafilatura keeps as part of a gallery or review page.
_MENU_MARKER_RE = re.compile(r"(?:^|[\s_-])(?:gnb|lnb|snb|footer)(?=$|[\s_-])", re.I)


@functools.lru_cache(maxsize=4096)  # a site repeats its class names on every page
def _is_menu_marker(marker: str) -> bool:
    return bool(_MENU_MARKER_RE.search(marker))


def drop_menus(root, candidates: list[list]) -> None:
    """Remove the site's menus and footer (_MENU_MARKER_RE) from a whole page, in place,
    before trafilatura reads it.

    trafilatura walks, weighs and prunes every element of the page it is given, several times
    over; on a board page a third of the elements are the menu bar and the footer, which it
    then throws away (about half of its time on the scrape benchmark's page). An element that
    holds the page's h1 or a LIKELY_BODY_XPATHS container is kept, and so is one that holds
    a third or more of the page's paragraph text: a layout wrapper whose class merely
    mentions its menu (`sub_lnb_layout`) around an article titled in an h3. `candidates`:
    body_candidates(root).
    """
    keep = None
    paragraphs = 0
    for el in _WITH_BODY_ATTRS(root):
        if not _is_menu_marker(f"{el.get('id', '')} {el.get('class', '')}"):
            continue
        if keep is None:
            keep = _holders(root, candidates)
            paragraphs = _paragraph_chars(root)
        if el.tag in _NEVER_DROPPED or el in keep or el.getparent() is None:
            continue
        if paragraphs and 3 * _paragraph_chars(el) >= paragraphs:
            continue
        el.drop_tree()


def _paragraph_chars(el) -> int:
    return sum(len(p.text_content()) for p in el.iter("p"))


def likely_body_element(root, candidates: list[list] | None = None):
    """A well-known body container holding real text (not a list of links), else None.

    `candidates`: body_candidates(root) found before boxes were dropped from `root`; those
    no longer in it are left out."""
    if candidates is None:
        candidates = body_candidates(root)
    for found in candidates:
        found = [el for el in found if el is root or any(a is root for a in el.iterancestors())]
        if len(found) != 1:  # none, or a list page with many: not an article's body
            continue
        el = found[0]
        if len(norm(el.text_content())) < LIKELY_BODY_MIN_CHARS or _mostly_links(el):
            continue  # too short, or a list of headlines
        return el
    return None


def inner_html(el) -> str:
    return escape_text(el.text or "") + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in el)


def likely_body(root) -> str:
    """The inner HTML of a well-known body container holding real text, else ''."""
    el = likely_body_element(root)
    return inner_html(el) if el is not None else ""
