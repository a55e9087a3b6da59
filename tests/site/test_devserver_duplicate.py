"""`make devserver` (`pelican -lr`) with two files of one slug (issue 14).

Pelican's writer refused to write the second page over the first and raised; `pelican -r`
rebuilds at once after an exception without waiting for a change, so the preview looped
without ever finishing a build: no banner, no update. A real `pelican -lr` process on a copy
of the sample content, watched for a few seconds: one build, the duplicate named on the
banner, the earlier file's page kept, and the server answering.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from helpers import PROJECT_ROOT, TEST_NOW, parse_html, text_of

ORIGINAL = "cheongju-library-night-reading"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_devserver_skips_a_duplicate_slug_once_and_keeps_serving(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", content, ignore=shutil.ignore_patterns("scraped"))
    original = content / "articles" / f"{ORIGINAL}.md"
    text = original.read_text(encoding="utf-8")
    title = re.search(r"^Title: (.*)$", text, re.M).group(1)
    copy = re.sub(r"^Title: .*$", "Title: 같은 슬러그의 나중 기사", text, count=1, flags=re.M)
    copy = re.sub(r"^Date: .*$", "Date: 2026-11-24 10:00:00", copy, count=1, flags=re.M)
    (content / "articles" / "zz-later-copy.md").write_text(copy, encoding="utf-8")

    out, log = tmp_path / "preview", tmp_path / "devserver.log"
    port = _free_port()
    env = {**os.environ, "NEWSROOM_NOW": TEST_NOW, "COLUMNS": "300", "PYTHONUNBUFFERED": "1",
           "NO_COLOR": "1", "TERM": "dumb"}
    with open(log, "w", encoding="utf-8") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "pelican", "-lr", "-p", str(port), "-b", "127.0.0.1",
             str(content), "-o", str(out), "-s", str(PROJECT_ROOT / "pelicanconf.py")],
            cwd=tmp_path, env=env, stdout=sink, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,  # its own group: the children too
        )
    try:
        deadline = time.monotonic() + 90
        while "Done:" not in log.read_text(encoding="utf-8") and time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text(encoding="utf-8")
            time.sleep(0.2)
        time.sleep(4)  # a loop would rebuild (and log) many times in these seconds
        text_log = log.read_text(encoding="utf-8")
        assert text_log.count("Done:") == 1, text_log[-4000:]
        assert "Caught exception" not in text_log and "Failed to overwrite" not in text_log
        assert proc.poll() is None, "the devserver stopped"

        home = parse_html(out / "index.html")
        banner = home.find("section", class_="problems")
        assert banner is not None, "no problems banner in the preview"
        assert "zz-later-copy.md" in text_of(banner) and f"slug '{ORIGINAL}' 중복" in text_of(banner)
        page = parse_html(out / "news" / f"{ORIGINAL}.html")
        assert text_of(page.find("h1")) == title, "the earlier file lost its page"
        assert "같은 슬러그의 나중 기사" not in (out / "index.html").read_text(encoding="utf-8")

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
            assert r.status == 200
            assert "우리고장뉴스" in r.read().decode("utf-8")
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
