"""Release switches and rollbacks while nginx serves readers: zero failed requests.

Readers (threads with keep-alive connections) fetch pages and then, after a short random
pause that widens the window for a switch in between, every stylesheet, script, icon and
image the page references. Meanwhile the real update job publishes three releases (one
changes the stylesheet) and `newsroom rollback` runs twice. Every response must be a 200 and
every page whole. Bounded: the load lasts as long as the releases take (about 20 s).
`make bench-serve` is the longer run with wrk (bench/serve.py).
"""

from __future__ import annotations

import http.client
import random
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin

import pytest
from serving_helpers import Nginx, make_site

pytestmark = pytest.mark.usefixtures("nginx_available")

READERS = 8
PAGES = ["/", "/index.html", "/section/politics/", "/section/economy/",
         "/news/politics-council.html", "/news/economy-market.html", "/about.html",
         "/feeds/all.atom.xml", "/tag/", "/archive/"]
ASSET_RE = re.compile(r'<(?:link|script|img)\b[^>]*?\s(?:href|src)="([^"#?]+)"')
SHEET_RE = re.compile(r'<link rel="stylesheet" href="([^"]+site\.[0-9a-f]{10}\.css)"')


@dataclass
class Load:
    port: int
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0
    pages: int = 0
    failures: list[str] = field(default_factory=list)
    sheets: set[str] = field(default_factory=set)
    latencies: list[float] = field(default_factory=list)

    def fetch(self, conn: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
        t0 = time.perf_counter()
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read()
        with self.lock:
            self.requests += 1
            self.latencies.append(time.perf_counter() - t0)
        return resp.status, body

    def reader(self, seed: int) -> None:
        rnd = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        while not self.stop.is_set():
            page = rnd.choice(PAGES)
            try:
                status, body = self.fetch(conn, page)
                if status != 200:
                    self.fail(f"{page}: {status}")
                    continue
                text = body.decode("utf-8")
                if page.endswith(".xml"):
                    continue
                if not text.rstrip().endswith("</html>"):
                    self.fail(f"{page}: truncated page ({len(body)} bytes)")
                    continue
                self.sheets.update(SHEET_RE.findall(text))
                time.sleep(rnd.random() * 0.03)
                for ref in ASSET_RE.findall(text):
                    if ref.startswith(("http:", "https:")):
                        continue
                    asset = urljoin(page, ref)
                    status, _ = self.fetch(conn, asset)
                    if status != 200:
                        self.fail(f"{page} -> {asset}: {status}")
                with self.lock:
                    self.pages += 1
            except (OSError, http.client.HTTPException) as e:
                self.fail(f"{page}: {e.__class__.__name__}: {e}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.close()

    def fail(self, what: str) -> None:
        with self.lock:
            self.failures.append(what)


def status_of(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        resp.read()
        return resp.status
    finally:
        conn.close()


def live_sheet(port: int) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/")
    text = conn.getresponse().read().decode("utf-8")
    conn.close()
    return urljoin("/", SHEET_RE.search(text).group(1))


def test_releases_and_rollbacks_under_load_fail_no_request(tmp_path):
    site = make_site(tmp_path / "site")
    first = site.update()
    server = Nginx(site.output, tmp_path / "nginx")
    load = Load(server.port)
    threads = [threading.Thread(target=load.reader, args=(i,), daemon=True)
               for i in range(READERS)]
    try:
        old_sheet = live_sheet(server.port)
        started = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(1)

        site.add_article()
        second = site.update()
        site.change_stylesheet(".site-footer { border-top-width: 3px; }")
        third = site.update()
        new_sheet = live_sheet(server.port)
        assert new_sheet != old_sheet
        # A page fetched before the switch still gets the stylesheet it names.
        assert status_of(server.port, old_sheet) == 200
        site.add_article()
        site.update()
        time.sleep(0.5)
        assert site.rollback() == third
        time.sleep(0.5)
        assert site.rollback() == second
        # Rolled back to the old stylesheet: pages of the newer release stay whole.
        assert live_sheet(server.port) == old_sheet
        assert status_of(server.port, new_sheet) == 200
        time.sleep(1)
    finally:
        load.stop.set()
        for t in threads:
            t.join(timeout=15)
        elapsed = time.monotonic() - started
        server.stop()

    assert len({first, second, third}) == 3
    assert load.failures == [], f"{len(load.failures)} failures, first: {load.failures[:10]}"
    assert {old_sheet.rsplit("/", 1)[1], new_sheet.rsplit("/", 1)[1]} <= {
        s.rsplit("/", 1)[1] for s in load.sheets}, "the readers never saw both stylesheets"
    assert load.pages > 50 and load.requests > 200, (load.pages, load.requests)
    lat = sorted(load.latencies)
    print(f"\nunder load: {load.requests} requests, {load.pages} pages in {elapsed:.1f} s "
          f"({load.requests / elapsed:.0f}/s), p99 {1000 * lat[int(len(lat) * 0.99)]:.1f} ms, "
          f"0 failures")
