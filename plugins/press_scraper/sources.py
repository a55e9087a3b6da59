"""Load and validate `sources.toml`: the scraper's sources and its politeness settings.

Public API:
    load(path, *, sections=DEFAULT_SECTIONS, overrides=None) -> Config
        Read the file with tomllib and validate all of it before anything is fetched.
        `overrides` (a mapping of `[scraper]` keys, e.g. from a test or the benchmark) is
        validated like the file's own keys and wins over them.
    Config(settings: ScraperSettings, sources: tuple[Source, ...], path: Path)
    Source: id, name, kind ("rss" | "html" | "post" | "api"), url, category (str | None), tags (tuple),
        license (str | None), excerpt_only (bool), selectors (Selectors), max_pages (int),
        delay (float | None: extra per-host politeness for this source, never less than
        the global delay), spec (the kind's own table, validated by its module in kinds/:
        kinds.post_board.PostBoard for `[sources.post]`, kinds.govkr_api.ApiSpec for
        `[sources.api]`; None for the others)
    Selectors: list_item, link, title, date, body, author, next_page, subtitle, attachments
        (each a CSS selector string or None; compiled once with soupsieve to validate)
    ScraperSettings: user_agent, contact_url, delay, timeout, deadline, max_bytes,
        max_image_bytes, max_redirects, retries, backoff, retry_after_cap, concurrency,
        health_warn_after, extract_processes; `ScraperSettings.user_agent_header` is the full User-Agent.
        `settings_from_mapping(mapping, where=...)` builds one from a plain dict.
    DEFAULT_SETTINGS: the one dict of defaults for `[scraper]`.
    SourcesError(ValueError): message names the file, the source (#index and id) and the key,
        e.g. "sources.toml: source #2 (daegu): key 'selector': unknown key (did you mean
        'selectors'?)". Attributes: path, index, source_id, key.

File format (see README):
    [scraper]            # optional; any key of DEFAULT_SETTINGS
    delay = 1.0
    [[sources]]
    id = "daegu"  name = "대구광역시"  kind = "rss"  url = "https://..."
    category = "경제"  tags = ["대구"]  license = "공공누리 제1유형"  excerpt_only = false
    max_pages = 3  delay = 2.0
    [sources.selectors]
    list_item = "table.board tbody tr"  link = "td.title a"  ...
"""

from __future__ import annotations

import logging
import math
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from newsroom.core.settings import DEFAULTS

from .encoding import has_invisible
from .errors import ConfigError
from .kinds import KINDS as KIND_MODULES
from .schema import check_http_url, check_int, is_number, unknown_key_message

logger = logging.getLogger(__name__)

# The site's default sections (newsroom.core.settings), for callers that pass none.
DEFAULT_SECTIONS = tuple(name for name, _slug in DEFAULTS["NEWSROOM_SECTIONS"])
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# The id names content/scraped/<id>/<id>-<hash>.md, its temporary files and image folder: a
# 250-character id passed and then every write failed with ENAMETOOLONG.
MAX_ID_LENGTH = 40
KINDS = tuple(KIND_MODULES)  # "rss", "html", "post", "api"

# (type check, description) for each setting; numbers are checked against ranges below.
_SETTING_TYPES: dict[str, tuple[type | tuple[type, ...], str]] = {
    "user_agent": (str, "a string"),
    "contact_url": (str, "a string"),
    "delay": ((int, float), "a number of seconds"),
    "timeout": ((int, float), "a number of seconds"),
    "deadline": ((int, float), "a number of seconds"),
    "max_bytes": (int, "an integer number of bytes"),
    "max_image_bytes": (int, "an integer number of bytes"),
    "max_redirects": (int, "an integer"),
    "retries": (int, "an integer"),
    "backoff": ((int, float), "a number of seconds"),
    "retry_after_cap": ((int, float), "a number of seconds"),
    "concurrency": (int, "an integer"),
    "health_warn_after": (int, "an integer"),
    "extract_processes": (int, "an integer number of processes"),
}
# Inclusive lower bound for each numeric setting, and whether 0 itself is allowed.
_SETTING_MIN: dict[str, float] = {
    "delay": 0, "timeout": 0.001, "deadline": 0.001, "max_bytes": 1, "max_image_bytes": 1,
    "max_redirects": 0, "retries": 0, "backoff": 0, "retry_after_cap": 0, "concurrency": 1,
    "health_warn_after": 1, "extract_processes": 0,
}
_TOKEN_RE = re.compile(r"^[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)?$")

