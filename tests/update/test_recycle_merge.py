"""newsroom/recycle.py on small real trees: the recycled release becomes exactly the new
release, and no file another release shares is ever written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsroom import recycle
from newsroom.core import kept


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _folders(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir()}


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _link_tree(src: Path, dst: Path, only=None) -> None:
    for p in src.rglob("*"):
        rel = p.relative_to(src).as_posix()
        if p.is_file() and (only is None or rel in only):
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            os.link(p, dst / rel)


@pytest.fixture
def releases(tmp_path):
    """An old release (to recycle), the live one that shares some of its files, and a fresh
    build folder with what the build wrote."""
    old, live, fresh = tmp_path / "old", tmp_path / "live", tmp_path / "fresh"
    _write(live, {
        "index.html": "front v3",
        "news/a.html": "a", "news/a.html.gz": "a.gz",
        "news/b.html": "b v2", "news/b.html.gz": "b v2.gz",
        "news/c.html": "c",
        "search/d/0.json": "docs",
    })
    _write(old, {
        "index.html": "front v1", "index.html.gz": "front v1.gz",
        "news/b.html": "b v1", "news/b.html.gz": "b v1.gz",
        "news/gone.html": "gone", "news/gone.html.gz": "gone.gz",
        "tag/old/index.html": "a tag no article has any more",
        "tag/old/2/index.html": "its block",
        "section/x": "a file where the new release has a folder",
    })
    # What the old release shares with the live one (hard links, as the job leaves them).
    _link_tree(live, old, only={"news/a.html", "news/a.html.gz", "news/c.html"})
    _write(fresh, {
        "index.html": "front v4",
        "news/new.html": "new",
        "section/x/index.html": "a section page",
        "feeds/all.atom.xml": "feed",
    })
    (old / "news/c.html.gz").write_text("c.gz, not the live release's")
    return old, live, fresh


def test_the_recycled_tree_becomes_the_new_release(releases, tmp_path):
    old, live, fresh = releases
    names = ["news/a.html", "news/b.html", "news/c.html", "search/d/0.json"]
    kept_file = tmp_path / "kept"
    kept_file.write_text("".join(f"{n}\n" for n in names))
    shared_before = {rel: (live / rel).read_bytes() for rel in _tree(live)}
    live_inodes = {rel: (live / rel).stat().st_ino for rel in _tree(live)}

    folder, report = recycle.finish(fresh, old, kept_file, live)

    assert folder == old
    assert not fresh.exists() and not kept_file.exists()
    # Exactly what a new folder would hold: the build's files, the kept files as the live
    # release's own, and the .gz of kept files only where it is the live release's too.
    assert _tree(old) == {
        "index.html": b"front v4",
        "news/new.html": b"new",
        "section/x/index.html": b"a section page",
        "feeds/all.atom.xml": b"feed",
        "news/a.html": b"a", "news/a.html.gz": b"a.gz",
        "news/b.html": b"b v2",
        "news/c.html": b"c",
        "search/d/0.json": b"docs",
    }
    for rel in names:
        assert (old / rel).stat().st_ino == live_inodes[rel], rel
    # No folder the new release does not need.
    assert "tag" not in _folders(old) and "tag/old" not in _folders(old)
    # The live release was not touched (its files share inodes with the recycled tree).
    assert {rel: (live / rel).read_bytes() for rel in _tree(live)} == shared_before
    assert report.moved == 4 and report.linked == 2 and report.stayed == 2
    # The walk handed to the assets step is the tree as it is now.
    walked = report.trees[old].files
    assert set(walked) == set(_tree(old))
    assert all(walked[rel] == (old / rel).stat().st_ino for rel in walked)


def test_a_kept_file_the_live_release_lacks_falls_back_to_a_new_folder(releases, tmp_path):
    old, live, fresh = releases
    kept_file = tmp_path / "kept"
    kept_file.write_text("news/a.html\n")
    (live / "news/a.html").unlink()
    (live / "news/a.html.gz").unlink()
    with pytest.raises(FileNotFoundError):
        # Nothing was moved yet: it falls back to linking into the fresh folder, which
        # cannot be done either: the error reaches the job, which fails the build.
        recycle.finish(fresh, old, kept_file, live)
    assert _tree(fresh)["news/new.html"] == b"new"  # the build's files were not moved


def test_without_a_live_release_or_anything_to_prune_nothing_is_taken(tmp_path):
    from newsroom.release import Releases

    releases = Releases(tmp_path / "releases", tmp_path / "output")
    for rid in ("20260101T000000.000000Z", "20260102T000000.000000Z"):
        (releases.dir / rid).mkdir(parents=True)
    assert recycle.take(releases, 5, "20260102T000000.000000Z", "20260103T000000.000000Z") is None
    assert recycle.take(releases, 1, None, "20260103T000000.000000Z") is None
    # keep 2: the oldest goes (never the live one), as pruning would have removed it.
    taken = recycle.take(releases, 2, "20260102T000000.000000Z", "20260103T000000.000000Z")
    assert taken == releases.dir / ".build-20260103T000000.000000Z.recycled"
    assert releases.ids() == ["20260102T000000.000000Z"]
    # keep 1 with the oldest live: the live one is never taken.
    releases2 = Releases(tmp_path / "r2", tmp_path / "o2")
    for rid in ("20260101T000000.000000Z", "20260102T000000.000000Z"):
        (releases2.dir / rid).mkdir(parents=True)
    taken = recycle.take(releases2, 1, "20260101T000000.000000Z", "20260103T000000.000000Z")
    assert taken is not None and taken.name.startswith(".build-")
    assert releases2.ids() == ["20260101T000000.000000Z"]


def test_kept_names_round_trip(tmp_path):
    settings = {kept.SETTING: str(tmp_path / "state" / "x.kept")}
    kept.NAMES.clear()
    for name in ("news/b.html", "news/a.html", "news/b.html"):
        kept.add(name)
    kept.save(settings)
    assert kept.read(settings[kept.SETTING]) == ["news/a.html", "news/b.html"]
    assert kept.NAMES == []
    assert not kept.recording({}) and kept.recording(settings)
