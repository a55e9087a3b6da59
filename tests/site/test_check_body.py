"""Body mistakes `newsroom check` catches, and which of two files with one slug it blames."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsroom.core.check import PLACEHOLDER, check_content

SECTIONS = ["정치", "경제", "문화"]


def article(body: str, *, status: str = "published", slug: str = "", date: str = "2025-12-16 16:30") -> str:
    head = f"Title: 제목\nDate: {date}\nCategory: 경제\nStatus: {status}\n"
    if slug:
        head += f"Slug: {slug}\n"
    return head + "\n" + body + "\n"


def problems(tmp_path: Path, files: dict[str, str], **kw) -> list[str]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return [str(p) for p in check_content(tmp_path, SECTIONS, base=tmp_path, **kw)]


@pytest.mark.parametrize("status", ["published", "hidden"])
def test_published_placeholder_is_an_error_with_the_fix(tmp_path, status):
    found = problems(tmp_path, {"a.md": article(PLACEHOLDER, status=status)})
    assert len(found) == 1
    assert found[0].startswith(f"a.md:6: 본문에 자리표시 문장 '{PLACEHOLDER}'가 남아 있습니다.")
    assert "이 줄을 지우고 기사를 쓰거나, 다 쓸 때까지 Status: draft로 두세요." in found[0]


def test_draft_may_keep_the_placeholder(tmp_path):
    assert problems(tmp_path, {"a.md": article(PLACEHOLDER, status="draft")}) == []


@pytest.mark.parametrize("indent", ["\t", "    ", "        "])
def test_indented_paragraph_would_become_a_code_box(tmp_path, indent):
    body = "첫 문단입니다.\n\n" + indent + "들여쓴 둘째 문단입니다.\n"
    found = problems(tmp_path, {"a.md": article(body)})
    assert len(found) == 1 and found[0].startswith("a.md:8: "), found
    assert "회색 코드 상자로 보입니다. 줄 앞의 들여쓰기를 지우세요." in found[0]


@pytest.mark.parametrize("body", [
    "- 목록 항목\n    이어지는 줄\n\n    둘째 문단도 목록 안입니다",
    "```\n    코드 안의 들여쓰기\n```",
    "문단 첫 줄\n    같은 문단의 둘째 줄",
])
def test_indentation_that_markdown_reads_rightly_passes(tmp_path, body):
    assert problems(tmp_path, {"a.md": article(body)}) == []


def test_duplicate_slug_blames_the_file_that_is_not_live(tmp_path):
    files = {"a-new.md": article("새 글", slug="same"), "z-live.md": article("원래 글", slug="same")}
    found = problems(tmp_path, files, published={"z-live.md"})
    assert len(found) == 1 and found[0].startswith("a-new.md:5: slug 'same' 중복: "), found
    assert "z-live.md 파일이 이미 이 주소를 씁니다." in found[0]
    assert "(예: Slug: same-2)" in found[0]


def test_duplicate_slug_without_live_state_blames_the_newer_file(tmp_path):
    files = {"a-new.md": article("새 글", slug="same", date="2026-01-02 09:00"),
             "z-old.md": article("원래 글", slug="same", date="2025-01-02 09:00")}
    found = problems(tmp_path, files)
    assert len(found) == 1 and found[0].startswith("a-new.md:5:"), found


def test_same_date_blames_the_later_saved_file(tmp_path):
    files = {"a.md": article("하나", slug="same"), "b.md": article("둘", slug="same")}
    problems(tmp_path, files)
    os.utime(tmp_path / "b.md", (1_000_000_000, 1_000_000_000))  # b saved long ago
    found = [str(p) for p in check_content(tmp_path, SECTIONS, base=tmp_path)]
    assert len(found) == 1 and found[0].startswith("a.md:"), found


def test_check_lists_scheduled_articles_without_failing(tmp_path):
    import shutil
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    shutil.copy(root / "pelicanconf.py", tmp_path / "pelicanconf.py")
    (tmp_path / "content" / "articles").mkdir(parents=True)
    (tmp_path / "content" / "articles" / "later.md").write_text(
        article("엠바고 본문", date="2026-12-05 09:00"), encoding="utf-8")
    env = dict(os.environ, NEWSROOM_NOW="2026-12-01 12:00:00")
    result = subprocess.run([sys.executable, "-m", "newsroom.cli", "check"], cwd=tmp_path,
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "articles/later.md: 예약 기사: 2026-12-05 09:00:00에 공개됩니다." in result.stderr
