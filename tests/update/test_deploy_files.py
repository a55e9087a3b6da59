"""The shipped scheduling files: the wrapper script runs for real; cron and systemd agree with it."""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from newsroom.core.exits import LOCKED as EXIT_LOCKED

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def test_wrapper_script_updates_and_deploys_to_a_local_folder(published, tmp_path):
    # The script calls .venv/bin/newsroom in NEWSROOM_HOME, as on a server.
    (published.root / "deploy").mkdir()
    script = published.root / "deploy" / "update-and-publish.sh"
    shutil.copy2(DEPLOY / "update-and-publish.sh", script)
    venv_bin = published.root / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    shim = venv_bin / "newsroom"
    shim.write_text(f"#!/bin/sh\nexec {sys.executable} -m newsroom.cli \"$@\"\n", "utf-8")
    shim.chmod(0o755)
    target = tmp_path / "www"
    published.write("articles/by-cron.md", "Title: 예약 작업 기사\nDate: 2025-11-23 10:00\n"
                    "Category: 경제\n\n본문.\n")
    env = published.env(NEWSROOM_HOME=str(published.root), DEPLOY_TARGET=str(target))
    proc = subprocess.run(["sh", str(script)], env=env, cwd="/", capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # quiet under cron: nothing to mail when all went well
    assert proc.stdout == "" and proc.stderr == ""
    assert (target / "news" / "by-cron.html").is_file()
    assert (published.output / "news" / "by-cron.html").is_file()


def test_crontab_line_runs_the_wrapper_every_ten_minutes():
    jobs = [line for line in (DEPLOY / "crontab").read_text("utf-8").splitlines()
            if line.strip() and not line.startswith("#") and not re.match(r"^\w+=", line)]
    assert len(jobs) == 1, jobs
    fields = jobs[0].split(None, 5)
    assert fields[:5] == ["*/10", "*", "*", "*", "*"]
    assert fields[5].endswith("deploy/update-and-publish.sh")
    assert os.access(DEPLOY / "update-and-publish.sh", os.X_OK)


def test_systemd_units_point_at_the_wrapper_and_accept_the_lock_exit_code():
    service = configparser.ConfigParser(strict=False, interpolation=None)
    service.optionxform = str
    service.read(DEPLOY / "newsroom-update.service", encoding="utf-8")
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["ExecStart"].split()[0].endswith("deploy/update-and-publish.sh")
    # a run that found another one holding the lock is not a failed unit
    assert service["Service"]["SuccessExitStatus"].split() == [str(EXIT_LOCKED)]
    timer = configparser.ConfigParser(strict=False, interpolation=None)
    timer.optionxform = str
    timer.read(DEPLOY / "newsroom-update.timer", encoding="utf-8")
    assert timer["Timer"]["OnCalendar"] == "*:0/10"
    assert timer["Install"]["WantedBy"] == "timers.target"
    verify = shutil.which("systemd-analyze")
    if verify:  # not on every machine; when present it has the last word on syntax
        proc = subprocess.run([verify, "verify", "--man=no", str(DEPLOY / "newsroom-update.timer")],
                              capture_output=True, text=True)
        assert "Unknown" not in proc.stderr and "Invalid" not in proc.stderr, proc.stderr
