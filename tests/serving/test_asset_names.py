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


def _reference_rewrite_html(text, page, digests, resolve_):
    """The rewrite as first written (one callback per attribute): the specification the
    faster rewrite_html must equal byte for byte."""
    import re

    names = frozenset(rel.rsplit("/", 1)[-1] for rel in digests)

    def attr(m):
        value = m.group(3)
        if m.group(1).lstrip().startswith("srcset"):
            parts, changed = [], False
            for part in value.split(","):
                bits = part.strip().split(None, 1)
                if bits:
                    url = assets.rewrite_url(bits[0], page, digests, resolve_, names)
                    changed = changed or url != bits[0]
                    bits[0] = url
                parts.append(" ".join(bits))
            new = ", ".join(parts) if changed else value
        else:
            new = assets.rewrite_url(value, page, digests, resolve_, names)
        return f"{m.group(1)}{m.group(2)}{new}{m.group(2)}"

    return re.compile(r"""(\s(?:href|src|poster|srcset)\s*=\s*)(["'])(.*?)\2""",
                      re.DOTALL).sub(attr, text)


def test_rewriting_only_the_values_that_can_name_an_asset_changes_nothing_else():
    """rewrite_html passes over values without an asset's extension: on random pages of
    links (relative, root-relative, absolute; %-escapes, upper-case extensions, fingerprinted
    names, queries, both quotes, srcset lists, a quote of the other kind inside a value)
    it gives exactly what a callback on every attribute gave, with or without a memo of the
    values seen from each folder."""
    import random

    rng = random.Random(20261203)
    digests = dict(DIGESTS, **{"theme/js/search.js": "7" * 64, "images/IMG_01.JPG": "9" * 64})
    prefixes = ["", "../", "/", "./", "../../", "http://127.0.0.1:8000/", "//cdn.example/", "#"]
    targets = ["theme/css/site.css", "theme/css/SITE.CSS", "theme/css/site.abcdef0123.css",
               "theme/css/site.0000000000.css", "images/sample/market.jpg",
               "images/sample/mark%65t.jpg", "images/sample/market%2Ejpg", "images/IMG_01.JPG",
               "images/img_01.jpg", "theme/js/search.js", "theme/js/search.json", "news/a.html",
               "tag/교통/", "section/economy/2/", "feeds/all.atom.xml", "it's.css", "", " "]
    tails = ["", "?w=1", "#top", "?v=2#x", "  "]
    attrs = ["href", "src", "poster", "srcset", "data-src", "HREF", "src ", "srcset "]
    memo: dict = {}
    for _ in range(400):
        chunks = []
        for _ in range(rng.randint(1, 12)):
            attr = rng.choice(attrs)
            quote = rng.choice(['"', "'"])
            urls = [rng.choice(prefixes) + rng.choice(targets) + rng.choice(tails)
                    for _ in range(rng.randint(1, 3))]
            value = (", ".join(f"{u} {i + 1}x" for i, u in enumerate(urls))
                     if attr.startswith("srcset") else urls[0])
            if quote in value:
                value = value.replace(quote, "")
            chunks.append(f'<x {attr}={quote}{value}{quote}>{rng.choice(["", "본문 ", "a.css "])}')
        page = rng.choice(["index.html", "news/a.html", "section/economy/2/index.html"])
        html = "".join(chunks)
        expected = _reference_rewrite_html(html, page, digests, resolve)
        assert assets.rewrite_html(html, page, digests, resolve) == expected, html
        # With a memo kept across pages (as the release step keeps one per chunk of pages).
        assert assets.rewrite_html(html, page, digests, resolve, memo) == expected, html
