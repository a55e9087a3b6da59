"""The scraper's entry point for the command layer: one run over all sources.

(Being moved here from api.py; until then this module re-exports it.)
"""

from .api import ScrapeReport, SourceReport, scrape

__all__ = ["ScrapeReport", "SourceReport", "scrape"]
