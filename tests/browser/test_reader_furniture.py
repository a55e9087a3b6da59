"""What a Korean news reader looks for around the articles: the legal masthead in the footer,
기관별 in the menu, and feeds that open as a readable page about subscribing."""

from __future__ import annotations

import re

import feedparser
from test_theme import horizontal_overflow, open_page


def test_footer_shows_masthead_and_feeds_and_the_menu_has_sources(page_at, viewport, site_url,
                                                                   screenshot_dir):
    page = page_at
    open_page(page, site_url + "/")
    assert page.locator("header .feed-links").count() == 0, "the RSS row is still in the header"
    masthead = page.locator("footer .masthead")
    masthead.scroll_into_view_if_needed()
    assert masthead.is_visible()
    text = masthead.inner_text()
    for label in ("제호", "등록번호", "등록일", "발행인", "편집인", "청소년보호책임자", "주소", "전화"):
        assert label in text, label
    assert page.locator("footer .feed-links a").first.is_visible()
    nav = page.get_by_role("navigation", name="분야")
    nav.get_by_role("link", name="기관별").click()
    page.wait_for_load_state("load")
    assert page.url == site_url + "/source/"
    assert nav.get_by_role("link", name="기관별").get_attribute("aria-current") == "page"
    assert horizontal_overflow(page) <= 0
    page.locator("footer").screenshot(path=str(screenshot_dir / f"footer-{viewport}.png"))
    assert page.problems == []


def test_a_feed_opens_as_a_korean_page_about_subscribing(page_at, viewport, site_url,
                                                         built_site, screenshot_dir):
    page = page_at
    for name in ("all.atom.xml", "economy.rss.xml"):
        raw = (built_site.output / "feeds" / name).read_bytes()
        assert b'<?xml-stylesheet type="text/xsl" href="../theme/feed.xsl"?>' in raw[:200]
        parsed = feedparser.parse(raw)  # feed readers: unaffected
        assert not parsed.bozo and parsed.entries, name
        open_page(page, f"{site_url}/feeds/{name}")
        assert "피드 구독 안내" in page.title()
        assert page.get_by_role("heading", name="피드로 새 기사 받아보기").is_visible()
        assert page.locator(".feed-page__address code").inner_text() == parsed.feed.links[-1].href \
            or name.endswith(".rss.xml")
        first = page.locator(".feed-page__items a").first
        assert first.inner_text() == parsed.entries[0].title
        assert first.get_attribute("href") == parsed.entries[0].link
        date = page.locator(".feed-page__date").first.inner_text()
        assert re.fullmatch(r"\d{4}\.\d{2}\.\d{2} \d{2}:\d{2}", date), date
        # Styled by css/feed.css (found through the instruction), so no raw-XML width.
        assert page.evaluate("getComputedStyle(document.body).fontFamily").find("Noto") >= 0
        assert horizontal_overflow(page) <= 0
        page.screenshot(path=str(screenshot_dir / f"feed-{name}-{viewport}.png"))
    # Chromium 156 warns on the console that XSLT is deprecated; nothing else may go wrong.
    assert [p for p in page.problems if "XSLT" not in p] == []
