"""From an extracted record to a Markdown file Pelican can read safely.

Pure functions. Three layers of defence keep a source's markup off our pages:

1. `sanitize_html`: nh3 with an allow-list (paragraphs, headings, lists, tables, links, images,
   emphasis); http(s) and relative URLs only; script, style, iframe and their content dropped.
2. `html_to_markdown`: markdownify with our own escaping. Pelican's Markdown passes raw HTML
   through, so every character of source text that Markdown would read as syntax (`<`, `&`,
   `[`, `]`, `{`, `}` for attr_list, `*`, `_`, `` ` ``, `#`, `|`, `\\`) is escaped. No raw HTML
   can come out of text, and no link or attribute can be built from it.
3. `check_rendered`: the Markdown is rendered with the site's Python-Markdown extensions and the
   HTML checked for script, event handlers and `javascript:`; if anything slips through, the
   body falls back to escaped plain text (logged as an error).

The metadata header is one `Key: value` line per key, each value through
`newsroom.core.model.escape_value`, then a blank line, then the body (whose first line is never
read as a key either). Title, Subtitle and the other plain keys are written as plain text: the
site's templates autoescape every value (JINJA_ENVIRONMENT in pelicanconf.py), so `R&D` shows as
`R&D`, and `<script>` in a title shows as text. Summary is Markdown (Pelican formats it), so it is
escaped as Markdown text.
"""

from __future__ import annotations

import hashlib
import html as html_module
import logging
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from urllib.parse import quote, urlsplit

import lxml.html
import markdown as python_markdown
import nh3
from markdownify import MarkdownConverter

from newsroom.core.model import (
    MAX_LENGTHS,
    META_KEY_RE,
    clip,
    escape_value,
    format_date,
    render_document,
)

from .encoding import normalise_text
from .records import Record
from .text import html_to_text, is_department

logger = logging.getLogger(__name__)

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td",
    "a", "img", "strong", "em", "blockquote", "figure", "figcaption",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href"}, "img": {"src", "alt"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"},
}
# Removed together with their content (an allowed tag keeps its text).
DROPPED_WITH_CONTENT = {
    "script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math",
    "textarea", "select", "button", "form", "head", "title", "frame", "frameset", "canvas",
}

# Section choice when the source sets none: a keyword table, transparent and overridable
# (sources.toml [settings] category_keywords). Keys are the site's sections (menu order breaks
# ties); a keyword in the title counts three times, in the body once.
DEFAULT_CATEGORY_KEYWORDS: dict[str, tuple[str, ...]] = {
    "정치": (
        "의회", "의원", "선거", "의정", "행정사무감사", "조례", "국회", "정당", "시장", "군수",
        "도지사", "구청장", "시정", "군정", "도정", "간담회", "협약", "행정",
    ),
    "경제": (
        "기업", "투자", "일자리", "산업", "예산", "경제", "창업", "고용", "소상공인", "전통시장",
        "농업", "어업", "수출", "지원금", "세금", "지방세", "주택", "부동산", "청년", "취업",
        "상품권", "환급", "물가", "소비", "금융", "대출", "보증", "상권", "수산", "농산물",
    ),
    "문화": (
        "축제", "공연", "전시", "문화", "관광", "예술", "도서관", "박물관", "체육", "공모전",
        "음악회", "영화", "미술", "문화재", "국가유산", "여행", "행사",
    ),
}
# Fallback when no keyword matches: 정치 is this site's 정치·행정 section, where a city hall's
# release about administration (the most common kind without a topic keyword) belongs.
FALLBACK_CATEGORY = "정치"


def classify(
    title: str,
    text: str,
    keywords: Mapping[str, Sequence[str]] | None = None,
    fallback: str = FALLBACK_CATEGORY,
) -> str:
    """The section whose keywords occur most (title ×3, body ×1); `fallback` when none occur."""
    table = keywords or DEFAULT_CATEGORY_KEYWORDS
    # Longest keywords first, each match blanked out once counted: 전통시장 counts for 경제
    # and does not also count as 시장 (a mayor) for 정치.
    owner = sorted(((w, section) for section, words in table.items() for w in words),
                   key=lambda pair: -len(pair[0]))
    scores: dict[str, int] = {}
    for w, section in owner:
        hits = 3 * title.count(w) + text.count(w)
        if hits:
            scores[section] = scores.get(section, 0) + hits
            title, text = title.replace(w, " "), text.replace(w, " ")
    best, best_score = fallback, 0
    for section in table:  # ties go to the earlier section, as listed
        if scores.get(section, 0) > best_score:
            best, best_score = section, scores[section]
    return best


