"""`newsroom check` against what an editor (or anyone who can commit to content/) may type
that would break or leak the site (issue 10): characters feeds cannot carry, impossible dates,
symlinks out of content/, endless titles, raw HTML the scraper's allow-list would drop."""

from __future__ import annotations

import pytest
from helpers import PROJECT_ROOT, build_site, new_content
from test_check import GOOD, check, project, write  # noqa: F401 - `project` is a fixture

from newsroom import manifest
from newsroom.validate import feed_culprit


@pytest.mark.parametrize(
    ("name", "text", "line", "needle"),
    [
        ("nonchar.md", "Title: 비문자\ufffe 제목\nDate: 2025-12-16 16:30\nCategory: 경제\n\n본문\n",
         1, "보이지 않는 문자(U+FFFE)라서 피드에 실을 수 없습니다. 그 문자를 지우세요."),
        ("nonchar-body.md",
         "Title: 본문\nDate: 2025-12-16 16:30\nCategory: 경제\n\n첫 줄\n둘째 \uffff 줄\n", 6,
         "4번째 글자가 보이지 않는 문자(U+FFFF)"),
        ("formfeed.md", "Title: 폼피드\nDate: 2025-12-16 16:30\nCategory: 경제\n\n본문\x0c끝\n", 5,
         "3번째 글자가 보이지 않는 문자(U+000C)"),
        ("far-future.md",
         "Title: 먼 미래\nDate: 9999-12-31 23:59:59-14:00\nCategory: 경제\n\n본문\n", 2,
         "한국 시간으로 옮기면 달력의 범위(1~9999년)를 벗어납니다. 실제 날짜로 고치세요"),
        ("year-one.md", "Title: 원년\nDate: 0001-01-01 00:00+14:00\nCategory: 경제\n\n본문\n", 2,
         "Date '0001-01-01 00:00+14:00': 한국 시간으로 옮기면 달력의 범위"),
        ("offset.md", "Title: 오프셋\nDate: 2025-12-16 16:30+25:00\nCategory: 경제\n\n본문\n", 2,
         "Date '2025-12-16 16:30+25:00'의 시차(+25:00)는 있을 수 없는 값입니다"),
    ],
)
def test_check_names_file_and_line(project, name, text, line, needle) -> None:  # noqa: F811
    rel = write(project, name, text)
    result = check(project)
    assert result.returncode == 1, result.stdout + result.stderr
    hits = [x for x in result.stdout.splitlines() if x.startswith(f"{rel}:{line}: ")
            and needle in x]
    assert hits, f"expected {rel}:{line}: …{needle}… in:\n{result.stdout}{result.stderr}"
    assert "Traceback" not in result.stderr


def test_a_feed_that_is_not_well_formed_names_the_article():
    feed = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            '<title>우리고장뉴스</title><entry><title>멀쩡한 기사</title>'
            '<link href="https://news.example.kr/news/good.html" rel="alternate"/></entry>'
            '<entry><title>비문자\ufffe 기사</title>'
            '<link href="https://news.example.kr/news/bad.html" rel="alternate"/></entry></feed>')
    said = feed_culprit(feed.encode("utf-8"))
    assert "https://news.example.kr/news/bad.html" in said and "U+FFFE" in said
    assert feed_culprit(feed.replace("\ufffe", "").encode()) == ""


def test_a_symlink_out_of_content_is_refused_by_check_build_and_manifest(project, tmp_path):  # noqa: F811
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    images = project / "content" / "images"
    (images / "passwd.png").symlink_to(secret)
    (images / "loop").symlink_to(images)  # a folder link back up must not loop any walker
    result = check(project)
    assert result.returncode == 1
    assert ("content/images/passwd.png:1: content/ 밖(또는 없는 파일)을 가리키는 심볼릭 "
            f"링크입니다: '{secret}'. 게시되지 않으니 링크를 지우고 파일 자체를 content/ 안에 "
            "복사하세요.") in result.stdout
    assert "good-article" not in result.stdout

    out = tmp_path / "out"
    (project / "content" / "pages").rmdir()
    new_content(project / "content")
    built = build_site(project / "content", out, PROJECT_ROOT / "publishconf.py")
    assert built.returncode == 1
    assert "images/passwd.png:1: content/ 밖(또는 없는 파일)을 가리키는 심볼릭 링크" in built.log
    leaked = [p for p in out.rglob("*") if p.is_file() and b"root:x:0:0" in p.read_bytes()]
    assert leaked == []

    found, _ = manifest.build(project, [project / "content"], None)
    assert "content/articles/good-article.md" in found.files
    assert not any(name.startswith("content/images/") for name in found.files)


def test_check_warns_about_a_title_no_list_can_show(project):  # noqa: F811
    rel = write(project, "long.md", GOOD.replace("Title: 대구시, 청년 일자리 사업 확대",
                                                 "Title: " + "아주 긴 제목 " * 40)
                                         .replace("Slug: good-article", "Slug: long"))
    result = check(project)
    assert result.returncode == 0, result.stdout
    assert (f"{rel}:1: warning: Title 값이 319자입니다. 목록에는 150자쯤까지만 보이니 "
            "줄이세요.") in result.stderr
