"""Search in Debian's chromium: the header box, results, filters, 더 보기, speed, no-JS.

The site is the sample content plus the search corpus, built with the newsroom_search plugin
on (tests/search/searchconf.py) and served on 127.0.0.1. The browser clock is pinned to
2026-11-25 12:00 KST so that 이번 주 / 이번 달 are the same on every run.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest
from search_helpers import QUERIES, build_search_site

from newsroom_search import evaluate as ev
from newsroom_search.query import LoadedIndex, search

pytestmark = pytest.mark.browser

KST = timezone(timedelta(hours=9))
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=KST)
VIEWPORTS = {"desktop": (1280, 900, False), "phone": (375, 812, True)}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    s = build_search_site(tmp_path_factory.mktemp("search-browser"))
    yield s
    s.server.stop()


def _page(chromium, viewport="desktop", **kwargs):
    width, height, mobile = VIEWPORTS[viewport]
    context = chromium.new_context(
        viewport={"width": width, "height": height}, is_mobile=mobile, has_touch=mobile,
        device_scale_factor=1, locale="ko-KR", timezone_id="Asia/Seoul", **kwargs,
    )
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type in ("error", "warning") and page.problems.append(
        f"console {m.type}: {m.text}"))
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    page.on("response", lambda r: r.status >= 400 and page.problems.append(f"HTTP {r.status} {r.url}"))
    if kwargs.get("java_script_enabled", True):
        page.clock.set_fixed_time(NOW)
    return context, page


@pytest.fixture
def page(chromium):
    context, p = _page(chromium)
    yield p
    context.close()


@pytest.fixture
def phone_page(chromium):
    context, p = _page(chromium, "phone")
    yield p
    context.close()


def _results(page) -> list[str]:
    """Slugs of the results shown, in order."""
    hrefs = page.eval_on_selector_all(".search-result__title a", "els => els.map(e => e.href)")
    return [h.rsplit("/", 1)[-1].removesuffix(".html") for h in hrefs]


def _wait_results(page, count_at_least=1):
    page.wait_for_function(
        "n => document.querySelectorAll('.search-result').length >= n"
        " && !document.getElementById('search').hasAttribute('aria-busy')",
        arg=count_at_least,
    )


def _open(page, site, query: str = "", **params):
    qs = "&".join(f"{k}={quote(v)}" for k, v in {"q": query, **params}.items() if v)
    page.goto(f"{site.url}/search/" + (f"?{qs}" if qs else ""), wait_until="networkidle")


def test_the_script_answers_the_whole_query_set_like_the_python_rules(page, site):
    """search.js and plugins/newsroom_search/query.py give the same ids for every query."""
    _open(page, site)
    index = LoadedIndex(site.index_files())
    queries = [q.q for q in ev.load_queries(QUERIES)]
    js = page.evaluate(
        """async (queries) => {
            const engine = new NewsroomSearch.Engine(document.getElementById('search').dataset.index);
            const out = {};
            for (const q of queries) { const r = await engine.search(q); out[q] = [r.ids, r.relaxed]; }
            return out;
        }""",
        queries,
    )
    for q in queries:
        expected = search(index, q)
        assert js[q] == [expected.ids, expected.relaxed], q
    assert page.evaluate("NewsroomSearch.fnv1a('foobar')") == 0xBF9CF968
    assert not page.problems, page.problems


def test_typing_in_the_header_box_shows_results_on_a_phone(phone_page, site, capsys):
    """Results appear while a reader types on a phone, from index files fetched on demand.

    The time to the first result is printed here and measured by `make bench-search`
    (bench/search.py, at 10,000 articles): a timing assertion in a test fails on a busy
    machine for reasons the code does not control (the project's rule: speed targets are
    measured by benchmarks, not by timed tests)."""
    page = phone_page
    fetched: list[str] = []
    page.on("request", lambda r: "/search/" in r.url and fetched.append(r.url))
    _open(page, site)
    shards_total = len(list((site.out / "search" / "s").rglob("*.txt")))
    page.evaluate(
        """() => {
            window.__typed = []; window.__first = null; window.__final = null;
            document.getElementById('site-search-q').addEventListener('input',
                () => window.__typed.push(performance.now()));
            new MutationObserver(() => {
                const now = performance.now();
                if (window.__first === null && document.querySelector('.search-result'))
                    window.__first = now;
                if (window.__final === null && document.querySelector('.search-result')
                    && document.getElementById('search-status').textContent.includes('‘상품권’'))
                    window.__final = now;
            }).observe(document.getElementById('search'), {childList: true, subtree: true,
                                                           characterData: true});
        }"""
    )
    page.locator("#site-search-q").click()
    page.keyboard.type("상품권", delay=80)
    _wait_results(page)
    page.wait_for_function("() => window.__final !== null")
    typed, first, final = page.evaluate("[window.__typed, window.__first, window.__final]")
    to_first = first - typed[0]
    to_final = final - typed[-1]
    with capsys.disabled():
        print(f"\nsearch (375 px): first result {to_first:.0f} ms after the first keystroke, "
              f"results for the whole word {to_final:.0f} ms after the last one")
    assert len(typed) == 3
    assert first is not None and final >= first  # results came, and the whole word's last
    assert _results(page)[:2] == ["incheon-local-currency-discount", "jeonju-market-voucher-refund"]
    assert "q=%EC%83%81%ED%92%88%EA%B6%8C" in page.url  # ?q=상품권, shareable
    shard_requests = {u.split("?")[0] for u in fetched if "/search/s/" in u}
    assert 0 < len(shard_requests) < shards_total, shard_requests
    assert not page.problems, page.problems


def test_a_result_shows_title_section_date_source_and_a_highlighted_snippet(page, site):
    _open(page, site, "온누리상품권")
    _wait_results(page)
    item = page.locator(".search-result").first
    assert "온누리상품권" in item.locator(".search-result__title").inner_text()
    assert item.locator(".search-result__title mark").first.inner_text() == "온누리상품권"
    assert item.locator(".search-result__section").inner_text() == "경제"
    assert item.locator(".search-result__date").inner_text() == "2026.11.24"
    assert item.locator(".search-result__date").get_attribute("datetime") == "2026-11-24"
    assert item.locator(".search-result__source").inner_text() == "전주시"
    assert "온누리상품권" in item.locator(".search-result__snippet mark").first.inner_text()
    item.locator(".search-result__title a").click()
    page.wait_for_url("**/news/jeonju-market-voucher-refund.html")


def test_particles_compounds_and_two_words(page, site):
    _open(page, site, "서울")
    _wait_results(page)
    assert set(_results(page)) == {"seoul-late-night-subway", "seoul-plaza-winter-festival"}
    box = page.locator("#site-search-q")
    box.fill("교통 협의체")
    page.wait_for_function("() => decodeURIComponent(location.search).includes('협의체')")
    _wait_results(page)
    assert _results(page) == ["busan-transit-council-launch"]
    assert "검색 결과 1건" in page.locator("#search-status").inner_text()


def test_a_query_with_no_match_says_so(page, site):
    _open(page, site, "우주정거장")
    page.wait_for_function(
        "() => document.getElementById('search-status').textContent.includes('없습니다')")
    assert _results(page) == []


def test_filters_by_section_source_and_period(page, site):
    _open(page, site, "부산")
    _wait_results(page)
    everything = set(_results(page))
    assert {"busan-transit-council-launch", "busan-youth-startup-grant",
            "busan-council-budget-cut", "busan-traffic-safety-campaign"} <= everything

    page.select_option("#search-section", "economy")
    page.wait_for_function("() => location.search.includes('section=economy')")
    _wait_results(page)
    assert _results(page) == ["busan-youth-startup-grant"]

    page.select_option("#search-section", "")
    page.select_option("#search-source", "부산광역시의회")
    page.wait_for_function("() => location.search.includes('source=')")
    _wait_results(page)
    assert _results(page) == ["busan-council-budget-cut"]

    # 이번 주 (Monday 2026-11-23 onwards, the clock is pinned to Wednesday the 25th).
    page.select_option("#search-source", "")
    page.select_option("#search-period", "week")
    page.wait_for_function("() => location.search.includes('period=week')")
    _wait_results(page)
    assert _results(page) == ["busan-council-budget-cut", "busan-transit-council-launch"]

    # The filtered list is a link: opening it again gives the same results.
    page.goto(page.url, wait_until="networkidle")
    _wait_results(page)
    assert _results(page) == ["busan-council-budget-cut", "busan-transit-council-launch"]
    assert page.locator("#search-period").input_value() == "week"
    assert page.locator("#site-search-q").input_value() == "부산"


def test_more_button_pages_through_results(page, site):
    _open(page, site, "밝혔다")
    _wait_results(page)
    status = page.locator("#search-status").inner_text()
    total = int(status.split("결과 ")[1].split("건")[0])
    assert total > 10
    assert len(_results(page)) == 10
    more = page.locator("#search-more")
    assert more.is_visible() and more.inner_text() == "더 보기"
    more.click()
    _wait_results(page, min(total, 20))
    assert len(_results(page)) == min(total, 20)
    assert len(set(_results(page))) == len(_results(page))


def test_markup_in_a_query_is_shown_as_text(page, site):
    # "b" is a single letter and gives no term: the query is 상품권, shown as typed.
    _open(page, site, "<b>상품권</b>")
    _wait_results(page)
    assert page.locator("#search b").count() == 0
    assert "<b>상품권</b>" in page.locator("#search-status").inner_text()
    assert page.locator("#site-search-q").input_value() == "<b>상품권</b>"


def test_without_javascript_the_page_explains_and_links_sections(chromium, site):
    context, page = _page(chromium, java_script_enabled=False)
    try:
        page.goto(f"{site.url}/search/?q=상품권", wait_until="load")
        text = page.locator("main").inner_text()
        assert "자바스크립트가 필요합니다" in text
        assert page.locator(".search-nojs a", has_text="기관별").get_attribute("href") == "../source/"
        assert page.locator(".search-nojs a", has_text="경제").is_visible()
        assert not page.locator("#search").is_visible()
        # The header form still works as a plain GET form.
        page.locator("#site-search-q").fill("서울")
        page.locator(".site-search__button").click()
        page.wait_for_url("**/search/?q=*")
    finally:
        context.close()


def test_header_box_on_an_article_leads_to_the_search_page(page, site):
    page.goto(f"{site.url}/news/daegu-youth-startup-fund.html", wait_until="load")
    page.locator("#site-search-q").fill("청년 창업")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    _wait_results(page)
    assert set(_results(page)[:2]) == {"daegu-youth-startup-fund", "busan-youth-startup-grant"}


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_screenshots_of_the_search_page(chromium, site, viewport, screenshot_dir):
    context, page = _page(chromium, viewport)
    try:
        _open(page, site, "상품권")
        _wait_results(page)
        width = VIEWPORTS[viewport][0]
        # Nothing sticks out sideways on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        box = page.locator("#site-search-q").bounding_box()
        assert box["height"] >= 44 and box["x"] + box["width"] <= width
        page.screenshot(path=str(screenshot_dir / f"search-{viewport}.png"), full_page=True)
        assert not page.problems, page.problems
    finally:
        context.close()
