"""The shipped nginx configuration, checked against a running nginx serving a real release."""

from __future__ import annotations

import gzip
import http.client
import re
import subprocess
import sys
from urllib.parse import urljoin, urlsplit

import pytest

pytestmark = pytest.mark.usefixtures("nginx_available")

META_CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"')
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')


def get(server, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def test_pages_carry_the_security_headers_and_the_meta_tags_policy(served):
    status, headers, body = get(served, "/news/politics-council.html")
    assert status == 200
    meta = META_CSP.search(body.decode("utf-8")).group(1)
    assert headers["content-security-policy"] == f"{meta}; frame-ancestors 'none'"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["permissions-policy"]
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert "server" not in headers or "/" not in headers["server"]  # no version


@pytest.mark.parametrize(("path", "content_type"), [
    ("/feeds/all.atom.xml", "application/atom+xml; charset=utf-8"),
    ("/feeds/all.rss.xml", "application/rss+xml; charset=utf-8"),
    ("/feeds/politics.atom.xml", "application/atom+xml; charset=utf-8"),
    ("/sitemap.xml", "application/xml; charset=utf-8"),
    ("/robots.txt", "text/plain; charset=utf-8"),
    ("/", "text/html; charset=utf-8"),
    # The feeds' stylesheet (a readable page in a browser): applied only under an XML type.
    ("/theme/feed.xsl", "text/xsl; charset=utf-8"),
])
def test_types_with_charset(served, path, content_type):
    status, headers, _ = get(served, path)
    assert status == 200, path
    assert headers["content-type"] == content_type
    assert headers["x-content-type-options"] == "nosniff"  # inherited in every location


def test_dot_files_stay_hidden_but_well_known_is_served(served, published_site):
    live = published_site.output.resolve()
    (live / ".secret").write_text("x")
    (live / ".well-known").mkdir(exist_ok=True)
    (live / ".well-known" / "security.txt").write_text("Contact: mailto:desk@example.kr\n")
    try:
        assert get(served, "/.secret")[0] == 404
        status, _, body = get(served, "/.well-known/security.txt")
        assert status == 200 and body.startswith(b"Contact:")
    finally:
        (live / ".secret").unlink()
        (live / ".well-known" / "security.txt").unlink()
        (live / ".well-known").rmdir()


def test_missing_page_is_the_404_page_with_status_404(served):
    status, headers, body = get(served, "/news/no-such-article.html")
    assert status == 404
    assert "페이지를 찾을 수 없습니다" in body.decode("utf-8")
    assert headers["content-security-policy"].endswith("frame-ancestors 'none'")


def test_html_revalidates_and_fingerprinted_assets_are_immutable(served):
    status, headers, body = get(served, "/index.html")
    assert headers["cache-control"] == "public, max-age=300, must-revalidate"
    status, _, _ = get(served, "/index.html", {"If-None-Match": headers["etag"]})
    assert status == 304
    status, _, _ = get(served, "/index.html", {"If-Modified-Since": headers["last-modified"]})
    assert status == 304

    sheet = urljoin("/index.html", STYLESHEET.search(body.decode("utf-8")).group(1))
    assert re.search(r"/theme/css/site\.[0-9a-f]{10}\.css$", sheet), sheet
    status, headers, css = get(served, sheet)
    assert status == 200
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["content-type"] == "text/css; charset=utf-8"
    # The unfingerprinted original stays, for anything that kept its name, and revalidates.
    status, headers, original = get(served, "/theme/css/site.css")
    assert status == 200 and original == css
    assert "immutable" not in headers["cache-control"]


def test_every_asset_a_page_uses_is_fingerprinted(served, published_site):
    _, _, body = get(served, "/news/politics-council.html")
    refs = re.findall(r'(?:href|src)="([^"]+)"', body.decode("utf-8"))
    local = [r for r in refs if not urlsplit(r).scheme and r.endswith(
        (".css", ".js", ".svg", ".jpg", ".png", ".woff2"))]
    assert any("/images/sample/city-hall." in r for r in local)  # the lead image too
    assert local and all(re.search(r"\.[0-9a-f]{10}\.\w+$", r) for r in local), local
    for ref in local:
        status, headers, _ = get(served, urljoin("/news/politics-council.html", ref))
        assert status == 200, ref
        assert "immutable" in headers["cache-control"], ref


def test_text_is_served_precompressed(served, published_site):
    live = published_site.output.resolve()
    for path in ("/index.html", "/feeds/all.atom.xml", "/theme/css/site.css"):
        status, headers, body = get(served, path, {"Accept-Encoding": "gzip"})
        assert status == 200
        assert headers.get("content-encoding") == "gzip", path
        assert headers.get("vary") == "Accept-Encoding"
        assert gzip.decompress(body) == (live / path.lstrip("/").replace("/", "/")).read_bytes()
        # gzip_static: the bytes are the .gz made at build time, not compressed on the fly
        assert body == (live / (path.lstrip("/") + ".gz")).read_bytes(), path


def test_print_renders_the_server_block_for_operators(published_site):
    proc = subprocess.run([sys.executable, "-m", "newsroom.cli", "nginx", "--print",
                           "--root", "/srv/newsroom/output"], capture_output=True, text=True,
                          cwd=published_site.root)
    assert proc.returncode == 0, proc.stderr
    assert "root /srv/newsroom/output;" in proc.stdout
    assert "frame-ancestors 'none'" in proc.stdout
    assert "@" not in re.sub(r"#.*", "", proc.stdout)  # no placeholder left
