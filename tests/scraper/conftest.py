"""Shared fixtures for the scraper tests: a real HTTP server on 127.0.0.1 (see server.py)."""

from __future__ import annotations

import pytest
from server import FIXTURES, FixtureServer


@pytest.fixture
def fixture_server():
    """A started FixtureServer serving tests/scraper/fixtures/; stopped after the test."""
    with FixtureServer() as server:
        yield server


@pytest.fixture
def make_server():
    """Factory for more servers (another "host": a different port), all stopped after the test.

    `make_server()` serves tests/scraper/fixtures/; `make_server(root)` another folder.
    """
    servers: list[FixtureServer] = []

    def make(root=FIXTURES) -> FixtureServer:
        server = FixtureServer(root).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()
