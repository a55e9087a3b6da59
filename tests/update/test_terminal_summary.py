"""One Korean line on success when a person runs the job or the check in a terminal, nothing
when cron or a script runs them (issue 14)."""

from __future__ import annotations

import os
import subprocess


def _run_in_terminal(project, *args: str) -> tuple[int, str]:
    """Run `newsroom ARGS` with its stdout on a pseudo-terminal; (exit code, what it printed)."""
    master, slave = os.openpty()
    try:
        proc = subprocess.run(project.cmd(*args), cwd=project.root, env=project.env(),
                              stdin=subprocess.DEVNULL, stdout=slave,
                              stderr=subprocess.PIPE, timeout=300)
    finally:
        os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the terminal's other side is closed and drained
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")


def test_update_and_check_say_one_line_in_a_terminal_and_nothing_under_cron(published):
    project = published
    code, out = _run_in_terminal(project, "update", "--no-scrape")
    assert code == 0
    assert out.strip() == f"바뀐 것 없음: 발행본 {project.live().split('/')[-1]} 그대로"

    project.write("articles/new.md", "Title: 새 기사\nDate: 2025-11-24 09:00\nCategory: 정치\n\n본문.\n")
    code, out = _run_in_terminal(project, "update", "--no-scrape")
    assert code == 0
    live = project.live().split("/")[-1]
    assert out.strip().startswith(f"게시 완료: 발행본 {live}, ") and out.count("\n") <= 1

    code, out = _run_in_terminal(project, "check")
    assert code == 0 and out.strip().startswith("확인 완료: 파일 ") and "문제 없음" in out

    # Under cron (stdout not a terminal) a successful run prints nothing.
    quiet = project.run("update", "--no-scrape", "--force")
    assert quiet.code == 0 and quiet.stdout == ""
    assert project.run("check").stdout == ""
