"""The polite HTTP client against a real server on 127.0.0.1."""

from __future__ import annotations

import gzip
import json
import logging
import socket
import time
from datetime import UTC, datetime, timedelta

import pytest
from server import Reply, big, conditional, hang, redirect, retry_after, trickle

from press_scraper.fetch import Fetcher, FetchError, parse_retry_after
from press_scraper.sources import settings_from_mapping

FAST = {"delay": 0, "timeout": 2, "deadline": 5, "retries": 2, "backoff": 0.05,
        "user_agent": "TestBot/1.0", "contact_url": "https://news.example/about.html"}


def settings(**overrides):
    return settings_from_mapping({**FAST, **overrides})


@pytest.fixture
def fetcher(tmp_path):
    with Fetcher(settings(), tmp_path / ".state") as f:
        yield f


def html(text="<p>안녕</p>"):
    return Reply(body=text.encode(), headers={"Content-Type": "text/html; charset=utf-8"})


def test_user_agent_names_the_site_and_contact(fixture_server, fetcher):
    url = fixture_server.route("/a", html())
    result = fetcher.get(url)
    assert result.status == 200 and result.content == "<p>안녕</p>".encode()
    assert result.content_type == "text/html" and not result.not_modified
    sent = [r for r in fixture_server.requests if r.path == "/a"][0].headers
    assert sent["User-Agent"] == "TestBot/1.0 (+https://news.example/about.html)"
    assert sent["Accept-Language"].startswith("ko")


def test_http_error_is_named(fixture_server, fetcher):
    with pytest.raises(FetchError) as info:
        fetcher.get(fixture_server.url("/missing.html"))
    assert info.value.reason == "HTTP 404" and info.value.status == 404
    assert str(info.value) == fixture_server.url("/missing.html") + ": HTTP 404"


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "file:///etc/passwd", "javascript:alert(1)",
                                 "http:///nohost"])
def test_only_http_and_https(fetcher, url):
    with pytest.raises(FetchError) as info:
        fetcher.get(url)
    assert "non-http scheme" in info.value.reason or "invalid URL" in info.value.reason
    assert fetcher.stats["requests"] == 0


# --- robots.txt -----------------------------------------------------------------------

def test_robots_disallow_is_respected_and_fetched_once(fixture_server, fetcher):
    fixture_server.robots("User-agent: *\nDisallow: /private/\n\n"
                          "User-agent: TestBot\nDisallow: /nobots/\n")
    ok = fixture_server.route("/public", html())
    secret = fixture_server.route("/nobots/page", html())
    other = fixture_server.route("/private/page", html())
    for _ in range(3):
        assert fetcher.get(ok).status == 200
    with pytest.raises(FetchError) as info:
        fetcher.get(secret)
    assert info.value.reason == "robots.txt disallow"
    assert fetcher.get(other).status == 200  # our own group replaces the * group
    assert fixture_server.hits("/nobots/page") == 0
    assert fixture_server.hits("/robots.txt") == 1
    assert fetcher.allowed(ok) and not fetcher.allowed(secret)


def test_robots_404_allows_everything(fixture_server, fetcher):
    assert fetcher.get(fixture_server.route("/x", html())).status == 200
    assert fixture_server.hits("/robots.txt") == 1


def test_robots_5xx_disallows_the_whole_origin(fixture_server, tmp_path, caplog):
    fixture_server.route("/robots.txt", Reply(503))
    url = fixture_server.route("/x", html())
    with Fetcher(settings(retries=1), tmp_path) as f, caplog.at_level(logging.WARNING):
        # the reason names the real cause, not a rule the site never wrote
        with pytest.raises(FetchError, match=r"site unreachable: robots.txt could not be read \(HTTP 503"):
            f.get(url)
    assert fixture_server.hits("/robots.txt") == 2  # retried once, then unreachable
    assert fixture_server.hits("/x") == 0
    assert "unreachable" in caplog.text and "robots.txt" in caplog.text


