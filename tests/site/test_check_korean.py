"""Every message `newsroom check` gives an editor is Korean, names the file and line, and says
the fix (issue 14). `broken_content/` holds one file per kind of problem."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BROKEN = Path(__file__).with_name("broken_content")
HANGUL = re.compile("[\uac00-\ud7a3]")
PREFIX = re.compile(r"^content/[^:]+:\d+: ")

# (file under content/, line, what the message must say): the key or value as the editor
# wrote it, and the fix.
EXPECTED = [
    ("articles/not-utf8.md", 5, "인코딩을 UTF-8로 바꿔 다시 저장하세요"),
    ("articles/invisible-char.md", 5, "보이지 않는 문자(U+000C)"),
    ("articles/unknown-key.md", 4, "모르는 키입니다: 'Sumary'. Summary의 오타라면 고치고"),
    ("articles/duplicate-key.md", 4, "Category 키가 두 번 있습니다 (처음은 2번 줄)"),
    ("articles/continued-line.md", 2, "Title 키의 값에 이어 붙습니다"),
    ("articles/missing-keys.md", 1, "Title 키가 없습니다. 머리말에 'Title: 기사 제목' 줄을 넣으세요"),
    ("articles/missing-keys.md", 1, "Date 키가 없습니다. 머리말에 'Date: 2026-12-01 09:00'"),
    ("articles/missing-keys.md", 1, "Category 키가 없습니다. 머리말에 'Category: 정치'"),
    ("articles/empty-title.md", 1, "Title 값이 비어 있습니다"),
    ("articles/bad-status.md", 4, "Status 값이 틀렸습니다: 'live'. published(게시), draft(초안)"),
    ("articles/bad-date.md", 2,
     "Date '2026.11.20 10:00'의 형식이 틀렸습니다. 'YYYY-MM-DD HH:MM' 또는 "
     "'YYYY-MM-DD HH:MM:SS' 형식으로 고치세요 (예: 2026-12-01 09:00)."),
    ("articles/no-such-day.md", 2, "Date '2026-02-30 09:00': 2026년 2월에는 30일이 없습니다."),
    ("articles/no-such-time.md", 2, "없는 시각입니다: 24:30"),
    ("articles/bad-offset.md", 2, "시차(+25:00)는 있을 수 없는 값입니다"),
    ("articles/out-of-range.md", 2, "Date '9999-12-31 23:59:59-14:00': 한국 시간으로 옮기면"),
    ("articles/bad-section.md", 3,
     "설정에 없는 분야입니다: '사회'. 정치, 경제, 문화 가운데 하나로 고치세요"),
    ("articles/modified-early.md", 4, "Modified(수정 시각)가 Date(등록 시각)보다 이릅니다"),
    ("articles/bad-modified.md", 4, "Modified '어제 오후'의 형식이 틀렸습니다"),
    ("articles/bad-slug.md", 4, "Slug 값에 쓸 수 없는 글자가 있습니다: '한빛시-예산'"),
    ("articles/bad-source-url.md", 4,
     "Source_URL 값이 웹 주소가 아닙니다: 'www.hanbit.go.kr/press/1'. http:// 또는 https://"),
    ("articles/bad-other-sources.md", 4, "Other_Sources의 항목 '영남 https://example.kr/news/1"),
    ("articles/bad-dedupe.md", 4, "Dedupe 값이 틀렸습니다: 'no'. off("),
    ("articles/bad-merge-into.md", 4, "Merge_Into 값이 Slug 형식이 아닙니다: '한빛시 예산 기사'"),
    ("articles/image-url.md", 4, "Image 값이 웹 주소입니다: 'https://www.hanbit.go.kr/photo/1.jpg'"),
    ("articles/image-outside.md", 4, "Image 값이 content/ 밖을 가리킵니다: '../../etc/passwd'"),
    ("articles/image-missing.md", 4,
     "Image 값이 가리키는 파일이 없습니다: content/images/editors/missing.jpg"),
    ("articles/body-image-missing.md", 7,
     "본문의 {static} 경로가 가리키는 파일이 없습니다: content/images/editors/nowhere.jpg"),
    ("articles/placeholder.md", 6, "다 쓸 때까지 Status: draft로 두세요"),
    ("articles/indented.md", 7, "줄 앞의 들여쓰기를 지우세요"),
    ("articles/dup-second.md", 4,
     "slug 'hanbit-budget' 중복: content/articles/dup-first.md 파일이 이미 이 주소를 씁니다. "
     "이 파일의 머리말에 다른 Slug를 쓰세요 (예: Slug: hanbit-budget-2)."),
    ("images/editors/linked.jpg", 1, "content/ 밖(또는 없는 파일)을 가리키는 심볼릭 링크입니다"),
]
WARNINGS = [("articles/long-title.md", 1, "warning: Title 값이 169자입니다. 목록에는 150자쯤")]


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> subprocess.CompletedProcess:
    project = tmp_path_factory.mktemp("broken")
    shutil.copy(ROOT / "pelicanconf.py", project / "pelicanconf.py")
    shutil.copytree(BROKEN, project / "content", symlinks=True)
    outside = project / "outside.jpg"
    outside.write_bytes(b"\xff\xd8\xff")
    # git keeps no empty folder: make it here, or a fresh clone has nowhere to put the link
    (project / "content" / "images" / "editors").mkdir(parents=True, exist_ok=True)
    (project / "content" / "images" / "editors" / "linked.jpg").symlink_to(outside)
    env = dict(os.environ, NEWSROOM_NOW="2026-11-30 12:00:00")
    return subprocess.run([sys.executable, "-m", "newsroom.cli", "check"], cwd=project,
                          capture_output=True, text=True, env=env, timeout=60)


@pytest.mark.parametrize(("rel", "line", "needle"), EXPECTED + WARNINGS,
                         ids=[f"{r}:{n}" for r, n, _ in EXPECTED + WARNINGS])
def test_each_kind_of_problem_is_named_in_korean_with_its_fix(checked, rel, line, needle):
    out = checked.stdout if (rel, line, needle) in EXPECTED else checked.stderr
    hits = [x for x in out.splitlines() if x.startswith(f"content/{rel}:{line}: ") and needle in x]
    assert hits, f"expected content/{rel}:{line}: …{needle}… in:\n{out}"


def test_every_line_check_prints_is_korean_and_problems_start_with_path_and_line(checked):
    assert checked.returncode == 1
    problems = checked.stdout.splitlines()
    assert len(problems) == len(EXPECTED), checked.stdout  # nothing unexpected, nothing twice
    for line in problems:
        assert PREFIX.match(line), line
        assert HANGUL.search(line.split(": ", 1)[1]), line
    notes = checked.stderr.splitlines()
    assert notes, "check printed no summary"
    for line in notes:
        assert HANGUL.search(line), line
    assert "content/articles/long-title.md:1: warning: " in checked.stderr
    assert "articles/scheduled.md: 예약 기사: 2026-12-05 09:00:00에 공개됩니다." in notes
    assert notes[-1].startswith(f"문제 {len(EXPECTED)}건 (파일 {len(EXPECTED) - 2}개).")


def _literal_text(node: ast.AST) -> str | None:
    """The literal parts of a str constant or f-string; None for anything computed."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    return None


