"""A press release credits its office with the source, never as a reporter in the byline."""

from __future__ import annotations

from pathlib import Path

import lxml.html
from helpers import build_ok


def test_department_goes_with_the_source_and_the_byline_names_no_reporter(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    (content / "articles" / "release.md").write_text(
        "Title: 한빛시, 2027년 예산안 편성\nDate: 2026-11-18 15:00\nCategory: 경제\n"
        "Slug: release\nSource: 한빛시청\nDepartment: 예산과\n"
        "Source_URL: https://example.go.kr/view?nttNo=1\n\n□ 본문입니다.\n",
        encoding="utf-8",
    )
    (content / "articles" / "story.md").write_text(
        "Title: 기자 기사\nDate: 2026-11-18 16:00\nCategory: 경제\nSlug: story\n"
        "Authors: 김하늘\nSource: 한빛시청\n\n본문입니다.\n",
        encoding="utf-8",
    )
    result = build_ok(content, tmp_path / "out")

    page = lxml.html.parse(str(result.output / "news" / "release.html")).getroot()
    credit = " ".join(page.xpath("string(//*[contains(@class,'news-source')])").split())
    assert credit.startswith("[뉴스출처 : 한빛시청 예산과]"), credit
    byline = page.xpath("string(//*[contains(@class,'byline')])").strip()
    assert "예산과" not in byline and "기자" not in byline, byline

    story = lxml.html.parse(str(result.output / "news" / "story.html")).getroot()
    assert story.xpath("string(//*[contains(@class,'byline')])").strip() == "[우리고장뉴스=김하늘 기자]"
