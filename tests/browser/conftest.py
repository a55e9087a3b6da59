"""Fixtures for the browser tests: pages of the sample build opened at desktop and phone size.

The build (`built_site`), its server (`site_url`) and the browser (`chromium`) come from
tests/conftest.py; this file only adds viewports, the article to look at, and the folder for
screenshots.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browserkit import VIEWPORTS, new_context, served_page
from helpers import PROJECT_ROOT, read_articles

__all__ = ["VIEWPORTS", "new_context", "served_page"]

@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Where screenshots go: $SCREENSHOT_DIR, else screenshots/ at the repository root."""
    path = Path(os.environ.get("SCREENSHOT_DIR") or PROJECT_ROOT / "screenshots").resolve()
    path.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {path}")
    return path


@pytest.fixture(scope="session")
def sample_articles(project_root):
    """Published articles of the sample content, newest first, as editors wrote them."""
    articles = [a for a in read_articles(project_root / "content") if a.published]
    if not articles:
        pytest.fail(f"no published article under {project_root / 'content'}")
    return articles


@pytest.fixture(scope="session")
def showcase_article(sample_articles):
    """The article that exercises most of the page: image, source link, tags, subtitle."""

    def score(a):
        return (bool(a.image), bool(a.source_url), bool(a.tags), bool(a.subtitle), bool(a.authors))

    return max(sample_articles, key=score)


@pytest.fixture(params=sorted(VIEWPORTS))
def viewport(request) -> str:
    return request.param


@pytest.fixture
def page_at(chromium, viewport):
    """A page at the current viewport that records console errors, page errors and CSP reports."""
    context = new_context(chromium, viewport)
    page = context.new_page()
    page.problems = []  # type: ignore[attr-defined]
    page.on(
        "console",
        lambda msg: page.problems.append(f"console {msg.type}: {msg.text}")
        if msg.type in ("error", "warning")
        else None,
    )
    page.on("pageerror", lambda exc: page.problems.append(f"page error: {exc}"))
    page.on(
        "response",
        lambda r: page.problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None,
    )
    yield page
    context.close()
