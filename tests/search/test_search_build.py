"""The Pelican build with newsroom_search on: the search page, the header form on every
page, the index files, the site without the plugin, and an article added after a build."""

from __future__ import annotations

import json

import pytest
from helpers import build_site, html_files, parse_html, resolve_link, write_article
from search_helpers import SEARCH_CONF, build_search_site, make_search_content

from newsroom_search import evaluate as ev


def _reader_pages(out):
    """Every page but the redirect stubs at old URLs (a meta refresh to the new page, no site
    furniture: docs/editors.md, 9)."""
    return [p for p in html_files(out) if 'http-equiv="refresh"' not in p.read_text("utf-8")]


def test_every_page_has_the_search_form_pointing_at_the_search_page(search_site):
    out = search_site.out
    pages = _reader_pages(out)
    assert len(pages) > 40
    for page in pages:
        soup = parse_html(page)
        forms = soup.select('form[role="search"]')
        assert len(forms) == 1, page
        form = forms[0]
        assert form.get("method") == "get"
        box = form.select_one('input[type="search"][name="q"]')
        assert box is not None and box.get("id") == "site-search-q"
        assert form.select_one('label[for="site-search-q"]') is not None
        assert resolve_link(out, page, form["action"]) == out / "search" / "index.html", page


def test_search_page_without_javascript_links_sections_and_sources(search_site):
    soup = parse_html(search_site.out / "search" / "index.html")
    noscript = soup.find("noscript")
    assert noscript is not None
    inner = parse_html_fragment(noscript)
    assert "자바스크립트가 필요합니다" in inner.get_text()
    hrefs = [a["href"] for a in inner.find_all("a")]
    assert "../source/" in hrefs
    assert {"../section/politics/", "../section/economy/", "../section/culture/"} <= set(hrefs)
    # The JavaScript part stays hidden until the script shows it.
    assert soup.select_one("#search").has_attr("hidden")
    assert soup.select_one('script[src$="js/search.js"]') is not None


def parse_html_fragment(node):
    from bs4 import BeautifulSoup

    # lxml keeps <noscript> content as text when scripting is assumed; parse it again.
    return BeautifulSoup("".join(str(c) for c in node.contents), "lxml")


def test_filters_list_sections_sources_and_periods(search_site):
    soup = parse_html(search_site.out / "search" / "index.html")
    sections = [o["value"] for o in soup.select("#search-section option")]
    assert sections == ["", "politics", "economy", "culture"]
    sources = [o["value"] for o in soup.select("#search-source option")]
    assert "전주시" in sources and "부산광역시의회" in sources
    assert [o["value"] for o in soup.select("#search-period option")] == ["", "week", "month", "year"]


def test_no_inline_script_style_or_handlers_on_the_search_page(search_site):
    soup = parse_html(search_site.out / "search" / "index.html")
    for s in soup.find_all("script"):
        assert s.get("src"), "inline script"
    assert not soup.find_all("style")
    for tag in soup.find_all(True):
        assert "style" not in tag.attrs, tag.name
        assert not [a for a in tag.attrs if a.startswith("on")], tag.name


def test_index_files_are_split_and_named_by_the_manifest(search_site):
    folder = search_site.out / "search"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["count"] == 31  # 20 published sample articles and 11 corpus ones; no draft
    [segment] = manifest["segments"]  # 31 articles: one segment, the whole of time
    assert segment["name"] == "0-0" and segment["count"] == 31
    assert len(list((folder / "s" / "0-0").glob("*.txt"))) == segment["shards"] == 8
    # 8 docs a doc file: 31 docs in 4 files.
    doc_files = sorted((folder / "d" / "0-0").glob("*.json"))
    assert [p.name for p in doc_files] == ["0.json", "1.json", "2.json", "3.json"]
    urls = [r[0] for p in doc_files for r in json.loads(p.read_text(encoding="utf-8"))]
    assert len(urls) == 31
    assert "news/cheongju-winter-light-festival.html" not in urls  # a draft
    for url in urls:
        assert (search_site.out / url).is_file(), url


def test_the_published_site_has_search(built_site):
    """publishconf.py turns the plugin on: the sample site has the form and the index."""
    assert built_site.returncode == 0, built_site.log[-2000:]
    assert (built_site.output / "search" / "index.html").is_file()
    assert (built_site.output / "search" / "manifest.json").is_file()
    for page in _reader_pages(built_site.output)[:50]:
        assert 'role="search"' in page.read_text(encoding="utf-8"), page


def test_the_site_without_the_plugin_has_no_search(project_root, tmp_path):
    """Without the plugin in PLUGINS: no form, no search page (the theme does not assume it)."""
    result = build_site(project_root / "content", tmp_path / "out",
                        project_root / "publishconf.py",
                        extra_settings={"PLUGINS": ["newsroom_site", "press_scraper"]})
    assert result.returncode == 0, result.log[-2000:]
    assert not (result.output / "search").exists()
    for page in html_files(result.output)[:50]:
        text = page.read_text(encoding="utf-8")
        assert "site-search" not in text and 'role="search"' not in text, page


