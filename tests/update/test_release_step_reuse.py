"""newsroom.assets after an increment: what is reused from the previous release is only
what is provably the same file, and everything else is compressed, fingerprinted and pooled
as in a release built from nothing."""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

from newsroom import assets

ORIGIN = "http://127.0.0.1:8000"
SETTINGS = {"THEME_STATIC_DIR": "theme", "STATIC_PATHS": ["images"]}
PAGE = "<p>대구시 새 소식. 관계자는 변화를 만들겠다고 말했다.</p>\n" * 40


def _release(path: Path, pages: dict[str, str]) -> Path:
    (path / "theme" / "css").mkdir(parents=True)
    (path / "theme" / "css" / "site.css").write_text("body{color:#111}\n" * 40)
    for rel, text in pages.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text('<link rel="stylesheet" href="/theme/css/site.css">' + text)
    return path


def _tree_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _increment(tmp_path: Path):
    """Release r1 built from nothing, then r2 where a/kept.html is r1's own file (a hard
    link, as the incremental build makes it), a/changed.html was rendered anew with other
    bytes, and a/same.html was rendered anew with the same bytes."""
    releases = tmp_path / "releases"
    pages = {"index.html": PAGE, "a/kept.html": PAGE + "kept", "a/changed.html": PAGE + "old",
             "a/same.html": PAGE + "same"}
    r1 = _release(releases / "r1", pages)
    assets.prepare_release(r1, SETTINGS, ORIGIN, releases, None, now=1000.0)
    r2 = releases / ".build-r2"
    _release(r2, {**pages, "a/changed.html": PAGE + "new"})
    (r2 / "a" / "kept.html").unlink()
    os.link(r1 / "a" / "kept.html", r2 / "a" / "kept.html")  # already rewritten in r1
    report = assets.prepare_release(r2, SETTINGS, ORIGIN, releases, r1, now=2000.0)
    return releases, r1, r2, pages, report


def test_a_page_linked_from_the_previous_release_takes_its_gz_and_others_are_compressed(
        tmp_path):
    releases, r1, r2, pages, report = _increment(tmp_path)
    same = os.path.samefile
    # The previous release's own file: its .gz, as a link.
    assert same(r2 / "a" / "kept.html.gz", r1 / "a" / "kept.html.gz")
    # Rendered again with other bytes: compressed again, never the stale .gz.
    assert not same(r2 / "a" / "changed.html.gz", r1 / "a" / "changed.html.gz")
    assert gzip.decompress((r2 / "a" / "changed.html.gz").read_bytes()) == (
        r2 / "a" / "changed.html").read_bytes()
    assert b"new" in (r2 / "a" / "changed.html").read_bytes()
    # Rendered again with the same bytes (a new inode): still the old .gz.
    assert same(r2 / "a" / "same.html.gz", r1 / "a" / "same.html.gz")
    for rel in ("index.html", "a/kept.html", "a/changed.html", "a/same.html",
                "theme/css/site.css"):
        assert gzip.decompress((r2 / f"{rel}.gz").read_bytes()) == (r2 / rel).read_bytes(), rel
    assert report.reused_gz >= 3 and report.compressed > report.reused_gz


def test_an_increment_gives_the_files_of_a_release_built_from_nothing(tmp_path):
    releases, _r1, r2, pages, _report = _increment(tmp_path)
    clean_releases = tmp_path / "clean"
    clean = _release(clean_releases / ".build-r2", {**pages, "a/changed.html": PAGE + "new"})
    assets.prepare_release(clean, SETTINGS, ORIGIN, clean_releases, None, now=2000.0)
    assert _tree_files(r2) == _tree_files(clean)


