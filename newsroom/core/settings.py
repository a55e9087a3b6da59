"""The project's settings, resolved once for every command and both Pelican plugins.

- NEWSROOM_* defaults and their validation: like Pelican's DEFAULT_CONFIG, one dict of
  defaults merged under the user's settings, checked once, with an error that names the key.
- `find_root` and `read_settings`: the project folder and its Pelican settings file, read
  without importing Pelican (the file is plain Python; upper-case names are settings).
- `resolve`: sections, section names, origin and "now" as every layer should see them.

The site origin is read from the environment in one place only, `pelicanconf.py`
(`SITEURL`); everything else takes the validated NEWSROOM_SITE_ORIGIN from here.
"""

from __future__ import annotations

import os
import re
import runpy
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .model import SLUG_RE, parse_date

DEFAULTS = {
    # [(name shown in menus, ASCII URL slug)] in menu order.
    "NEWSROOM_SECTIONS": [("정치", "politics"), ("경제", "economy"), ("문화", "culture")],
    # True (publishconf.py): a bad content file stops the build. False: log and show a banner.
    "NEWSROOM_STRICT": False,
    # Absolute origin for feeds, canonical URLs, Open Graph, JSON-LD and sitemaps. No default
    # here: pelicanconf.py sets it from the environment (SITEURL); the site build requires it.
    "NEWSROOM_SITE_ORIGIN": None,
    # How many articles each section box shows (home page and under every article).
    "NEWSROOM_BOX_SIZE": 5,
    "NEWSROOM_RELATED_COUNT": 4,
    # The news sitemap lists articles of the last this many days.
    "NEWSROOM_NEWS_SITEMAP_DAYS": 2,
    # Pin "now" (YYYY-MM-DD HH:MM[:SS], KST) for reproducible builds; None means the clock.
    "NEWSROOM_NOW": None,
    # Publisher shown in JSON-LD; defaults to SITENAME.
    "NEWSROOM_PUBLISHER": None,
    # takedowns.toml (newsroom takedown): articles kept off the site; pelicanconf.py puts it
    # beside the settings file.
    "NEWSROOM_TAKEDOWNS": None,
    # redirects.toml: old URLs of articles whose slug changed (the update job writes it).
    "NEWSROOM_REDIRECTS": None,
    # authors.toml (newsroom/core/authors.py): reporters' e-mail and desk for bylines and
    # reporter pages; pelicanconf.py puts it beside the settings file. None: no details.
    "NEWSROOM_AUTHORS": None,
    # The legal masthead every Korean internet newspaper shows on every page (footer):
    # keys of MASTHEAD_FIELDS, values plain text. Empty values are allowed in the preview;
    # the published build (NEWSROOM_STRICT) warns about each one.
    "NEWSROOM_MASTHEAD": {},
    # Processes that render the site's pages (newsroom_site/parallel.py); None: the machine's
    # cores, at most 2. 1 renders in the build process alone. The pages are the same bytes.
    "NEWSROOM_RENDER_PROCESSES": None,
}

# NEWSROOM_MASTHEAD keys, in the order the footer shows them, with the label readers see.
MASTHEAD_FIELDS = (
    ("title", "제호"),
    ("registration_number", "등록번호"),
    ("registration_date", "등록일"),
    ("publisher", "발행인"),
    ("editor", "편집인"),
    ("youth_officer", "청소년보호책임자"),
    ("address", "주소"),
    ("telephone", "전화"),
)


class SettingsError(ValueError):
    """A NEWSROOM_* setting is wrong; the message names the key."""


def merged(settings: dict) -> dict:
    """Return our settings: defaults overridden by what the user set (never mutates settings)."""
    out = dict(DEFAULTS)
    for key in DEFAULTS:
        if key in settings and settings[key] is not None:
            out[key] = settings[key]
    return out


def validate(settings: dict) -> dict:
    """Validate and normalise NEWSROOM_* settings; raise SettingsError naming the key."""
    s = merged(settings)
    sections = s["NEWSROOM_SECTIONS"]
    try:
        pairs = [(str(name), str(slug)) for name, slug in sections]
    except (TypeError, ValueError):
        raise SettingsError(
            "NEWSROOM_SECTIONS: expected a list of (name, slug) pairs, "
            f"for example [('정치', 'politics')], got {sections!r}"
        ) from None
    if not pairs:
        raise SettingsError("NEWSROOM_SECTIONS: at least one section is needed")
    seen: set[str] = set()
    for name, slug in pairs:
        if not SLUG_RE.match(slug):
            raise SettingsError(
                f"NEWSROOM_SECTIONS: slug {slug!r} of section {name!r} must be ASCII [a-z0-9-]"
            )
        if name in seen or slug in seen:
            raise SettingsError(f"NEWSROOM_SECTIONS: section {name!r}/{slug!r} appears twice")
        seen.update((name, slug))
    s["NEWSROOM_SECTIONS"] = pairs
    if s["NEWSROOM_SITE_ORIGIN"] is not None:  # None: not set (fine for checking content)
        origin = str(s["NEWSROOM_SITE_ORIGIN"]).rstrip("/")
        if not re.match(r"^https?://[^/\s]+(/[^\s]*)?$", origin):
            raise SettingsError(
                f"NEWSROOM_SITE_ORIGIN: expected an absolute http(s) URL, got {origin!r}"
            )
        s["NEWSROOM_SITE_ORIGIN"] = origin
    for key in ("NEWSROOM_BOX_SIZE", "NEWSROOM_RELATED_COUNT", "NEWSROOM_NEWS_SITEMAP_DAYS"):
        if not isinstance(s[key], int) or s[key] < 0:
            raise SettingsError(f"{key}: expected a whole number >= 0, got {s[key]!r}")
    processes = s["NEWSROOM_RENDER_PROCESSES"]
    if processes is not None and (isinstance(processes, bool) or not isinstance(processes, int)
                                  or not 1 <= processes <= 64):
        raise SettingsError(f"NEWSROOM_RENDER_PROCESSES: expected a whole number from 1 to 64 "
                            f"(or None for the machine's cores), got {processes!r}")
    s["NEWSROOM_MASTHEAD"] = _masthead(s["NEWSROOM_MASTHEAD"])
    now = s["NEWSROOM_NOW"]
    if isinstance(now, str):
        try:
            s["NEWSROOM_NOW"] = parse_date(now)
        except ValueError as e:
            raise SettingsError(f"NEWSROOM_NOW: {e}") from None
    elif now is not None and not isinstance(now, datetime):
        raise SettingsError(f"NEWSROOM_NOW: expected 'YYYY-MM-DD HH:MM:SS', got {now!r}")
    return s