# --- sanitising ----------------------------------------------------------------------------

_BLOCK_CONTAINERS = ("div", "section", "article", "dd", "dt", "center", "header", "main", "dl")
_HAS_BLOCK = ".//p|.//div|.//table|.//ul|.//ol|.//h1|.//h2|.//h3|.//h4|.//h5|.//h6|.//section"


def _normalise_blocks(html: str) -> str:
    """Give `<div>`-built bodies paragraphs, so stripping divs does not run lines together."""
    if not html.strip():
        return ""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for el in list(root.iter(*_BLOCK_CONTAINERS)):
        if el is root:
            continue
        if el.xpath(_HAS_BLOCK):
            el.drop_tag()
        else:
            el.tag = "p"
            el.attrib.clear()
    for el in root.iter("h1"):
        el.tag = "h2"
    for el in root.iter("h5", "h6"):
        el.tag = "h4"
    for el in root.iter("b"):
        el.tag = "strong"
    for el in root.iter("i"):
        el.tag = "em"
    return "".join(_paragraphs(root))


# Tags that stand as blocks of their own at the top of a body; anything else is inline.
_TOP_BLOCKS = {
    "p", "table", "ul", "ol", "h2", "h3", "h4", "blockquote", "figure", "pre", "hr", "dl",
}
_EDGE_BR_RE = re.compile(r"^(?:\s|<br\s*/?>)+|(?:\s|<br\s*/?>)+$")


def _paragraphs(parent) -> list[str]:
    """`parent`'s content as blocks: loose text and inline runs (a table cell's release, old
    CMSs' `text<br><br>text`) become paragraphs, and a blank line made of two `<br>` ends a
    paragraph, also inside a `<p>`. A single `<br>` stays a line break (□/ㅇ lines)."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        html = _EDGE_BR_RE.sub("", "".join(run))
        if html.strip():
            out.append(f"<p>{html}</p>")
        run.clear()

    if parent.text:
        run.append(_escape_html(parent.text))
    for child in parent:
        tail, child.tail = child.tail, None
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "p" and child.xpath("br[following-sibling::node()[1][self::br] or "
                                     "(following-sibling::node()[1][self::text()"
                                     " and normalize-space()=''] and "
                                     "following-sibling::*[1][self::br])]"):
            flush()
            out.extend(_paragraphs(child))
        elif tag in _TOP_BLOCKS:
            flush()
            out.append(lxml.html.tostring(child, encoding="unicode"))
        elif tag == "br" and re.search(r"<br\s*/?>\s*$", "".join(run)):
            flush()  # a blank line: the paragraph ends
        else:
            run.append(lxml.html.tostring(child, encoding="unicode"))
        if tail:
            run.append(_escape_html(tail))
    flush()
    return out


def _escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sanitize_html(html: str) -> str:
    """Allow-list sanitising of a body: see the module docstring."""
    return nh3.clean(
        _normalise_blocks(html),
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel=None,
        strip_comments=True,
    )


STATIC_PREFIX = "{static}"


def rewrite_images(html: str, saved: Mapping[str, str]) -> str:
    """Point `<img>` at our copies (`saved`: original URL -> path relative to content/).

    An image without a copy (its download failed or was refused) is removed; its alt text
    stays, so the article keeps its words.
    """
    if "<img" not in html:
        return html
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for img in list(root.iter("img")):
        local = saved.get(img.get("src") or "")
        if local:
            img.set("src", f"{STATIC_PREFIX}/{local}")
        else:
            alt = (img.get("alt") or "").strip()
            parent = img.getparent()
            tail = (f" {alt} " if alt else " ") + (img.tail or "")
            prev = img.getprevious()
            if prev is not None:
                prev.tail = (prev.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail
            parent.remove(img)
    lead = _escape_html(root.text or "")
    return lead + "".join(lxml.html.tostring(c, encoding="unicode") for c in root)


# --- HTML to Markdown ----------------------------------------------------------------------

_MD_SPECIAL_RE = re.compile(r"([\\`*_\[\]{}#])")
_SCRIPT_SCHEME_RE = re.compile(r"(?i)\b(javascript|vbscript|livescript)(\s*):")


def escape_markdown_text(text: str) -> str:
    """Escape text so Python-Markdown shows it literally and builds no HTML from it.

    `&`, `<`, `>` and `|` become entities (a raw `<` would pass through as HTML; `|` would split
    a table cell); Markdown punctuation gets a backslash; `javascript:` in text gets a zero-width
    space before its colon, so no later step (a re-serialising plugin, a feed reader that
    autolinks) can turn the words into a script URL.
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL_RE.sub(r"\\\1", text)
    text = text.replace("|", "&#124;")
    return _SCRIPT_SCHEME_RE.sub("\\1\u200b\\2:", text)


