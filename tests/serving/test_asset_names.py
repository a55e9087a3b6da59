"""newsroom.assets on its own: reference rewriting, precompression and the pool of old assets."""

from __future__ import annotations

import gzip
import os

from newsroom import assets
from newsroom.validate import resolve_link

ORIGIN = "http://127.0.0.1:8000"
DIGESTS = {"theme/css/site.css": "abcdef0123" + "0" * 54,
           "images/sample/market.jpg": "1234567890" + "f" * 54}


def resolve(page, link):
    return resolve_link(page, link, ORIGIN)


def test_relative_and_root_relative_references_get_the_hash():
    html = ('<link rel="stylesheet" href="../theme/css/site.css">'
            '<img src="/images/sample/market.jpg?w=1" alt="x">'
            '<img srcset="../images/sample/market.jpg 1x, ../images/other.jpg 2x">')
    out = assets.rewrite_html(html, "news/a.html", DIGESTS, resolve)
    assert 'href="../theme/css/site.abcdef0123.css"' in out
    assert 'src="/images/sample/market.1234567890.jpg?w=1"' in out
    assert 'srcset="../images/sample/market.1234567890.jpg 1x, ../images/other.jpg 2x"' in out


def test_a_page_naming_an_old_hash_gets_the_current_one():
    """A page the incremental build took from the previous release already names
    `market.<old hash>.jpg`; when market.jpg changed under the same name it must name the new
    hash (and a current hash stays byte for byte)."""
    html = ('<img src="../images/sample/market.aaaaaaaaaa.jpg" alt="x">'
            '<link rel="stylesheet" href="../theme/css/site.abcdef0123.css">'
            '<img src="../images/other.bbbbbbbbbb.jpg" alt="">')
    out = assets.rewrite_html(html, "news/a.html", DIGESTS, resolve)
    assert 'src="../images/sample/market.1234567890.jpg"' in out
    assert 'href="../theme/css/site.abcdef0123.css"' in out
    assert 'src="../images/other.bbbbbbbbbb.jpg"' in out  # not an asset of this release


def test_a_srcset_without_assets_is_left_byte_for_byte():
    html = '<img srcset="../images/a.jpg 1x,../images/b.jpg  2x">'
    assert assets.rewrite_html(html, "news/a.html", DIGESTS, resolve) == html


def test_absolute_urls_keep_their_stable_names():
    html = ('<meta property="og:image" content="http://127.0.0.1:8000/images/sample/market.jpg">'
            '<img src="http://127.0.0.1:8000/images/sample/market.jpg">'
            '<a href="mailto:desk@example.kr">x</a>')
    assert assets.rewrite_html(html, "index.html", DIGESTS, resolve) == html


def test_css_urls_are_resolved_against_the_stylesheet():
    css = ".a{background:url(../../images/sample/market.jpg)}.b{background:url('x.png')}"
    out = assets.rewrite_css(css, "theme/css/site.css", DIGESTS, resolve)
    assert "url(../../images/sample/market.1234567890.jpg)" in out
    assert "url('x.png')" in out


def test_release_step_links_hashed_names_and_gzips_text(tmp_path):
    rel = tmp_path / "releases" / "r1"
    (rel / "theme" / "css").mkdir(parents=True)
    (rel / "theme" / "css" / "site.css").write_text("body{color:#111}\n" * 40)
    (rel / "index.html").write_text('<link rel="stylesheet" href="theme/css/site.css">' * 20)
    report = assets.prepare_release(rel, {"THEME_STATIC_DIR": "theme", "STATIC_PATHS": []},
                                    ORIGIN, tmp_path / "releases", None, now=1000.0)
    hashed = [p.name for p in (rel / "theme" / "css").iterdir()
              if assets.is_fingerprinted(p.name)]
    assert len(hashed) == 1
    assert f"theme/css/{hashed[0]}" in (rel / "index.html").read_text()
    assert os.path.samefile(rel / "theme" / "css" / "site.css", rel / "theme" / "css" / hashed[0])
    assert gzip.decompress((rel / "index.html.gz").read_bytes()) == (rel / "index.html"
                                                                      ).read_bytes()
    assert report.bytes_after < report.bytes_before
    # deterministic: the same input gives the same .gz bytes (no timestamp)
    assert (rel / "index.html.gz").read_bytes()[4:8] == b"\0\0\0\0"


def test_pool_keeps_old_assets_for_the_grace_period_then_drops_them(tmp_path):
    releases = tmp_path / "releases"
    settings = {"THEME_STATIC_DIR": "theme", "STATIC_PATHS": []}

    def release(name, css, now):
        rel = releases / name
        (rel / "theme" / "css").mkdir(parents=True)
        (rel / "theme" / "css" / "site.css").write_text(css)
        (rel / "index.html").write_text('<link href="theme/css/site.css">')
        live = releases / "live"
        live_dir = live.resolve() if live.is_symlink() else None
        assets.prepare_release(rel, settings, ORIGIN, releases, live_dir, now=now)
        if live.is_symlink():
            live.unlink()
        live.symlink_to(name)
        return rel, [p.name for p in (rel / "theme" / "css").iterdir()
                     if assets.is_fingerprinted(p.name)]

    _, first = release("r1", "a{}", now=0.0)
    r2, second = release("r2", "b{}", now=100.0)
    assert set(first) < set(second)  # r2 carries r1's stylesheet
    day = 24 * 3600
    r3, third = release("r3", "c{}", now=100.0 + 3 * day)
    assert set(second) <= set(third)  # r2's was live until r3: kept
    r4, fourth = release("r4", "d{}", now=100.0 + 8 * day)
    assert first[0] not in fourth  # r1's went out of use 8 days ago: gone
    assert set(third) - set(first) <= set(fourth)
    # a rollback to r2 brings in what newer pages use
    assert assets.Pool(releases).fill(r2) >= 2
    assert set(fourth) <= {p.name for p in (r2 / "theme" / "css").iterdir()}
