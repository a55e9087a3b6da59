"""Attached files, the 공공누리 licence mark and which images are content."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import lxml.etree

from .records import Attachment
from .text import clean_href, norm

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


# The elements find_attachments looks at, in document order: links, buttons and elements with
# a file-name attribute (`//@name/..`: libxml2 finds an attribute faster than it tests every
# element for one, about 0.45 ms a page instead of 1.0 for `//*[@name]`).
# Links are left out in C when their href, title and text hold no `.` and they carry no
# file-name attribute: _ATTACH_EXT_RE cannot match them, so _add_attachment would skip them
# (most of a page's links; reading each one's text in Python cost a third of this step).
_MAY_BE_ATTACHMENT = lxml.etree.XPath(
    "//a[contains(@href, '.') or contains(@title, '.') or contains(., '.')"
    + "".join(f" or @{attr}" for attr in _FILE_NAME_ATTRS) + "]|//button|"
    + "|".join(f"//@{attr}/.." for attr in _FILE_NAME_ATTRS))


def attachment_name(text: str) -> str:
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
    for el in _MAY_BE_ATTACHMENT(root):
        try:
            _add_attachment(el, page_url, found, seen, named_only)
        except ValueError:  # a malformed href ("http://[ccpa-preferences]") costs that link only
            continue
    # A file listed by name and also linked (a label beside its button) is listed once.
    linked = {a.name for a in found if a.url}
    return [a for a in found if a.url or a.name not in linked]


def _add_attachment(el, page_url: str, found: list, seen: set, named_only: list) -> None:
    """Append `el` to `found` when it is an attached file (see find_attachments)."""
    if el.tag == "a" and not _ATTACH_EXT_RE.search(el.get("href") or "") and not (
            _ATTACH_EXT_RE.search(el.text_content() or "")
            or _ATTACH_EXT_RE.search(el.get("title") or "")
            or any(el.get(a) for a in _FILE_NAME_ATTRS)):
        return  # a plain link (most of a page's): its href, text and title name no file
    text = norm(el.text_content()) or norm(el.get("title") or "")
    name_attr = next((norm(el.get(a)) for a in _FILE_NAME_ATTRS if el.get(a)), "")
    if el.tag != "a" or name_attr:
        # A download button: its name attribute, else its text if it names a file.
        name = attachment_name(name_attr or text)
        if not _ATTACH_EXT_RE.search(name):
            return
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
        return
    href = el.get("href") or ""
    path = urlsplit(href.replace("&amp;", "&")).path
    ext_in_href = bool(re.search(r"\.(" + "|".join(ATTACHMENT_EXTENSIONS) + r")$", path, re.I))
    ext_in_text = bool(_ATTACH_EXT_RE.search(text))
    ext_in_query = bool(_ATTACH_EXT_RE.search(urlsplit(href).query)) and bool(
        re.search(r"down|file|attach", href, re.I)
    )
    if not (ext_in_href or ext_in_text or ext_in_query):
        return
    if re.fullmatch(r"\[?\s*(미리보기|바로보기|preview)\s*\]?", text, re.I):
        return
    url = clean_href(href, page_url)
    if not url:
        # `javascript:goDownLoad(…)` (a POST download): the name is still worth showing.
        name = attachment_name(text)
        if ext_in_text and name not in named_only:
            named_only.append(name)
            found.append(Attachment(name=name, url=""))
        return
    if url in seen:
        return
    name = attachment_name(text) or urlsplit(url).path.rsplit("/", 1)[-1]
    seen.add(url)
    found.append(Attachment(name=name, url=url))


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
    text = root.text_content()
    m = _KOGL_RE.search(norm(text)) if "공공누리" in text else None  # the regex needs the word
    return f"공공누리 제{m.group(1)}유형" if m else ""


def is_content_image(src: str) -> bool:
    low = src.lower()
    return bool(src) and not any(
        k in low
        for k in ("kogl", "opentype", "/icon", "icon_", "btn_", "/btn", "blank.gif", "logo")
    )