KEEP = {"NEWSROOM_SEARCH_TEST_KEEP_OUTPUT": "1", "NEWSROOM_SEARCH_TEST_SEGMENT": "8"}


@pytest.fixture
def two_builds(tmp_path):
    site = build_search_site(tmp_path, env=KEEP)
    yield site
    site.server.stop()


def _snapshot(folder):
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


def test_an_article_added_after_a_build_is_found_after_the_next(two_builds):
    """Second build into the same folder: the new article is found, and only the last
    segment's touched shards, the last doc/facet files and the manifest are rewritten."""
    site = two_builds
    folder = site.out / "search"
    before = _snapshot(folder)
    old_segments = [s["name"] for s in json.loads(before["manifest.json"][0])["segments"]]
    assert len(old_segments) >= 4
    assert ev.files_engine(site.index_files())("제설 대책") == []

    write_article(
        site.content / "articles", "hanbit-snow-plan",
        "한빛시는 올겨울 제설 장비 120대를 주요 도로에 미리 배치한다.",
        title="한빛시, 겨울철 제설 대책 발표", date="2026-11-25 17:45:00", category="정치",
        slug="hanbit-snow-plan", source="한빛시청",
    )
    # Dated after the build's "now" (NEWSROOM_NOW): held back, so not searchable either.
    write_article(
        site.content / "articles", "hanbit-embargo",
        "한빛시는 내년 제설 예산을 두 배로 늘린다.",
        title="한빛시, 내년 제설 예산 확대", date="2026-12-01 09:00:00", category="정치",
        slug="hanbit-embargo", source="한빛시청",
    )
    again = build_site(site.content, site.out, SEARCH_CONF, origin=site.url, env=KEEP)
    assert again.returncode == 0, again.log[-3000:]
    assert ev.files_engine(site.index_files())("제설 대책") == ["hanbit-snow-plan"]
    assert ev.files_engine(site.index_files())("제설 예산") == []

    after = _snapshot(folder)
    changed = sorted(p for p in after if before.get(p, (None,))[0] != after[p][0])
    # Segments of at most 8 articles: the new article's span (17:45 on 2026-11-25) is the
    # only one whose files changed (or the two halves it was split into, had it too many).
    from datetime import datetime

    from newsroom.core.model import KST
    from newsroom_search.index import segment_span

    when = datetime(2026, 11, 25, 17, 45, tzinfo=KST)
    [home] = [n for n in old_segments if segment_span(n)[0] <= when < segment_span(n)[1]]
    start, end = segment_span(home)
    touched = {c.split("/")[1].split(".")[0] for c in changed if c.startswith(("s/", "d/", "f/"))}
    assert touched and all(start <= segment_span(n)[0] and segment_span(n)[1] <= end
                           for n in touched), (home, touched)
    assert set(changed) - {c for c in changed if c.startswith(("s/", "d/", "f/"))} == {
        "manifest.json", "index.html"}, changed
    # Every other segment's files kept their bytes and were not written again (their mtime
    # is the first build's).
    others = [p for p in before if p.startswith(("s/", "d/", "f/"))
              and p.split("/")[1].split(".")[0] != home]
    assert others
    for rel in others:
        assert after[rel] == before[rel], rel


def _search_files(out) -> dict[str, bytes]:
    return {k: v for k, (v, _mtime) in _snapshot(out / "search").items()}


def _clean_search_files(content, out) -> dict[str, bytes]:
    """The index files of a clean build of `content` (no cache), segments of 8."""
    clean = build_site(content, out, SEARCH_CONF, env={"NEWSROOM_SEARCH_TEST_SEGMENT": "8"})
    assert clean.returncode == 0, clean.log[-3000:]
    return _search_files(out)


