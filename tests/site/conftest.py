"""Fixtures of the site tests: the sample site's strict build, parsed once per module.

`built_site` (tests/conftest.py) builds the repository's sample content once per session;
these fixtures name what the tests read of it, and what they compare it with (the Markdown
sources, read with the project's content model).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import html_files, output_rel, parse_html, read_articles


@pytest.fixture(scope="module")
def site(built_site):
    """The sample build; every test here needs it to have succeeded."""
    if built_site.returncode != 0:
        pytest.fail(f"build failed (exit {built_site.returncode}):\n{built_site.log[-6000:]}")
    return built_site


@pytest.fixture(scope="module")
def out(site) -> Path:
    return site.output


@pytest.fixture(scope="module")
def origin(site) -> str:
    return site.origin


@pytest.fixture(scope="module")
def articles(project_root):
    """Every article of the sample content, newest first."""
    return read_articles(project_root / "content")


@pytest.fixture(scope="module")
def published(articles):
    return [a for a in articles if a.published]


@pytest.fixture(scope="module")
def settings(project_root):
    """Pelican's settings from publishconf.py, to name pages with Pelican's own slug rules."""
    from pelican.settings import read_settings

    return read_settings(str(project_root / "publishconf.py"))


@pytest.fixture(scope="module")
def soups(out):
    """Every HTML page of the build, parsed once: output-relative path -> soup."""
    return {output_rel(out, f): parse_html(f) for f in html_files(out)}
