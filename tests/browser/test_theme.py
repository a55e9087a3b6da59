"""What a reader sees in Debian's chromium: menus, section boxes, article controls, phone layout.

Runs on the real strict build of the sample content (tests/conftest.py), served over HTTP on
127.0.0.1, at 1280 px and 375 px.
"""

from __future__ import annotations

import re

import pytest
from browserkit import VIEWPORTS, new_context, served_page
from helpers import SECTIONS, build_ok, write_article

pytestmark = pytest.mark.browser

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-src 'none'"
)


def open_page(page, url: str):
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    return response


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0 means no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def load_all_images(page) -> None:
    """Load lazy images now (a full-page screenshot or an image check needs all of them)."""
    page.evaluate(
        """() => Promise.all([...document.images].map(i => {
             i.loading = 'eager';
             const loaded = new Promise(ok => {
               const poll = () => (i.complete && i.naturalWidth) ? ok() : setTimeout(poll, 50);
               poll();
             });
             return Promise.race([loaded, new Promise(ok => setTimeout(ok, 5000))]);
           }))"""
    )


def section_url(site_url: str, slug: str) -> str:
    return f"{site_url}/section/{slug}/"


# --- menus ---------------------------------------------------------------------------------


def test_menus_visible_and_mark_the_current_section(page_at, site_url):
    page = page_at
    open_page(page, site_url + "/")
    nav = page.get_by_role("navigation", name="분야")
    for name, _slug in SECTIONS:
        link = nav.get_by_role("link", name=name, exact=True)
        assert link.is_visible(), f"menu item {name} is not visible"
        assert link.get_attribute("aria-current") is None, f"{name} marked current on the home page"

    nav.get_by_role("link", name="경제", exact=True).click()
    page.wait_for_load_state("load")
    assert page.url == section_url(site_url, "economy")
    assert page.get_by_role("heading", level=1).inner_text().strip() == "경제"
    current = page.locator('.site-nav a[aria-current="page"]')
    assert current.count() == 1 and current.inner_text().strip() == "경제"
    assert page.problems == []


def test_article_marks_its_section_and_shows_parts_in_order(page_at, site_url, showcase_article):
    page = page_at
    a = showcase_article
    open_page(page, f"{site_url}/{a.url}")
    slug = dict(SECTIONS)[a.category]
    current = page.locator('.site-nav a[aria-current="page"]')
    assert current.count() == 1 and current.inner_text().strip() == a.category
    assert current.get_attribute("href").rstrip("/").endswith(f"section/{slug}")

    assert page.locator("h1").inner_text().strip() == a.title
    registered = page.locator(".article-dates time").first
    assert registered.inner_text() == a.date.strftime("%Y.%m.%d %H:%M:%S")
    assert registered.get_attribute("datetime").endswith("+09:00")
    assert page.get_by_text(re.compile(r"^등록 \d{4}\.\d{2}\.\d{2} \d{2}:\d{2}:\d{2}$")).count() >= 1

    # Order modelled on the reference page: crumb, title, subtitle, dates, byline, image, body.
    order = [".crumb", "h1", ".article-dates", ".byline", ".article-body", ".boxes"]
    if a.subtitle:
        order.insert(2, ".article-subtitle")
    if a.image:
        order.insert(order.index(".article-body"), ".lead-image img")
    if a.source:
        order.insert(order.index(".boxes"), ".news-source")
    tops = [page.locator(sel).first.evaluate("e => e.getBoundingClientRect().top + scrollY")
            for sel in order]
    assert tops == sorted(tops), dict(zip(order, tops, strict=True))
    if a.image:
        alt = page.locator(".lead-image img").get_attribute("alt")
        assert alt and alt.strip()
        assert page.locator(".lead-image img").evaluate("i => i.complete && i.naturalWidth > 0")
    if a.source_url:
        assert page.locator(".news-source a.source-original").get_attribute("href") == a.source_url
    assert page.problems == []


