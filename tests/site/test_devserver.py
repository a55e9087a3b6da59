"""The editors' preview: `make devserver` (pelican -r with pelicanconf.py) rebuilds on change.

Runs the real Pelican autoreload loop as a process on a copy of the sample content: its first
build must log no warning (an editor learns to ignore a preview that always warns), and a new
article saved under content/ must appear in the preview without restarting it.
"""

from __future__ import annotations

import os
import selectors
import shutil
import subprocess
import sys
import time

from helpers import PROJECT_ROOT, TEST_NOW, write_article


def _read_until(proc: subprocess.Popen, needle: str, seconds: float) -> str:
    """Output of `proc` up to and including the first line containing `needle`."""
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    text, deadline = "", time.monotonic() + seconds
    while needle not in text and time.monotonic() < deadline:
        if sel.select(timeout=0.2):
            line = proc.stdout.readline()
            if not line:
                break
            text += line
    return text


def test_devserver_builds_without_warnings_and_picks_up_a_new_article(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", content,
                    ignore=shutil.ignore_patterns("scraped"))
    out = tmp_path / "preview"
    env = {**os.environ, "NEWSROOM_NOW": TEST_NOW, "COLUMNS": "200", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pelican", "-r", str(content), "-o", str(out),
         "-s", str(PROJECT_ROOT / "pelicanconf.py")],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        first = _read_until(proc, "Done:", 60)
        assert "Done:" in first, f"no first build within 60 s:\n{first}"
        # The watcher reports missing watched paths a moment after the build.
        first += _read_until(proc, "\x00never", 2)
        assert "WARNING" not in first and "ERROR" not in first, first

        write_article(content / "articles", "devserver-new-story", "저장하면 미리 보기에 나온다.",
                      Title="미리 보기 새 기사", Date="2026-11-25 09:00:00", Category="경제")
        page = out / "news" / "devserver-new-story.html"
        deadline = time.monotonic() + 30
        while not page.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert page.exists(), "the preview did not rebuild after a new article was saved"
        assert "미리 보기 새 기사" in page.read_text(encoding="utf-8")
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()
