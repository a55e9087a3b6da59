"""Sharing without third-party scripts, and the printed article (chromium's PDF)."""

from __future__ import annotations

import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from browserkit import new_context
from test_theme import horizontal_overflow, open_page

pypdf = pytest.importorskip("pypdf", reason="pypdf (the [test] extra) reads the printed PDF")

SHARE_RECORDER = """
window.__shared = [];
Object.defineProperty(navigator, 'share', {
  value: (data) => { window.__shared.push(data); return Promise.resolve(); }, configurable: true});
"""
NO_SHARE = "Object.defineProperty(navigator, 'share', {value: undefined, configurable: true})"


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_share_uses_the_web_share_api_where_the_browser_has_it(chromium, viewport, site_url,
                                                               showcase_article):
    context = new_context(chromium, viewport)
    context.add_init_script(SHARE_RECORDER)
    page = context.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        url = f"{site_url}/{showcase_article.url}"
        open_page(page, url)
        page.get_by_role("button", name="공유하기").click()
        shared = page.evaluate("window.__shared")
        title = page.locator("meta[property='og:title']").get_attribute("content")
        assert shared == [{"title": title, "url": url}]
        assert title.startswith(showcase_article.title[:10])
        # No SDK, no request to another host while reading and sharing.
        assert all(r.startswith(site_url) for r in requests), requests
    finally:
        context.close()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_without_web_share_the_copy_link_and_plain_links_remain(chromium, viewport, site_url,
                                                                showcase_article, screenshot_dir):
    context = new_context(chromium, viewport, permissions=["clipboard-read", "clipboard-write"])
    context.add_init_script(NO_SHARE)
    page = context.new_page()
    try:
        url = f"{site_url}/{showcase_article.url}"
        open_page(page, url)
        assert page.locator("[data-share]").is_hidden(), "공유하기 shown without the Web Share API"
        page.get_by_role("button", name="링크 복사").click()
        assert page.evaluate("navigator.clipboard.readText()") == url
        links = page.locator(".share-links a")
        assert links.count() == 3
        canonical = page.locator("link[rel=canonical]").get_attribute("href")
        for i in range(links.count()):
            href = links.nth(i).get_attribute("href")
            assert links.nth(i).is_visible() and href.startswith("https://")
            assert canonical in parse_qs(urlsplit(href).query).get("url", [""])[0] or \
                canonical in parse_qs(urlsplit(href).query).get("u", [""])[0], href
        assert horizontal_overflow(page) <= 0
        page.locator(".article-head").screenshot(
            path=str(screenshot_dir / f"share-tools-{viewport}.png"))
    finally:
        context.close()


def _pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in reader.pages))


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_printed_article_keeps_story_source_and_url_only(chromium, viewport, site_url,
                                                         showcase_article, screenshot_dir):
    context = new_context(chromium, viewport)
    page = context.new_page()
    try:
        open_page(page, f"{site_url}/{showcase_article.url}")
        assert page.get_by_role("button", name="인쇄").is_visible()
        page.emulate_media(media="print")
        page.screenshot(path=str(screenshot_dir / f"print-{viewport}.png"), full_page=True)
        pdf = page.pdf(format="A4", print_background=False)
        (screenshot_dir / f"article-{viewport}.pdf").write_bytes(pdf)
        text = _pdf_text(pdf)
        canonical = page.locator("link[rel=canonical]").get_attribute("href")
        assert showcase_article.title[:12] in text
        assert f"기사 주소: {canonical}" in text.replace(" ", " ")
        if showcase_article.source_url:
            assert showcase_article.source_url in text.replace(" ", "")
        assert "뉴스출처" in text or "원문" in text
        for furniture in ("링크 복사", "인쇄", "공유하기", "가+", "페이스북", "기관별", "관련 기사",
                          "본문 바로가기", "전체 기사 피드", "기사 검색"):
            assert furniture not in text, f"{furniture!r} is printed"
    finally:
        context.close()


def test_font_size_grows_four_steps_and_is_remembered(page_at, site_url, showcase_article):
    page = page_at
    open_page(page, f"{site_url}/{showcase_article.url}")
    bigger = page.get_by_role("button", name="글자 크게")
    size = lambda: page.locator(".article-body").evaluate(  # noqa: E731
        "e => parseFloat(getComputedStyle(e).fontSize)")
    sizes = [size()]
    for _ in range(4):
        bigger.click()
        sizes.append(size())
    assert sizes == sorted(set(sizes)), f"가+ did not grow at every step: {sizes}"
    assert bigger.is_disabled(), "more than four steps up"
    page.reload(wait_until="load")
    assert size() == sizes[-1], "the chosen size is not remembered"
    assert page.problems == []