def test_with_the_update_jobs_cache_an_increment_equals_a_clean_build(tmp_path):
    """The update job's cache (NEWSROOM_CACHE_PATH) keeps built segments: a build after one
    new article reuses them, and its index is byte for byte a clean build's."""
    content = make_search_content(tmp_path / "src")
    env = {"NEWSROOM_SEARCH_TEST_SEGMENT": "8", "NEWSROOM_CACHE_PATH": str(tmp_path / "cache")}
    first = build_site(content, tmp_path / "one", SEARCH_CONF, env=env)
    assert first.returncode == 0, first.log[-3000:]
    folder = tmp_path / "cache" / "newsroom-search"
    before = {p.name: p.stat().st_mtime_ns for p in folder.glob("*.json")}
    # Two files per segment of 8 articles: its shards, its result rows (r…).
    assert len(before) >= 8 and len(before) == 2 * len([n for n in before if n.startswith("r")])
    write_article(content / "articles", "hanbit-snow-plan",
                  "한빛시는 올겨울 제설 장비 120대를 주요 도로에 미리 배치한다.",
                  title="한빛시, 겨울철 제설 대책 발표", date="2026-11-25 17:45:00",
                  category="정치", slug="hanbit-snow-plan", source="한빛시청")
    second = build_site(content, tmp_path / "two", SEARCH_CONF, env=env)
    assert second.returncode == 0, second.log[-3000:]
    after = {p.name: p.stat().st_mtime_ns for p in folder.glob("*.json")}
    kept = {name for name in before if after.get(name) == before[name]}
    assert len(kept) == len(before) - 2  # every segment but the one the new article joined
    # That one replaced (by the two halves of its span, had it too many): two files for
    # each segment of the index, none stale.
    manifest = json.loads((tmp_path / "two" / "search" / "manifest.json").read_bytes())
    assert len(after) == 2 * len(manifest["segments"]) in (len(before), len(before) + 2)
    got = _search_files(tmp_path / "two")
    assert got == _clean_search_files(content, tmp_path / "clean")


def test_with_the_update_jobs_cache_a_story_dated_months_back_changes_only_its_segment(tmp_path):
    """An editor's story dated back into the oldest segment, built with the job's cache:
    every other segment keeps its cached shards and its kept postings (their files are not
    written again), and the index is byte for byte a clean build's."""
    from datetime import datetime

    from newsroom.core.model import KST
    from newsroom_search.index import segment_span

    content = make_search_content(tmp_path / "src")
    env = {"NEWSROOM_SEARCH_TEST_SEGMENT": "8", "NEWSROOM_CACHE_PATH": str(tmp_path / "cache")}
    first = build_site(content, tmp_path / "one", SEARCH_CONF, env=env)
    assert first.returncode == 0, first.log[-3000:]
    folder = tmp_path / "cache" / "newsroom-search"
    names = [s["name"] for s in json.loads(
        (tmp_path / "one" / "search" / "manifest.json").read_bytes())["segments"]]
    when = datetime(2026, 8, 14, 11, 0, tzinfo=KST)  # an hour after the oldest article
    [home] = [n for n in names if segment_span(n)[0] <= when < segment_span(n)[1]]
    assert home != names[-1] and len(names) >= 4
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert {f"{n}.state" for n in names} <= set(before)
    write_article(content / "articles", "late-desk-story",
                  "늦게 올린 기사: 한빛시 여름 축제 결산 두루미떼.",
                  title="한빛시 여름 축제 결산", date="2026-08-14 11:00:00",
                  category="문화", slug="late-desk-story", source="한빛시청")
    second = build_site(content, tmp_path / "two", SEARCH_CONF, env=env)
    assert second.returncode == 0, second.log[-3000:]
    after = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    for n in names:
        if n != home:
            assert after[f"{n}.state"] == before[f"{n}.state"], n
    assert after.get(f"{home}.state") != before[f"{home}.state"]  # grown (or split)
    cached = [k for k in before if k.endswith(".json")]  # shards and result rows
    assert len([k for k in cached if after.get(k) == before[k]]) == len(cached) - 2
    got = _search_files(tmp_path / "two")
    assert got == _clean_search_files(content, tmp_path / "clean")
    # The story's bigrams (미떼 is in no other article) are in its segment's shards.
    assert [k.split("/")[1] for k, v in got.items() if k.startswith("s/") and "\n미떼\t".encode() in b"\n" + v] == [home]


def test_cached_records_follow_an_edited_article(tmp_path):
    """Records of unchanged articles come from the cache (kept with each article in Pelican's
    content cache); an edited body or title must not: the index after the edit is a clean
    build's."""
    content = make_search_content(tmp_path / "src")
    env = {"NEWSROOM_SEARCH_TEST_SEGMENT": "8", "NEWSROOM_CACHE_PATH": str(tmp_path / "cache")}
    first = build_site(content, tmp_path / "one", SEARCH_CONF, env=env)
    assert first.returncode == 0, first.log[-3000:]
    cached = b"".join(p.read_bytes() for p in (tmp_path / "cache").glob("*Generator*"))
    assert b"_newsroom_search_doc" in cached, "no search record kept with the cached articles"
    edited = sorted((content / "articles").glob("*.md"))[0]
    text = edited.read_text(encoding="utf-8")
    head, body = text.split("\n\n", 1)
    edited.write_text(head.replace("Title: ", "Title: 수정된 ", 1) + "\n\n" + body
                      + "\n\n고친 문단에만 있는 낱말 두루미떼.\n", encoding="utf-8")
    second = build_site(content, tmp_path / "two", SEARCH_CONF, env=env)
    assert second.returncode == 0, second.log[-3000:]
    got = _search_files(tmp_path / "two")
    assert got == _clean_search_files(content, tmp_path / "clean")
    assert any("수정된 ".encode() in v for v in got.values())  # the new title is in the index