def safe_url(url: str) -> str:
    """An http(s) or relative URL fit for `[text](url)`; anything else becomes ''.

    Pelican's `{static}` prefix (our own rewritten image links) is kept as is.
    """
    url = (url or "").strip()
    if url.startswith(STATIC_PREFIX):
        return STATIC_PREFIX + safe_url(url[len(STATIC_PREFIX):])
    scheme = urlsplit(url).scheme.lower()
    if scheme and scheme not in ("http", "https"):
        return ""
    if re.match(r"(?i)\s*(javascript|vbscript|data)\s*:", url):
        return ""
    # Characters that would end or break the link in Markdown, or start HTML.
    return quote(url, safe="/:?&=#%+,;@!$~.-_'*")


class _Converter(MarkdownConverter):
    """markdownify with our escaping and our link and image syntax."""

    def escape(self, text, parent_tags):
        return escape_markdown_text(text) if text else ""

    def convert_a(self, el, text, parent_tags):
        href = safe_url(el.get("href") or "")
        text = text.strip()
        if not text:
            return ""
        return f"[{text}]({href})" if href else text

    def convert_img(self, el, text, parent_tags):
        src = safe_url(el.get("src") or "")
        alt = escape_markdown_text(" ".join((el.get("alt") or "").split()))
        if not src:
            return alt
        if "_inline" in parent_tags:
            return alt
        return f"![{alt}]({src})"


_CONVERTER = _Converter(
    heading_style="ATX", bullets="-", autolinks=False, table_infer_header=True,
    escape_asterisks=False, escape_underscores=False, escape_misc=False, newline_style="spaces",
)


def html_to_markdown(html: str) -> str:
    """Sanitised HTML to Markdown (headings, paragraphs, lists, tables, links, images)."""
    md = _CONVERTER.convert(html)
    md = re.sub(r"[ \t]+\n(?!\n)", lambda m: "  \n" if len(m.group(0)) >= 3 else "\n", md)
    md = re.sub(r"\n{3,}", "\n\n", md)
    return md.strip()


# --- final check ---------------------------------------------------------------------------

_MD = python_markdown.Markdown(
    extensions=["markdown.extensions.extra", "markdown.extensions.meta",
                "markdown.extensions.sane_lists"],
    output_format="html5",
)
_DANGER_RE = re.compile(
    r"<(?:script|iframe|style|object|embed|svg|math|form|input|meta|link|base|textarea|button"
    r"|frame|frameset)\b"
    r"|<[^>]*\son[a-z]+\s*=",
    re.I,
)
_URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "srcset", "poster")
_SCRIPT_SCHEMES = ("javascript", "vbscript", "data", "livescript")


def _url_scheme(value: str) -> str:
    """The scheme a browser would see in an attribute value (entities already decoded by the
    parser; tabs, line breaks and controls are ignored by browsers inside a scheme)."""
    value = re.sub(r"[\x00-\x20]", "", value)
    m = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", value)
    return m.group(1).lower() if m else ""


# What Markdown needs to hold for check_rendered to find anything (see _renders_inert).
_RAW_MARKUP_RE = re.compile(r"[<{]")
_HANDLER_TEXT_RE = re.compile(r"on[a-z]+\s*=", re.I)
_SCRIPT_SCHEME_TEXT_RE = re.compile(r"(?:javascript|vbscript|livescript|data):", re.I)
_IGNORED_IN_SCHEME_RE = re.compile(r"[\x00-\x20\\]")


