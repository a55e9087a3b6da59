"""The scraper's layers import only what they need, checked in fresh interpreters.

The HTTP layer (press_scraper.fetch), the scraper's errors, health and records are usable
without the extraction stack (trafilatura, BeautifulSoup, lxml, feedparser) and without Pelican;
the store and the Markdown writer do without the page extractors (trafilatura, feedparser).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

EXTRACTION = ("trafilatura", "bs4", "soupsieve", "feedparser", "htmldate", "justext")
MARKUP = ("lxml", "markdownify", "nh3", "markdown")


def loaded_after(code: str) -> set[str]:
    """Top-level package names in sys.modules after running `code` in a fresh interpreter."""
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    "code, forbidden",
    [
        ("import newsroom.core.model, newsroom.core.files, newsroom.core.settings, "
         "newsroom.core.exits; import press_scraper.fetch; "
         "from press_scraper.fetch import Fetcher, FetchError, FormPost",
         ("pelican",) + EXTRACTION + MARKUP),
        ("import press_scraper.errors, press_scraper.health", ("pelican",) + EXTRACTION + MARKUP),
        ("import press_scraper.records", ("pelican",) + EXTRACTION + MARKUP),
        # markdownify brings BeautifulSoup; the page extractors stay out.
        ("import press_scraper.store, press_scraper.markdown",
         ("pelican", "trafilatura", "feedparser", "htmldate", "justext")),
        ("import press_scraper", ("pelican",) + EXTRACTION + MARKUP),
    ],
    ids=["http", "errors-health", "records", "store", "plugin-package"],
)
def test_scraper_layer_imports_nothing_above_it(code, forbidden):
    leaked = loaded_after(code) & set(forbidden)
    assert not leaked, f"{code!r} loaded {sorted(leaked)}"


def test_the_probe_sees_the_extraction_stack():
    # Only worth something if the probe notices these libraries when they do load.
    assert {"trafilatura", "bs4", "lxml"} <= loaded_after("import press_scraper.pipeline")
