"""Reporters: the byline, the sign-off with e-mail (홍길동 기자 hong@…) and the reporter's page,
from the reporters file editors keep; a release without reporter is credited to its source."""

from __future__ import annotations

import pytest
from helpers import PROJECT_ROOT, build_site, new_content, parse_html, write_article

from newsroom.core.authors import AuthorsError, parse, read

GOOD = """
[[reporter]]
name = "홍길동"
email = "gildong.hong@example.kr"
desk = "사회부"
"""


def test_reporters_file_is_validated_naming_file_and_entry(tmp_path):
    assert parse(GOOD)["홍길동"].desk == "사회부"
    with pytest.raises(AuthorsError, match=r"a\.toml: reporter '홍길동': 'email'"):
        parse('[[reporter]]\nname = "홍길동"\nemail = "hong at example"\n', "a.toml")
    with pytest.raises(AuthorsError, match="reporter #1: 'name' is required"):
        parse('[[reporter]]\nemail = "a@example.kr"\n')
    with pytest.raises(AuthorsError, match="appears twice"):
        parse(GOOD + GOOD)
    with pytest.raises(AuthorsError, match="unknown key.*'mail'"):
        parse('[[reporter]]\nname = "홍길동"\nmail = "a@example.kr"\n')
    assert read(tmp_path / "missing.toml") == {}
    # The project's sample file is valid and covers every reporter of the sample content.
    assert len(read(PROJECT_ROOT / "authors.toml")) >= 7


def test_byline_sign_off_reporter_page_and_release_credit(tmp_path):
    content = new_content(tmp_path / "content")
    write_article(content / "articles", "staff", "본문입니다.", title="기자가 쓴 기사",
                  date="2026-11-20 10:00", category="경제", slug="staff", authors="홍길동")
    write_article(content / "articles", "release", "□ 보도자료 본문입니다.", title="시청 보도자료",
                  date="2026-11-20 11:00", category="경제", slug="release", source="한빛시청",
                  source_url="https://example.go.kr/view?nttNo=7")
    authors = tmp_path / "authors.toml"
    authors.write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    result = build_site(content, out, PROJECT_ROOT / "publishconf.py",
                        extra_settings={"NEWSROOM_AUTHORS": str(authors)})
    assert result.returncode == 0, result.log[-3000:]

    staff = parse_html(out / "news" / "staff.html")
    assert staff.select_one(".byline").get_text() == "[우리고장뉴스=홍길동 기자]"
    sign = staff.select_one(".reporter-sign")
    assert sign.get_text(" ", strip=True) == "홍길동 기자 gildong.hong@example.kr"
    assert sign.a["href"] == "mailto:gildong.hong@example.kr"
    page_url = staff.select_one(".byline a")["href"]
    reporter = parse_html((out / "news" / page_url / "index.html").resolve())
    assert reporter.h1.get_text() == "홍길동 기자"
    info = reporter.select_one(".reporter-info").get_text(" ", strip=True)
    assert info == "사회부 gildong.hong@example.kr"

    release = parse_html(out / "news" / "release.html")
    assert release.select_one(".byline").get_text() == "[우리고장뉴스=한빛시청 보도자료]"
    assert not release.select(".reporter-sign")

    # A broken reporters file stops the build, naming the file.
    authors.write_text('[[reporter]]\nname = "홍길동"\n', encoding="utf-8")
    broken = build_site(content, tmp_path / "out2", PROJECT_ROOT / "publishconf.py",
                        extra_settings={"NEWSROOM_AUTHORS": str(authors)})
    assert broken.returncode != 0 and "authors.toml: reporter '홍길동'" in broken.log