def _renders_inert(md: str) -> bool:
    """True when Python-Markdown cannot render `md` into anything check_rendered flags, so the
    render can be skipped (it was a fifth of a body's conversion time); False when unsure.

    Everything check_rendered looks for needs one of these in the Markdown:
    - a dangerous tag: raw HTML, which needs a `<` (Markdown's own tags are p, a, img, em,
      table, abbr, sup, div and the like, none of them in _DANGER_RE);
    - an event handler in a tag: an attribute list (`{: onclick=…}`) needs a `{`; any other
      attribute value (an alt, a title, a link) is text of the Markdown, so `on…=` is in it,
      written out or as entities;
    - a script URL: a link or image target, a reference definition or an autolink (`<`)
      whose scheme, after entities are decoded and the characters a browser skips (and
      Markdown's backslash escapes) are dropped, is javascript:, vbscript:, livescript: or
      data:; the Markdown read the same way then holds that word and its colon.
    Our converter's Markdown has none of them on an ordinary page (text `<` and `{` are
    escaped as `&lt;` and `\\{`); any of them, anywhere, and the full render runs.
    """
    if _RAW_MARKUP_RE.search(md) or _HANDLER_TEXT_RE.search(md):
        return False
    decoded = html_module.unescape(md)
    if _RAW_MARKUP_RE.search(decoded) or _HANDLER_TEXT_RE.search(decoded):
        return False
    squeezed = _IGNORED_IN_SCHEME_RE.sub("", decoded)
    return not (_SCRIPT_SCHEME_TEXT_RE.search(squeezed) or _HANDLER_TEXT_RE.search(squeezed))


def check_rendered(md: str) -> str | None:
    """Render `md` as Pelican would; return the first dangerous snippet found, or None.

    Tags and handlers are found in the markup; URLs are judged by their scheme as a browser
    reads it (`&#106;avascript:` is javascript), never by a substring: an http link whose
    path holds "javascript:" is harmless and was a false alarm that flattened the article.
    Markdown that cannot render into any of these (_renders_inert) is not rendered.
    """
    return None if _renders_inert(md) else _rendered_danger(md)


def _rendered_danger(md: str) -> str | None:
    """check_rendered's render and search, always run."""
    _MD.reset()
    html = _MD.convert("Title: x\n\n" + md)
    m = _DANGER_RE.search(html)
    if m:
        return html[max(0, m.start() - 20): m.end() + 40]
    if "=" not in html or not html.strip():
        return None
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for el in root.iter():
        for name in _URL_ATTRIBUTES:
            value = el.get(name)
            if value and _url_scheme(value) in _SCRIPT_SCHEMES:
                return f"<{el.tag} {name}={value[:60]!r}>"
    return None


_LINK_TARGET_RE = re.compile(r"\]\(\s*<?\s*(?:javascript|vbscript|data)\s*:[^)]*\)", re.I)


def guard_body(md: str) -> str:
    """Last-line guards on generated Markdown.

    A link target with a script scheme becomes `#`; a first line shaped like `Key: value`
    gets its colon as an entity, so even a header that lost its blank line cannot absorb it.
    """
    md = _LINK_TARGET_RE.sub("](#)", md)
    first, sep, rest = md.partition("\n")
    if META_KEY_RE.match(first):
        first = first.replace(":", "&#58;", 1)
    return first + sep + rest


def plain_text_markdown(html: str) -> str:
    """The fallback body: escaped text, one paragraph per block (html_to_text collapses
    whitespace, so blocks are split first: the fallback once merged a whole article into one
    paragraph)."""
    blocks = re.split(r"(?i)</(?:p|li|tr|h\d|div|table|blockquote)\s*>|<br\s*/?>", html)
    paragraphs = [text for text in (html_to_text(b) for b in blocks) if text]
    return "\n\n".join(escape_markdown_text(p) for p in paragraphs)


def body_markdown(html: str, url: str = "") -> str:
    """Sanitise, convert and check one body. Never returns Markdown that renders script."""
    md = guard_body(html_to_markdown(sanitize_html(html)))
    bad = check_rendered(md)
    if bad:
        logger.error("unsafe markup survived conversion of %s (%r); keeping plain text", url, bad)
        md = guard_body(plain_text_markdown(html))
    return md