# The keys every source has, then each kind's own table (`[sources.post]`, `[sources.api]`).
SOURCE_KEYS = (
    "id", "name", "kind", "url", "category", "tags", "license", "excerpt_only",
    "selectors", "max_pages", "delay",
    *(kind.TABLE for kind in KIND_MODULES.values() if kind.TABLE),
)
SELECTOR_KEYS = (
    "list_item", "link", "title", "date", "body", "author", "next_page", "subtitle",
    "attachments",
)
TOP_KEYS = ("scraper", "sources")


class SourcesError(ConfigError):
    """An invalid sources file; the message names the file, the source and the key."""

    def __init__(self, path: str, message: str, *, index: int | None = None,
                 source_id: str | None = None, key: str | None = None):
        self.path = path
        self.index = index
        self.source_id = source_id
        self.key = key
        where = [path]
        if index is not None:
            where.append(f"source #{index}" + (f" ({source_id})" if source_id else ""))
        if key is not None:
            where.append(f"key {key!r}")
        super().__init__(": ".join(where) + ": " + message)


@dataclass(frozen=True)
class Selectors:
    """CSS selectors of one source; None where generic extraction applies."""

    list_item: str | None = None
    link: str | None = None
    title: str | None = None
    date: str | None = None
    body: str | None = None
    author: str | None = None
    next_page: str | None = None
    subtitle: str | None = None
    attachments: str | None = None


@dataclass(frozen=True)
class Source:
    """One entry of `[[sources]]`, validated."""

    id: str
    name: str
    kind: str
    url: str
    category: str | None = None
    tags: tuple[str, ...] = ()
    license: str | None = None
    excerpt_only: bool = False
    selectors: Selectors = field(default_factory=Selectors)
    max_pages: int = 3
    delay: float | None = None
    # The kind's own settings (its `[sources.<kind>]` table: kinds.post_board.PostBoard,
    # kinds.govkr_api.ApiSpec), or None.
    spec: Any = None

    @property
    def hosts(self) -> tuple[str, ...]:
        """Every URL the operator named for this source (its hosts are trusted)."""
        return (self.url, *getattr(self.spec, "extra_urls", ()))