def test_redirect_into_disallowed_path_is_refused(fixture_server, fetcher):
    fixture_server.robots("User-agent: *\nDisallow: /private/\n")
    url = fixture_server.route("/go", redirect("/private/x"))
    fixture_server.route("/private/x", html())
    with pytest.raises(FetchError, match="robots.txt disallow"):
        fetcher.get(url)
    assert fixture_server.hits("/private/x") == 0


def test_crawl_delay_slows_the_host(fixture_server, fetcher):
    fixture_server.robots("User-agent: *\nCrawl-delay: 0.4\n")
    url = fixture_server.route("/x", html())
    fetcher.get(url)
    fetcher.get(url)
    first, second = fixture_server.times("/x")
    assert second - first >= 0.39


def test_robots_longest_match_and_wildcards(fixture_server, fetcher):
    # urllib.robotparser would stop at "Allow: /" and fetch /admin/ and the .hwp file.
    fixture_server.robots("User-agent: *\nAllow: /\nDisallow: /admin/\nDisallow: /*.hwp$\n"
                          "Allow: /admin/press/\n")
    assert fetcher.allowed(fixture_server.url("/board/list.do"))
    assert not fetcher.allowed(fixture_server.url("/admin/users"))
    assert fetcher.allowed(fixture_server.url("/admin/press/1"))
    assert not fetcher.allowed(fixture_server.url("/files/release.hwp"))
    assert fetcher.allowed(fixture_server.url("/files/release.hwp.html"))


# --- spacing and concurrency -----------------------------------------------------------

def test_per_host_delay_spaces_requests(fixture_server, tmp_path):
    url = fixture_server.route("/x", html())
    with Fetcher(settings(delay=0.25), tmp_path) as f:
        for _ in range(3):
            f.get(url)
    times = [r.time for r in fixture_server.requests]  # robots.txt first, then 3 pages
    assert len(times) == 4
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 0.24


def test_source_delay_only_makes_a_host_slower(fixture_server, tmp_path):
    url = fixture_server.route("/x", html())
    with Fetcher(settings(delay=0), tmp_path) as f:
        f.set_host_delay(url, 0.2)
        f.set_host_delay(url, 0.0)
        f.get(url)
        f.get(url)
    a, b = fixture_server.times("/x")
    assert b - a >= 0.19


def test_hosts_in_parallel_each_host_serial(make_server, tmp_path):
    one, two = make_server(), make_server()
    slow = Reply(body=b"ok", delay=0.3)
    urls = []
    for server in (one, two):
        for i in range(2):
            urls.append(server.route(f"/p{i}", slow))
    with Fetcher(settings(concurrency=4), tmp_path) as f:
        start = time.monotonic()
        results = dict(f.fetch_many(urls + urls[:1]))  # a duplicate is fetched once
        elapsed = time.monotonic() - start
    assert sorted(results) == sorted(urls)
    assert all(r.status == 200 for r in results.values())
    assert elapsed < 1.0, elapsed  # 2 hosts at once: ~0.6 s, not 1.2 s
    for server in (one, two):
        t0, t1 = server.times("/p0")[0], server.times("/p1")[0]
        assert abs(t1 - t0) >= 0.29  # never two requests in flight on one host
        assert server.hits("/p0") == 1


def test_fetch_many_reports_errors_as_values(fixture_server, fetcher):
    good = fixture_server.route("/good", html())
    urls = [good, fixture_server.url("/gone"), "ftp://127.0.0.1/x"]
    results = dict(fetcher.fetch_many(urls))
    assert results[good].status == 200
    assert results[urls[1]].reason == "HTTP 404"
    assert "non-http scheme" in results[urls[2]].reason


def test_fetch_many_can_be_abandoned(fixture_server, fetcher):
    urls = [fixture_server.route(f"/n{i}", Reply(body=b"x", delay=0.05)) for i in range(40)]
    it = fetcher.fetch_many(urls)
    next(it)
    it.close()
    time.sleep(0.3)
    assert sum(fixture_server.hits(f"/n{i}") for i in range(40)) < 40


# --- timeouts, retries ------------------------------------------------------------------