# --- the file ------------------------------------------------------------------------------

def header_value(key: str, value: str) -> str:
    """One header value: a single line; Summary escaped as Markdown text (Pelican formats it)."""
    value = clip(escape_value(normalise_text(value)), MAX_LENGTHS.get(key))
    if key == "Summary":
        return escape_markdown_text(value)
    if key in ("Tags", "Authors"):
        # Comma-separated lists: no markup, no stray separators.
        return re.sub(r"[<>&]", "", value)
    return value


def build_document(fields: Sequence[tuple[str, str]], body: str) -> str:
    """`Key: value` lines (empty values left out), a blank line, the body, a final newline."""
    return render_document([(key, header_value(key, value)) for key, value in fields],
                           guard_body(body.strip()))


def split_document(text: str) -> tuple[str, str]:
    """The header block and the body of a file we wrote (split at the first blank line)."""
    header, _, body = text.partition("\n\n")
    return header, body


def content_hash(text: str) -> str:
    """Hash of a document as written, without its Content_Hash and Modified lines.

    Stored in the file as Content_Hash: when the file on disk no longer hashes to it, an
    editor has changed it (header or body) and updates from the source leave it alone.
    """
    header, body = split_document(text.replace("\r\n", "\n"))
    kept = [
        line for line in header.split("\n")
        if not re.match(r"(?i)^(content_hash|modified)\s*:", line)
    ]
    data = "\n".join(kept) + "\n\n" + body.strip() + "\n"
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]


def _md_link_text(text: str) -> str:
    return escape_markdown_text(escape_value(text))


def render_body(record: Record, *, source_name: str, excerpt_only: bool) -> str:
    """The Markdown body: sanitised text and attachments, or an excerpt with a link."""
    url = safe_url(record.url)
    if excerpt_only:
        summary = _md_link_text(record.summary[:200])
        parts = [summary] if summary else []
        parts.append(f"**[{_md_link_text(source_name)}에서 기사 원문 보기]({url})**")
        return "\n\n".join(parts)
    md = body_markdown(record.body_html, record.url)
    if not md.strip():
        md = _md_link_text(record.summary) or ""
    if record.attachments:
        items = []
        for a in record.attachments:
            href = safe_url(a.url)
            if href:
                items.append(f"- [{_md_link_text(a.name) or '첨부파일'}]({href})")
            elif a.name and url:
                # A download button or a POST form: no address of its own, so the reader is
                # sent to the original page, where the button works.
                items.append(f"- {_md_link_text(a.name)} ([원문 페이지에서 받기]({url}))")
        if items:
            # h2: the article title is the page's h1, so a section of it is an h2 (no skipped level).
            md += "\n\n## 첨부파일\n\n" + "\n".join(items)
    return md


def article_fields(
    record: Record,
    *,
    source,
    identity: str,
    slug: str,
    category: str,
    date: datetime,
    image: str = "",
    modified: datetime | None = None,
) -> list[tuple[str, str]]:
    """Header fields of a scraped article, in the order written (Content_Hash added by the store)."""
    excerpt = bool(getattr(source, "excerpt_only", False))
    tags = list(getattr(source, "tags", ()) or ())
    dept = bool(record.author) and is_department(record.author)
    department = record.department or (record.author if dept else "")
    fields = [
        ("Title", record.title or record.url),
        ("Subtitle", "" if excerpt else record.subtitle),
        ("Date", format_date(date)),
        ("Modified", format_date(modified) if modified else ""),
        ("Category", category),
        ("Tags", ", ".join(escape_value(t).replace(",", " ") for t in tags)),
        ("Slug", slug),
        # A byline that names an office (예산과) is credited with the source, not as a reporter.
        ("Authors", "" if dept else (record.author or "").replace(",", " ")),
        ("Summary", record.summary[:200]),
        ("Source", getattr(source, "name", "") or source.id),
        ("Department", department),
        ("Source_URL", safe_url(record.url)),
        ("Image", "" if excerpt else image),
        ("License", record.license or getattr(source, "license", "") or ""),
        ("Excerpt_Only", "true" if excerpt else ""),
        ("Source_ID", source.id),
        ("Identity", identity),
    ]
    return fields
