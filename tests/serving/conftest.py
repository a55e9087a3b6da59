"""Fixtures for serving tests (helpers in serving_helpers.py): a published tmp project and
Debian's nginx serving it with the project's configuration; skipped without nginx."""

from __future__ import annotations

import os
import shutil

import pytest
from serving_helpers import Nginx, Site, make_site


@pytest.fixture(scope="module")
def nginx_available() -> None:
    if not (shutil.which("nginx") or os.access("/usr/sbin/nginx", os.X_OK)):
        pytest.skip("nginx is not installed (apt-get install nginx; .ci/run installs it)")


@pytest.fixture(scope="module")
def published_site(tmp_path_factory, nginx_available) -> Site:
    site = make_site(tmp_path_factory.mktemp("serving") / "site")
    site.update()
    return site


@pytest.fixture(scope="module")
def served(published_site, tmp_path_factory):
    server = Nginx(published_site.output, tmp_path_factory.mktemp("nginx"))
    yield server
    server.stop()
