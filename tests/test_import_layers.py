"""The import rules of docs/architecture.md, checked in fresh interpreters.

Each layer may import only the layers below it; the core imports no third-party library at
all, so `newsroom check`, `newsroom new` and the scraper's HTTP layer stay fast to start and
usable without the site's build stack.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

SCRAPING = ("trafilatura", "bs4", "lxml", "feedparser", "markdownify", "nh3", "htmldate")
SITE = ("pelican", "markdown", "jinja2")
THIRD_PARTY = SCRAPING + SITE + ("requests", "PIL", "filelock", "protego", "charset_normalizer")


def loaded_after(code: str) -> set[str]:
    """Top-level package names in sys.modules after running `code` in a fresh interpreter."""
    probe = (
        f"{code}\nimport sys, json\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    "code, forbidden",
    [
        ("import newsroom.core.model, newsroom.core.files, newsroom.core.settings, "
         "newsroom.core.exits, newsroom.core.check", THIRD_PARTY),
        ("import press_scraper.errors", THIRD_PARTY),
        # Building the command parser imports every command module: they stay light.
        ("import newsroom.cli; newsroom.cli.build_parser()", SCRAPING + SITE),
    ],
    ids=["core", "scraper-errors", "cli-parser"],
)
def test_layer_imports_nothing_above_it(code, forbidden):
    leaked = loaded_after(code) & set(forbidden)
    assert not leaked, f"{code!r} loaded {sorted(leaked)}"


def test_the_probe_sees_a_heavy_import():
    # The check above is only worth something if the probe notices a library when it loads.
    assert "pelican" in loaded_after("import newsroom_site")
