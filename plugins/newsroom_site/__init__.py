"""Pelican plugin for the news site.

Signals used, and why:
- `initialized`: validate NEWSROOM_* settings once (no I/O beyond the settings).
- `article_generator_init`: check every content file before Pelican reads any, so the
  strict (published) build refuses a bad file with `path:line: message` instead of Pelican's
  default of logging and skipping it; the preview lists the problems on a banner instead.
  (Not `article_generator_preread`: Pelican sends that before *each* file, which made a
  whole-folder check quadratic: 1,000 articles took 250 s.) Generators are created anew for
  every build, so autoreload checks again after each change.
- `content_object_init`: ASCII slugs and section slugs, sanitised scraped HTML.
- `article_generator_finalized`: section boxes, neighbours, related, JSON-LD (once each).
- `get_generators`: source pages, sitemaps and robots.txt.
"""

from __future__ import annotations

import logging
import re
import sys
from pathlib import Path

from markupsafe import Markup
from pelican import signals
from pelican.contents import Article, Page

from newsroom.core.check import check_content
from newsroom.core.model import derive_slug
from newsroom.core.settings import SettingsError, validate

from . import context, generators
from .sanitize import clean

logger = logging.getLogger(__name__)


class ContentProblems(SystemExit):
    """The strict build found bad content files; exits the `pelican` command with status 1.

    A SystemExit, so Pelican's command line exits without a traceback; callers that build
    in-process catch it like any exception.
    """

    def __init__(self, problems):
        self.problems = problems
        super().__init__(1)

    def __str__(self):
        return f"{len(self.problems)} problem(s) in content files"


def _ns(settings: dict) -> dict:
    """Validated NEWSROOM_* settings for this build (computed once, at `initialized`)."""
    ns = settings.get("_NEWSROOM")
    if ns is None:
        ns = settings["_NEWSROOM"] = validate(settings)
    return ns


def on_initialized(pelican) -> None:
    try:
        _ns(pelican.settings)
    except SettingsError as e:
        logger.critical("settings: %s", e)
        raise


class FragmentCache:
    """Template fragments that come out the same on many pages, rendered once per build.

    The three section boxes under every article, and each article card, are identical on all
    pages at one folder depth (same SITEURL prefix); rendering them once instead of for each
    of 10,000 articles cut the build's CPU time by a fifth (docs/benchmarks.md). One cache
    per generator, and generators are created anew for every build, so a fragment never
    outlives the content it shows.
    """

    def __init__(self) -> None:
        self._store: dict[str, Markup] = {}

    def __call__(self, key: str, render, *args):
        if key not in self._store:
            self._store[key] = Markup(render(*args))
        return self._store[key]


def on_generator_init(generator) -> None:
    ns = _ns(generator.settings)
    if getattr(generator, "env", None) is not None:
        generator.env.globals["fragment"] = FragmentCache()
    generator.context.setdefault("SECTIONS", context.section_list(generator.settings, ns))
    generator.context.setdefault("NEWSROOM_PROBLEMS", [])
    generator.context["NEWSROOM_SITE_ORIGIN"] = ns["NEWSROOM_SITE_ORIGIN"]


def on_article_init(generator) -> None:
    ns = _ns(generator.settings)
    content_dir = Path(generator.path)
    sections = [name for name, _slug in ns["NEWSROOM_SECTIONS"]]
    problems = check_content(
        content_dir,
        sections,
        page_paths=generator.settings.get("PAGE_PATHS", ["pages"]),
        # Paths as the person running the build can open them: relative to the working
        # folder when the content is inside it, else absolute.
        base=Path.cwd() if content_dir.resolve().is_relative_to(Path.cwd()) else None,
    )
    generator.context["NEWSROOM_PROBLEMS"] = [str(p) for p in problems]
    if not problems:
        return
    if ns["NEWSROOM_STRICT"]:
        # Plain lines on stderr, exactly as `newsroom check` prints them: Pelican's rich log
        # handler wraps long records, which breaks `path:line: message` for editors' tools.
        sys.stderr.write("".join(f"{p}\n" for p in problems))
        sys.stderr.flush()
        logger.error(
            "%d problem(s) in content files: the published build stops here "
            "(run `newsroom check` to list them)",
            len(problems),
        )
        raise ContentProblems(problems)
    for p in problems:
        logger.warning("%s", p, extra={"limit_msg": "More content problems: run `newsroom check`"})


