"""The scraper's exceptions that callers (the `newsroom` commands) act on.

Kept in a module of their own, importing nothing, so the command layer can catch them by
class without loading the scraping libraries.
"""

from __future__ import annotations


class ScraperError(Exception):
    """Base of the scraper's own errors."""


class ConfigError(ScraperError, ValueError):
    """sources.toml (or a [scraper] setting) is invalid: nothing was fetched. Exit 2."""


class ScrapeBusy(ScraperError, RuntimeError):
    """Another scrape holds the lock in the state folder. Exit 75."""
