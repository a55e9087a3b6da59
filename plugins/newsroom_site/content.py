"""Each article and page as Pelican builds it (`content_object_init`): what its metadata
alone cannot give the templates.

ASCII slugs when none is given, Revised Romanization slugs for tags and reporters
(`slugs.py`), the configured section slug on the category, the
excerpt-only flag, the summary shown in lists (`summaries.py`), every body sanitised with one allow-list (scraped HTML a second time,
editors' raw HTML once, so feeds carry nothing a page would not), the lead image's size, and table
classes in place of inline styles.
"""

from __future__ import annotations

from pathlib import Path

from pelican.contents import Article, Page
from pelican.urlwrappers import URLWrapper

from newsroom.core.model import derive_slug, parse_other_sources

from .config import KEY
from .incremental import drop_seal
from .sanitize import clean
from .slugs import assign as assign_slug
from .summaries import list_summary
from .tables import table_classes


def prepare_content(content) -> None:
    """Adjust one article or page right after Pelican made it (before any template sees it)."""
    if not isinstance(content, (Article, Page)) or not content.settings.get(KEY):
        return
    ns = content.settings[KEY]
    meta = content.metadata
    if "slug" not in meta and content.relative_source_path:
        content.slug = derive_slug(None, content.relative_source_path)
    # Tags and reporters: Revised Romanization slugs, before Pelican groups articles by them.
    for kind, wrappers in (("tag", getattr(content, "tags", None)),
                           ("author", getattr(content, "authors", None))):
        for wrapper in wrappers or ():
            assign_slug(wrapper, kind)
    if isinstance(content, Article) and getattr(content, "category", None):
        for name, slug in ns["NEWSROOM_SECTIONS"]:
            if content.category.name == name:
                content.category.slug = slug
                break
    if meta.get("source_id") and getattr(content, "authors", None):
        _credit_byline_to_source(content)
    content.other_sources = _other_sources(meta.get("other_sources"))
    excerpt = str(meta.get("excerpt_only", "")).strip().lower()
    content.excerpt_only = excerpt in ("true", "yes", "1")
    _sanitize(content)
    if isinstance(content, Article):
        # The card text in lists: lead sentences without bullets, contacts or notices.
        content.list_summary = list_summary(content._content or "", meta.get("summary"))
    if getattr(content, "image", None):
        _measure_image(content, _image_stamp(content))
        # Scraped bodies (and some editors') show the lead photo with its caption in place.
        name = str(content.image).rsplit("/", 1)[-1]
        content.image_in_body = bool(name) and f"/{name}\"" in (content._content or "")
    _share_wrappers(content)


# Pelican makes a Tag, Author and Category object for every article that names one: at
# 10,000 articles about five per article, 2 KB each article, held for the whole build and
# pickled into the content cache. Equal ones (same class, name, slug and settings) are one
# object instead: Pelican compares and groups them by slug, and nothing changes one per
# article after this point. Forgotten at each build's start (`forget_shared`).
_SHARED: dict[tuple, object] = {}


def _share_wrappers(content) -> None:
    def one(wrapper):
        if not isinstance(wrapper, URLWrapper):
            return wrapper
        key = (type(wrapper), wrapper.name, wrapper.slug, id(wrapper.settings))
        return _SHARED.setdefault(key, wrapper)

    attrs = content.__dict__
    for name in ("tags", "authors"):
        items = attrs.get(name)
        if isinstance(items, list):
            items[:] = [one(w) for w in items]  # in place: `metadata` holds the same list
    for name in ("author", "category"):
        wrapper = attrs.get(name)
        if wrapper is not None:
            shared = one(wrapper)
            if shared is not wrapper:
                attrs[name] = shared
                if content.metadata.get(name) is wrapper:
                    content.metadata[name] = shared


def forget_shared(pelican) -> None:
    """`initialized`: a new build (the preview's autoreload) has new settings."""
    _SHARED.clear()


def _other_sources(value) -> list:
    """The `다른 출처` line: every other outlet that carried this release (issue 12), from
    this article's own `Other_Sources` only (the incremental writer renders it alone)."""
    if not value:
        return []
    try:
        return parse_other_sources(str(value))
    except ValueError:  # `newsroom check` names the file and line; the page shows none
        return []


def refresh_image_size(content) -> None:
    """The lead image's size again when its file changed since `content` was made (an
    article from Pelican's content cache, speedups.py)."""
    if getattr(content, "image", None):
        stamp = _image_stamp(content)
        if stamp != getattr(content, "_image_stamp", None):
            _measure_image(content, stamp)
            drop_seal(content)  # its fingerprint changed with it (incremental.py)


def _measure_image(content, stamp: tuple | None) -> None:
    content._image_stamp = stamp
    content.image_width, content.image_height = _image_size(content)


def _image_path(content) -> Path:
    return Path(content.settings["PATH"]) / str(content.image).removeprefix("{static}").lstrip("/")


def _image_stamp(content) -> tuple | None:
    try:
        st = _image_path(content).stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _image_size(content) -> tuple[int | None, int | None]:
    """Pixel size of the lead image, so pages can reserve its box (no layout shift).

    Pillow reads only the header of the file; a missing or unreadable image gives (None,
    None) and is reported by the content check, not here.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(_image_path(content)) as im:
            return im.size
    except (OSError, UnidentifiedImageError):
        return None, None


def _credit_byline_to_source(content) -> None:
    """A scraped article's byline is the source's reporter, never ours.

    As Pelican authors, a source's "김민준" was shown as `[우리고장뉴스=김민준 기자]` and merged
    into our staff reporter 김민준's author page. The names leave `authors` (no author page,
    no byline, no JSON-LD Person) and are credited after the source instead, where the
    template shows `department`: `[뉴스출처 : 한빛일보 김민준 기자]`.
    """
    names = "·".join(a.name for a in content.authors)
    content.authors = []
    if hasattr(content, "author"):
        del content.author
    if not getattr(content, "department", None):
        content.department = names if names.endswith("기자") else f"{names} 기자"


def _sanitize(content) -> None:
    """Every body through the allow-list (sanitize.py) after Markdown, before any template or
    feed sees it.

    For scraped files this is a wall behind the scraper's own sanitizer (anything Markdown
    could turn back into raw HTML, files hand-edited later). For editors' files it is the only
    one: Markdown passes raw HTML through, and the feeds, unlike the pages, have no CSP.
    """
    scraped = bool(content.metadata.get("source_id"))
    # Table alignment becomes classes first: the allow-list has no `style`, and the CSP would
    # ignore an inline style anyway.
    content._content = clean(table_classes(content._content or ""), scraped=scraped)
    if "summary" in content.metadata:
        content.metadata["summary"] = clean(content.metadata["summary"] or "", scraped=scraped)
        content._summary = content.metadata["summary"]
