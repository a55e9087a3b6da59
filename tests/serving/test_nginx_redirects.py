"""Old URLs answer with a real 301 from nginx: a moved article (redirects.toml) and a tag or
reporter page whose slug changed to the Revised Romanization; `newsroom nginx` reloads the
release's map when the live link switches (issue 14, issue 15)."""

from __future__ import annotations

import http.client
import signal
import subprocess
import sys
import time

import pytest
from serving_helpers import ROOT, free_port, make_site

from newsroom.core.redirects import MAP_FILE, nginx_map

pytestmark = pytest.mark.usefixtures("nginx_available")


def get(port: int, path: str) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def _rename(site, rel: str, slug: str) -> None:
    path = site.content / rel
    head, body = path.read_text(encoding="utf-8").split("\n\n", 1)
    path.write_text(f"{head}\nSlug: {slug}\n\n{body}", encoding="utf-8")


@pytest.fixture(scope="module")
def live(tmp_path_factory, nginx_available):
    """A published project whose article economy-market moved, served by `newsroom nginx`."""
    site = make_site(tmp_path_factory.mktemp("redirects") / "site")
    site.update()
    _rename(site, "articles/economy-market.md", "market-recovery")
    site.update()
    port = free_port()
    log = open(site.root / "nginx.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsroom.cli", "nginx", "--root", "output", "--port", str(port)],
        cwd=site.root, env=site.env(), stdout=log, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL)
    end = time.monotonic() + 15
    while True:
        try:
            get(port, "/robots.txt")
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > end:
                log.close()
                pytest.fail("newsroom nginx did not start: "
                            + (site.root / "nginx.log").read_text())
            time.sleep(0.1)
    yield site, port
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()


@pytest.mark.parametrize(("old", "new"), [
    # The update job recorded the article's old URL in redirects.toml.
    ("/news/economy-market.html", "/news/market-recovery.html"),
    # Tags and reporters: the old unidecode slug -> the Revised Romanization.
    ("/tag/cugje/", "/tag/chukje/"),
    ("/tag/cugje/index.html", "/tag/chukje/"),
    ("/tag/cugje", "/tag/chukje/"),
    ("/tag/siyihoe/", "/tag/siuihoe/"),
    ("/author/baggija/", "/author/bakgija/"),
])
def test_old_urls_answer_301_to_the_new_url(live, old, new):
    site, port = live
    status, headers, _ = get(port, old)
    assert status == 301, f"{old}: {status}"
    assert headers["location"] == f"http://127.0.0.1:{port}{new}"
    # Served with the site's headers like every other answer.
    assert headers["x-content-type-options"] == "nosniff"
    status, _, body = get(port, new)
    assert status == 200, new
    # A static host without the map still has the redirect page at the old URL.
    page = site.output / (old.lstrip("/") + ("index.html" if old.endswith("/") else ""))
    if old.endswith((".html", "/")):
        assert 'http-equiv="refresh"' in page.read_text(encoding="utf-8"), page


def test_the_query_string_is_kept(live):
    _site, port = live
    status, headers, _ = get(port, "/tag/cugje/?utm_source=kakao")
    assert status == 301
    assert headers["location"].endswith("/tag/chukje/?utm_source=kakao")


def test_pages_that_did_not_move_are_served_as_before(live):
    _site, port = live
    for path in ("/", "/tag/", "/tag/daegu/", "/source/", "/news/politics-council.html"):
        status, _, _ = get(port, path)
        assert status == 200, path


def test_a_release_switch_brings_its_redirects_into_force(live):
    site, port = live
    assert get(port, "/news/culture-festival.html")[0] == 200
    _rename(site, "articles/culture-festival.md", "chrysanthemum-festival")
    site.update()
    # `newsroom nginx` notices the live link moved and reloads nginx (within a second or two).
    end = time.monotonic() + 15
    while True:
        status, headers, _ = get(port, "/news/culture-festival.html")
        if status == 301 or time.monotonic() > end:
            break
        time.sleep(0.2)
    assert status == 301, "the new release's redirect did not come into force"
    assert headers["location"].endswith("/news/chrysanthemum-festival.html")
    assert get(port, "/news/economy-market.html")[0] == 301  # earlier redirects stay
    assert get(port, "/news/chrysanthemum-festival.html")[0] == 200


def test_a_release_without_a_map_loads_an_empty_one(tmp_path):
    from newsroom import nginx

    root = tmp_path / "release"
    root.mkdir()
    (root / "index.html").write_text("<!DOCTYPE html><title>x</title>", encoding="utf-8")
    conf = tmp_path / "conf"
    nginx.write_config(conf, root, "127.0.0.1", free_port(), ROOT / "theme")
    checked = subprocess.run(nginx.command(conf, test=True), capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert not (root / MAP_FILE).exists()


def test_the_map_never_carries_nginx_syntax():
    text = nginx_map([
        ("tag/gangreung/", "tag/gangneung/"),
        ("news/a b.html", "news/x.html"),
        ('news/a";.html', "news/x.html"),
        ("news/$host.html", "news/x.html"),
        ("news/x.html", "news/{evil}.html"),
        ("../etc/passwd", "news/x.html"),
    ])
    body = [ln for ln in text.splitlines() if not ln.startswith("#")]
    assert body == ["/tag/gangreung/ /tag/gangneung/;",
                    "/tag/gangreung/index.html /tag/gangneung/;",
                    "/tag/gangreung /tag/gangneung/;"]


def test_a_large_map_with_long_urls_loads(tmp_path):
    """Tens of thousands of redirects (a 10,000-article archive renamed) and keys up to the
    map's limit: nginx's default map hash (64-byte buckets) refused this."""
    from newsroom import nginx
    from newsroom.core.redirects import MAX_KEY

    root = tmp_path / "release"
    root.mkdir()
    pad = "x" * (MAX_KEY - 40)
    pairs = [(f"tag/old-{i}-{pad}/", f"tag/new-{i}/") for i in range(6000)]
    pairs += [(f"news/old-{i}.html", f"news/new-{i}.html") for i in range(12000)]
    pairs.append((f"news/{'y' * MAX_KEY}.html", "news/new.html"))  # too long: left out
    text = nginx_map(pairs)
    assert f"/news/{'y' * MAX_KEY}" not in text
    assert len(text.splitlines()) > 29000
    (root / MAP_FILE).write_text(text, encoding="utf-8")
    conf = tmp_path / "conf"
    nginx.write_config(conf, root, "127.0.0.1", free_port(), ROOT / "theme")
    checked = subprocess.run(nginx.command(conf, test=True), capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
