"""`newsroom scrape` as a command: the project's sections and the shared exit codes."""

from __future__ import annotations

import pytest
from server import FIXTURES, Reply, file_reply
from test_scrape_e2e import FAST

from newsroom.cli import main as newsroom
from newsroom.common import job_lock
from newsroom.core import exits

FOUR_SECTIONS = ('NEWSROOM_SECTIONS = [("정치", "politics"), ("경제", "economy"), '
                 '("문화", "culture"), ("사회", "society")]\n')


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder (pelicanconf.py with a fourth section 사회), the current directory."""
    (tmp_path / "pelicanconf.py").write_text(FOUR_SECTIONS, encoding="utf-8")
    (tmp_path / "content").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_sources(project, body: str) -> None:
    (project / "sources.toml").write_text(FAST + body, encoding="utf-8")


def feed_source(url: str, category: str = "사회") -> str:
    return f"""
[[sources]]
id = "hanbit"
name = "한빛시청"
kind = "rss"
url = "{url}"
category = "{category}"
"""


def test_sections_come_from_the_project_settings(project, fixture_server):
    fixture_server.route("/hanbit/rss.xml",
                         file_reply(FIXTURES / "hanbit/rss.xml", "application/rss+xml"))
    write_sources(project, feed_source(fixture_server.url("/hanbit/rss.xml")))
    assert newsroom(["scrape", "--dry-run"]) == exits.OK
    assert newsroom(["scrape"]) == exits.OK
    written = sorted((project / "content/scraped/hanbit").glob("*.md"))
    assert written and all("Category: 사회\n" in p.read_text(encoding="utf-8") for p in written)


def test_a_category_outside_the_sections_is_a_config_error(project, fixture_server, capsys):
    write_sources(project, feed_source(fixture_server.url("/hanbit/rss.xml"), "스포츠"))
    assert newsroom(["scrape", "--dry-run"]) == exits.USAGE
    assert "unknown category '스포츠'; expected one of 정치, 경제, 문화, 사회" in capsys.readouterr().err
    assert fixture_server.requests == []


def test_a_failed_source_exits_3(project, fixture_server):
    fixture_server.route("/gone.xml", Reply(404, b"gone", {"Content-Type": "text/plain"}))
    write_sources(project, feed_source(fixture_server.url("/gone.xml")))
    assert newsroom(["scrape"]) == exits.SOURCES_FAILED


def test_a_bad_sources_file_exits_2(project, capsys):
    write_sources(project, "[[sources]]\nid = \"Bad Id\"\n")
    assert newsroom(["scrape"]) == exits.USAGE
    assert "sources.toml" in capsys.readouterr().err


def test_the_job_lock_held_exits_75(project, fixture_server, capsys):
    write_sources(project, feed_source(fixture_server.url("/hanbit/rss.xml")))
    lock = job_lock(project / ".state")
    try:
        assert newsroom(["scrape"]) == exits.LOCKED
    finally:
        lock.release()
    assert "lock" in capsys.readouterr().err
    assert fixture_server.requests == []
