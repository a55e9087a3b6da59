"""Gate: LinkChecker finds no broken internal link on the served sample site.

It starts from the home page, 404.html (linked from nowhere) and the two sitemaps, so every
article is reached even if no page links it; external links are not fetched (no internet).
Fragment links (`#main`) are checked too, by LinkChecker's AnchorCheck plugin, which reports
a missing anchor as a warning: the gate counts it as a broken link.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import html_files, page_url_path, serve_directory

pytestmark = pytest.mark.gates

# Our own server on 127.0.0.1 needs no politeness delay: LinkChecker lifts its floor of 0.1 s
# between requests only for hosts that send a `LinkChecker` header (helpers.SiteServer does).
CONFIG = """\
[checking]
threads=4
maxrequestspersecond=1000
[filtering]
checkextern=0
[AnchorCheck]
"""


def _linkchecker(tmp_path: Path, urls: list[str]) -> tuple[int, list[dict], str]:
    exe = Path(sys.executable).parent / "linkchecker"
    if not exe.exists():
        pytest.fail(f"{exe} is missing: install the project with `pip install -e '.[test]'`")
    config = tmp_path / "linkcheckerrc"
    config.write_text(CONFIG, encoding="utf-8")
    proc = subprocess.run(
        [str(exe), "-f", str(config), "--no-status", "-v", "-o", "csv", *urls],
        capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
    )
    lines = [line for line in proc.stdout.splitlines() if line and not line.startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines)), delimiter=";"))
    return proc.returncode, rows, proc.stdout + proc.stderr


def _broken(rows: list[dict]) -> list[str]:
    return [
        f"{r['url'] or r['urlname']} (on {r['parentname'] or '-'} line {r['line']}): "
        f"{r['result']} {r['warningstring']}".strip()
        for r in rows
        if r.get("valid") == "False" or "Anchor" in r.get("warningstring", "")
    ]


def _old_urls(site_url: str, out: Path) -> list[str]:
    from newsroom.core.redirects import MAP_FILE

    path = out / MAP_FILE
    if not path.is_file():
        return []
    olds = [line.split()[0] for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith("/")]
    return [f"{site_url}{old}" for old in olds if old.endswith(("/", ".html"))
            and not old.endswith("/index.html")]


def test_no_broken_internal_links(site_url, built_site, tmp_path):
    start = [f"{site_url}/{p}" for p in ("", "404.html", "sitemap.xml", "news-sitemap.xml")]
    # Old URLs (redirect pages) are linked from nowhere on the site, by design: start from
    # each, so that they are reached and the page each one sends readers to is checked too.
    start += _old_urls(site_url, built_site.output)
    code, rows, output = _linkchecker(tmp_path, start)
    broken = _broken(rows)
    assert not broken, f"{len(broken)} broken links:\n" + "\n".join(broken)
    assert code == 0, output[-3000:]
    # A clean result means something only if the crawl reached the whole site.
    checked = {r["url"].split("#")[0] for r in rows if r.get("url")}
    pages = {
        f"{site_url}/{page_url_path(built_site.output, f)}" for f in html_files(built_site.output)
    }
    unreached = sorted(pages - checked)
    assert not unreached, f"LinkChecker did not reach {len(unreached)} pages: {unreached[:20]}"


def test_the_link_checker_does_report_a_broken_link(tmp_path):
    """The gate can fail: a missing page and a missing anchor are both reported."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(
        '<!DOCTYPE html><html lang="ko"><title>t</title>'
        '<a href="gone.html">사라진 문서</a> <a href="other.html#here">있는 위치</a> '
        '<a href="other.html#nowhere">없는 위치</a>',
        encoding="utf-8",
    )
    (site / "other.html").write_text(
        '<!DOCTYPE html><html lang="ko"><title>o</title><p id="here">여기</p>', encoding="utf-8"
    )
    with serve_directory(site) as server:
        code, rows, output = _linkchecker(tmp_path, [server.url + "/"])
    broken = _broken(rows)
    assert code != 0, output
    assert any("gone.html" in b for b in broken), broken
    assert any("#nowhere" in b for b in broken), broken
    assert len(broken) == 2, broken
