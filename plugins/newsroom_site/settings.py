"""Defaults of the NEWSROOM_* settings and their validation.

Like Pelican's DEFAULT_CONFIG: one dict of defaults, merged under the user's settings once,
checked once, with an error that names the key.
"""

from __future__ import annotations

import re
from datetime import datetime

from .model import SLUG_RE, parse_date

DEFAULTS = {
    # [(name shown in menus, ASCII URL slug)] in menu order.
    "NEWSROOM_SECTIONS": [("정치", "politics"), ("경제", "economy"), ("문화", "culture")],
    # True (publishconf.py): a bad content file stops the build. False: log and show a banner.
    "NEWSROOM_STRICT": False,
    # Absolute origin for feeds, canonical URLs, Open Graph, JSON-LD and sitemaps.
    "NEWSROOM_SITE_ORIGIN": "http://127.0.0.1:8000",
    # How many articles each section box shows (home page and under every article).
    "NEWSROOM_BOX_SIZE": 5,
    "NEWSROOM_RELATED_COUNT": 4,
    # The news sitemap lists articles of the last this many days.
    "NEWSROOM_NEWS_SITEMAP_DAYS": 2,
    # Pin "now" (YYYY-MM-DD HH:MM[:SS], KST) for reproducible builds; None means the clock.
    "NEWSROOM_NOW": None,
    # Publisher shown in JSON-LD; defaults to SITENAME.
    "NEWSROOM_PUBLISHER": None,
    "NEWSROOM_LOGO": "theme/images/logo.png",
}


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
    origin = str(s["NEWSROOM_SITE_ORIGIN"]).rstrip("/")
    if not re.match(r"^https?://[^/\s]+(/[^\s]*)?$", origin):
        raise SettingsError(
            f"NEWSROOM_SITE_ORIGIN: expected an absolute http(s) URL, got {origin!r}"
        )
    s["NEWSROOM_SITE_ORIGIN"] = origin
    for key in ("NEWSROOM_BOX_SIZE", "NEWSROOM_RELATED_COUNT", "NEWSROOM_NEWS_SITEMAP_DAYS"):
        if not isinstance(s[key], int) or s[key] < 0:
            raise SettingsError(f"{key}: expected a whole number >= 0, got {s[key]!r}")
    now = s["NEWSROOM_NOW"]
    if isinstance(now, str):
        try:
            s["NEWSROOM_NOW"] = parse_date(now)
        except ValueError as e:
            raise SettingsError(f"NEWSROOM_NOW: {e}") from None
    elif now is not None and not isinstance(now, datetime):
        raise SettingsError(f"NEWSROOM_NOW: expected 'YYYY-MM-DD HH:MM:SS', got {now!r}")
    return s
