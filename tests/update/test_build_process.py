"""The job's Pelican build runs in a child process: a fork of the job (Pelican is imported
there already) or, with NEWSROOM_BUILD_FORK=0 or another thread running, a new interpreter.
Either way: the same release, the same log, the same timeout, and no builder left behind."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from jobsite import Project

FORKED = "forked from the job"


def _texts(root) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and p.suffix in (".html", ".xml", ".json", ".txt", ".js", ".css")}


def _copy(project: Project, dest) -> Project:
    shutil.copytree(project.root, dest, symlinks=True,
                    ignore=shutil.ignore_patterns("releases", ".state", "output", "status*"))
    return Project(dest)


def test_a_forked_build_equals_one_in_a_new_interpreter(project, tmp_path):
    project.write("articles/fork.md", "Title: 포크 빌드\nDate: 2025-11-24 09:00\n"
                  "Category: 정치\nTags: 대구\n\n본문.\n")
    other = _copy(project, tmp_path / "spawned")

    forked = project.run("update", "-vv")
    spawned = other.run("update", "-vv", env={"NEWSROOM_BUILD_FORK": "0"})

    assert forked.code == 0 and spawned.code == 0, forked.output + spawned.output
    assert FORKED in forked.stderr
    assert FORKED not in spawned.stderr
    assert _texts(project.output.resolve()) == _texts(other.output.resolve())
    # The build's own log is Pelican's plain lines in both, not the job's KST format.
    for site in (project, other):
        log = Path(f"{site.output.resolve()}.log")
        lines = log.read_text(encoding="utf-8").splitlines()
        assert lines and all(not line[:4].isdigit() for line in lines), lines[:3]
        assert any(line.startswith("INFO newsroom") for line in lines), lines[:5]


def test_a_forked_build_reads_the_build_s_settings_not_the_job_s(published):
    """The job loaded pelicanconf.py with its own environment; the fork must not reuse that
    module: the content cache path (NEWSROOM_CACHE_PATH) comes from the build's."""
    published.write("articles/cache.md", "Title: 캐시 확인\nDate: 2025-11-24 10:00\n"
                    "Category: 경제\n\n본문.\n")
    result = published.run("update", "-vv")
    assert result.code == 0 and FORKED in result.stderr, result.output
    cache = published.root / ".state" / "pelican-cache"
    assert cache.is_dir() and any(cache.iterdir()), "the build did not use the job's cache path"
    assert not (published.root / "cache").exists()


@pytest.mark.parametrize("fork", ["1", "0"])
def test_a_build_past_its_timeout_is_stopped_and_the_live_site_stays(published, fork):
    live, files = published.live(), published.live_files()
    published.write("articles/slow.md", "Title: 느린 빌드\nDate: 2025-11-24 11:00\n"
                    "Category: 문화\n\n본문.\n")
    result = published.run("update", "-vv", "--build-timeout", "0.05",
                           env={"NEWSROOM_BUILD_FORK": fork})

    assert result.code == 1, result.output
    assert (FORKED in result.stderr) == (fork == "1")
    assert "--build-timeout" in result.stderr
    assert published.live() == live
    assert published.live_files() == files
    failed = [p for p in (published.root / "releases").iterdir() if p.name.startswith("failed-")]
    assert failed, "the stopped build is not kept for a look"
    # Nothing of the build survives it.
    assert not _builders()


def test_a_run_with_nothing_to_build_leaves_no_builder_waiting(published):
    """The builder is forked before the job knows whether it will build; a run with nothing
    new lets it go, and the run still says so in its result."""
    result = published.run("update", "-vv")
    assert result.code == 0, result.output
    assert published.status()["result"] == "no changes"
    assert FORKED not in result.stderr
    assert not _builders()


def _builders() -> list[str]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm", "rb") as f:
                    if f.read().strip() == b"pelican-build":
                        found.append(entry)
            except OSError:
                continue
    return found


# Run in a process of its own: the test process may run other tests' threads, and the job
# forks its builder only while it runs one thread.
HOLDER_SCRIPT = r"""
import os, sys, time
from pathlib import Path
from newsroom import builder

root, tmp = Path(sys.argv[1]), Path(sys.argv[2])
os.chdir(root)
used, spare = builder.Zygote.start(), builder.Zygote.start()
print("zygotes", used is not None and spare is not None, flush=True)
holders = []
for _ in range(2):  # each holds every descriptor this process has, the pipes' too
    pid = os.fork()
    if pid == 0:
        time.sleep(60)
        os._exit(0)
    holders.append(pid)
try:
    code, _ = builder.run_pelican(root / "content", root / "publishconf.py", tmp / "out",
                                  tmp / "build.log", state_dir=tmp / "state", timeout=60,
                                  zygote=used)
    print("code", code)
    print("page", (tmp / "out" / "news" / "politics-council.html").is_file())
    print("used", used.ready)
    started = time.monotonic()
    builder.cancel_zygotes()  # the spare one: its pipe is held open, so it is killed
    print("cancelled in", round(time.monotonic() - started))
    try:
        os.waitpid(spare.pid, os.WNOHANG)
        print("spare left", True)
    except ChildProcessError:
        print("spare left", False)
finally:
    for pid in holders:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
"""


def test_the_builder_gets_its_build_while_another_process_holds_its_pipe(project, tmp_path):
    """A process forked by the job after the builder (none today, but a plugin could) keeps
    the builder's pipe open: the builder still reads its whole build and runs it, and an
    unused builder is still let go (killed) when the run ends."""
    import subprocess
    import sys

    env = project.env()
    env.pop("NEWSROOM_BUILD_FORK", None)
    env.pop("NEWSROOM_BUILD_PROFILE", None)
    proc = subprocess.run([sys.executable, "-c", HOLDER_SCRIPT, str(project.root), str(tmp_path)],
                          env=env, capture_output=True, text=True, timeout=180,
                          stdin=subprocess.DEVNULL)
    lines = proc.stdout.splitlines()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "zygotes True" in lines, proc.stdout
    log = tmp_path / "build.log"
    assert "code 0" in lines, log.read_text(encoding="utf-8")[-2000:] if log.exists() else lines
    assert "page True" in lines
    assert "used False" in lines
    assert "spare left False" in lines
    assert any(line.startswith("cancelled in ") and int(line.split()[-1]) <= 3
               for line in lines), proc.stdout
