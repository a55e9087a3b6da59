"""A configured section always has its page and its two feeds, even before its first article.

Issue 7: every page's menu, the header's feed links and the sitemap name each section of
NEWSROOM_SECTIONS, but Pelican writes a category page and category feeds only for categories
that have articles, so adding a section (사회) broke links on every page and the release
validation refused the site. Two real strict builds (publishconf.py) of the same small content,
with and without the empty section, show that it gets its page and valid, empty feeds, and
that nothing else changes for the sections that have articles.
"""

from __future__ import annotations

import feedparser
import pytest
from helpers import (
    PROJECT_ROOT,
    SECTIONS,
    build_site,
    html_files,
    link_targets,
    new_content,
    output_rel,
    parse_html,
    text_of,
    write_article,
)

EMPTY = ("사회", "society")


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """(with the empty section, without it): the same content built twice, strict."""
    root = tmp_path_factory.mktemp("empty-section")
    content = root / "content"
    for i, (name, slug) in enumerate(SECTIONS):
        for n in range(2):
            write_article(
                content / "articles", f"{slug}-{n}", f"{name} 기사 {n}번 본문입니다.",
                Title=f"{name} 기사 {n}번", Date=f"2026-11-2{n} 1{i}:00:00", Category=name,
                Tags="시험지역",
            )
    new_content(content)
    results = []
    for label, sections in (("with", [*SECTIONS, EMPTY]), ("without", SECTIONS)):
        result = build_site(
            content, root / label, PROJECT_ROOT / "publishconf.py",
            extra_settings={"NEWSROOM_SECTIONS": [list(s) for s in sections]},
        )
        assert result.returncode == 0, result.log[-4000:]
        assert not result.problems(), "\n".join(result.problems())
        results.append(result)
    return tuple(results)


def test_the_empty_section_has_its_page(builds):
    out = builds[0].output
    page = out / "section" / EMPTY[1] / "index.html"
    assert page.is_file(), "no page for the configured section without articles"
    soup = parse_html(page)
    assert [text_of(h) for h in soup.find_all("h1")] == [EMPTY[0]]
    assert "아직 기사가 없습니다" in text_of(soup.find("main"))
    assert [text_of(a) for a in soup.select("nav a[aria-current]")] == [EMPTY[0]]
    assert not (out / "section" / EMPTY[1] / "2").exists(), "an empty section has one page"


@pytest.mark.parametrize("kind", ["atom", "rss"])
def test_the_empty_section_has_valid_empty_feeds(builds, kind):
    path = builds[0].output / "feeds" / f"{EMPTY[1]}.{kind}.xml"
    assert path.is_file(), f"feeds/{path.name} was not written"
    raw = path.read_text(encoding="utf-8")
    feed = feedparser.parse(raw)
    assert not feed.bozo, f"feeds/{path.name}: {feed.get('bozo_exception')}"
    assert feed.entries == []
    assert EMPTY[0] in feed.feed.title
    # The feed's own date is the pinned build time in Seoul time, like every other feed's.
    stamp = "2026-11-25T18:00:00+09:00" if kind == "atom" else "Wed, 25 Nov 2026 18:00:00 +0900"
    assert stamp in raw, raw


def test_every_internal_link_of_the_site_lands_on_a_written_file(builds):
    out = builds[0].output
    broken = set()
    for page in html_files(out):
        soup = parse_html(page)
        targets = link_targets(out, page, soup)
        targets += [
            output_rel(out, out / link["href"].split("/", 3)[-1])
            for link in soup.find_all("link", rel="alternate", href=True)
            if link["href"].startswith(builds[0].origin)
        ]
        broken |= {f"{output_rel(out, page)} -> {t}" for t in targets if not (out / t).is_file()}
    assert not broken, "\n".join(sorted(broken)[:20])


def test_nothing_else_changes_for_the_sections_with_articles(builds):
    with_empty, without = builds
    added = {f"section/{EMPTY[1]}/index.html", f"feeds/{EMPTY[1]}.atom.xml",
             f"feeds/{EMPTY[1]}.rss.xml"}

    def written(result):
        return {output_rel(result.output, p) for p in result.output.rglob("*") if p.is_file()}

    assert written(with_empty) == written(without) | added
    for _name, slug in SECTIONS:
        for kind in ("atom", "rss"):
            rel = f"feeds/{slug}.{kind}.xml"
            assert (with_empty.output / rel).read_bytes() == (without.output / rel).read_bytes()
        rel = f"section/{slug}/index.html"
        listed = [
            [t for t in link_targets(r.output, r.output / rel, parse_html(r.output / rel).main)
             if t.startswith("news/")]
            for r in builds
        ]
        assert listed[0] == listed[1] and len(set(listed[0])) >= 2, listed
