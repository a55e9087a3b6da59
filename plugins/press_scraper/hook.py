"""The Pelican hook: scrape the sources before a build reads content/ (opt-in).

The settings (SCRAPER_DEFAULTS) are documented in the package docstring (press_scraper).
"""


from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

logger = logging.getLogger(__name__)

SCRAPER_DEFAULTS = {
    "SCRAPER_ON_BUILD": False,
    "SCRAPER_SOURCES": "sources.toml",
    "SCRAPER_STATE": ".state",
    "SCRAPER_LIMIT": None,
}

_done = False  # one scrape per process, whatever the number of builds


def _interactive_pelican(argv: list[str]) -> bool:
    """True when Pelican was started to serve or to rebuild on change (`-l`, `-r`, `-lr`)."""
    for arg in argv[1:]:
        if arg in ("--listen", "--autoreload"):
            return True
        if arg.startswith("-") and not arg.startswith("--") and ("l" in arg or "r" in arg):
            # Short flags combine (-lr); only flags without a value can, so this stays safe
            # for `-s file` / `-o dir`, whose letters are s and o.
            if set(arg[1:]) <= set("lrvqDd"):
                return True
    return False


def scrape_before_build(pelican) -> None:
    """`get_generators` receiver: run the scraper once, before any generator reads content.

    Why `get_generators`: Pelican sends it from `Pelican.run()`, right before it builds the
    generators that read content/, so new articles are part of this very build. `initialized`
    would be wrong: it fires for every command, `--listen` and `--print-settings` included.
    Returns None, so Pelican's generator list is unchanged.
    """
    global _done
    settings = {**SCRAPER_DEFAULTS, **{k: v for k, v in pelican.settings.items()
                                       if k.startswith("SCRAPER_")}}
    if not settings["SCRAPER_ON_BUILD"] or _done:
        return None
    if os.environ.get("PYTEST_CURRENT_TEST") or _interactive_pelican(sys.argv):
        logger.info("press_scraper: SCRAPER_ON_BUILD ignored (serve, autoreload or tests)")
        return None
    _done = True
    from .errors import ConfigError
    from .pipeline import scrape

    content = Path(pelican.settings["PATH"])
    project = content.parent
    sources = project / settings["SCRAPER_SOURCES"]
    state = project / settings["SCRAPER_STATE"]
    sections = [name for name, _slug in pelican.settings.get("NEWSROOM_SECTIONS", [])] or None
    try:
        report = scrape(sources, content, state_dir=state, limit=settings["SCRAPER_LIMIT"],
                        sections=sections)
    except ConfigError as exc:
        logger.error("press_scraper: %s", exc)
        return None
    totals = report.totals()
    logger.info("press_scraper: %d new, %d updated from %d sources", totals["new"],
                totals["updated"], len(report.sources))
    for s in report.sources:
        if s.error:
            logger.warning("press_scraper: source %s failed: %s", s.id, s.error)
    return None
