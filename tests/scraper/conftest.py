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


@pytest.fixture
def config_error(tmp_path, capsys):
    """`config_error(text)`: run `newsroom scrape` on a sources.toml holding `text`; assert it
    exits 2 having created no content folder, and return (path of the file, stderr)."""
    from newsroom.cli import main as newsroom

    def run(text: str):
        path = tmp_path / "sources.toml"
        path.write_text(text, encoding="utf-8")
        content = tmp_path / "content"
        code = newsroom(["scrape", "--sources", str(path), "--content", str(content),
                         "--state", str(tmp_path / "state")])
        err = capsys.readouterr().err
        assert code == 2, err
        assert not content.exists()
        return path, err

    return run

