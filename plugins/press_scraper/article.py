"""Generic article extraction: one page in, one Record out (and a Record from a fragment
that already is the full text: a feed's content, an API's HTML).

The page is parsed once with lxml; the source's CSS selectors, when it has any, are read from a
BeautifulSoup tree (soupsieve's CSS dialect, the one sources.toml is validated with). Without a
known body container, trafilatura extracts the main text.
"""

from __future__ import annotations

import copy
import itertools
import re
import weakref
from collections.abc import Mapping

import lxml.etree
import lxml.html
import trafilatura
from bs4 import BeautifulSoup
from trafilatura.settings import Extractor

try:  # trafilatura's own serialiser, the last step of `extract` (internal: checked by a test)
    from trafilatura.core import determine_returnstring as _determine_returnstring
except ImportError:  # pragma: no cover - a trafilatura without it uses `extract`
    _determine_returnstring = None

from .attachments import detect_license, find_attachments, is_content_image
from .boilerplate import (
    body_candidates,
    drop_boilerplate,
    drop_boilerplate_containers,
    drop_menus,
    drop_repeated_captions,
    inner_html,
    likely_body_element,
    outside_chrome,
    page_manager_boxes,
    text_outside_chrome,
)
from .dates import (
    MODIFIED_LABEL_RE,
    NOT_READ,
    PUBLISHED_LABEL_RE,
    find_date_cell,
    find_labelled_date,
    find_page_date,
    htmldate_day,
    htmldate_reads_alike,
    parse_loose_date,
)
from .encoding import normalise_text
from .records import FeedItem, Record
from .text import clean_author, clean_href, escape_text, html_to_text, norm, shorten
from .titles import (
    SUBTITLE_PICK,
    VIEW_PICK,
    choose_title,
    drop_keyword_tail,
    is_decoration,
    labelled_title,
    marked_subtitle,
    site_names_from_url,
    strip_title_decoration,
    take_dashed_subtitle,
    view_head_subtitle,
    view_title,
)

_PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_pis=True)
# Every element an lxml.html parser hands to Python goes through lxml.html's class lookup, a
# Python function (it picks FormElement, InputElement and the like by tag); trafilatura and our
# rules create ~800 element proxies a page. Nothing here uses those form classes, so the page
# parser maps every element to HtmlElement in C: the same tree, the same methods
# (text_content, drop_tree, ...), about 5 % less time in parse_article.
_PARSER.set_element_class_lookup(lxml.etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity))


def parse_document(html: str | bytes, *, keep_comments: bool = False):
    """Parse HTML text (or its UTF-8 bytes) with lxml, ignoring an encoding declaration left
    in decoded text.

    Comments are not kept unless asked for: React pages put `<!-- -->` mid-sentence, and
    trafilatura drops the text after a comment node. With `keep_comments`, the tree is the one
    htmldate would parse itself (see dates.htmldate_reads_alike); drop_comments then makes it
    the same tree as without.
    """
    data = html.encode("utf-8") if isinstance(html, str) else html
    root = lxml.html.document_fromstring(data, parser=_PARSER)
    if not keep_comments:
        drop_comments(root)
    return root


def drop_comments(root) -> None:
    """Remove comment nodes in place, their neighbours' text joined as the parser would."""
    lxml.etree.strip_tags(root, lxml.etree.Comment)


def meta(root, *names: str) -> str:
    """The first non-empty `content` of a meta tag named (property, name or itemprop) one of
    `names`, in the order of `names`. The page's meta tags are read once (cached on `root`)."""
    table = _META_CACHE.get(root)
    if table is None:
        table = {}
        for el in root.iter("meta"):
            content = (el.get("content") or "").strip()
            if not content:
                continue
            for attr in ("property", "name", "itemprop"):
                key = el.get(attr)
                if key is not None:
                    table.setdefault(key, content)
        _META_CACHE[root] = table
    return next((table[n] for n in names if n in table), "")


_META_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _select_html(soup: BeautifulSoup, selector: str) -> str:
    el = soup.select_one(selector)
    return el.decode_contents() if el is not None else ""


def _select_text(soup: BeautifulSoup, selector: str | None) -> str:
    if not selector:
        return ""
    el = soup.select_one(selector)
    return norm(el.get_text(" ", strip=True)) if el is not None else ""