def test_a_changed_asset_rewrites_pages_the_previous_release_shared(tmp_path):
    """An unchanged page (same inode) names the old stylesheet when the stylesheet changed:
    it is rewritten, and its .gz is made from the rewritten page, not linked."""
    releases, r1, r2, pages, _report = _increment(tmp_path)
    r3 = releases / ".build-r3"
    shutil.copytree(r2, r3, copy_function=os.link)
    for p in list(r3.rglob("*")):
        if p.name.endswith(".gz") or assets.is_fingerprinted(p.name):
            p.unlink()
    (r3 / "theme" / "css" / "site.css").unlink()
    (r3 / "theme" / "css" / "site.css").write_text("body{color:#222}\n" * 40)
    assets.prepare_release(r3, SETTINGS, ORIGIN, releases, r2, now=3000.0)
    new_css = [p.name for p in (r3 / "theme" / "css").iterdir()
               if assets.is_fingerprinted(p.name) and os.path.samefile(
                   p, r3 / "theme" / "css" / "site.css")]
    assert len(new_css) == 1
    kept = (r3 / "a" / "kept.html").read_text()
    assert new_css[0] in kept
    assert not os.path.samefile(r3 / "a" / "kept.html.gz", r2 / "a" / "kept.html.gz")
    assert gzip.decompress((r3 / "a" / "kept.html.gz").read_bytes()).decode() == kept
    # the old stylesheet stays reachable for pages already in readers' hands
    old_css = [p.name for p in (r2 / "theme" / "css").iterdir() if assets.is_fingerprinted(p.name)]
    assert set(old_css) <= {p.name for p in (r3 / "theme" / "css").iterdir()}


def test_pool_walking_only_the_asset_roots_finds_what_a_whole_walk_finds(tmp_path):
    releases, _r1, r2, _pages, _report = _increment(tmp_path)
    whole = sorted(assets.own_assets(r2))
    roots = sorted(assets.own_assets(r2, assets.Tree(r2, assets.asset_roots(SETTINGS))))
    assert whole == roots and len(whole) == 1  # the stylesheet (its .gz is not fingerprinted)
    assert {e.removesuffix(".gz") for e in assets.Pool(releases).entries()} >= set(whole)


def _shape(root: Path) -> tuple[dict[str, bytes], list[list[str]]]:
    """Every file's bytes, and which names are one file (hard links), relative to `root`."""
    files = _tree_files(root)
    by_inode: dict[int, list[str]] = {}
    for rel in files:
        by_inode.setdefault(os.stat(root / rel).st_ino, []).append(rel)
    return files, sorted(sorted(names) for names in by_inode.values() if len(names) > 1)


def test_many_files_split_over_the_cores_give_the_same_release_as_one_by_one(
        tmp_path, monkeypatch):
    """A first publish and an increment of many pages rewrite asset names in spawned worker
    processes and compress in threads; the releases (bytes, .gz files and which names are
    hard links of one file) are those of the same steps done one file at a time."""
    pages = {f"news/p{i:03d}.html": PAGE + f"<p>{i}</p>" for i in range(60)}
    pages.update({f"tiny/t{i}.html": "작은" for i in range(3)})  # under the .gz minimum
    made = {}
    for label, minimum in (("serial", 10**9), ("parallel", 1)):
        monkeypatch.setattr(assets, "PARALLEL_MIN_FILES", minimum)
        releases = tmp_path / label / "releases"
        r1 = _release(releases / "r1", pages)
        (r1 / "theme" / "css" / "print.css").write_text("@media print{a{color:#000}}\n" * 30)
        report1 = assets.prepare_release(r1, SETTINGS, ORIGIN, releases, None, now=1000.0)
        r2 = releases / ".build-r2"
        _release(r2, {**pages, "news/p007.html": PAGE + "<p>고침</p>"})
        (r2 / "theme" / "css" / "print.css").write_text("@media print{a{color:#000}}\n" * 30)
        for i in range(0, 60, 2):  # half the pages linked from r1, as an increment makes them
            rel = f"news/p{i:03d}.html"
            if rel != "news/p007.html":
                (r2 / rel).unlink()
                os.link(r1 / rel, r2 / rel)
        report2 = assets.prepare_release(r2, SETTINGS, ORIGIN, releases, r1, now=2000.0)
        made[label] = (_shape(r1), _shape(r2), report1, report2)
    serial, parallel = made["serial"], made["parallel"]
    assert parallel[0] == serial[0]
    assert parallel[1] == serial[1]
    for i in (2, 3):
        assert (parallel[i].compressed, parallel[i].reused_gz, parallel[i].rewritten,
                parallel[i].bytes_after) == (serial[i].compressed, serial[i].reused_gz,
                                             serial[i].rewritten, serial[i].bytes_after)
    files, _links = parallel[1]
    # Every page names the fingerprinted stylesheet, and its .gz holds the rewritten page.
    assert all(b"site.css" not in files[rel] and b"/theme/css/site." in files[rel]
               for rel in files if rel.startswith("news/") and rel.endswith(".html"))
    assert gzip.decompress(files["news/p007.html.gz"]) == files["news/p007.html"]
    assert "tiny/t0.html.gz" not in files
    assert parallel[3].reused_gz > 0 and parallel[2].rewritten == 63