def _masthead(value) -> dict:
    """NEWSROOM_MASTHEAD as {key: stripped text} with every key of MASTHEAD_FIELDS."""
    if not isinstance(value, dict):
        raise SettingsError(
            f"NEWSROOM_MASTHEAD: expected a dict such as {{'title': '우리고장뉴스', "
            f"'registration_number': '…'}}, got {value!r}"
        )
    known = [key for key, _label in MASTHEAD_FIELDS]
    unknown = sorted(set(value) - set(known))
    if unknown:
        raise SettingsError(
            f"NEWSROOM_MASTHEAD: unknown key(s) {', '.join(map(repr, unknown))}; "
            f"known: {', '.join(known)}"
        )
    out = {}
    for key in known:
        text = value.get(key)
        if text is None:
            text = ""
        if not isinstance(text, str):
            raise SettingsError(f"NEWSROOM_MASTHEAD: {key!r} must be text, got {text!r}")
        out[key] = " ".join(text.split())
    return out


def masthead_gaps(values: dict) -> list[str]:
    """Labels of the masthead fields left empty (validated values), in footer order."""
    masthead = values.get("NEWSROOM_MASTHEAD") or {}
    return [label for key, label in MASTHEAD_FIELDS if not masthead.get(key)]


@dataclass(frozen=True)
class Resolved:
    """What every layer needs of the settings, validated once."""

    sections: tuple[tuple[str, str], ...]  # (name shown, ASCII slug) in menu order
    origin: str | None  # absolute origin, no trailing slash; None when not set
    now: datetime | None  # pinned "now" (NEWSROOM_NOW), or None for the clock
    values: dict  # every validated NEWSROOM_* value

    @property
    def section_names(self) -> list[str]:
        return [name for name, _slug in self.sections]


def resolve(settings: dict) -> Resolved:
    """Validate the NEWSROOM_* settings of a settings dict; raise SettingsError naming the key."""
    s = validate(settings)
    return Resolved(tuple(s["NEWSROOM_SECTIONS"]), s["NEWSROOM_SITE_ORIGIN"], s["NEWSROOM_NOW"], s)


# --- the project's settings file -------------------------------------------------------------

# Pelican's defaults for the few keys the commands read without running Pelican.
PELICAN_DEFAULTS = {"PATH": "content", "PAGE_PATHS": ["pages"], "ARTICLE_PATHS": [""],
                    "STATIC_PATHS": ["images"], "ARTICLE_EXCLUDES": [], "PAGE_EXCLUDES": []}


def find_root(start: Path | None = None) -> Path:
    """The project folder: the nearest parent holding pelicanconf.py (else the cwd)."""
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / "pelicanconf.py").is_file():
            return d
    return here


def read_settings(root: Path, settings_file: str | Path = "pelicanconf.py") -> dict:
    """The upper-case settings a Pelican settings file defines, over PELICAN_DEFAULTS.

    Run from the settings file's folder (it may import its sibling, as publishconf.py imports
    pelicanconf.py); PATH is made absolute relative to that folder, as Pelican does. A missing
    file gives the defaults.
    """
    path = Path(root) / settings_file
    settings = {k: (list(v) if isinstance(v, list) else v) for k, v in PELICAN_DEFAULTS.items()}
    if not path.is_file():
        settings["PATH"] = str((Path(root) / settings["PATH"]).resolve())
        return settings
    cwd = os.getcwd()
    try:
        os.chdir(path.parent)
        values = runpy.run_path(str(path), run_name="pelicanconf_settings")
    finally:
        os.chdir(cwd)
    settings.update({k: v for k, v in values.items() if k.isupper()})
    settings["PATH"] = str((path.parent / (settings.get("PATH") or "content")).resolve())
    return settings


def beside_settings(settings_file: Path, value: str | None, default: str) -> Path:
    """A project file named by a setting (takedowns.toml, redirects.toml): absolute as given,
    else relative to the settings file's folder."""
    p = Path(value or default)
    return p if p.is_absolute() else Path(settings_file).resolve().parent / p
