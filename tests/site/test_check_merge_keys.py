"""`newsroom check` on the near-duplicate keys (issue 12): a broken Other_Sources entry, a
Dedupe value or a Merge_Into slug an editor mistyped is named with its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsroom.core.check import check_file

HEAD = "Title: 제목\nDate: 2026-03-04 10:00\nCategory: 경제\n"


@pytest.mark.parametrize(("line", "needle"), [
    ("Other_Sources: yeongnam javascript:alert(1) 영남일보",
     "Other_Sources의 항목 'yeongnam javascript:alert(1) 영남일보'의 형식이 틀렸습니다. "
     "항목마다 '<출처 id> <http(s) 주소> <이름>'으로 쓰고"),
    ("Other_Sources: 영남 https://a.example/1 영남일보",
     "Other_Sources의 항목 '영남 https://a.example/1 영남일보'의 형식이 틀렸습니다."),
    ("Dedupe: no", "Dedupe 값이 틀렸습니다: 'no'. off(이 기사에 다른 출처를 합치지 않음)나 on으로"),
    ("Merge_Into: 대구 기사", "Merge_Into 값이 Slug 형식이 아닙니다: '대구 기사'. 이 기사와 같은 "
     "보도자료인 기사의 Slug를"),
])
def test_bad_merge_keys_are_named(tmp_path: Path, line: str, needle: str) -> None:
    path = tmp_path / "a.md"
    path.write_text(HEAD + line + "\n\n본문입니다.\n", encoding="utf-8")
    problems, _ = check_file(path, tmp_path, ["경제"])
    assert [p for p in problems if p.line == 4 and needle in p.message], problems


def test_good_merge_keys_pass(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(HEAD + "Other_Sources: yeongnam https://a.example/1?x=1 영남 일보 | b "
                    "http://b.example/2 B\nDedupe: off\nMerge_Into: daegu-0123456789\n\n본문입니다.\n",
                    encoding="utf-8")
    problems, _ = check_file(path, tmp_path, ["경제"])
    assert problems == []