def _messages(path: Path, callers: set[str]) -> list[tuple[int, str]]:
    """(line, literal text) of each message given to one of `callers` or to `raise ValueError`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name in callers or name == "ValueError":
            for arg in node.args:
                text = _literal_text(arg)
                if text and not text.isidentifier():  # skip `bad(1, x)`-style names and keys
                    found.append((node.lineno, text))
    return found


def test_no_message_in_the_checker_is_left_in_english():
    # Messages no fixture can reach stay Korean too: every literal message the checker and
    # the date and Other_Sources parsers can give, read from the source.
    found = (_messages(ROOT / "newsroom/core/check.py", {"bad", "Problem"})
             + [m for m in _messages(ROOT / "newsroom/core/model.py", set())
                if "header" not in m[1]])  # render_header's ValueError is a programming error
    assert len(found) >= 25, found
    english = [(line, text) for line, text in found if not HANGUL.search(text)]
    assert english == []


def test_no_message_of_new_takedown_or_the_stage_is_left_in_english():
    # `newsroom new`'s refusals, `newsroom takedown`'s errors and the stage's warnings (shown by
    # `make publish`): every literal message has Korean words (format fields aside).
    found = (_messages(ROOT / "newsroom/new.py", {"UsageError"})
             + _messages(ROOT / "newsroom/takedown.py", {"error", "warning", "print"})
             + _messages(ROOT / "newsroom/holdback.py", {"error", "warning"})
             + _messages(ROOT / "newsroom/check_cmd.py", {"print"})
             # a broken takedowns.toml, and what the preview build says of content problems
             + _messages(ROOT / "newsroom/core/takedowns.py", {"TakedownError"})
             + _messages(ROOT / "plugins/newsroom_site/strict.py", {"error", "warning"}))
    worded = [(line, text) for line, text in found
              if re.search("[A-Za-z\uac00-\ud7a3]", re.sub(r"%[sd]", "", text))]
    assert len(worded) >= 20, worded
    english = [(line, text) for line, text in worded if not HANGUL.search(text)]
    assert english == []


DOCS = ROOT / "docs" / "editors.md"


def test_the_example_in_the_editors_guide_is_what_check_prints(tmp_path):
    docs = DOCS.read_text(encoding="utf-8")
    section = docs[docs.index("### 4.3 "):]
    example = re.search(r"\n```\n(content/.*?)```", section, re.S).group(1).splitlines()
    shutil.copy(ROOT / "pelicanconf.py", tmp_path / "pelicanconf.py")
    (tmp_path / "content" / "articles").mkdir(parents=True)
    (tmp_path / "content" / "articles" / "20261126-3fa9c1.md").write_text(
        "Title: 새 기사\nSlug: 20261126-3fa9c1\nDate: 2026.11.26 10:00\nCategory: 사회\n"
        "Status: draft\n\n본문.\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "newsroom.cli", "check"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.stdout.splitlines() + result.stderr.splitlines() == example


def test_every_message_in_the_guides_table_is_one_check_prints(checked):
    # The table "메시지 → 고칠 것" quotes messages; `…` stands for what varies per file.
    docs = DOCS.read_text(encoding="utf-8")
    table = docs[docs.index("## 8. 메시지 → 고칠 것"):]
    rows = [line.split(" | ")[0].lstrip("| ") for line in table.splitlines()
            if line.startswith("| `")]
    assert len(rows) >= 15, rows
    said = checked.stdout + checked.stderr
    for row in rows:
        if "게시를 보류합니다" in row:  # the update job's line: tests/update/test_update_job.py
            continue
        for quoted in re.findall(r"`([^`]+)`", row):
            pieces = [p for p in quoted.split("…") if p.strip(" .,'")]
            assert any(all(p in line for p in pieces) for line in said.splitlines()), quoted
