"""`newsroom build` never writes through the live release link."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import PROJECT_ROOT


def test_build_refuses_the_live_link_and_builds_elsewhere(tmp_path: Path) -> None:
    for name in ("pelicanconf.py", "publishconf.py"):
        shutil.copy(PROJECT_ROOT / name, tmp_path / name)
    for name in ("theme", "plugins"):
        shutil.copytree(PROJECT_ROOT / name, tmp_path / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "content" / "articles").mkdir(parents=True)
    (tmp_path / "content" / "articles" / "one.md").write_text(
        "Title: 하나\nDate: 2026-11-20 10:00\nCategory: 경제\n\n본문.\n", "utf-8")
    live = tmp_path / "releases" / "r1"
    live.mkdir(parents=True)
    (live / "index.html").write_text("live site", "utf-8")
    os.symlink("releases/r1", tmp_path / "output")
    cmd = [sys.executable, "-m", "newsroom.cli", "build"]

    refused = subprocess.run(cmd + ["-o", "output"], cwd=tmp_path, capture_output=True,
                             text=True, timeout=120)
    assert refused.returncode == 2
    assert "live release link" in refused.stderr
    assert (live / "index.html").read_text("utf-8") == "live site"

    built = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stdout + built.stderr
    assert (tmp_path / "preview" / "news" / "one.html").is_file()
    assert (live / "index.html").read_text("utf-8") == "live site"