# --- layout --------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [360, 375])
def test_no_horizontal_scroll_on_a_phone(chromium, site_url, showcase_article, width):
    context = chromium.new_context(
        viewport={"width": width, "height": 800}, is_mobile=True, has_touch=True,
        device_scale_factor=1,
    )
    page = context.new_page()
    try:
        for path in ("/", "/section/economy/", f"/{showcase_article.url}", "/source/",
                     "/archive/", "/tag/"):
            open_page(page, site_url + path)
            over = horizontal_overflow(page)
            assert over <= 0, f"{path} at {width}px is {over}px wider than the screen"
    finally:
        context.close()


def test_desktop_has_no_horizontal_scroll(chromium, site_url, showcase_article):
    context = new_context(chromium, "desktop")
    page = context.new_page()
    try:
        for path in ("/", "/section/politics/", f"/{showcase_article.url}"):
            open_page(page, site_url + path)
            assert horizontal_overflow(page) <= 0, path
    finally:
        context.close()


# --- section boxes -------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["home", "article"])
def test_section_boxes_more_links_lead_to_the_section(page_at, site_url, showcase_article, where,
                                                      sample_articles):
    page = page_at
    start = site_url + ("/" if where == "home" else f"/{showcase_article.url}")
    open_page(page, start)
    if where == "article":  # the lists arrive from latest.json after the page loaded
        page.wait_for_function(
            # A function, not a bare expression: Playwright evaluates an expression string
            # with eval, which the page's CSP (no 'unsafe-eval') refuses.
            f"() => document.querySelectorAll('.box__list li').length >= {len(SECTIONS)}")
    boxes = page.locator(".boxes .box")
    assert boxes.count() == len(SECTIONS)
    for i, (name, slug) in enumerate(SECTIONS):
        box = boxes.nth(i)
        assert box.locator(".box__title").inner_text().strip() == name
        assert 1 <= box.locator(".box__list li").count() <= 5, f"{name} box on {where}"
        latest = [a for a in sample_articles if a.category == name][:5]
        shown = box.locator(".box__list a").evaluate_all("els => els.map(e => e.href)")
        assert shown == [f"{site_url}/{a.url}" for a in latest], f"{name} box on {where}"
        titles = box.locator(".box__list a").all_inner_texts()
        assert [t.strip() for t in titles] == [a.title for a in latest]
        more = box.get_by_role("link", name=re.compile("더보기"))
        assert more.is_visible()
        more.click()
        page.wait_for_load_state("load")
        assert page.url == section_url(site_url, slug)
        assert page.locator("h1").inner_text().strip() == name
        page.go_back(wait_until="load")
    assert page.problems == []


# --- article controls ----------------------------------------------------------------------


def body_font_px(page) -> float:
    return page.locator(".article-body").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")


def test_font_size_control_changes_and_remembers(page_at, site_url, showcase_article):
    page = page_at
    url = f"{site_url}/{showcase_article.url}"
    open_page(page, url)
    bigger = page.get_by_role("button", name="글자 크게")
    smaller = page.get_by_role("button", name="글자 작게")
    assert bigger.is_visible() and smaller.is_visible()
    assert bigger.inner_text().startswith("가+") and smaller.inner_text().startswith("가-")
    start = body_font_px(page)
    bigger.click()
    grown = body_font_px(page)
    assert grown > start
    page.reload(wait_until="load")
    assert body_font_px(page) == grown, "the chosen size is not remembered"
    smaller.click()
    smaller.click()
    assert body_font_px(page) < start
    assert page.problems == []