_CODE_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg")


def drop_code(root) -> None:
    """Remove elements whose text is code, not prose (it would leak into summaries)."""
    for el in list(root.iter(*_CODE_TAGS)):
        if el.getparent() is not None:
            el.drop_tree()


def absolutise(root, base_url: str) -> None:
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


# trafilatura's options: images and links kept (press photos and attached files are part of a
# release); comments left out (our own rules drop comment boxes first). Its fast mode is tried
# first: its default mode runs readability as a second opinion on every page and costs about
# twice as much, for the same text on a known container and for better text on most other
# pages (shared/benchmarks/article-extraction). Where the fast path fails in a recognisable
# way (see _fast_failed), the default mode runs on a fresh copy.
_TRAFILATURA_OPTIONS = dict(
    output_format="html", include_tables=True, include_images=True, include_links=True,
    include_formatting=True, include_comments=False, with_metadata=False, deduplicate=False,
)
# When trafilatura keeps less than this share of a known body container's text, the container
# is taken whole: a short release whose lines look like boilerplate to a generic extractor.
# (A news page's container with a photo gallery keeps about a fifth: that is right.)
_CONTAINER_KEEP = 0.15

# When trafilatura keeps all of the container's text (this share, for rounding), it removed
# nothing: the container is taken as it is, with its own line breaks and tables. Whatever it
# did remove (a gallery's captions and buttons, a "more stories" line) stays out: at 0.9, those
# small removals were thrown away with the rest (F1 0.9637 -> 0.9647 on the benchmark).
_CONTAINER_SAME = 0.999


def _trafilatura_html(tree, url: str, *, fast: bool = True) -> str:
    """trafilatura's HTML for `tree` (which it copies, not edits), as `trafilatura.extract`
    returns it, without the content fingerprint `extract` computes for every non-text output
    format and we never read (about 2 ms a page)."""
    # trafilatura drops <figcaption>, and with it the photo credit "(사진=…)": captions become
    # paragraphs in the tree it is given.
    for caption in tree.iter("figcaption"):
        caption.tag = "p"
    if _determine_returnstring is None:  # another trafilatura 2.x: its public call
        return trafilatura.extract(tree, url=url, fast=fast, **_TRAFILATURA_OPTIONS) or ""
    options = Extractor(
        output_format="html", fast=fast, tables=True, images=True, links=True, formatting=True,
        comments=False, with_metadata=False, dedup=False, url=url,
    )
    document = trafilatura.bare_extraction(tree, options=options)
    return _determine_returnstring(document, options) if document is not None else ""


# A line of a menu dump: one or two words, short.
_MENU_LINE_MAX_WORDS, _MENU_LINE_MAX_CHARS = 2, 25


def _fast_failed(html: str) -> bool:
    """Whether trafilatura's fast path missed the article on a whole page: nothing; text that
    is almost all link text (a headline list); or mostly one- or two-word lines (the page's
    menus, which its baseline fallback returns when it finds no article)."""
    if not html.strip():
        return True
    doc = lxml.html.fragment_fromstring(html, create_parent="div")
    for br in doc.iter("br"):
        br.tail = "\n" + (br.tail or "")
    text = doc.text_content()
    total = len(norm(text))
    if total == 0:
        return True
    if sum(len(norm(a.text_content())) for a in doc.iter("a")) >= 0.8 * total:
        return True
    lines = [line.split() for line in text.splitlines() if line.strip()]
    menu = sum(1 for words in lines if len(words) <= _MENU_LINE_MAX_WORDS
               and len(" ".join(words)) < _MENU_LINE_MAX_CHARS)
    return len(lines) >= 20 and menu >= 0.5 * len(lines)


def drop_image_captions(body) -> None:
    """Remove a line right after a photo that repeats its alt text: with `include_images`
    trafilatura keeps both the alt and the caption a CMS prints from it."""
    for img in list(body.iter("img")):
        alt = norm(img.get("alt"))
        nxt = img.getnext()
        if nxt is None and img.getparent() is not None and not norm(
                img.getparent().text_content()):
            nxt = img.getparent().getnext()
        if alt and nxt is not None and nxt.tag in ("p", "div", "span") \
                and norm(nxt.text_content()) == alt:
            nxt.drop_tree()


