"""Pelican settings for the preview and the default build.

Behaviour switches of our plugins are upper-case NEWSROOM_* names; their defaults and
documentation live in newsroom/core/settings.py (and press_scraper for SCRAPER_*).
This file is the only place that reads the environment for the site's origin (SITEURL).
"""

import os

SITENAME = "우리고장뉴스"
SITE_DESCRIPTION = "시청·군청·의회·기관의 보도자료와 지역 소식을 빠르게 전하는 지역 뉴스"

PATH = "content"
THEME = "theme"
TIMEZONE = "Asia/Seoul"
DEFAULT_LANG = "ko"
LOCALE = ("C.UTF-8",)
DEFAULT_DATE_FORMAT = "%Y.%m.%d %H:%M:%S"

ARTICLE_PATHS = ["articles", "scraped"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
EXTRA_PATH_METADATA = {}
ARTICLE_EXCLUDES = ["images"]

# Pelican loads our plugins from here; their own imports (newsroom.core) come from the
# project's installation in .venv (`make install`).
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["newsroom_site", "press_scraper", "newsroom_search"]

# The legal masthead shown in the footer of every page (newsroom/core/settings.py). These
# sample values are fictional: replace every one with the newspaper's real registration
# before publishing; the published build warns about each field left empty.
NEWSROOM_MASTHEAD = {
    "title": "우리고장뉴스",
    "registration_number": "예시 아00000 (가상)",
    "registration_date": "2026.01.01 (가상)",
    "publisher": "홍길동 (가상)",
    "editor": "홍길동 (가상)",
    "youth_officer": "김영희 (가상)",
    "address": "가상시 예시로 1, 우리고장뉴스 편집국 (가상 주소)",
    "telephone": "000-0000-0000 (가상)",
}

# Sections: menu order, name shown, ASCII slug used in URLs.
NEWSROOM_SECTIONS = [("정치", "politics"), ("경제", "economy"), ("문화", "culture")]
NEWSROOM_STRICT = False  # the preview shows problems; publishconf.py refuses them

# Articles taken down on request (`newsroom takedown`, docs/editors.md): kept off every build.
NEWSROOM_TAKEDOWNS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "takedowns.toml")
# Old URLs of published articles whose slug changed (the update job records them): each gets
# a page that sends readers on to the article (docs/editors.md).
NEWSROOM_REDIRECTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "redirects.toml")

# Reporters' e-mail and desk (editors keep it, docs/editors.md): bylines and reporter pages.
NEWSROOM_AUTHORS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "authors.toml")

DEFAULT_PAGINATION = 20
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/{number}/", "{base_name}/{number}/index.html"),
)

ARTICLE_URL = "news/{slug}.html"
ARTICLE_SAVE_AS = "news/{slug}.html"
DRAFT_URL = "drafts/{slug}.html"
DRAFT_SAVE_AS = "drafts/{slug}.html"
PAGE_URL = "{slug}.html"
PAGE_SAVE_AS = "{slug}.html"
CATEGORY_URL = "section/{slug}/"
CATEGORY_SAVE_AS = "section/{slug}/index.html"
CATEGORIES_SAVE_AS = ""
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
TAGS_SAVE_AS = "tag/index.html"
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = "author/{slug}/index.html"
AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = "archive/index.html"
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_URL = "archive/{date:%Y}/{date:%m}/"
MONTH_ARCHIVE_SAVE_AS = "archive/{date:%Y}/{date:%m}/index.html"
# 404 is a direct template: rendered once at the root, served by the web server for any missing path.
DIRECT_TEMPLATES = ["index", "tags", "archives", "404"]
PAGINATED_TEMPLATES = {"index": None, "tag": None, "category": None, "author": None, "source": None}

