"""The update job's memo of check results (newsroom.core.check.CheckMemo): a file that did not
change is not read again, and nothing the check would say is lost or kept stale."""

from __future__ import annotations

import os
from pathlib import Path

from newsroom.core.check import CheckMemo, scan_content

SECTIONS = ["정치", "경제", "문화"]
GOOD = """Title: 한빛시 예산 설명회
Date: 2026-11-20 10:00
Category: 경제
{extra}
한빛시는 내년 예산 설명회를 연다고 밝혔다.
"""


def _site(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    (content / "images").mkdir()
    (content / "images" / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    for i in range(5):
        (content / "articles" / f"a{i}.md").write_text(GOOD.format(extra=""), encoding="utf-8")
    (content / "articles" / "photo.md").write_text(
        GOOD.format(extra="Image: images/photo.jpg\n"), encoding="utf-8")
    (content / "articles" / "bad.md").write_text(
        GOOD.replace("2026-11-20 10:00", "2026-02-30 10:00").format(extra=""), encoding="utf-8")
    return content


def _scan(content: Path, memo_path: Path):
    memo = CheckMemo(memo_path)
    scan = scan_content(content, SECTIONS, memo=memo)
    memo.save()
    return [str(p) for p in scan.problems], memo


def test_unchanged_files_come_from_the_memo_with_the_same_problems(tmp_path, monkeypatch):
    content = _site(tmp_path)
    memo_path = tmp_path / "state" / "check-memo.pickle"
    first, _ = _scan(content, memo_path)
    assert len(first) == 1 and "bad.md:2:" in first[0], first

    # The second run must not read any file: make reading them fail.
    real = Path.read_bytes

    def no_reads(self):
        if self.suffix == ".md":
            raise AssertionError(f"{self} was read again")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", no_reads)
    second, memo = _scan(content, memo_path)
    assert second == first
    assert len(memo.fresh) == 7


def test_an_edited_file_is_checked_again(tmp_path):
    content = _site(tmp_path)
    memo_path = tmp_path / "state" / "check-memo.pickle"
    _scan(content, memo_path)
    bad = content / "articles" / "bad.md"
    st = bad.stat()
    # Fixed in place, same size, and the modification time put back: the change time and
    # the bytes' size still tell.
    bad.write_text(bad.read_text(encoding="utf-8").replace("02-30", "02-28"), encoding="utf-8")
    os.utime(bad, ns=(st.st_atime_ns, st.st_mtime_ns))
    fixed, _ = _scan(content, memo_path)
    assert fixed == []

    a0 = content / "articles" / "a0.md"
    a0.write_text(GOOD.format(extra="Status: drafty\n"), encoding="utf-8")
    broken, _ = _scan(content, memo_path)
    assert len(broken) == 1 and "a0.md:" in broken[0] and "drafty" in broken[0], broken


def test_a_referenced_image_that_goes_away_is_reported(tmp_path):
    content = _site(tmp_path)
    memo_path = tmp_path / "state" / "check-memo.pickle"
    _scan(content, memo_path)
    (content / "images" / "photo.jpg").unlink()
    problems, _ = _scan(content, memo_path)
    assert any("photo.md:4:" in p and "images/photo.jpg" in p for p in problems), problems
    (content / "images" / "photo.jpg").write_bytes(b"back")
    problems, _ = _scan(content, memo_path)
    assert not any("photo.md" in p for p in problems), problems


def test_a_removed_file_leaves_the_memo_and_a_broken_memo_is_ignored(tmp_path):
    content = _site(tmp_path)
    memo_path = tmp_path / "state" / "check-memo.pickle"
    _scan(content, memo_path)
    (content / "articles" / "bad.md").unlink()
    problems, memo = _scan(content, memo_path)
    assert problems == [] and len(memo.fresh) == 6

    memo_path.write_bytes(b"\x80\x05 truncated")
    problems, memo = _scan(content, memo_path)
    assert problems == [] and len(memo.fresh) == 6


def test_facts_kept_in_the_memo_still_meet_the_other_files(tmp_path, monkeypatch):
    """A file taken from the memo still takes part in the checks across files: a new file
    with the slug of an unchanged one is a duplicate, its warnings are kept, and what is
    scheduled is decided against this run's now. Paths read as the check prints them."""
    from datetime import datetime

    from newsroom.core.model import KST

    content = _site(tmp_path)
    long_title = "한빛시 " + "예산 설명회 " * 30
    (content / "articles" / "a0.md").write_text(
        GOOD.replace("한빛시 예산 설명회", long_title).replace("2026-11-20", "2026-12-20")
        .format(extra="Slug: hanbit-budget\n"), encoding="utf-8")
    memo_path = tmp_path / "state" / "check-memo.pickle"
    monkeypatch.chdir(tmp_path)

    def scan(now):
        memo = CheckMemo(memo_path)
        result = scan_content(Path("content"), SECTIONS, memo=memo, now=now)
        memo.save()
        return result, memo

    first, _ = scan(datetime(2026, 12, 1, tzinfo=KST))
    assert [rel for rel, _ in first.scheduled] == ["articles/a0.md"]
    assert any("content/articles/a0.md:1: warning:" in str(w) for w in first.warnings)

    (content / "articles" / "z.md").write_text(GOOD.format(extra="Slug: hanbit-budget\n"),
                                               encoding="utf-8")
    second, memo = scan(datetime(2026, 12, 21, tzinfo=KST))
    assert len(memo.fresh) == 8
    assert second.scheduled == []  # its date has come: from the memo, judged by this now
    assert first.warnings == second.warnings
    dupes = [str(p) for p in second.problems if "중복" in p.message]
    # a0 (from the memo) is dated later than the new z.md, so a0 is the one to change.
    assert len(dupes) == 1 and dupes[0].startswith("content/articles/a0.md:"), dupes
    assert "content/articles/z.md 파일이" in dupes[0]


def test_links_made_after_the_check_do_not_make_the_memo_stale(tmp_path, monkeypatch):
    """The update job stages content/ by hard links after the check: a new link moves each
    file's change time. `restamp` takes the new time when nothing else moved, so the next
    run reads no file; a file edited meanwhile (another modification time) keeps its old
    stamp and is checked again."""
    content = _site(tmp_path)
    memo_path = tmp_path / "state" / "check-memo.pickle"
    memo = CheckMemo(memo_path)
    scan_content(content, SECTIONS, memo=memo)
    stage = tmp_path / "stage"
    stage.mkdir()
    for path in sorted((content / "articles").glob("*.md")):
        os.link(path, stage / path.name)
    edited = content / "articles" / "a1.md"
    st = edited.stat()
    edited.write_text(GOOD.format(extra="Tags: 고침\n"), encoding="utf-8")
    os.utime(edited, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert memo.restamp() == 6  # every Markdown file but the edited one
    memo.save()

    real = Path.read_bytes
    read = []

    def reads(self):
        read.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", reads)
    memo = CheckMemo(memo_path)
    scan_content(content, SECTIONS, memo=memo)
    assert [n for n in read if n.endswith(".md")] == ["a1.md"]
