"""Content hashes remembered by file identity (plugins/newsroom_site/stamps.py): never a
stale article, whatever an editor's save keeps of the file's size and times."""

from __future__ import annotations

import os
import pickle
import time

MEMO = (".state", "pelican-cache", "filestamps.pickle")


def _article(word: str) -> str:
    return (f"Title: 해시 기사\nDate: 2025-11-23 10:00\nCategory: 경제\n\n"
            f"본문 단어는 {word}입니다.\n")


def _remembered(project) -> dict:
    path = project.root.joinpath(*MEMO)
    if not path.exists():  # nothing settled yet: nothing to remember
        return {}
    with open(path, "rb") as f:
        return pickle.load(f)["entries"]


def _page(project) -> str:
    return (project.output / "news" / "stamp.html").read_text(encoding="utf-8")


def test_an_edit_keeping_size_and_mtime_is_published(published):
    path = published.write("articles/stamp.md", _article("사과"))
    result = published.update()
    assert result.code == 0, result.output
    assert "사과" in _page(published)
    # Staged (a new link: the change time moves) just before that build: hashed again by
    # the next build, which remembers it once it has settled (newsroom.core.files.settled).
    time.sleep(2.2)
    published.write("articles/other.md", _article("감자").replace("해시 기사", "다른 기사"))
    result = published.update()
    assert result.code == 0, result.output
    remembered = [p for p in _remembered(published) if p.endswith("/articles/stamp.md")]
    assert remembered, "a settled file's hash was not remembered"

    # Same length, same modification time: only the change time moves.
    st = path.stat()
    path.write_text(_article("배추"), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    result = published.update()
    assert result.code == 0, result.output
    page = _page(published)
    assert "배추" in page and "사과" not in page


def test_a_file_written_just_before_the_build_is_not_remembered(published):
    published.write("articles/stamp.md", _article("사과"))
    result = published.update()
    assert result.code == 0, result.output
    assert not [p for p in _remembered(published) if p.endswith("/articles/stamp.md")]


def test_a_damaged_memo_only_costs_hashing(published):
    published.write("articles/stamp.md", _article("사과"))
    published.root.joinpath(*MEMO).write_bytes(b"\x80\x05not a pickle")
    result = published.update("-v")
    assert result.code == 0, result.output
    assert "사과" in _page(published)
    assert isinstance(_remembered(published), dict)  # gone or written again, whole
