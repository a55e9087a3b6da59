"""The update job against a broken environment (issue 10, item 13): every failure has a
documented exit code and a one-line reason, never a traceback; what a killed run leaves is
cleaned; failed builds never pile up. Real `newsroom update` processes on a real project."""

from __future__ import annotations

import gzip
import os

from helpers import in_tiny_filesystem
from lxml import etree

from newsroom.release import KEEP_FAILED, Releases


def test_releases_as_a_regular_file_is_a_usage_error(project):
    (project.root / "releases").write_text("not a folder\n", encoding="utf-8")
    result = project.update()
    assert result.code == 2, result.output
    assert "releases: not a folder (--releases)" in result.output
    assert "Traceback" not in result.output
    assert project.status()["exit_code"] == 2


def test_a_killed_status_write_leaves_nothing_behind(published):
    # atomic_write's temporary name for status.json, as a kill -9 mid-write leaves it.
    stale = published.root / f".status.{os.getpid()}abc.tmp"
    stale.write_text("{", encoding="utf-8")
    result = published.update()
    assert result.code == 0, result.output
    assert not stale.exists()
    assert f"removed {stale.name} left by an interrupted run" in result.output


def test_failed_builds_are_pruned_before_a_new_one_is_kept(tmp_path):
    releases = Releases(tmp_path / "releases", tmp_path / "output")
    for n in range(KEEP_FAILED + 2):
        build = releases.start_build(f"2026113{n}")
        build.mkdir()
        (build / "index.html").write_text("x", encoding="utf-8")
        releases.fail(build, f"2026113{n}", "log")
    kept = sorted(p.name for p in releases.dir.iterdir() if p.is_dir())
    assert kept == [f"failed-2026113{n}" for n in range(2, KEEP_FAILED + 2)]
    # A build that failed for want of disk space is not kept at all (only its log).
    build = releases.start_build("20261199")
    build.mkdir()
    (build / "big.html").write_text("x" * 1000, encoding="utf-8")
    failed = releases.fail(build, "20261199", "OSError: [Errno 28] No space left on device",
                           keep_build=False)
    assert not build.exists() and list(failed.iterdir()) == []
    assert (releases.dir / "failed-20261199.log").read_text().endswith("No space left on device")


def test_a_full_disk_while_building_is_exit_1_with_one_line(project):
    releases = project.root / "releases"
    result = in_tiny_filesystem(releases, project.cmd("update", "-v"), size="64k",
                                env=project.env(), cwd=project.root)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "out of disk space" in result.stderr
    assert "Traceback" not in result.stderr
    status = project.status()
    assert status["exit_code"] == 1
    assert "out of disk space" in " ".join(status["errors"] + status["problems"])


def test_a_character_feeds_cannot_carry_holds_back_one_file_not_the_site(published):
    bad = published.write("articles/nonchar.md",
                          "Title: 비문자\ufffe 제목\nDate: 2025-11-23 10:00\nCategory: 정치\n\n본문\n")
    published.write("articles/fine.md",
                    "Title: 멀쩡한 새 기사\nDate: 2025-11-23 11:00\nCategory: 정치\n\n본문입니다.\n")
    result = published.update()
    assert result.code == 5, result.output
    held = published.status()["held_back"]
    assert [h["file"] for h in held] == ["articles/nonchar.md"]
    assert "U+FFFE" in held[0]["problems"][0] and ":1:" in held[0]["problems"][0]
    files = published.live_files()
    assert any(name.startswith("news/") and "멀쩡한 새 기사".encode() in data
               for name, data in files.items())
    for name, data in files.items():
        if name.startswith("feeds/"):
            if name.endswith(".gz"):  # the precompressed copy nginx serves (newsroom.assets)
                data = gzip.decompress(data)
            etree.fromstring(data)  # well-formed
    assert bad.exists()
