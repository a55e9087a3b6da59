"""`newsroom publish --target DIR|HOST:PATH`: copy the live release to where it is served.

- A local folder: the release is copied beside the target, then swapped in with one
  renameat2(RENAME_EXCHANGE) (Linux 3.15+, glibc 2.28+), so a web server serving the target
  sees the old site or the new one, never a mix. Where the exchange is unsupported, two
  renames leave the target missing for a few microseconds.
- `host:path` (or `--method rsync` for a local folder): `rsync -a --delete --delay-updates`,
  over ssh for a remote host. --delay-updates puts every changed file in place at the end of
  the transfer, which narrows the window in which a reader sees a mix of old and new.

Object storage (S3, R2, GCS) is documented in docs/operations.md: sync with the provider's
tool from the live release, assets before HTML.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import logging
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

from newsroom.common import add_project_arguments, run_locked
from newsroom.core import exits
from newsroom.release import Releases

logger = logging.getLogger(__name__)

RENAME_EXCHANGE = 2
AT_FDCWD = -100
# `host:path` or `user@host:path`, as rsync and scp read it (a local path with a colon
# needs ./ in front, as with rsync).
REMOTE_RE = re.compile(r"^(?:[^@/:\s]+@)?[A-Za-z0-9.\-\[\]]+:")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target", required=True,
                        help="a local folder, or HOST:PATH for rsync over ssh")
    add_project_arguments(parser, content=False, settings=False, output=True, releases=True)
    parser.add_argument("--method", choices=("auto", "copy", "rsync"), default="auto",
                        help="auto: copy and swap for a folder, rsync for HOST:PATH")


def is_remote(target: str) -> bool:
    return bool(REMOTE_RE.match(target)) and not target.startswith(("/", "./", "../"))


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically; False when the system cannot (then nothing happened)."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    rc = fn(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    if rc != 0:
        err = ctypes.get_errno()
        logger.debug("renameat2(%s, %s) failed: %s", a, b, os.strerror(err))
        return False
    return True


def copy_swap(source: Path, target: Path) -> None:
    """Copy `source` next to `target`, then swap it in."""
    target = target.absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.new-{os.getpid()}")
    if staging.exists():
        shutil.rmtree(staging)
    shutil.copytree(source, staging, symlinks=False)
    if not target.exists() and not target.is_symlink():
        os.rename(staging, target)
        return
    if target.is_dir() and not target.is_symlink() and exchange(staging, target):
        shutil.rmtree(staging)  # now holds the previous site
        return
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    os.rename(target, old)
    os.rename(staging, target)
    if old.is_dir() and not old.is_symlink():
        shutil.rmtree(old)
    else:
        old.unlink()


def rsync(source: Path, target: str) -> int:
    exe = shutil.which("rsync")
    if exe is None:
        raise FileNotFoundError("rsync is not installed (needed for --method rsync and HOST:PATH)")
    cmd = [exe, "-a", "--delete", "--delay-updates", "--exclude", ".*",
           f"{source}/", target.rstrip("/") + "/"]
    logger.info("%s", " ".join(cmd))
    return subprocess.run(cmd, stdin=subprocess.DEVNULL).returncode


def run(args: argparse.Namespace) -> int:
    releases = Releases(args.releases, args.output)
    return run_locked(args.state, lambda: publish(args, releases))


def publish(args: argparse.Namespace, releases: Releases) -> int:
    """Copy the live release to the target under the job lock; returns the exit code."""
    try:
        live = releases.live()
        if live is None:
            logger.error("%s: no live release to publish (run `newsroom update` first)",
                         args.output)
            return exits.USAGE
        source = releases.path(live).resolve()
        remote = is_remote(args.target)
        method = args.method if args.method != "auto" else ("rsync" if remote else "copy")
        if remote and method == "copy":
            logger.error("--target %s is HOST:PATH: use --method rsync (or auto)", args.target)
            return exits.USAGE
        started = time.monotonic()
        if method == "rsync":
            code = rsync(source, args.target)
            if code != 0:
                logger.error("rsync to %s failed with exit code %d", args.target, code)
                return exits.FAILED
        else:
            copy_swap(source, Path(args.target))
        logger.info("published release %s to %s (%s) in %.1f s", live, args.target, method,
                    time.monotonic() - started)
        print(f"{live} -> {args.target}")
        return exits.OK
    except FileNotFoundError as e:
        logger.error("%s", e)
        return exits.USAGE
    except OSError as e:
        logger.error("publishing to %s failed: %s", args.target, e)
        return exits.FAILED