def on_content_init(content) -> None:
    if not isinstance(content, (Article, Page)) or not content.settings.get("_NEWSROOM"):
        return
    ns = content.settings["_NEWSROOM"]
    meta = content.metadata
    if "slug" not in meta and content.relative_source_path:
        content.slug = derive_slug(None, content.relative_source_path)
    if isinstance(content, Article) and getattr(content, "category", None):
        for name, slug in ns["NEWSROOM_SECTIONS"]:
            if content.category.name == name:
                content.category.slug = slug
                break
    excerpt = str(meta.get("excerpt_only", "")).strip().lower()
    content.excerpt_only = excerpt in ("true", "yes", "1")
    if meta.get("source_id"):
        _sanitize_scraped(content)
    if getattr(content, "image", None):
        content.image_width, content.image_height = _image_size(content)
        # Scraped bodies (and some editors') show the lead photo with its caption in place.
        name = str(content.image).rsplit("/", 1)[-1]
        content.image_in_body = bool(name) and f"/{name}\"" in (content._content or "")
    if content._content and "text-align" in content._content:
        content._content = ALIGN_STYLE_RE.sub(r' class="align-\1"', content._content)
    if content._content and "<td" in content._content:
        content._content = mark_number_cells(content._content)


# Python-Markdown's tables write `style="text-align: right;"` for `---:` columns; the CSP
# (style-src 'self') ignores inline styles, so the alignment becomes a class the theme styles.
ALIGN_STYLE_RE = re.compile(r' style="text-align: (left|right|center);"')

# A plain table cell as Python-Markdown writes it (the align class above, no markup inside).
CELL_RE = re.compile(r'<td( class="align-(?:left|right|center)")?>([^<>]*)</td>')
NUMBER_CELL_MAX = 16  # characters: "4조 1,020억 원", "최대 5천만 원", "-5.3%", "1,234명"


def mark_number_cells(html: str) -> str:
    """Mark short cells that hold an amount (`class="num"`) so the theme keeps them on one line.

    Korean figures are written with spaces ("4조 1,020억 원"); in a narrow column they broke
    into "4조 / 1,020억 / 원", the unit alone on the last line. The theme keeps such a cell
    whole (the table scrolls in its own box when it gets too wide for a phone); longer text
    cells still wrap.
    """

    def mark(m: re.Match) -> str:
        align, text = m.group(1), m.group(2)
        plain = text.strip()
        if not plain or len(plain) > NUMBER_CELL_MAX or not any(c.isdigit() for c in plain):
            return m.group(0)
        classes = (align[len(' class="'):-1] + " num") if align else "num"
        return f'<td class="{classes}">{text}</td>'

    return CELL_RE.sub(mark, html)


def _image_size(content) -> tuple[int | None, int | None]:
    """Pixel size of the lead image, so pages can reserve its box (no layout shift).

    Pillow reads only the header of the file; a missing or unreadable image gives (None,
    None) and is reported by the content check, not here.
    """
    from PIL import Image, UnidentifiedImageError

    path = Path(content.settings["PATH"]) / str(content.image).removeprefix("{static}").lstrip("/")
    try:
        with Image.open(path) as im:
            return im.size
    except (OSError, UnidentifiedImageError):
        return None, None


def _sanitize_scraped(content) -> None:
    """A wall behind the scraper's own sanitizer: scraped HTML is cleaned again after Markdown.

    The scraper already writes sanitized Markdown; this catches anything Markdown itself could
    turn back into raw HTML (and files hand-edited later), before the CSP has to.
    """
    content._content = clean(content._content or "")
    if "summary" in content.metadata:
        content.metadata["summary"] = clean(content.metadata["summary"] or "")
        content._summary = content.metadata["summary"]


def on_articles_finalized(generator) -> None:
    context.attach(generator, _ns(generator.settings))


def get_generators(pelican):
    return [generators.SourcesGenerator, generators.MachinesGenerator]


def register() -> None:
    signals.initialized.connect(on_initialized)
    signals.generator_init.connect(on_generator_init)
    signals.article_generator_init.connect(on_article_init)
    signals.content_object_init.connect(on_content_init)
    signals.article_generator_finalized.connect(on_articles_finalized)
    signals.get_generators.connect(get_generators)