def test_copy_link_uses_the_clipboard(chromium, site_url, showcase_article):
    context = new_context(chromium, "phone", permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        url = f"{site_url}/{showcase_article.url}"
        open_page(page, url)
        page.get_by_role("button", name="링크 복사").click()
        expect_status(page, "링크가 복사되었습니다")
        assert page.evaluate("navigator.clipboard.readText()") == url
    finally:
        context.close()


def test_copy_link_falls_back_to_a_selected_field(chromium, site_url, showcase_article):
    context = new_context(chromium, "desktop")
    # A browser without the Clipboard API (older WebViews): the script must use the field.
    context.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page = context.new_page()
    try:
        url = f"{site_url}/{showcase_article.url}"
        open_page(page, url)
        page.get_by_role("button", name="링크 복사").click()
        field = page.get_by_label("기사 주소")
        assert field.is_visible()
        assert field.input_value() == url
        assert field.evaluate("f => f.selectionStart === 0 && f.selectionEnd === f.value.length")
        status = page.locator(".share__status")
        assert status.inner_text() in ("링크가 복사되었습니다", "주소를 길게 눌러 복사해 주세요")
    finally:
        context.close()


def expect_status(page, text: str) -> None:
    from playwright.sync_api import expect

    expect(page.locator(".share__status")).to_have_text(text, timeout=5000)


# --- CSP, console, no JavaScript -----------------------------------------------------------


def test_no_csp_violation_or_console_error(page_at, site_url, showcase_article, built_site):
    page = page_at
    paths = ["/", "/section/politics/", "/section/culture/", f"/{showcase_article.url}",
             "/tag/", "/source/", "/archive/", "/about.html", "/terms.html"]
    extra = sorted(p.relative_to(built_site.output).parent.as_posix()
                   for p in built_site.output.glob("source/*/index.html"))[:1]
    paths += [f"/{p}/" for p in extra]
    for path in paths:
        open_page(page, site_url + path)
        assert page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute(
            "content") == CSP, path
        # Every image must decode, lazy ones included (404s are also caught by the response
        # listener of `page_at`).
        load_all_images(page)
        broken = page.evaluate(
            "[...document.images].filter(i => i.naturalWidth === 0).map(i => i.src)")
        assert broken == [], f"{path}: broken images {broken}"
    assert page.problems == [], "\n".join(page.problems)


def test_csp_blocks_an_inline_script(page_at, site_url, showcase_article):
    """The policy is a real wall: a script injected into an article body would not run."""
    page = page_at
    open_page(page, f"{site_url}/{showcase_article.url}")
    page.evaluate(
        """() => {
             const s = document.createElement('script');
             s.textContent = 'window.__injected = true';
             document.querySelector('.article-body').appendChild(s);
             const d = document.createElement('div');
             d.innerHTML = '<img src=x onerror="window.__handler = true">';
             document.querySelector('.article-body').appendChild(d);
           }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("window.__injected") is None
    assert page.evaluate("window.__handler") is None
    assert any("Content Security Policy" in p for p in page.problems), page.problems


def test_page_reads_well_without_javascript(chromium, site_url, showcase_article):
    for viewport in VIEWPORTS:
        context = new_context(chromium, viewport, java_script_enabled=False)
        page = context.new_page()
        try:
            open_page(page, f"{site_url}/{showcase_article.url}")
            assert page.locator("h1").is_visible()
            body = page.locator(".article-body")
            assert body.is_visible() and len(body.inner_text().strip()) > 20
            # Controls that need JavaScript are not shown as dead buttons.
            assert not page.get_by_role("button", name="링크 복사").is_visible()
            assert not page.get_by_role("button", name="글자 크게").is_visible()
            # The header search box is a plain form: its button works without JavaScript
            # (the search page then says search needs it); no other button is shown.
            assert page.locator("button:visible").count() == page.locator(
                "form[role=search] button:visible").count() <= 1
            assert horizontal_overflow(page) <= 0
            # The section boxes keep their headings and 더보기 links without the lists.
            mores = page.locator(".boxes .box__more a")
            assert mores.count() == len(SECTIONS) and mores.first.is_visible()
            page.get_by_role("navigation", name="분야").get_by_role(
                "link", name="정치", exact=True).click()
            page.wait_for_load_state("load")
            assert page.url == section_url(site_url, "politics")
        finally:
            context.close()


# --- screenshots ---------------------------------------------------------------------------


def test_screenshots(page_at, viewport, site_url, showcase_article, screenshot_dir):
    page = page_at
    shots = {
        "home": "/",
        "section": "/section/economy/",
        "article": f"/{showcase_article.url}",
    }
    for name, path in shots.items():
        open_page(page, site_url + path)
        load_all_images(page)
        target = screenshot_dir / f"{name}-{viewport}.png"
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000, f"{target} looks empty"
    print(f"screenshots ({viewport}) written to {screenshot_dir}")
    assert page.problems == []


# --- print, preview banner -----------------------------------------------------------------


def test_print_style_keeps_the_article_and_shows_the_original_url(page_at, site_url,
                                                                   showcase_article):
    page = page_at
    open_page(page, f"{site_url}/{showcase_article.url}")
    page.emulate_media(media="print")
    for hidden in (".site-nav", ".boxes", ".article-tools", ".neighbours", ".feed-links"):
        loc = page.locator(hidden)
        if loc.count():
            assert not loc.first.is_visible(), f"{hidden} is printed"
    assert page.locator(".article-body").is_visible()
    assert page.locator("h1").is_visible()
    if showcase_article.source_url:
        after = page.locator(".news-source a.source-original").evaluate(
            "a => getComputedStyle(a, '::after').content")
        assert showcase_article.source_url in after


def test_preview_banner_lists_problem_files(chromium, tmp_path):
    """The preview (pelicanconf.py) builds the good files and names the bad one on every page."""
    content = tmp_path / "content"
    write_article(content / "articles", "good-one", "본문입니다.", title="정상 기사",
                  date="2025-12-16 16:30:06", category="경제", slug="good-one")
    write_article(content / "articles", "bad-one", "본문입니다.", title="날짜가 틀린 기사",
                  date="2025.13.45", category="경제", slug="bad-one")
    out = tmp_path / "out"
    build_ok(content, out, "pelicanconf.py")
    with served_page(chromium, out, "phone") as (page, origin):
        open_page(page, origin + "/")
        banner = page.locator(".problems")
        assert banner.is_visible()
        assert "content/articles/bad-one.md:2:" in banner.inner_text()
        assert horizontal_overflow(page) <= 0
        open_page(page, origin + "/news/good-one.html")
        assert page.locator(".problems").is_visible()


def test_section_pages_link_to_each_other(chromium, tmp_path):
    """25 articles in 경제: the first page holds the newest 20 and leads (다음) to the fixed
    block of the 20 oldest, named by its dates, which leads back (이전, 최신)."""
    content = tmp_path / "content"
    for i in range(25):
        write_article(content / "articles", f"econ-{i:02d}", f"{i}번째 기사 본문입니다.",
                      title=f"경제 기사 {i:02d}", date=f"2025-12-{1 + i:02d} 09:00:00",
                      category="경제", slug=f"econ-{i:02d}")
    out = tmp_path / "out"
    build_ok(content, out)
    with served_page(chromium, out, "phone") as (page, origin):
        open_page(page, origin + "/section/economy/")
        assert page.locator(".cards > li").count() == 20
        assert page.locator(".cards .card__title").first.inner_text() == "경제 기사 24"
        pager = page.get_by_role("navigation", name="페이지")
        assert pager.get_by_role("link", name="이전").count() == 0
        pager.get_by_role("link", name="다음").click()
        page.wait_for_load_state("load")
        assert page.url == origin + "/section/economy/1/"
        assert page.locator(".cards > li").count() == 20
        assert page.locator(".cards .card__title").first.inner_text() == "경제 기사 19"
        pager = page.get_by_role("navigation", name="페이지")
        assert pager.locator('[aria-current="page"]').inner_text() == "2025.12.01 ~ 2025.12.20"
        assert pager.get_by_role("link", name="다음").count() == 0
        assert page.locator(".site-nav a[aria-current=page]").inner_text() == "경제"
        assert horizontal_overflow(page) <= 0
        pager.get_by_role("link", name="최신").click()
        page.wait_for_load_state("load")
        assert page.url == origin + "/section/economy/"
