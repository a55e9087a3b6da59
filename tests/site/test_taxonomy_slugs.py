"""Tag, reporter and source (기관별) URLs in the Revised Romanization, with the old unidecode
URLs kept working as redirects (issue 15), also through an incremental build."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from helpers import PROJECT_ROOT, build_ok, write_article

from newsroom.core import model
from newsroom.core.redirects import MAP_FILE

NOW = model.parse_date("2026-11-25 18:00:00")


@pytest.mark.parametrize("name,slug", [
    ("강릉", "gangneung"), ("한빛시청", "hanbitsicheong"), ("신라", "silla"), ("종로", "jongno"),
    ("독립문", "dongnimmun"), ("왕십리", "wangsimni"), ("대관령", "daegwallyeong"),
    ("해돋이", "haedoji"), ("2026 한빛 축제", "2026-hanbit-chukje"), ("K-푸드", "k-pudeu"),
    ("(재)한빛문화재단", "jaehanbinmunhwajaedan"),
])
def test_names_take_the_revised_romanization(name, slug):
    from newsroom_site.slugs import romanized_slug

    settings = {"SLUG_REGEX_SUBSTITUTIONS": [(r"[^\w\s-]", ""), (r"(?u)\A\s*", ""),
                                             (r"(?u)\s*\Z", ""), (r"[-\s]+", "-")]}
    assert romanized_slug(name, settings, "tag") == slug


def test_legacy_slug_is_what_pelican_made():
    from pelican.settings import DEFAULT_CONFIG
    from pelican.urlwrappers import Tag

    from newsroom_site.slugs import legacy_slug

    for name in ("강릉", "한빛시청", "(재)한빛문화재단"):
        assert legacy_slug(name, DEFAULT_CONFIG, "tag") == Tag(name, DEFAULT_CONFIG).slug
    assert legacy_slug("한빛시청", DEFAULT_CONFIG, "source") == "hanbicsiceong"


def _write(content: Path, count: int, start: int = 0) -> None:
    for i in range(start, start + count):
        write_article(
            content / "articles", f"gn-{i:02d}", f"{i}번 기사 본문입니다.",
            Title=f"강릉 소식 {i:02d}호", Category="경제",
            Date=model.format_date(NOW - timedelta(hours=200 - i)),
            Tags="강릉, 전통시장" if i % 2 else "강릉", Authors="박서연", Source="한빛시청",
        )


def _site(tmp_path: Path, count: int = 45) -> Path:
    content = tmp_path / "content"
    _write(content, count)
    shutil.copytree(PROJECT_ROOT / "content" / "pages", content / "pages")
    return content


def _refresh_target(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex">' in text, page
    m = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', text)
    assert m, f"{page}: no meta refresh"
    canonical = re.search(r'<link rel="canonical" href="([^"]+)">', text).group(1)
    assert canonical.endswith("/" + m.group(1).lstrip("./")), (canonical, m.group(1))
    assert f'<a href="{m.group(1)}">' in text, f"{page}: no link for browsers without refresh"
    return m.group(1)


def test_new_urls_and_redirects_from_the_old_ones(tmp_path):
    out = build_ok(_site(tmp_path), tmp_path / "out").output
    # New URLs: the list pages, their blocks (45 articles: the first page and blocks 1, 2).
    for rel in ("tag/gangneung/index.html", "tag/gangneung/1/index.html",
                "tag/gangneung/2/index.html", "author/bakseoyeon/index.html",
                "source/hanbitsicheong/index.html", "source/hanbitsicheong/2/index.html"):
        assert "gn-" in (out / rel).read_text(encoding="utf-8"), f"{rel}: lists no article"
    # Articles keep their URLs.
    assert (out / "news/gn-00.html").is_file()
    article = (out / "news/gn-03.html").read_text(encoding="utf-8")
    for href in ("../tag/gangneung/", "../author/bakseoyeon/", "../source/hanbitsicheong/"):
        assert f'href="{href}"' in article, href
    assert "gangreung" not in article and "hanbicsiceong" not in article
    # Old URLs: a page that sends readers to the same place under the new slug.
    expected = {
        "tag/gangreung/index.html": "../../tag/gangneung/",
        "tag/gangreung/1/index.html": "../../../tag/gangneung/1/",
        "tag/gangreung/2/index.html": "../../../tag/gangneung/2/",
        "author/bagseoyeon/index.html": "../../author/bakseoyeon/",
        "source/hanbicsiceong/index.html": "../../source/hanbitsicheong/",
        "source/hanbicsiceong/1/index.html": "../../../source/hanbitsicheong/1/",
    }
    for old, target in expected.items():
        assert _refresh_target(out / old) == target, old
    # 전통시장 romanizes the same both ways: no redirect, one page.
    assert (out / "tag/jeontongsijang/index.html").is_file()
    # The map nginx answers with 301s holds every one of them.
    lines = set((out / MAP_FILE).read_text(encoding="utf-8").splitlines())
    for line in ("/tag/gangreung/ /tag/gangneung/;", "/tag/gangreung/index.html /tag/gangneung/;",
                 "/tag/gangreung /tag/gangneung/;", "/tag/gangreung/2/ /tag/gangneung/2/;",
                 "/source/hanbicsiceong/ /source/hanbitsicheong/;",
                 "/author/bagseoyeon/ /author/bakseoyeon/;"):
        assert line in lines, line
    assert not any("jeontongsijang" in ln for ln in lines)
    # Not listed anywhere a reader or a crawler would follow.
    for rel in ("sitemaps/pages.xml", "tag/index.html", "source/index.html"):
        assert "gangreung" not in (out / rel).read_text(encoding="utf-8"), rel


def test_an_old_url_used_by_a_real_page_stays_that_page(tmp_path):
    content = _site(tmp_path, count=3)
    # A tag literally named like 강릉's old slug: its page is real and is not overwritten.
    write_article(content / "articles", "ascii-tag", "본문.", Title="영문 태그",
                  Category="문화", Date=model.format_date(NOW - timedelta(hours=1)),
                  Tags="gangreung")
    out = build_ok(content, tmp_path / "out").output
    page = (out / "tag/gangreung/index.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh"' not in page and "news/ascii-tag.html" in page
    assert "/tag/gangreung/ " not in (out / MAP_FILE).read_text(encoding="utf-8")


def test_increment_with_new_redirect_blocks_equals_a_clean_build(tmp_path):
    content = _site(tmp_path)
    state = tmp_path / "render"
    a = build_ok(content, tmp_path / "a", env={"NEWSROOM_RENDER_STATE": str(state),
                                               "NEWSROOM_RENDER_ID": "a"}).output
    _write(content, 16, start=45)  # 61 articles: a third block, so a third old block URL
    b = build_ok(content, tmp_path / "b", env={
        "NEWSROOM_RENDER_STATE": str(state), "NEWSROOM_RENDER_ID": "b",
        "NEWSROOM_RENDER_BASE": "a", "NEWSROOM_RENDER_FROM": str(a)}).output
    c = build_ok(content, tmp_path / "c").output
    files_b = {p.relative_to(b).as_posix(): p for p in b.rglob("*") if p.is_file()}
    files_c = {p.relative_to(c).as_posix(): p for p in c.rglob("*") if p.is_file()}
    assert sorted(files_b) == sorted(files_c)
    stale = [n for n in files_c if files_b[n].read_bytes() != files_c[n].read_bytes()]
    assert not stale, stale
    assert "tag/gangreung/3/index.html" in files_b
    # The old block pages of A were taken over unchanged.
    assert files_b["tag/gangreung/1/index.html"].stat().st_nlink > 1
