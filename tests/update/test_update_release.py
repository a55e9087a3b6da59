"""`newsroom rollback`, `newsroom publish --target DIR` and the pieces they rest on."""

from __future__ import annotations

import os
import time

from newsroom import manifest
from newsroom.core import files
from newsroom.release import Releases, previous_release
from newsroom.validate import resolve_link


def _second_release(project) -> tuple[str, str]:
    first = project.live()
    project.write("articles/second.md", "Title: 두 번째 배포\nDate: 2025-11-25 09:00\n"
                  "Category: 경제\n\n본문.\n")
    result = project.update()
    assert result.code == 0, result.output
    return first, project.live()


def test_rollback_switches_to_previous_release_and_refuses_past_the_oldest(published):
    first, second = _second_release(published)
    assert first != second
    result = published.run("rollback")
    assert result.code == 0, result.output
    assert published.live() == first
    assert not (published.output / "news" / "second.html").exists()
    # Both releases are still there; the one rolled away from can be switched back to.
    result = published.run("rollback")
    assert result.code == 1
    assert "no release to roll back to" in result.stderr
    result = published.run("rollback", "--to", os.path.basename(second))
    assert result.code == 0, result.output
    assert published.live() == second


def test_update_after_rollback_rebuilds_from_current_content(published):
    first, second = _second_release(published)
    assert published.run("rollback").code == 0
    result = published.update()
    assert result.code == 0, result.output
    assert published.live() not in (first, second)
    assert (published.output / "news" / "second.html").is_file()


def test_rollback_waits_for_no_one_when_locked(published):
    with published.hold_lock():
        result = published.run("rollback")
    assert result.code == 75
    assert "another update is running" in result.stderr


def test_publish_to_local_folder_copies_live_release_and_replaces_old_files(published, tmp_path):
    target = tmp_path / "www" / "html"
    result = published.run("publish", "--target", str(target))
    assert result.code == 0, result.output
    live = published.live_files()
    copied = {p.relative_to(target).as_posix(): p.read_bytes()
              for p in target.rglob("*") if p.is_file()}
    assert copied == live
    inode = target.stat().st_ino

    (target / "stale.html").write_text("old", encoding="utf-8")
    _second_release(published)
    result = published.run("publish", "--target", str(target))
    assert result.code == 0, result.output
    assert (target / "news" / "second.html").is_file()
    assert not (target / "stale.html").exists()
    assert target.stat().st_ino != inode  # a new folder swapped in, not files rewritten
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")]


def test_publish_without_live_release_fails_clearly(project, tmp_path):
    result = project.run("publish", "--target", str(tmp_path / "www"))
    assert result.code == 2
    assert "no live release" in result.stderr


# --- pure parts --------------------------------------------------------------------------

def test_manifest_hashes_only_files_whose_stat_moved(tmp_path, monkeypatch):
    (tmp_path / "c").mkdir()
    for i in range(5):
        (tmp_path / "c" / f"{i}.md").write_text(f"글 {i}", encoding="utf-8")
    first, hashed = manifest.build(tmp_path, [tmp_path / "c"], None, {"pelican": "4.12"})
    assert hashed == 5
    # Hashed within SETTLED_NS of their last change: not trusted, hashed again.
    first, hashed = manifest.build(tmp_path, [tmp_path / "c"], first, {"pelican": "4.12"})
    assert hashed == 5 and all(e.ctime_ns == -1 for e in first.files.values())
    monkeypatch.setattr(files, "SETTLED_NS", 0)  # as if the files were minutes old
    first, hashed = manifest.build(tmp_path, [tmp_path / "c"], first, {"pelican": "4.12"})
    assert hashed == 5
    again, hashed = manifest.build(tmp_path, [tmp_path / "c"], first, {"pelican": "4.12"})
    assert hashed == 0 and not manifest.diff(first, again)

    path = tmp_path / "c" / "1.md"
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))
    touched, hashed = manifest.build(tmp_path, [tmp_path / "c"], again, {"pelican": "4.12"})
    assert hashed == 1 and not manifest.diff(again, touched)

    path.write_text("고친 글", encoding="utf-8")
    (tmp_path / "c" / "2.md").unlink()
    (tmp_path / "c" / "new.md").write_text("새 글", encoding="utf-8")
    now, _ = manifest.build(tmp_path, [tmp_path / "c"], touched, {"pelican": "4.13"})
    changes = manifest.diff(touched, now)
    assert changes.changed == ["c/1.md"]
    assert changes.removed == ["c/2.md"]
    assert changes.added == ["c/new.md"]
    assert changes.meta == ["pelican"]
    assert manifest.Manifest.from_json(now.to_json()).files == now.files


def test_manifest_sees_an_edit_that_keeps_size_and_mtime(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "SETTLED_NS", 0)
    path = tmp_path / "c" / "a.md"
    path.parent.mkdir()
    path.write_text("사과", encoding="utf-8")
    first, _ = manifest.build(tmp_path, [tmp_path / "c"], None, {})
    st = path.stat()
    time.sleep(0.02)  # past the file system's clock tick
    path.write_text("배추", encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    again, hashed = manifest.build(tmp_path, [tmp_path / "c"], first, {})
    assert hashed == 1 and manifest.diff(first, again).changed == ["c/a.md"]


def test_a_version_1_manifest_is_read_and_hashed_again(tmp_path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.md").write_text("글", encoding="utf-8")
    now, _ = manifest.build(tmp_path, [tmp_path / "c"], None, {})
    old = {"version": 1, "meta": {}, "files": {p: v[:3] for p, v in now.to_json()["files"].items()}}
    loaded = manifest.Manifest.from_json(old)
    again, hashed = manifest.build(tmp_path, [tmp_path / "c"], loaded, {})
    assert hashed == 1 and not manifest.diff(loaded, again)


def test_previous_release_order():
    ids = ["20250101T000000.000000Z", "20250102T000000.000000Z", "20250103T000000.000000Z"]
    assert previous_release(ids, ids[2]) == ids[1]
    assert previous_release(ids, ids[0]) is None
    assert previous_release(ids, None) == ids[2]
    assert previous_release([], None) is None


def test_switch_replaces_a_real_output_folder_once(tmp_path):
    releases = Releases(tmp_path / "releases", tmp_path / "output")
    (tmp_path / "output").mkdir()
    (tmp_path / "output" / "index.html").write_text("preview", encoding="utf-8")
    rid = releases.new_id()
    (tmp_path / "releases" / rid).mkdir(parents=True)
    releases.switch(rid)
    assert releases.live() == rid
    assert os.readlink(tmp_path / "output") == f"releases/{rid}"
    aside = [p for p in (tmp_path / "releases").iterdir() if p.name.startswith("replaced-output")]
    assert (aside[0] / "index.html").read_text(encoding="utf-8") == "preview"


def test_resolve_link_cases():
    origin = "https://news.example.kr"
    assert resolve_link("news/a.html", "../section/politics/", origin) == \
        "section/politics/index.html"
    assert resolve_link("news/a.html", "b.html#top", origin) == "news/b.html"
    assert resolve_link("index.html", "https://news.example.kr/feeds/all.atom.xml", origin) == \
        "feeds/all.atom.xml"
    assert resolve_link("index.html", "https://other.example.kr/x.html", origin) is None
    assert resolve_link("index.html", "mailto:desk@example.kr", origin) is None
    assert resolve_link("tag/x/index.html", "/theme/css/site.css?v=2", origin) == \
        "theme/css/site.css"
    assert resolve_link("index.html", "#main", origin) is None