def test_server_that_never_answers_times_out(fixture_server, tmp_path):
    url = fixture_server.route("/hang", hang(10))
    with Fetcher(settings(timeout=0.5), tmp_path) as f:
        start = time.monotonic()
        with pytest.raises(FetchError, match="timeout"):
            f.get(url)
    assert time.monotonic() - start < 2.5  # not retried: a hung server hangs again
    assert fixture_server.hits("/hang") == 1


def test_trickling_server_is_cut_by_the_deadline(fixture_server, tmp_path):
    url = fixture_server.route("/trickle", trickle(total=100_000, chunk=10, interval=0.02))
    with Fetcher(settings(timeout=1, deadline=0.6), tmp_path) as f:
        start = time.monotonic()
        with pytest.raises(FetchError, match="deadline"):
            f.get(url)
    assert time.monotonic() - start < 2.0


def test_500_then_200_is_retried(fixture_server, fetcher):
    url = fixture_server.route("/flaky", [Reply(500), Reply(502), html("ok")])
    assert fetcher.get(url).content == b"ok"
    assert fixture_server.hits("/flaky") == 3
    assert fetcher.stats["retries"] == 2


def test_backoff_grows(fixture_server, tmp_path):
    url = fixture_server.route("/flaky", [Reply(503), Reply(503), html("ok")])
    with Fetcher(settings(backoff=0.2), tmp_path) as f:
        f.get(url)
    t = fixture_server.times("/flaky")
    assert t[1] - t[0] >= 0.19 and t[2] - t[1] >= 0.39


def test_5xx_for_good_gives_up(fixture_server, fetcher):
    url = fixture_server.route("/down", Reply(503))
    with pytest.raises(FetchError) as info:
        fetcher.get(url)
    assert info.value.reason == "HTTP 503 (after 2 retries)" and info.value.status == 503
    assert fixture_server.hits("/down") == 3


def test_429_honours_retry_after_seconds(fixture_server, fetcher):
    url = fixture_server.route("/busy", [retry_after("1"), html("ok")])
    assert fetcher.get(url).content == b"ok"
    first, second = fixture_server.times("/busy")
    assert second - first >= 0.95


def test_retry_after_is_capped(fixture_server, tmp_path):
    url = fixture_server.route("/busy", [retry_after("3600", status=503), html("ok")])
    with Fetcher(settings(retry_after_cap=0.2), tmp_path) as f:
        start = time.monotonic()
        assert f.get(url).status == 200
    assert time.monotonic() - start < 1.5