_LEAD_RE = re.compile(r"(?:^|[\s_-])(?:lead|summary|intro|deck|article-lead|article_lead)(?:$|[\s_-])",
                      re.I)


def _lead_before(container) -> str:
    """A lead paragraph a news CMS prints just before the body container (`p.article-lead`),
    as HTML, or ""."""
    for sibling in list(container.itersiblings(preceding=True))[:3]:
        marker = f"{sibling.get('class', '')} {sibling.get('id', '')}"
        text = norm(sibling.text_content())
        if _LEAD_RE.search(marker) and len(text) >= 20 and not sibling.xpath(".//a|.//img"):
            return f"<p>{escape_text(text)}</p>"
    return ""


def generic_body(root, url: str, *, page: str | bytes | None = None,
                 found: tuple[list, list] | None = None) -> str:
    """The article's body HTML without selectors.

    On the page without comment, related-article, share and ad boxes (they often sit inside
    the body container): a well-known body container (LIKELY_BODY_XPATHS) when there is one,
    cleaned by trafilatura (galleries, inline promos); trafilatura on the whole page
    otherwise, without the site's menus and footer (boilerplate.drop_menus).

    With `page` (the HTML `root` was parsed from), `root` itself is edited (boxes dropped, the
    container moved out): the caller reads everything else from it first. The page is parsed
    again only on the rare page where trafilatura's fast path fails. Without `page`, a copy
    of `root` is edited. `found`: body_candidates(root, boxes) and its boxes, when the caller
    walked `root` already (with `page` only).
    """
    tree = root if page is not None else copy.deepcopy(root)
    if found is not None and page is not None:
        candidates, boxes = found
    else:
        boxes = []
        candidates = body_candidates(tree, boxes)  # one walk finds both
    drop_boilerplate_containers(tree, candidates, boxes)
    container = likely_body_element(tree, candidates)
    if container is None:
        drop_menus(tree, candidates)  # what trafilatura would only weigh and drop, at a cost
        fast = _trafilatura_html(tree, url)
        if not _fast_failed(fast):
            return fast
        # The boxes are gone from `tree`, and its captions renamed: start again from the page.
        tree = parse_document(page) if page is not None else copy.deepcopy(root)
        drop_boilerplate_containers(tree)
        return _trafilatura_html(tree, url, fast=False)
    lead = _lead_before(container)
    whole = lead + inner_html(container)
    doc = lxml.html.document_fromstring("<html><head></head><body></body></html>")
    head = tree.find("head")
    if head is not None:
        doc.replace(doc.find("head"), head)
    doc.find("body").append(container)
    cleaned = _trafilatura_html(doc, url)
    kept, total = len(norm(html_to_text(cleaned))), len(norm(html_to_text(whole)))
    return lead + cleaned if _CONTAINER_KEEP * total <= kept < _CONTAINER_SAME * total else whole


# Cheap checks on the page before a walk of its tree that could only find these, each made
# once, on the page's UTF-8 bytes (the parser's input anyway): a byte search is exact for these
# marks (UTF-8 is self-synchronising) and scans 1 byte a character where a str regex scans 2 on
# any page with one non-Latin-1 character (172 of the benchmark's 179). bytes.lower() lowers
# ASCII only, so the licence marks match exactly what [kK][oO][gG][lL] matched. A page without
# any Hangul syllable (no UTF-8 lead byte 0xEA-0xED) skips the Korean words. Measured on the
# benchmark's pages (180 KB on average): ~0.3 ms a page for all, instead of ~5 with str
# regexes. (The board title marks, view_title and the like, are no longer looked for in the
# text: the class walk in parse_article finds those elements directly.)
_HANGUL_LEAD_BYTES = (b"\xea", b"\xeb", b"\xec", b"\xed")  # of U+A000-U+DFFF, Hangul included
_KOREAN_LABEL_RE = re.compile("등록|작성|게시|입력|승인|배포|보도|수정|기자|담당|부서".encode())
# The date cell labels (dates.find_date_cell) that _KOREAN_LABEL_RE does not cover.
_OTHER_DATE_LABELS = tuple(w.encode() for w in ("날짜", "일자"))
_KOGL_WORD = "공공누리".encode()


def _has_any(data: bytes, marks) -> bool:
    return any(m in data for m in marks)


