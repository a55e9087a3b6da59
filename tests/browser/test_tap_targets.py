"""Tap targets on a phone: every navigation control is at least 44 x 44 CSS pixels.

Links inside running text (the article body, a byline) are exempt, as in WCAG 2.5.5; the
controls below are the ones a reader taps to move around the site: menus, feeds, crumbs,
tags, section boxes, pagers, the article tools and the footer.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

MIN = 44

CONTROLS = ", ".join([
    ".site-name a", ".site-nav a", ".feed-links a", ".crumb a", ".tool-button",
    ".article-tags a", ".news-source__more", ".neighbours a", ".box__title a", ".box__list a",
    ".box__more a", ".pager a", ".page-kicker a", ".page-meta a", ".tag-cloud a",
    ".month-list a", ".not-found__links a", ".footer-links a",
])

# Small boxes: visible controls whose height or width is below MIN, as "selector text WxH".
SMALL_JS = """([sel, min]) => {
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || getComputedStyle(el).visibility === 'hidden') continue;
    if (r.height < min - 0.5 || r.width < min - 0.5)
      out.push(`${el.className || el.parentElement.className} "${el.textContent.trim().slice(0, 24)}" `
               + `${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  return out;
}"""


@pytest.mark.parametrize("width", [320, 375])
def test_phone_controls_are_at_least_44px(chromium, site_url, showcase_article, width):
    context = chromium.new_context(
        viewport={"width": width, "height": 800}, is_mobile=True, has_touch=True,
        device_scale_factor=1, locale="ko-KR",
    )
    page = context.new_page()
    small = {}
    try:
        for path in ("/", "/section/politics/", f"/{showcase_article.url}", "/tag/",
                     "/source/", "/archive/", "/404.html"):
            response = page.goto(site_url + path, wait_until="load")
            assert response is not None and response.status == 200, path
            # The article tools are shown by its script; the pages must have some controls.
            assert page.locator(CONTROLS).count() >= 10, path
            found = page.evaluate(SMALL_JS, [CONTROLS, MIN])
            if found:
                small[path] = found
    finally:
        context.close()
    assert not small, f"controls under {MIN}px at {width}px wide: {small}"
