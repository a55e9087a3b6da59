"""`newsroom check` on each kind of bad file: the right path, line and message, exit 1."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NEWSROOM = [sys.executable, "-m", "newsroom.cli"]

GOOD = """Title: 대구시, 청년 일자리 사업 확대
Date: 2025-12-16 16:30:06
Category: 경제
Tags: 대구, 일자리
Slug: good-article
Source: 대구광역시
Source_URL: https://example.go.kr/press/1

본문입니다.
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "pelicanconf.py", tmp_path / "pelicanconf.py")
    (tmp_path / "content" / "articles").mkdir(parents=True)
    (tmp_path / "content" / "pages").mkdir()
    (tmp_path / "content" / "images").mkdir()
    (tmp_path / "content" / "articles" / "good-article.md").write_text(GOOD, encoding="utf-8")
    return tmp_path


def check(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        NEWSROOM + ["check"], cwd=project, capture_output=True, text=True, timeout=60
    )


def write(project: Path, name: str, data: str | bytes) -> str:
    path = project / "content" / "articles" / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return f"content/articles/{name}"


def test_good_content_passes(project: Path) -> None:
    result = check(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("name", "text", "line", "needle"),
    [
        ("no-title.md", "Date: 2025-12-16 16:30\nCategory: 경제\n\n본문\n", 1,
         "Title 키가 없습니다. 머리말에 'Title: 기사 제목' 줄을 넣으세요."),
        ("bad-date.md", "Title: 날짜\nDate: 2025.13.45\nCategory: 경제\n\n본문\n", 2,
         "Date '2025.13.45'의 형식이 틀렸습니다. 'YYYY-MM-DD HH:MM' 또는 'YYYY-MM-DD HH:MM:SS' "
         "형식으로 고치세요"),
        ("no-such-day.md", "Title: 날짜\nDate: 2025-02-30 09:00\nCategory: 경제\n\n본문\n", 2,
         "Date '2025-02-30 09:00': 2025년 2월에는 30일이 없습니다. 실제 있는 날짜"),
        ("bad-section.md", "Title: 섹션\nDate: 2025-12-16 16:30\nCategory: 스포츠\n\n본문\n", 3,
         "설정에 없는 분야입니다: '스포츠'. 정치, 경제, 문화 가운데 하나로 고치세요"),
        ("injected.md",
         "Title: 주입된 제목\n    Category: 정치\nDate: 2025-12-16 16:30\nCategory: 경제\n\n본문\n",
         2, "들여 쓴 이 줄이 앞 줄 Title 키의 값에 이어 붙습니다. 값은 한 줄이어야 합니다"),
        ("twice.md",
         "Title: 두 번\nCategory: 정치\nDate: 2025-12-16 16:30\nCategory: 경제\n\n본문\n",
         4, "Category 키가 두 번 있습니다 (처음은 2번 줄). 하나만 남기고 이 줄을 지우세요."),
        ("bad-url.md",
         "Title: 링크\nDate: 2025-12-16 16:30\nCategory: 경제\nSource_URL: javascript:alert(1)\n\n본문\n",
         4, "Source_URL 값이 웹 주소가 아닙니다: 'javascript:alert(1)'. http:// 또는 https://로 "
         "시작하는 원문 주소로 고치세요."),
        ("no-image.md",
         "Title: 사진\nDate: 2025-12-16 16:30\nCategory: 문화\nImage: images/missing.jpg\n\n본문\n",
         4, "Image 값이 가리키는 파일이 없습니다: content/images/missing.jpg."),
        ("typo.md", "Title: 오타\nDate: 2025-12-16 16:30\nCategory: 문화\nTitel: x\n\n본문\n", 4,
         "모르는 키입니다: 'Titel'. Title의 오타라면 고치고"),
        ("bad-slug.md", "Title: 슬러그\nDate: 2025-12-16 16:30\nCategory: 문화\nSlug: 한글-슬러그\n\n본문\n",
         4, "Slug 값에 쓸 수 없는 글자가 있습니다: '한글-슬러그'. 영어 소문자(a-z), 숫자(0-9), "
         "하이픈(-)만 쓰세요"),
        ("bad-status.md", "Title: 상태\nDate: 2025-12-16 16:30\nCategory: 문화\nStatus: live\n\n본문\n",
         4, "Status 값이 틀렸습니다: 'live'. published(게시), draft(초안), hidden(숨김) 가운데 "
         "하나로 고치세요."),
    ],
)
def test_bad_file_reports_path_and_line(project, name, text, line, needle) -> None:
    rel = write(project, name, text)
    result = check(project)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    hits = [x for x in lines if x.startswith(f"{rel}:{line}: ") and needle in x]
    assert hits, f"expected {rel}:{line}: …{needle}… in:\n{result.stdout}"
    # the good file is not blamed
    assert not any(x.startswith("content/articles/good-article.md") for x in lines)


def test_duplicate_slug_names_both_files(project: Path) -> None:
    rel = write(project, "zz-copy.md", GOOD.replace("Title: 대구시", "Title: 복사본"))
    result = check(project)
    assert result.returncode == 1
    assert (f"{rel}:5: slug 'good-article' 중복: content/articles/good-article.md 파일이 이미 "
            "이 주소를 씁니다. 이 파일의 머리말에 다른 Slug를 쓰세요") in result.stdout


def test_non_utf8_file_reports_the_line_of_the_bad_byte(project: Path) -> None:
    data = "Title: 인코딩\nDate: 2025-12-16 16:30\nCategory: 경제\n\n".encode() + "본문 셋째".encode(
        "cp949"
    )
    rel = write(project, "euc-kr.md", data)
    result = check(project)
    assert result.returncode == 1
    assert f"{rel}:5: UTF-8이 아닌 바이트(0xba)가 있습니다." in result.stdout
    assert "편집기에서 인코딩을 UTF-8로 바꿔 다시 저장하세요" in result.stdout


def test_korean_file_name_gets_a_stable_ascii_slug_and_no_clash(project: Path) -> None:
    body = "Title: 한글 파일\nDate: 2025-12-16 16:30\nCategory: 문화\n\n본문\n"
    write(project, "한글-기사.md", body)
    write(project, "또-한글.md", body)
    result = check(project)
    assert result.returncode == 0, result.stdout


def test_every_problem_of_a_batch_is_listed(project: Path) -> None:
    write(project, "a.md", "Date: 2025-12-16 16:30\nCategory: 경제\n\n본문\n")
    write(project, "b.md", "Title: b\nDate: nope\nCategory: 경제\n\n본문\n")
    result = check(project)
    assert result.returncode == 1
    assert "content/articles/a.md:1:" in result.stdout
    assert "content/articles/b.md:2:" in result.stdout
    assert "문제 2건 (파일 2개). 고친 뒤 newsroom check로 다시 확인하세요." in result.stderr


def test_every_extension_pelican_reads_as_markdown_is_checked(project: Path) -> None:
    # Pelican builds .mdown too; a bad one must not slip past the check into the site.
    rel = write(project, "old-editor.mdown", "Date: 2025-12-16 16:30\nCategory: 경제\n\n본문\n")
    result = check(project)
    assert result.returncode == 1
    assert f"{rel}:1: Title 키가 없습니다." in result.stdout