def _has_kogl_mark(data: bytes, hangul: bool) -> bool:
    if hangul and _KOGL_WORD in data:
        return True
    low = data.lower()
    return b"kogl" in low or b"opentype" in low


def parse_article(
    html: str,
    url: str,
    *,
    selectors: Mapping[str, str] | None = None,
    site_names: list[str] = (),
    default_license: str = "",
) -> Record:  # noqa: C901 - one linear pass over the page, field by field
    """Extract one article page.

    The page is parsed once, into one lxml tree: htmldate reads it first (with its comments),
    then our rules read it without them, and the body's extraction (which edits it) comes last.

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
    data = html.encode("utf-8")
    root = parse_document(data, keep_comments=True)
    hangul = _has_any(data, _HANGUL_LEAD_BYTES)
    labels = hangul and _KOREAN_LABEL_RE.search(data) is not None
    # htmldate's day, read now from the tree with its comments (as htmldate parses a page
    # itself), when the page has no Korean date label that would win over it anyway. A page
    # with one keeps the old order: labels first, htmldate on the page's text only if none
    # gives a date. Either way the same day; this only saves htmldate a parse of its own.
    early_day = NOT_READ
    if not selectors.get("date") and not labels and not (
            hangul and _has_any(data, _OTHER_DATE_LABELS)) and htmldate_reads_alike(html):
        early_day = htmldate_day(root)
    drop_comments(root)
    # One walk of the elements with a class or id: the body containers and boilerplate boxes
    # (for the body, read last), the board title elements and the subtitle-classed ones.
    boilerplate_boxes: list = []
    view_elements: list = []
    subtitle_elements: list = []
    candidates = body_candidates(root, boilerplate_boxes, picks=(
        (*VIEW_PICK, view_elements), (*SUBTITLE_PICK, subtitle_elements)))
    soup = BeautifulSoup(html, "lxml") if selectors else None
    names = [*site_names, meta(root, "og:site_name"), *site_names_from_url(url)]

    # Title
    sel_title = _select_text(soup, selectors.get("title")) if soup is not None else ""
    page_title = norm(" ".join(root.xpath("//title//text()")))
    headings = [norm(h.text_content()) for h in itertools.islice(root.iter("h1", "h2", "h3"), 12)]
    title = choose_title(
        page_title=page_title, og_title=meta(root, "og:title", "twitter:title"),
        headings=headings, site_names=names, labelled=labelled_title(root),
        view_title=view_title(root, view_elements),
    )
    title = drop_keyword_tail(title, meta(root, "keywords", "news_keywords"))
    if sel_title:
        title = strip_title_decoration(sel_title, names)
    subtitle = _select_text(soup, selectors.get("subtitle")) if soup is not None else ""
    page_subtitle = "" if subtitle else marked_subtitle(root, title, subtitle_elements) or (
        view_head_subtitle(root, view_elements))

    # Dates: selector, meta, then a labelled date outside the footer.
    # The page's text outside footers and menus, for the Korean labels read below (등록일,
    # 기자명, 담당부서): a page without any of them skips the walk.
    boxes = page_manager_boxes(root) if labels else set()
    page_text = text_outside_chrome(root, boxes) if labels else ""
    date = None
    if soup is not None and selectors.get("date"):
        date = parse_loose_date(_select_text(soup, selectors["date"]))
    if date is None:
        meta_date = parse_loose_date(
            meta(root, "article:published_time", "og:article:published_time", "datePublished",
                 "pubdate", "date", "dcterms.date"))
        if meta_date is None:
            times = root.xpath("//time/@datetime")
            meta_date = parse_loose_date(times[0]) if times else None
        labelled = find_date_cell(root, lambda el: outside_chrome(el, boxes)) or find_labelled_date(
            page_text, PUBLISHED_LABEL_RE)
        date = find_page_date(html, labelled=labelled, meta_date=meta_date, day=early_day)
    modified = parse_loose_date(meta(root, "article:modified_time", "og:updated_time", "dateModified"))
    modified = modified or find_labelled_date(page_text, MODIFIED_LABEL_RE)
    if modified and date and modified <= date:
        modified = None

    # Author: selector, meta, byline, or the release's 담당부서.
    author = _select_text(soup, selectors.get("author")) if soup is not None else ""
    author = author or meta(root, "author", "article:author", "dable:author")
    if not author:
        m = re.search(r"기자명\s*[:：]?\s*(\S{2,5})\s*기자", page_text) or re.search(
            r"(?:담당\s*부서|부서명|등록부서|작성부서|작성자)\s*[:：]?\s*\n?\s*"
            r"([가-힣A-Za-z0-9]{2,20})",
            page_text,
        )
        author = m.group(1) if m else ""
    author = clean_author(author)

    attachments = tuple(find_attachments(_attachment_scope(root, soup, selectors), url))
    license_ = (detect_license(root) if _has_kogl_mark(data, hangul) else "") or default_license
    summary = meta(root, "og:description", "description")
    category_hint = meta(root, "article:section")

    # Body: last, as the generic extraction edits the tree.
    body_html = ""
    if soup is not None and selectors.get("body"):
        body_html = _select_html(soup, selectors["body"])
    if not body_html:
        body_html = generic_body(root, url, page=data, found=(candidates, boilerplate_boxes))
    body = lxml.html.fragment_fromstring(body_html or "<p></p>", create_parent="div")
    drop_code(body)
    absolutise(body, url)
    drop_boilerplate(body)
    drop_image_captions(body)
    drop_repeated_captions(body)
    # The headline repeated at the top of the body.
    for el in body.iter("h1", "h2", "h3", "p"):
        if norm(el.text_content()) == title:
            el.drop_tree()
        break
    if not subtitle:
        subtitle = page_subtitle
        for el in list(body.iter("p", "h2", "h3", "h4", "div", "strong"))[:4] if subtitle else []:
            if norm(el.text_content()).strip(" -–―") == subtitle:
                el.drop_tree()  # shown as the subtitle, not again as the body's first line
                break
    if not subtitle:
        subtitle = take_dashed_subtitle(list(body.iter("p", "h2", "h3", "h4", "div"))[:4])
    for br in body.iter("br"):  # so text_content() keeps a space where a line broke
        br.tail = " " + (br.tail or "")
    body_text = norm(body.text_content())
    body_html = "".join(
        lxml.html.tostring(child, encoding="unicode") for child in body
    )
    if body.text and body.text.strip():
        body_html = f"<p>{escape_text(body.text)}</p>" + body_html

    images = []
    for img in body.iter("img"):
        src = img.get("src") or ""
        if is_content_image(src) and src not in images:
            images.append(src)

    if not summary or len(summary) < 20 or summary == title or is_decoration(summary, names):
        # Paragraph text reads better than table cells run together.
        summary = " ".join(norm(p.text_content()) for p in body.iter("p")) or body_text

    return Record(
        url=url,
        title=title,
        body_html=body_html,
        subtitle=subtitle,
        date=date,
        modified=modified,
        author=author,
        summary=shorten(summary, 200),
        images=tuple(images),
        attachments=attachments,
        license=license_,
        category_hint=category_hint,
    )


def _attachment_scope(root, soup, selectors: Mapping[str, str]):
    """The part of the page to look for attachments in: the source's selector, else all."""
    if soup is None or not selectors.get("attachments"):
        return root
    found = soup.select(selectors["attachments"])
    html = "".join(str(el) for el in found) or "<p></p>"
    return lxml.html.fragment_fromstring(html, create_parent="div")


def record_from_feed_item(item: FeedItem, *, default_license: str = "") -> Record:
    """A record from a feed item that carries the full text (no page fetch needed)."""
    body = lxml.html.fragment_fromstring(item.content_html or "<p></p>", create_parent="div")
    drop_code(body)
    absolutise(body, item.url)
    drop_boilerplate(body)
    images = tuple(
        dict.fromkeys(
            img.get("src") for img in body.iter("img") if is_content_image(img.get("src") or "")
        )
    )
    text = norm(body.text_content())
    return Record(
        url=item.url,
        title=item.title,
        body_html="".join(lxml.html.tostring(c, encoding="unicode") for c in body)
        or f"<p>{escape_text(body.text or '')}</p>",
        date=item.date,
        modified=item.updated,
        author=item.author,
        summary=shorten(item.summary or text, 200),
        images=images,
        attachments=tuple(find_attachments(body, item.url)),
        license=detect_license(body) or default_license,
        category_hint=item.categories[0] if item.categories else "",
    )
