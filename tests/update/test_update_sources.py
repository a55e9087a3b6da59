"""The update job with real sources: a real HTTP server on 127.0.0.1, the real scraper.

One healthy source (an RSS feed with article pages) and, depending on the test, sources that
refuse connections, answer 500 or never answer. The job must publish the healthy source's
articles, name the failing ones in status.json and on the status page, and survive kill -9
during the scrape without duplicating anything.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import sys
from pathlib import Path

import pytest

pytest.importorskip("press_scraper.pipeline")
SERVER_PY = Path(__file__).resolve().parents[1] / "scraper" / "server.py"


def load_fixture_server():
    """The scraper suite's real HTTP server, loaded by path: several test folders have a
    `server` or `conftest` module, so importing it by name could pick the wrong one."""
    spec = importlib.util.spec_from_file_location("update_tests_fixture_server", SERVER_PY)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


server_mod = load_fixture_server()
Reply, FixtureServer, hang = server_mod.Reply, server_mod.FixtureServer, server_mod.hang

FAST = """[scraper]
delay = 0
timeout = 1.0
deadline = 4.0
retries = 1
backoff = 0.05
retry_after_cap = 1.0
"""
SELECTORS = """[sources.selectors]
title = "h1.title"
date = "p.date"
body = "div.body"
"""


def feed(origin: str, prefix: str, count: int) -> bytes:
    items = "".join(
        f"<item><title>{prefix} 보도자료 {i}호: 지역 소식</title>"
        f"<link>{origin}/{prefix}/view/{i}.html</link>"
        f"<pubDate>2025-11-2{i % 9} 1{i % 10}:00:00</pubDate>"
        f"<description>{prefix} 보도자료 {i}호 요약.</description></item>"
        for i in range(1, count + 1))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>{prefix}</title><link>{origin}/{prefix}/</link><description>보도자료"
            f"</description>{items}</channel></rss>").encode()


def article(prefix: str, i: int) -> bytes:
    paragraphs = "".join(f"<p>{prefix} {i}호 보도자료의 {n}번째 문단입니다. 시민 여러분께 알립니다.</p>"
                         for n in range(1, 5))
    return (f'<!doctype html><html lang="ko"><head><meta charset="utf-8">'
            f"<title>{prefix} {i}호 - 시청</title></head><body>"
            f'<h1 class="title">{prefix} 보도자료 {i}호: 지역 소식</h1>'
            f'<p class="date">2025-11-2{i % 9} 1{i % 10}:00:00</p>'
            f'<div class="body">{paragraphs}</div></body></html>').encode()


def serve_source(server, prefix: str, count: int, delay: float = 0.0) -> str:
    html = {"Content-Type": "text/html; charset=utf-8"}
    for i in range(1, count + 1):
        server.route(f"/{prefix}/view/{i}.html", Reply(body=article(prefix, i), headers=html,
                                                        delay=delay))
    return server.route(f"/{prefix}/rss.xml", Reply(
        body=feed(server.origin, prefix, count),
        headers={"Content-Type": "application/rss+xml; charset=utf-8"}))


def source(id_: str, url: str, category: str = "경제") -> str:
    return (f'[[sources]]\nid = "{id_}"\nname = "{id_} 시청"\nkind = "rss"\nurl = "{url}"\n'
            f'category = "{category}"\ntags = ["테스트"]\n' + SELECTORS)


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: connecting is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server():
    with FixtureServer(Path(__file__).parent) as s:
        yield s


def scraped(project, source_id: str) -> list[Path]:
    return sorted((project.content / "scraped" / source_id).glob("*.md"))


def header(paths: list[Path], key: str) -> list[str]:
    out = []
    for p in paths:
        for line in p.read_text(encoding="utf-8").splitlines():
            if line.startswith(key + ":"):
                out.append(line.split(":", 1)[1].strip())
                break
    return out


def published_pages(project, paths: list[Path]) -> list[Path]:
    """The live pages of these scraped files, by their Slug."""
    return [project.output / "news" / f"{slug}.html" for slug in header(paths, "Slug")
            if (project.output / "news" / f"{slug}.html").is_file()]


def test_one_source_down_others_published_and_status_names_failures(project, server):
    good = serve_source(server, "good", 3)
    server.route("/broken/rss.xml", Reply(500, b"server error", {"Content-Type": "text/plain"}))
    server.route("/slow/rss.xml", hang(30))
    refused = f"http://127.0.0.1:{closed_port()}/rss.xml"
    project.write_sources(
        FAST + source("good", good) + source("refused", refused)
        + source("broken", server.url("/broken/rss.xml"))
        + source("slow", server.url("/slow/rss.xml")))

    result = project.update()
    assert result.code == 3, result.output
    files = scraped(project, "good")
    assert len(files) == 3
    live = project.output.resolve()
    assert project.status()["live_release"] == live.name
    assert len(published_pages(project, files)) == 3

    status = project.status()
    assert status["result"] == "published" and status["exit_code"] == 3
    failed = {f["id"]: f["error"] for f in status["sources"]["failed"]}
    assert set(failed) == {"refused", "broken", "slow"}
    assert all(failed.values())
    assert "500" in failed["broken"]
    assert status["sources"]["read"] == ["good"]
    assert status["new_articles"] == 3
    page = project.status_page()
    run_table, health_table = page.split("출처 상태 (누적)")
    for source_id in ("refused", "broken", "slow"):
        assert f"<td>{source_id}</td>" in run_table
        # press_scraper's .state/health.json, one row per source, failing ones marked
        assert f'<tr class="bad">\n<td>{source_id}</td>' in health_table
    assert '<tr class="">\n<td>good</td>' in health_table
    assert "source broken failed" in result.stderr

    # Next run: nothing new from the healthy source, the others still down -> no build.
    result = project.update()
    assert result.code == 3, result.output
    assert project.status()["result"] == "no changes"
    assert project.output.resolve() == live


def test_kill_9_during_scrape_next_run_completes_without_duplicates(project, server):
    url = serve_source(server, "slowpages", 6, delay=0.4)
    project.write_sources(FAST + source("slowpages", url))
    first = project.update("--no-scrape")
    assert first.code == 0, first.output
    live, files_before = project.live(), project.live_files()

    proc = project.start("update", "-v")
    project.wait_for(lambda: len(scraped(project, "slowpages")) >= 1, timeout=60,
                     what="the first scraped article")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert len(scraped(project, "slowpages")) < 6, "the kill came after the scrape finished"
    assert project.live() == live
    assert project.live_files() == files_before

    result = project.update()
    assert result.code == 0, result.output
    files = scraped(project, "slowpages")
    assert len(files) == 6
    ids = header(files, "Identity")
    assert len(ids) == len(set(ids)) == 6
    assert not [p for p in (project.content / "scraped").rglob("*") if p.name.startswith(".")]
    assert len(published_pages(project, files)) == 6
    news = list((project.output / "news").glob("*.html"))
    assert len(news) == 6 + 3  # the scraped six and the project's three, each once

    again = project.update()
    assert again.code == 0, again.output
    assert project.status()["result"] == "no changes"
    assert len(scraped(project, "slowpages")) == 6


def test_invalid_sources_file_exits_2_before_anything(published):
    published.write_sources(
        '[[sources]]\nid = "../x"\nname = "x"\nkind = "rss"\nurl = "http://127.0.0.1:1/"\n')
    live = published.live()
    result = published.update()
    assert result.code == 2, result.output
    assert "sources.toml" in result.stderr
    assert published.live() == live
