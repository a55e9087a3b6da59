"""Tables in articles on a phone: amounts stay whole, columns keep the editor's alignment.

A real preview build of one article with a press-release table, served on 127.0.0.1 and read
in chromium at 320 px: "4조 1,020억 원" must not break into "4조 / 1,020억 / 원", a long
text cell must still wrap, a `---:` column must be right-aligned although the CSP forbids
inline styles, and the page must not scroll sideways (a wide table scrolls in its own box).
"""

from __future__ import annotations

import pytest
from helpers import build_ok, serve_directory, write_article

pytestmark = pytest.mark.browser

LONG_TEXT = "시민 의견을 받아 2027년 상반기까지 세부 계획을 다시 짜기로 했다"

TABLE = f"""대구광역시의회 예산안 표입니다.

| 분야 | 2026년 본예산 | 2027년 예산안 | 증감률 | 비고 |
| --- | ---: | ---: | ---: | --- |
| 사회복지 | 4조 1,020억 원 | 4조 3,310억 원 | 5.6% | {LONG_TEXT} |
| 교통·도로 | 1조 2,480억 원 | 1조 3,150억 원 | -5.3% | 없음 |
"""


@pytest.fixture(scope="module")
def table_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("tables")
    content = root / "content"
    write_article(content / "articles", "budget-table", TABLE, Title="예산안 표 기사",
                  Date="2026-11-20 10:00:00", Category="정치", Tags="대구")
    out = root / "output"
    build_ok(content, out, "pelicanconf.py")
    with serve_directory(out) as server:
        yield out, server.url


def test_amount_cells_are_marked_and_alignment_is_a_class(table_site):
    out, _ = table_site
    html = (out / "news" / "budget-table.html").read_text(encoding="utf-8")
    assert '<td class="align-right num">4조 1,020억 원</td>' in html
    assert '<td class="align-right num">-5.3%</td>' in html
    assert f"<td>{LONG_TEXT}</td>" in html  # long text: not an amount, still wraps
    assert "<td>사회복지</td>" in html  # no figure: not an amount
    assert "style=" not in html.split('class="article-body')[1].split("</article>")[0]


def test_amounts_stay_on_one_line_on_a_phone(chromium, table_site):
    _, url = table_site
    context = chromium.new_context(viewport={"width": 320, "height": 800}, is_mobile=True,
                                   has_touch=True, device_scale_factor=1)
    page = context.new_page()
    try:
        page.goto(url + "/news/budget-table.html", wait_until="load")
        cells = page.evaluate("""() => [...document.querySelectorAll('.prose td')].map(td => {
            const range = document.createRange(); range.selectNodeContents(td);
            const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
            return [td.textContent.trim(), lines.size, getComputedStyle(td).textAlign];
        })""")
        by_text = {text: (lines, align) for text, lines, align in cells}
        for amount in ("4조 1,020억 원", "4조 3,310억 원", "1조 2,480억 원", "5.6%"):
            assert by_text[amount] == (1, "right"), (amount, by_text[amount])
        assert by_text[LONG_TEXT][0] > 1, "a long text cell should wrap, not widen the table"
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    finally:
        context.close()
