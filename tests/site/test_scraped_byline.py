"""A source's byline is never credited as ours (issue 10, item 12): a real strict build with a
staff reporter and a scraped article by a reporter of the same name."""

from __future__ import annotations

from helpers import build_ok, new_content, write_article
from lxml import html as lxml_html


def text(path, xpath):
    return lxml_html.fromstring(path.read_bytes()).xpath(f"string({xpath})").strip()


def test_a_scraped_byline_never_joins_a_staff_reporter(tmp_path):
    content = new_content(tmp_path / "content")
    write_article(content / "articles", "staff", "우리 기자가 쓴 기사입니다.", Title="우리 기자 기사",
                  Date="2026-11-24 10:00", Category="정치", Slug="staff", Authors="김민준")
    write_article(content / "scraped" / "hanbit", "hanbit-0123456789", "한빛일보 기사입니다.",
                  Title="한빛일보 기사", Date="2026-11-24 11:00", Category="정치",
                  Slug="hanbit-0123456789", Authors="김민준", Source="한빛일보",
                  Source_URL="https://hanbit.example.kr/news/1", Source_ID="hanbit",
                  Identity="hanbit https://hanbit.example.kr/news/1")
    out = tmp_path / "out"
    build_ok(content, out)
    scraped = out / "news/hanbit-0123456789.html"
    assert "김민준" not in text(scraped, "//p[@class='byline']")
    assert " ".join(text(scraped, "//p[@class='news-source']").split()).startswith(
        "[뉴스출처 : 한빛일보 김민준 기자]")
    assert "Person" not in text(scraped, "//script[@type='application/ld+json']")
    (author_page,) = (out / "author").glob("*/index.html")
    listed = author_page.read_text(encoding="utf-8")
    assert "우리 기자 기사" in listed and "한빛일보 기사" not in listed
    assert "김민준" in text(out / "news/staff.html", "//p[@class='byline']")
