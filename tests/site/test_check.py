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
         "missing required key Title"),
        ("bad-date.md", "Title: 날짜\nDate: 2025.13.45\nCategory: 경제\n\n본문\n", 2,
         "'2025.13.45' is not in the form YYYY-MM-DD HH:MM[:SS]"),
        ("no-such-day.md", "Title: 날짜\nDate: 2025-02-30 09:00\nCategory: 경제\n\n본문\n", 2,
         "does not exist"),
        ("bad-section.md", "Title: 섹션\nDate: 2025-12-16 16:30\nCategory: 스포츠\n\n본문\n", 3,
         "unknown section '스포츠' (one of 정치, 경제, 문화)"),
        ("injected.md",
         "Title: 주입된 제목\n    Category: 정치\nDate: 2025-12-16 16:30\nCategory: 경제\n\n본문\n",
         2, "Title continues on an indented line"),
        ("twice.md",
         "Title: 두 번\nCategory: 정치\nDate: 2025-12-16 16:30\nCategory: 경제\n\n본문\n",
         4, "duplicate key Category (first on line 2)"),
        ("bad-url.md",
         "Title: 링크\nDate: 2025-12-16 16:30\nCategory: 경제\nSource_URL: javascript:alert(1)\n\n본문\n",
         4, "must be an http:// or https:// address"),
        ("no-image.md",
         "Title: 사진\nDate: 2025-12-16 16:30\nCategory: 문화\nImage: images/missing.jpg\n\n본문\n",
         4, "Image 'images/missing.jpg' does not exist under content/"),
        ("typo.md", "Title: 오타\nDate: 2025-12-16 16:30\nCategory: 문화\nTitel: x\n\n본문\n", 4,
         "unknown key 'Titel'"),
        ("bad-slug.md", "Title: 슬러그\nDate: 2025-12-16 16:30\nCategory: 문화\nSlug: 한글-슬러그\n\n본문\n",
         4, "must be ASCII"),
        ("bad-status.md", "Title: 상태\nDate: 2025-12-16 16:30\nCategory: 문화\nStatus: live\n\n본문\n",
         4, "Status 'live' is not one of"),
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
    assert f"{rel}:5: duplicate slug 'good-article': content/articles/good-article.md" in (
        result.stdout
    )


def test_non_utf8_file_reports_the_line_of_the_bad_byte(project: Path) -> None:
    data = "Title: 인코딩\nDate: 2025-12-16 16:30\nCategory: 경제\n\n".encode() + "본문 셋째".encode(
        "cp949"
    )
    rel = write(project, "euc-kr.md", data)
    result = check(project)
    assert result.returncode == 1
    assert f"{rel}:5: not valid UTF-8" in result.stdout


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
    assert "2 problem(s) in 2 file(s)" in result.stderr


def test_every_extension_pelican_reads_as_markdown_is_checked(project: Path) -> None:
    # Pelican builds .mdown too; a bad one must not slip past the check into the site.
    rel = write(project, "old-editor.mdown", "Date: 2025-12-16 16:30\nCategory: 경제\n\n본문\n")
    result = check(project)
    assert result.returncode == 1
    assert f"{rel}:1: missing required key Title" in result.stdout
