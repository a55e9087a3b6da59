"""`newsroom publish --target REMOTE:path` through Debian's rclone, against a real SFTP server.

`rclone serve sftp` serves a tmp folder on 127.0.0.1 (it answers md5sum, so checksums work as
with S3 or R2); the project's rclone.conf names it `newsroomtest`. The folder behind the server
is what a CDN would serve, so the tests read it directly.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from serving_helpers import free_port, make_site

from newsroom.validate import page_links, resolve_link

pytestmark = pytest.mark.skipif(shutil.which("rclone") is None,
                                reason="rclone is not installed (apt-get install rclone)")
REMOTE = "newsroomtest"
UPLOADED_RE = re.compile(r"^uploaded (\d+), deleted (\d+)$", re.M)


@pytest.fixture(scope="module")
def sftp(tmp_path_factory):
    base = tmp_path_factory.mktemp("rclone")
    served = base / "served"
    served.mkdir()
    port = free_port()
    env = dict(os.environ, RCLONE_CONFIG=str(base / "rclone.conf"),
               RCLONE_CACHE_DIR=str(base / "cache"))
    password = subprocess.run(["rclone", "obscure", "secret"], capture_output=True, text=True,
                              check=True, env=env).stdout.strip()
    (base / "rclone.conf").write_text(
        f"[{REMOTE}]\ntype = sftp\nhost = 127.0.0.1\nport = {port}\nuser = deploy\n"
        f"pass = {password}\nshell_type = unix\nmd5sum_command = md5sum\n"
        f"sha1sum_command = sha1sum\n", encoding="utf-8")
    log = open(base / "serve.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(["rclone", "serve", "sftp", str(served), "--addr",
                             f"127.0.0.1:{port}", "--user", "deploy", "--pass", "secret"],
                            env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
    end = time.monotonic() + 20
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    yield served, env
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


def publish(site, env, extra: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsroom.cli", "-v", "publish", "--target",
                           f"{REMOTE}:news"], cwd=site.root, env={**site.env(), **env,
                                                                 **(extra or {})},
                          capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL)


def counts(proc) -> tuple[int, int]:
    assert proc.returncode == 0, proc.stdout + proc.stderr
    m = UPLOADED_RE.search(proc.stdout)
    return int(m.group(1)), int(m.group(2))


def files(root: Path) -> dict[str, bytes]:
    """What a deploy carries: every file but .gz twins and dot files (such as the release's
    .redirects.map, which only nginx reads)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.name.endswith(".gz")
            and not any(part.startswith(".") for part in p.relative_to(root).parts)}


def whole(target: Path, old: dict[str, bytes], new: dict[str, bytes]) -> list[str]:
    """Problems of a target mid-deploy: a page that is neither version, or that links to a
    file (page, stylesheet, image) the target does not have."""
    have = files(target)
    problems = []
    for rel, data in have.items():
        if data not in (old.get(rel), new.get(rel)):
            problems.append(f"{rel}: neither the old nor the new version")
        if rel.endswith(".html"):
            for _attr, link in page_links(data):
                path = resolve_link(rel, link, "http://127.0.0.1:8000")
                if path and not path.startswith("../") and path not in have:
                    problems.append(f"{rel}: links to missing {path}")
    return problems


def test_deploys_upload_what_changed_and_an_interrupted_one_leaves_a_whole_site(
        tmp_path, sftp):
    served, env = sftp
    target = served / "news"
    site = make_site(tmp_path / "site")
    first = site.update()

    # 1. The first deploy uploads everything (no .gz twins, no dot files).
    uploaded, deleted = counts(publish(site, env))
    release1 = files(site.releases / first)
    assert uploaded == len(release1) and deleted == 0
    assert (site.releases / first / ".redirects.map").is_file()
    assert not (target / ".redirects.map").exists(), "nginx's redirects map was deployed"
    assert files(target) == release1

    # 2. After one new article only the changed files go up.
    page = site.add_article()
    second = site.update()
    release2 = files(site.releases / second)
    changed = {rel for rel, data in release2.items() if release1.get(rel) != data}
    gone = set(release1) - set(release2)
    proc = publish(site, env)
    uploaded, deleted = counts(proc)
    assert page in changed and (uploaded, deleted) == (len(changed), len(gone)), proc.stderr
    assert uploaded < len(release2) / 2, f"{uploaded} of {len(release2)} files uploaded"
    assert files(target) == release2
    # A deploy with nothing new uploads nothing.
    assert counts(publish(site, env)) == (0, 0)

    # 3. Interrupted at random points, the target
    # always has whole pages: each the old or the new version, none linking to a missing file
    # (RCLONE_TPSLIMIT slows the deploy to 15 transactions a second so a kill lands inside).
    site.add_article()
    site.change_stylesheet(".site-header { border-bottom-width: 2px; }")
    third = site.update()
    release3 = files(site.releases / third)
    rnd = random.Random(13)
    states = []
    for _ in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-m", "newsroom.cli", "publish", "--target", f"{REMOTE}:news"],
            cwd=site.root, env={**site.env(), **env, "RCLONE_TPSLIMIT": "15"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
            start_new_session=True)
        # Wait until the upload has begun (the target moved off the old release), then kill
        # at a random point after: a fixed clock would miss the window on a loaded machine.
        end = time.monotonic() + 120
        while files(target) == release2 and proc.poll() is None and time.monotonic() < end:
            time.sleep(0.05)
        delay = rnd.uniform(0.0, 1.5)
        time.sleep(delay)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        problems = whole(target, release2, release3)
        assert problems == [], problems[:10]
        now = files(target)
        states.append(("old" if now == release2 else "new" if now == release3 else "mixed",
                       round(delay, 1)))
    assert "mixed" in [state for state, _delay in states], f"no interruption landed mid-deploy: {states}"
    counts(publish(site, env))
    assert files(target) == release3
    print(f"\nrclone deploys: first {len(release1)} files uploaded; after one new article "
          f"{len(changed)} of {len(release2)} uploaded, {len(gone)} deleted; "
          f"interrupted: {states}")
