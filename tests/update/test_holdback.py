"""The staged content view: held-back files swapped for their last good copy or left out."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from newsroom.core.check import Problem
from newsroom.holdback import held_files, remember, stage


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def digests(root: Path, *names: str) -> dict[str, str]:
    """What the update job's manifest gives `remember`: sha256 by path relative to content/."""
    return {n: hashlib.sha256((root / n).read_bytes()).hexdigest() for n in names}


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_stage_mirrors_content_with_links(tmp_path):
    content, st, good = tmp_path / "content", tmp_path / "stage", tmp_path / "good"
    a = write(content / "articles" / "a.md", "A")
    write(content / "images" / "x.jpg", "JPG")
    assert stage(content, st, {}, good) == 2
    assert tree(st) == {"articles/a.md": "A", "images/x.jpg": "JPG"}
    assert os.stat(st / "articles" / "a.md").st_ino == a.stat().st_ino
    assert stage(content, st, {}, good) == 0  # nothing changed: nothing relinked


def test_new_bad_file_is_left_out_and_a_published_one_keeps_its_last_good_copy(tmp_path):
    content, st, good = tmp_path / "content", tmp_path / "stage", tmp_path / "good"
    write(content / "articles" / "live.md", "good version")
    stage(content, st, {}, good)
    remember(good, st, digests(st, "articles/live.md"), {})
    write(content / "articles" / "live.md", "broken version")
    write(content / "articles" / "new.md", "broken new file")
    problems = [Problem(str(content / "articles" / "live.md"), 2, "bad date"),
                Problem(str(content / "articles" / "new.md"), 1, "missing Title")]
    held = held_files(problems, content, good)
    assert {k: v.kept for k, v in held.items()} == {"articles/live.md": True,
                                                    "articles/new.md": False}
    stage(content, st, held, good)
    assert tree(st) == {"articles/live.md": "good version"}
    # The editor fixes both: the next run stages the fixed files.
    write(content / "articles" / "live.md", "fixed version")
    write(content / "articles" / "new.md", "fixed new file")
    stage(content, st, {}, good)
    assert tree(st) == {"articles/live.md": "fixed version", "articles/new.md": "fixed new file"}


def test_remember_copies_changed_files_and_forgets_removed_ones(tmp_path):
    st, good = tmp_path / "stage", tmp_path / "good"
    a, _b = write(st / "a.md", "A1"), write(st / "b.md", "B1")
    assert remember(good, st, digests(st, "a.md", "b.md"), {}) == 2
    assert remember(good, st, digests(st, "a.md", "b.md"), {}) == 0
    write(st / "a.md", "A2")
    assert remember(good, st, digests(st, "a.md"), {}) == 1
    assert (good / "a.md").read_text() == "A2" and not (good / "b.md").exists()
    # A copy, not a link: an in-place rewrite of the content file leaves it alone.
    with open(a, "r+", encoding="utf-8") as fh:
        fh.write("XX")
    assert (good / "a.md").read_text() == "A2"


def test_remember_of_many_files_copies_each_once_on_several_threads(tmp_path):
    """A first publish copies every file (over the threads' minimum): each copy holds its
    file's bytes, written in place since none existed; the index names every digest, and a
    second run copies nothing. Copies that change go through a rename again."""
    import threading

    from newsroom import holdback

    st, good = tmp_path / "stage", tmp_path / "good"
    names = [f"articles/{i // 50}/a{i:03d}.md" for i in range(holdback.PARALLEL_MIN_FILES + 40)]
    for n in names:
        write(st / n, f"기사 {n}\n" * 20)
    threads, renamed = set(), []
    real_new, real_atomic = holdback._write_new, holdback.atomic_write

    def spy(*args, **kwargs):
        threads.add(threading.current_thread().name)
        return real_new(*args, **kwargs)

    def spy_atomic(path, *args, **kwargs):
        renamed.append(path)
        return real_atomic(path, *args, **kwargs)

    holdback._write_new, holdback.atomic_write = spy, spy_atomic
    try:
        assert remember(good, st, digests(st, *names), {}) == len(names)
        assert renamed == []  # nothing to keep: written in place
        assert len({t for t in threads if t.startswith("copy")}) >= 1
        assert {k: v for k, v in tree(good).items() if k != "index.json"} == tree(st)
        assert remember(good, st, digests(st, *names), {}) == 0
        write(st / names[3], "고친 기사")
        renamed.clear()
        assert remember(good, st, digests(st, *names), {}) == 1
        assert [p.name for p in renamed] == [Path(names[3]).name]
    finally:
        holdback._write_new, holdback.atomic_write = real_new, real_atomic
    assert (good / names[3]).read_text(encoding="utf-8") == "고친 기사"
    assert (good / names[3]).stat().st_mode & 0o777 == (good / names[4]).stat().st_mode & 0o777


