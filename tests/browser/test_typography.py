"""Typography of lists and titles: no wrapped title line starts with `·` (cards, top story,
the article's headline, the section boxes), and tag counts keep their space from the name
(`#강릉시 3건`)."""

from __future__ import annotations

from browserkit import new_context
from test_theme import open_page

# For every title on the page: the `·` characters that begin a line after wrapping.
DOTS_AT_LINE_START = """(selector) => {
  const found = [];
  for (const el of document.querySelectorAll(selector || '.card__title a, .top-story__title a')) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let prevTop = null;
    const chars = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      for (let i = 0; i < n.data.length; i++) {
        const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);
        const rect = r.getClientRects()[0];
        if (rect) chars.push([n.data[i], rect.top]);
      }
    }
    for (let i = 1; i < chars.length; i++) {
      if (chars[i][1] > chars[i - 1][1] + 4 && chars[i][0] === '·') found.push(el.textContent);
    }
  }
  return found;
}"""


def test_no_title_line_starts_with_a_middle_dot(chromium, site_url):
    context = new_context(chromium, "phone")
    page = context.new_page()
    try:
        open_page(page, site_url + "/")
        seen_without_fix = []
        for width in range(300, 430, 5):
            page.set_viewport_size({"width": width, "height": 800})
            assert page.evaluate(DOTS_AT_LINE_START) == [], f"at {width} px"
        # The check can fail: without the .keep spans some width starts a line with `·`.
        page.evaluate("document.querySelectorAll('.keep').forEach(e => e.style.whiteSpace = 'normal')")
        for width in range(300, 430, 5):
            page.set_viewport_size({"width": width, "height": 800})
            seen_without_fix += page.evaluate(DOTS_AT_LINE_START)
        assert seen_without_fix, "the sample titles never wrap at a dot: the check proves nothing"
    finally:
        context.close()


def test_tag_counts_are_not_glued_to_the_name(page_at, viewport, site_url):
    page = page_at
    open_page(page, site_url + "/tag/")
    links = page.locator(".tag-cloud a")
    assert links.count() > 3
    for i in range(min(links.count(), 10)):
        link = links.nth(i)
        gap = link.evaluate("""a => {
            const r = document.createRange(); r.setStart(a.firstChild, 0);
            r.setEnd(a.firstChild, a.firstChild.data.trimEnd().length);
            return a.querySelector('.count').getBoundingClientRect().left
                   - r.getBoundingClientRect().right; }""")
        assert gap >= 3, f"{link.inner_text()!r}: {gap:.1f} px between name and count"
    assert page.problems == []


# The article's headline and the section boxes (home: rendered by the build; under articles:
# filled in by latest-boxes.js from latest.json).
HEADLINE_AND_BOXES = ".article-title, .box__list a"
DOTTED_ARTICLES = ("gangneung-council-audit-wrapup", "gangneung-fisheries-support",
                   "jeonju-organization-reform")


def _sweep(page, selector: str) -> list[str]:
    found = []
    for width in [375, *range(300, 430, 5)]:
        page.set_viewport_size({"width": width, "height": 800})
        found += [f"{width}px: {t}" for t in page.evaluate(DOTS_AT_LINE_START, selector)]
    return found


def test_no_headline_or_box_line_starts_with_a_middle_dot(chromium, site_url, built_site):
    context = new_context(chromium, "phone")
    page = context.new_page()
    try:
        urls = ["/"] + [f"/news/{slug}.html" for slug in DOTTED_ARTICLES
                        if (built_site.output / "news" / f"{slug}.html").is_file()]
        assert len(urls) > 1, "no sample article with a dotted headline"
        seen_without_fix = []
        for url in urls:
            page.set_viewport_size({"width": 375, "height": 800})
            open_page(page, site_url + url)
            page.wait_for_selector(".box__list li", state="attached")
            assert _sweep(page, HEADLINE_AND_BOXES) == [], url
            # The check can fail: without the .keep spans some width starts a line with `·`.
            page.evaluate("document.querySelectorAll('.keep')"
                          ".forEach(e => e.style.whiteSpace = 'normal')")
            seen_without_fix += _sweep(page, ".article-title")
            seen_without_fix += [f"box {t}" for t in _sweep(page, ".box__list a")]
        assert any(not t.startswith("box ") for t in seen_without_fix), (
            "the sample headlines never wrap at a dot: the check proves nothing")
        assert any(t.startswith("box ") for t in seen_without_fix), (
            "the box titles never wrap at a dot: the check proves nothing")
    finally:
        context.close()