# Absolute origin for what machines read: feeds, canonical URLs, Open Graph, JSON-LD, sitemaps.
# Pages themselves link relatively, so a release directory works wherever it is served.
NEWSROOM_SITE_ORIGIN = os.environ.get("SITEURL", "http://127.0.0.1:8000").rstrip("/")
# Feeds take item links from SITEURL, so it is the absolute origin; RELATIVE_URLS makes
# Pelican replace it with a relative path in every page it renders.
SITEURL = NEWSROOM_SITE_ORIGIN
RELATIVE_URLS = True

# Feeds: whole site and per section, full text, dates with +09:00.
FEED_DOMAIN = NEWSROOM_SITE_ORIGIN
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
CATEGORY_FEED_RSS = "feeds/{slug}.rss.xml"
TRANSLATION_FEED_ATOM = None
# One language: no translations. Pelican's grouping by slug is quadratic in the number of
# articles (seconds at 10,000); a slug used twice is the content check's error, and the
# preview keeps the older file (newsroom_site/strict.py).
ARTICLE_TRANSLATION_ID = None
PAGE_TRANSLATION_ID = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
RSS_FEED_SUMMARY_ONLY = False
FEED_MAX_ITEMS = 50

# Autoescape: titles, summaries and other metadata may come from scraped sources, so every
# value is escaped unless a template says `|safe` (article content and rendered summaries).
# auto_reload off: Jinja otherwise stats a template's file at every include of every page
# (two seconds of a 10,000-article build); Pelican makes a new environment for every build,
# the preview's autoreload included, so a changed template is still picked up.
JINJA_ENVIRONMENT = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True,
                     "extensions": [], "auto_reload": False}

# Pin "now" for reproducible builds (news sitemap window); the clock when unset.
NEWSROOM_NOW = os.environ.get("NEWSROOM_NOW") or None

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
        "markdown.extensions.sane_lists": {},
    },
    "output_format": "html5",
}

# The update job (newsroom update) passes a cache folder: Pelican then keeps each file's
# Article, keyed by a hash of the file, and reads again only what changed. The job drops the cache whenever settings, plugins,
# the theme or Pelican change, and after a failed build. Other builds use no cache.
_reader_cache = os.environ.get("NEWSROOM_CACHE_PATH")
if _reader_cache:
    CACHE_PATH = _reader_cache
    CACHE_CONTENT = True
    LOAD_CONTENT_CACHE = True
    # Whole articles, not only the reader's output: an unchanged file is not made into an
    # Article again (newsroom_site/speedups.py says how they are kept apart from the build
    # they were cached in).
    CONTENT_CACHING_LAYER = "generator"
    # Uncompressed: gzip cost a second of every build at 10,000 articles, for disk space.
    GZIP_CACHE = False
    CHECK_MODIFIED_METHOD = "sha1"
    # Compiled templates as well: Jinja compiled the theme's 33 templates on every build
    # (half a second). It checks each template's source against what it compiled.
    from jinja2 import FileSystemBytecodeCache

    os.makedirs(os.path.join(_reader_cache, "jinja"), exist_ok=True)
    JINJA_ENVIRONMENT = dict(
        JINJA_ENVIRONMENT, bytecode_cache=FileSystemBytecodeCache(os.path.join(_reader_cache, "jinja")))

# The update job also passes where the previous release and its page signatures are: pages
# whose inputs did not change are then hard-linked from that release instead of rendered
# (plugins/newsroom_site/incremental.py). Without these, every page is rendered.
# With NEWSROOM_RENDER_KEPT (a file) they are named there instead, for the job to put in the
# old release it recycles (newsroom/recycle.py).
# NEWSROOM_CONTENT_CHECKED says the job already checked the content it stages.
for _key in ("NEWSROOM_RENDER_STATE", "NEWSROOM_RENDER_FROM", "NEWSROOM_RENDER_ID",
             "NEWSROOM_RENDER_BASE", "NEWSROOM_RENDER_KEPT", "NEWSROOM_CONTENT_CHECKED"):
    if os.environ.get(_key):
        globals()[_key] = os.environ[_key]