def test_symlink_out_of_content_is_not_staged(tmp_path):
    content, st = tmp_path / "content", tmp_path / "stage"
    secret = write(tmp_path / "secret.txt", "password")
    (content / "images").mkdir(parents=True)
    os.symlink(secret, content / "images" / "passwd.png")
    write(content / "images" / "ok.png", "PNG")
    os.symlink(content / "images" / "ok.png", content / "images" / "alias.png")
    stage(content, st, {}, tmp_path / "good")
    assert tree(st) == {"images/alias.png": "PNG", "images/ok.png": "PNG"}


def test_symlinked_folder_is_named_not_silently_dropped(tmp_path, caplog):
    content, st = tmp_path / "content", tmp_path / "stage"
    write(tmp_path / "elsewhere" / "a.md", "outside")
    content.mkdir()
    os.symlink(tmp_path / "elsewhere", content / "linked")
    stage(content, st, {}, tmp_path / "good")
    assert tree(st) == {}
    assert "linked: 폴더를 가리키는 심볼릭 링크입니다(" in caplog.text
    assert "링크를 지우고 파일을 content/ 안으로 옮기세요." in caplog.text


def test_deleted_content_leaves_the_stage(tmp_path):
    content, st, good = tmp_path / "content", tmp_path / "stage", tmp_path / "good"
    gone = write(content / "old" / "gone.md", "x")
    stage(content, st, {}, good)
    gone.unlink()
    gone.parent.rmdir()
    stage(content, st, {}, good)
    assert tree(st) == {} and not (st / "old").exists()


def test_a_torn_last_good_copy_is_not_put_live(tmp_path):
    """Copies are written without fsync: one that does not match its digest is not kept."""
    content, st, good = tmp_path / "content", tmp_path / "stage", tmp_path / "good"
    write(content / "a.md", "good version")
    stage(content, st, {}, good)
    remember(good, st, digests(st, "a.md"), {})
    (good / "a.md").write_text("", encoding="utf-8")  # as a crash could leave it
    held = held_files([Problem(str(content / "a.md"), 1, "bad")], content, good)
    assert held["a.md"].kept is False


def test_a_file_replaced_under_its_name_is_staged_anew_and_emptied_folders_go(tmp_path):
    """The stage compares inodes from directory entries, without a stat per file: a file an
    editor's tool replaced (written beside, renamed over: a new inode) must be relinked, a
    file edited in place is the staged file already, and a folder left empty goes."""
    content, st, good = tmp_path / "content", tmp_path / "stage", tmp_path / "good"
    write(content / "articles" / "a.md", "A")
    write(content / "articles" / "b.md", "B")
    write(content / "old" / "c.md", "C")
    assert stage(content, st, {}, good) == 3
    write(tmp_path / "a.tmp", "A2")
    os.replace(tmp_path / "a.tmp", content / "articles" / "a.md")
    with open(content / "articles" / "b.md", "w", encoding="utf-8") as f:
        f.write("B2")
    (content / "old" / "c.md").unlink()
    (content / "old").rmdir()
    assert stage(content, st, {}, good) == 1
    assert tree(st) == {"articles/a.md": "A2", "articles/b.md": "B2"}
    assert not (st / "old").exists()


def test_remember_writes_again_a_copy_that_went_missing(tmp_path):
    """remember() lists last-good/ with one walk instead of a stat per file: a copy deleted
    by hand (the index still has its digest) is still written again."""
    st, good = tmp_path / "stage", tmp_path / "good"
    write(st / "articles" / "a.md", "A1")
    write(st / "articles" / "b.md", "B1")
    files = digests(st, "articles/a.md", "articles/b.md")
    assert remember(good, st, files, {}) == 2
    (good / "articles" / "b.md").unlink()
    assert remember(good, st, files, {}) == 1
    assert (good / "articles" / "b.md").read_text() == "B1"
