"""The preview banner says what it counts: problems (a file can have several), each of which
stops the published build, and the preview shows what Pelican could still read.

Before, the heading read "게시되지 않은 파일 N건" (N files not published) while N counted
problems, and a file with only an unknown key was in fact shown in the preview.
"""

from __future__ import annotations

from helpers import build_ok, parse_html, write_article


def test_banner_counts_problems_and_says_the_published_build_stops(tmp_path):
    content = tmp_path / "content"
    write_article(content / "articles", "good-one", "본문입니다.", Title="정상 기사",
                  Date="2026-11-20 10:00:00", Category="경제")
    # Two problems in one file that Pelican cannot read (no title, bad date).
    write_article(content / "articles", "two-problems", "본문입니다.", Date="2025.13.45",
                  Category="경제")
    # One problem Pelican does not mind: the page is still in the preview.
    (content / "articles" / "unknown-key.md").write_text(
        "Title: 모르는 키가 있는 기사\nDate: 2026-11-20 11:00\nCategory: 경제\nColour: red\n\n본문\n",
        encoding="utf-8")
    out = tmp_path / "out"
    build_ok(content, out, "pelicanconf.py")

    banner = parse_html(out / "index.html").select_one(".problems")
    assert banner is not None
    items = [li.get_text() for li in banner.select("li")]
    assert len(items) == 3, items
    assert sum("two-problems.md" in i for i in items) == 2
    assert any("unknown-key.md:4:" in i for i in items)
    heading = banner.select_one("h2").get_text()
    assert "문제 3건" in heading and "파일" not in heading, heading
    assert "newsroom update" in banner.get_text()

    assert (out / "news" / "good-one.html").exists()
    assert (out / "news" / "unknown-key.html").exists()
    assert not (out / "news" / "two-problems.html").exists()
