"""Fixtures of the search tests: one build of the sample content plus the search corpus."""

from __future__ import annotations

import pytest
from search_helpers import build_search_site


@pytest.fixture(scope="session")
def search_site(tmp_path_factory):
    site = build_search_site(tmp_path_factory.mktemp("search-site"))
    yield site
    site.server.stop()
