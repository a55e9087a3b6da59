"""Session fixtures shared by every test suite.

- `project_root`: the repository (derived from this file's location).
- `built_site`: one real strict build (publishconf.py) of the repository's sample content.
- `site_url`: a real threaded HTTP server on 127.0.0.1 serving that build.
- `chromium`: Debian's chromium driven by Playwright (never a downloaded browser).
- `build_site`: the helper for tests that build their own generated content.

Every build a test runs checks the incremental writer's shortcuts as it goes
(`NEWSROOM_RENDER_VERIFY=1`): an article's sealed fingerprint or kept URL that no longer matches
the article fails the build (plugins/newsroom_site/incremental.py, speedups.py). And every
build renders its pages in shares on two processes, however few they are
(`NEWSROOM_RENDER_PARALLEL_MIN=1`, plugins/newsroom_site/parallel.py), so every test checks
the pages of the parallel writer.

The server is bound before the build so that the build can be given its real origin: feeds,
canonical URLs and sitemaps then point at the very server the browser and link checker use.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import (
    CHROMIUM_ARGS,
    CHROMIUM_PATH,
    PROJECT_ROOT,
    BuildResult,
    SiteServer,
)
from helpers import (
    build_site as _build_site,
)

os.environ.setdefault("NEWSROOM_RENDER_VERIFY", "1")
os.environ.setdefault("NEWSROOM_RENDER_PARALLEL_MIN", "1")


@pytest.fixture(scope="session")
def project_root() -> Path:
    """The repository root (the folder holding pelicanconf.py)."""
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def build_site():
    """The build helper: `build_site(content_dir, out_dir, settings_file, env=None, ...)`."""
    return _build_site


@pytest.fixture(scope="session")
def _site_server(tmp_path_factory):
    """A server on a free port of 127.0.0.1, serving the folder the sample site is built into."""
    root = tmp_path_factory.mktemp("sample-site") / "output"
    server = SiteServer(root).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def built_site(_site_server, project_root) -> BuildResult:
    """The sample content built once with publishconf.py, with SITEURL set to the server."""
    result = _build_site(
        project_root / "content",
        _site_server.root,
        project_root / "publishconf.py",
        origin=_site_server.url,
    )
    if os.environ.get("NEWSROOM_TEST_SHOW_BUILD"):
        print(result.log)
    return result


@pytest.fixture(scope="session")
def site_url(built_site, _site_server) -> str:
    """The origin (no trailing slash) serving the built sample site, e.g. http://127.0.0.1:41234."""
    if built_site.returncode != 0:
        pytest.fail(
            f"the sample site did not build (exit {built_site.returncode}):\n{built_site.log[-4000:]}"
        )
    return _site_server.url


@pytest.fixture(scope="session")
def chromium():
    """A Playwright (sync) chromium browser: Debian's /usr/bin/chromium, session-wide."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM_PATH).exists():
        pytest.fail(f"{CHROMIUM_PATH} is missing: install Debian's chromium (see .ci/run)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