def test_parse_retry_after():
    now = datetime(2026, 1, 7, 12, 0, tzinfo=UTC)
    later = (now + timedelta(seconds=30)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(later, now=now) == 30.0
    assert parse_retry_after("Wed, 01 Jan 2020 00:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_refused_connection_is_retried_then_named(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with Fetcher(settings(retries=1), tmp_path) as f:
        with pytest.raises(FetchError) as info:
            f.get(f"http://127.0.0.1:{port}/x")
    # robots.txt was unreachable, so the origin is off limits; nothing else was tried, and
    # the error says so (editors read it on the status page), not "robots.txt disallow"
    assert "site unreachable" in info.value.reason
    assert "refused" in info.value.reason.lower()
    assert "disallow" not in info.value.reason
    with Fetcher(settings(retries=1), tmp_path) as f:
        with pytest.raises(FetchError) as info:
            f.get(f"http://127.0.0.1:{port}/robots.txt", kind="robots")
    assert "connection failed" in info.value.reason and "after 1 retries" in info.value.reason


# --- redirects ---------------------------------------------------------------------------

def test_redirects_are_followed_to_the_final_url(fixture_server, fetcher):
    fixture_server.route("/r1", redirect("/r2", 301))
    fixture_server.route("/r2", redirect(fixture_server.url("/final"), 308))
    fixture_server.route("/final", html("done"))
    result = fetcher.get(fixture_server.url("/r1"))
    assert result.final_url == fixture_server.url("/final") and result.content == b"done"
    assert result.url == fixture_server.url("/r1")


def test_redirect_loop_is_detected(fixture_server, fetcher):
    fixture_server.route("/loop-a", redirect("/loop-b"))
    fixture_server.route("/loop-b", redirect("/loop-a"))
    with pytest.raises(FetchError, match="redirect loop"):
        fetcher.get(fixture_server.url("/loop-a"))
    assert fixture_server.hits("/loop-a") == 1 and fixture_server.hits("/loop-b") == 1


def test_too_many_redirects(fixture_server, fetcher):
    for i in range(10):
        fixture_server.route(f"/hop{i}", redirect(f"/hop{i + 1}"))
    with pytest.raises(FetchError, match=r"too many redirects \(more than 5\)"):
        fetcher.get(fixture_server.url("/hop0"))
    assert fixture_server.hits("/hop6") == 0


@pytest.mark.parametrize("target", ["ftp://127.0.0.1/x", "file:///etc/passwd"])
def test_redirect_to_other_schemes_is_refused(fixture_server, fetcher, target):
    url = fixture_server.route("/bad", redirect(target))
    with pytest.raises(FetchError, match="non-http scheme"):
        fetcher.get(url)


# --- size cap ------------------------------------------------------------------------------

@pytest.mark.parametrize("with_length", [True, False])
def test_20_mb_page_is_refused_without_reading_it_all(fixture_server, fetcher, with_length):
    url = fixture_server.route("/huge", big(20 * 1024 * 1024, length=with_length))
    start = time.monotonic()
    with pytest.raises(FetchError, match="too large"):
        fetcher.get(url)
    assert time.monotonic() - start < 3
    assert fetcher.stats["bytes"] == 0  # nothing of it was kept


def test_gzip_bomb_is_cut_after_decompression(fixture_server, fetcher):
    bomb = gzip.compress(b"\0" * (30 * 1024 * 1024))
    url = fixture_server.route("/bomb", Reply(body=bomb, headers={
        "Content-Encoding": "gzip", "Content-Type": "text/html"}))
    assert len(bomb) < 100_000
    with pytest.raises(FetchError, match="too large: more than 10485760 bytes"):
        fetcher.get(url)


def test_images_have_their_own_cap(fixture_server, tmp_path):
    url = fixture_server.route("/photo.jpg", big(300_000))
    with Fetcher(settings(max_image_bytes=200_000), tmp_path) as f:
        with pytest.raises(FetchError, match="too large"):
            f.get(url, kind="image")
        assert len(f.get(url, kind="page").content) == 300_000


# --- conditional GET -------------------------------------------------------------------------

FEED = "<rss><channel><title>하늘시</title></channel></rss>".encode()


def test_etag_conditional_get_and_cache_is_only_a_cache(fixture_server, tmp_path):
    state = tmp_path / ".state"
    url = fixture_server.route("/feed.xml", conditional(FEED, etag='"v1"'))
    with Fetcher(settings(), state) as f:
        first = f.get(url, kind="feed", conditional=True)
        second = f.get(url, kind="feed", conditional=True)
    assert first.status == 200 and not first.not_modified
    assert second.not_modified and second.status == 304 and second.content == FEED
    sent = [r.headers for r in fixture_server.requests if r.path == "/feed.xml"]
    assert "If-None-Match" not in sent[0] and sent[1]["If-None-Match"] == '"v1"'
    cache = json.loads((state / "http-cache.json").read_text(encoding="utf-8"))
    assert cache["entries"][url]["etag"] == '"v1"'
    files = sorted(p.relative_to(state).as_posix() for p in state.rglob("*") if p.is_file())
    assert files[0] == "http-cache.json"  # and no temporary file left behind
    assert len(files) == 2 and files[1].startswith("http-cache/") and files[1].endswith(".body")

    (state / "http-cache.json").unlink()  # losing the cache only costs a full fetch
    with Fetcher(settings(), state) as f:
        third = f.get(url, kind="feed", conditional=True)
    assert third.status == 200 and third.content == FEED
    assert "If-None-Match" not in fixture_server.requests[-1].headers


def test_last_modified_conditional_get(fixture_server, tmp_path):
    stamp = "Wed, 07 Jan 2026 05:11:54 GMT"
    url = fixture_server.route("/list.html", conditional(FEED, last_modified=stamp,
                                                         content_type="text/html"))
    with Fetcher(settings(), tmp_path) as f:
        f.get(url, kind="list", conditional=True)
        again = f.get(url, kind="list", conditional=True)
        page = f.get(url, kind="page", conditional=True)  # pages are never conditional
    assert again.not_modified and again.content == FEED
    assert fixture_server.requests[-2].headers["If-Modified-Since"] == stamp
    assert not page.not_modified and "If-Modified-Since" not in fixture_server.requests[-1].headers


def test_corrupt_cache_is_ignored(fixture_server, tmp_path, caplog):
    (tmp_path / "http-cache.json").write_text("{not json", encoding="utf-8")
    url = fixture_server.route("/feed.xml", conditional(FEED, etag='"v1"'))
    with caplog.at_level(logging.WARNING), Fetcher(settings(), tmp_path) as f:
        assert f.get(url, kind="feed", conditional=True).status == 200
    assert "http-cache.json" in caplog.text
    assert json.loads((tmp_path / "http-cache.json").read_text())["entries"]


def test_tls_verification_is_never_disabled():
    from pathlib import Path

    import press_scraper.fetch.client as module
    source = Path(module.__file__).read_text(encoding="utf-8")
    assert "verify=False" not in source and "verify=True" in source


def test_many_threads_never_overlap_on_one_host(fixture_server, tmp_path):
    import threading

    state = {"now": 0, "max": 0}
    lock = threading.Lock()

    def slow(req):
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(0.02)
        with lock:
            state["now"] -= 1
        return Reply(body=b"ok")

    url = fixture_server.route("/busy", slow)
    source = type("S", (), {"url": url, "delay": 0.0})()
    with Fetcher(settings(), tmp_path, sources=[source]) as f:
        threads = [threading.Thread(target=lambda: [f.get(url) for _ in range(5)])
                   for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert f.stats["requests"] == 21  # 20 pages and one robots.txt
    assert fixture_server.hits("/busy") == 20 and state["max"] == 1


def test_environment_proxies_and_ca_bundle_are_still_honoured(monkeypatch, tmp_path):
    """The fetcher reads proxies, NO_PROXY and the CA bundle once per origin (requests' own
    per-request reading of os.environ was ~40 % of a fetch): the settings still apply."""
    monkeypatch.setenv("http_proxy", "http://proxy.test:3128")
    monkeypatch.setenv("no_proxy", "direct.test")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    with Fetcher(settings(), tmp_path) as f:
        proxies, _, bundle = f._environment("http://far.test/a?x=1")
        assert proxies["http"] == "http://proxy.test:3128"
        assert bundle == "/etc/ssl/certs/ca-certificates.crt"
        assert f._environment("http://direct.test/b")[0] == {}  # NO_PROXY: no proxy
        assert f._environment("http://far.test/other") is f._environment("http://far.test/a")
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    with Fetcher(settings(), tmp_path) as f:
        assert f._environment("https://far.test/")[2] is None  # verify=True, the default CAs


def test_an_environment_proxy_carries_the_request(monkeypatch, tmp_path):
    """The sessions hold no proxies of their own (requests would merge them on every
    request): the environment's proxy, passed with each request, is still the one used."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    seen: list[str] = []

    class Proxy(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            seen.append(self.path)
            body = b"via proxy"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    proxy = HTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{proxy.server_address[1]}")
        monkeypatch.delenv("no_proxy", raising=False)
        monkeypatch.delenv("NO_PROXY", raising=False)
        with Fetcher(settings(), tmp_path) as f:
            # far.test resolves nowhere: only the proxy can answer.
            result = f.get("http://far.test/page?x=1")
        assert result.content == b"via proxy"
        assert seen == ["http://far.test/robots.txt", "http://far.test/page?x=1"]
    finally:
        proxy.shutdown()
        proxy.server_close()