def spare_cpus() -> int:
    """The default of `extract_processes`: the CPUs this process may use but the run's own
    thread, at most 2 (docs/scraper.md, "Performance": extraction is about half of an
    article's CPU time, so beyond one or two workers the run's thread is what waits)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(0, min(2, cpus - 1))


@dataclass(frozen=True)
class ScraperSettings:
    """The `[scraper]` table; the defaults here are the one list of them (DEFAULT_SETTINGS).

    Sizes in bytes, times in seconds.
    """

    # Product token sent as User-Agent and matched against robots.txt groups.
    user_agent: str = "WoorigojangNewsBot/0.1"
    # Where a site owner can reach us; appended to the User-Agent as "(+URL)".
    contact_url: str = "http://127.0.0.1:8000/about.html"
    delay: float = 1.0  # pause between two requests to the same host; 0 only for tests/benchmarks
    timeout: float = 10.0  # connect timeout and read timeout (silence between bytes)
    deadline: float = 60.0  # whole exchange, so a server trickling bytes forever is cut
    max_bytes: int = 10 * 1024 * 1024  # pages, feeds, list pages
    max_image_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 3  # extra attempts on 429, 5xx and dropped connections
    backoff: float = 1.0  # first retry waits this long, then doubling
    retry_after_cap: float = 60.0  # never wait longer than this for a Retry-After
    concurrency: int = 4  # hosts fetched at once (each host is still one request at a time)
    health_warn_after: int = 3  # runs without items / failures in a row before a loud warning
    # Worker processes extracting article pages (extract_pool.py); 0: the run's thread does.
    extract_processes: int = spare_cpus()

    @property
    def user_agent_header(self) -> str:
        """The User-Agent sent: the product token and the contact URL."""
        return f"{self.user_agent} (+{self.contact_url})"

    @property
    def robots_token(self) -> str:
        """The name robots.txt groups are matched against (the token before '/')."""
        return self.user_agent.split("/", 1)[0]


# Defaults for the `[scraper]` table, key by key.
DEFAULT_SETTINGS: dict[str, Any] = {f.name: f.default for f in fields(ScraperSettings)}


@dataclass(frozen=True)
class Config:
    """A validated sources file."""

    path: Path
    settings: ScraperSettings
    sources: tuple[Source, ...]

    def get(self, source_id: str) -> Source | None:
        for s in self.sources:
            if s.id == source_id:
                return s
        return None


def settings_from_mapping(mapping: Mapping[str, Any], *, where: str = "[scraper]",
                          base: ScraperSettings | None = None) -> ScraperSettings:
    """Validate `[scraper]`-style keys and merge them over `base` (or the defaults).

    Args:
        mapping: keys of DEFAULT_SETTINGS with their values.
        where: prefix for error messages, e.g. "sources.toml: [scraper]".
        base: settings to start from; DEFAULT_SETTINGS when None.

    Returns:
        A frozen ScraperSettings.

    Raises:
        SourcesError naming `where` and the key.
    """
    if not isinstance(mapping, Mapping):
        raise SourcesError(where, "expected a table of settings")
    values = {f.name: getattr(base or ScraperSettings(), f.name) for f in fields(ScraperSettings)}
    for key, value in mapping.items():
        if key not in DEFAULT_SETTINGS:
            raise SourcesError(where, unknown_key_message(key, list(DEFAULT_SETTINGS)), key=key)
        kind, expected = _SETTING_TYPES[key]
        if isinstance(value, bool) or not isinstance(value, kind):
            raise SourcesError(where, f"expected {expected}, got {value!r}", key=key)
        if is_number(value):
            if isinstance(value, float) and not math.isfinite(value):
                raise SourcesError(where, f"expected a finite number, got {value!r}", key=key)
            low = _SETTING_MIN[key]
            if value < low:
                raise SourcesError(where, f"must be at least {low}, got {value!r}", key=key)
        if key == "user_agent" and not _TOKEN_RE.match(value):
            raise SourcesError(
                where, f"expected a product token like 'NameBot/1.0', got {value!r}", key=key
            )
        if key == "contact_url":
            problem = check_http_url(value)
            if problem:
                raise SourcesError(where, problem, key=key)
        values[key] = float(value) if kind == (int, float) else value
    return ScraperSettings(**values)


def _check_selector(value: Any, where: str, index: int, source_id: str | None, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SourcesError(where, "expected a non-empty CSS selector string",
                           index=index, source_id=source_id, key=key)
    import soupsieve  # here: it loads bs4, which the HTTP layer must not pull in

    try:
        soupsieve.compile(value)
    except soupsieve.SelectorSyntaxError as exc:
        first = str(exc).splitlines()[0]
        raise SourcesError(where, f"invalid CSS selector {value!r}: {first}",
                           index=index, source_id=source_id, key=key) from None
    return value


def _parse_source(raw: Any, where: str, index: int, sections: Sequence[str]) -> Source:
    if not isinstance(raw, Mapping):
        raise SourcesError(where, "expected a table ([[sources]])", index=index)
    sid = raw.get("id") if isinstance(raw.get("id"), str) else None

    def fail(key: str | None, message: str) -> SourcesError:
        return SourcesError(where, message, index=index, source_id=sid, key=key)

    for key in raw:
        if key not in SOURCE_KEYS:
            raise fail(key, unknown_key_message(key, SOURCE_KEYS))
    for key in ("id", "name", "kind", "url"):
        if key not in raw:
            raise fail(key, "missing (required)")
    if not isinstance(raw["id"], str) or not ID_RE.match(raw["id"]):
        sid = None
        raise fail("id", f"expected lowercase ASCII letters, digits and single hyphens "
                         f"([a-z0-9]+(-[a-z0-9]+)*), got {raw['id']!r}")
    if len(raw["id"]) > MAX_ID_LENGTH:
        raise fail("id", f"at most {MAX_ID_LENGTH} characters, got {len(raw['id'])} (it names "
                         f"a folder and every file of the source)")
    name = raw["name"]
    if not isinstance(name, str) or not name.strip() or "\n" in name or "\r" in name:
        raise fail("name", f"expected a non-empty one-line string, got {name!r}")
    kind = raw["kind"]
    if kind not in KINDS:
        raise fail("kind", f"expected one of {', '.join(map(repr, KINDS))}, got {kind!r}")
    problem = check_http_url(raw["url"])
    if problem:
        raise fail("url", problem)

    # What we print as the credit must look like what it is: no bidi override, no NUL.
    for key in ("name", "license"):
        if isinstance(raw.get(key), str) and has_invisible(raw[key]):
            raise fail(key, f"contains invisible control characters: {raw[key]!r}")
    if isinstance(raw.get("tags"), list) and any(
        isinstance(t, str) and has_invisible(t) for t in raw["tags"]
    ):
        raise fail("tags", "a tag contains invisible control characters")

    category = raw.get("category")
    if category is not None and category not in sections:
        raise fail("category", f"unknown category {category!r}; "
                               f"expected one of {', '.join(sections)}")
    tags = raw.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        raise fail("tags", f"expected a list of non-empty strings, got {tags!r}")
    if any("," in t or "\n" in t for t in tags):
        raise fail("tags", "a tag may not contain a comma or a newline")
    lic = raw.get("license")
    if lic is not None and (not isinstance(lic, str) or not lic.strip() or "\n" in lic):
        raise fail("license", f"expected a one-line string, got {lic!r}")
    excerpt_only = raw.get("excerpt_only", False)
    if not isinstance(excerpt_only, bool):
        raise fail("excerpt_only", f"expected true or false, got {excerpt_only!r}")
    max_pages = check_int(raw, "max_pages", Source.max_pages, 1, 100, fail)
    delay = raw.get("delay")
    if delay is not None and (not is_number(delay) or not math.isfinite(delay) or delay < 0):
        raise fail("delay", f"expected a number of seconds >= 0, got {delay!r}")

    raw_sel = raw.get("selectors", {})
    if not isinstance(raw_sel, Mapping):
        raise fail("selectors", "expected a table ([sources.selectors])")
    sel: dict[str, str] = {}
    for key, value in raw_sel.items():
        dotted = f"selectors.{key}"
        if key not in SELECTOR_KEYS:
            raise fail(dotted, unknown_key_message(key, SELECTOR_KEYS))
        sel[key] = _check_selector(value, where, index, sid, dotted)
    if "link" in sel and "list_item" not in sel:
        raise fail("selectors.link", "needs 'list_item' (the link is looked up inside each row)")
    module = KIND_MODULES[kind]
    module.check_selectors(sel, fail)
    for other in KIND_MODULES.values():
        if other.TABLE and other.TABLE in raw and other is not module:
            raise fail(other.TABLE, f"[sources.{other.TABLE}] only applies to kind = "
                                    f"\"{other.TABLE}\"")
    spec = module.parse_config(raw.get(module.TABLE) if module.TABLE else None, fail)

    return Source(
        id=raw["id"], name=name.strip(), kind=kind, url=raw["url"], category=category,
        tags=tuple(t.strip() for t in tags), license=lic.strip() if lic else None,
        excerpt_only=excerpt_only, selectors=Selectors(**sel), max_pages=max_pages,
        delay=float(delay) if delay is not None else None, spec=spec,
    )


def parse(data: Mapping[str, Any], *, path: str = "sources.toml",
          sections: Sequence[str] = DEFAULT_SECTIONS,
          overrides: Mapping[str, Any] | None = None) -> Config:
    """Validate an already-parsed TOML document (pure; `load` adds the file reading).

    Args:
        data: the document as tomllib returns it.
        path: the file name used in error messages.
        sections: allowed category names (the site's sections).
        overrides: `[scraper]` keys that win over the document's.

    Returns:
        A Config with frozen settings and sources in file order.

    Raises:
        SourcesError naming the file, the source and the key.
    """
    for key in data:
        if key not in TOP_KEYS:
            raise SourcesError(path, unknown_key_message(key, TOP_KEYS), key=key)
    settings = settings_from_mapping(data.get("scraper", {}), where=f"{path}: [scraper]")
    if overrides:
        settings = settings_from_mapping(overrides, where="settings override", base=settings)
    raw_sources = data.get("sources", [])
    if not isinstance(raw_sources, list):
        raise SourcesError(path, "expected an array of tables ([[sources]])", key="sources")
    sources: list[Source] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_sources, start=1):
        source = _parse_source(raw, path, index, sections)
        if source.id in seen:
            raise SourcesError(path, f"duplicate id, already used by source #{seen[source.id]}",
                               index=index, source_id=source.id, key="id")
        seen[source.id] = index
        sources.append(source)
    return Config(path=Path(path), settings=settings, sources=tuple(sources))


def load(path: str | Path, *, sections: Sequence[str] = DEFAULT_SECTIONS,
         overrides: Mapping[str, Any] | None = None) -> Config:
    """Read and validate a sources file.

    Args:
        path: the TOML file.
        sections: allowed category names, in menu order (default 정치, 경제, 문화).
        overrides: `[scraper]` keys that win over the file's (validated the same way).

    Returns:
        A Config.

    Raises:
        SourcesError: unreadable file, TOML syntax error or invalid content; the message
            starts with the path.
    """
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise SourcesError(name, f"cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourcesError(name, f"not UTF-8 (byte {exc.start})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(name, f"invalid TOML: {exc}") from None
    config = parse(data, path=name, sections=sections, overrides=overrides)
    logger.debug("%s: %d sources", name, len(config.sources))
    return config
