"""The validated NEWSROOM_* settings of one build, computed once (at Pelican's `initialized`).

Validation itself lives in newsroom.core.settings, shared with the command line; this module
only keeps its result on Pelican's settings, so every handler of one build sees the same
values, and adds what the site build needs on top: an absolute origin.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from newsroom.core import authors
from newsroom.core.model import now_kst
from newsroom.core.settings import SettingsError, masthead_gaps, resolve

logger = logging.getLogger(__name__)

# Where the validated values live on Pelican's settings (and so on every generator's context).
KEY = "_NEWSROOM"


def newsroom_settings(settings: dict) -> dict:
    """Validated NEWSROOM_* values of this build: validated on first use, then reused."""
    ns = settings.get(KEY)
    if ns is None:
        ns = resolve(settings).values
        if ns["NEWSROOM_SITE_ORIGIN"] is None:
            raise SettingsError(
                "NEWSROOM_SITE_ORIGIN: not set; feeds, canonical URLs and sitemaps need the "
                "site's absolute origin (pelicanconf.py takes it from the SITEURL environment "
                "variable)"
            )
        settings[KEY] = ns
    return ns


def build_now(ns: dict) -> datetime:
    """"Now" for this build: NEWSROOM_NOW when pinned (reproducible builds), else the clock."""
    return ns["NEWSROOM_NOW"] or now_kst()


def newest_first(article) -> tuple:
    """Article order: newest first, then by slug, then by file, so that articles with the
    same timestamp (a batch of releases stamped 09:00) always come out in the same order and
    list pages do not reshuffle from one build to the next."""
    return (-article.date.timestamp(), article.slug or "", article.source_path or "")


def on_initialized(pelican) -> None:
    """Validate once, before any generator runs, so a bad setting stops the build at once.

    Warns in the published build when a field of the legal masthead is empty. Also makes
    Pelican's default order (`reversed-date`, which leaves equal dates in the
    order the files were read) deterministic; a site that set its own order keeps it.
    """
    try:
        newsroom_settings(pelican.settings)
    except SettingsError as e:
        logger.critical("settings: %s", e)
        raise
    ns = newsroom_settings(pelican.settings)
    # Reporters' details, read once, kept as a setting: a change to the file then changes
    # every page's inputs (the incremental writer fingerprints the settings).
    try:
        reporters = authors.read(Path(ns["NEWSROOM_AUTHORS"])) if ns["NEWSROOM_AUTHORS"] else {}
    except authors.AuthorsError as e:
        logger.critical("authors: %s", e)
        raise
    pelican.settings["NEWSROOM_REPORTERS"] = {
        r.name: {"email": r.email, "desk": r.desk} for r in reporters.values()
    }
    gaps = masthead_gaps(ns)
    if ns["NEWSROOM_STRICT"] and gaps:
        # A Korean internet newspaper must show its registration on every page (신문법).
        logger.warning(
            "settings: NEWSROOM_MASTHEAD: %s empty; the footer of the published site "
            "shows no legal masthead for them", ", ".join(gaps)
        )
    if pelican.settings.get("ARTICLE_ORDER_BY") == "reversed-date":
        pelican.settings["ARTICLE_ORDER_BY"] = newest_first
