"""`newsroom publish --target DIR|HOST:PATH`: copy the live release to where it is served.

- A local folder: the release is copied beside the target, then swapped in with one
  renameat2(RENAME_EXCHANGE) (Linux 3.15+, glibc 2.28+), so a web server serving the target
  sees the old site or the new one, never a mix. Where the exchange is unsupported, two
  renames leave the target missing for a few microseconds.
- `host:path` (or `--method rsync` for a local folder): `rsync -a --delete --delay-updates`,
  over ssh for a remote host. --delay-updates puts every changed file in place at the end of
  the transfer, which narrows the window in which a reader sees a mix of old and new.

- `remote:bucket/path` (an rclone remote: S3, R2, GCS, Azure, SFTP…, or `--method rclone`):
  Debian's rclone uploads only files whose checksum differs, in an order that keeps every page
  on the target whole at any moment: assets (fingerprinted ones with an immutable
  Cache-Control), then pages and feeds that are new, then the changed ones, and only then
  `rclone sync` deletes what the release no longer has. Old fingerprinted assets are part of
  the release (newsroom.assets links them in), so the deletion keeps them while pages that
  readers may hold still use them. `.gz` twins (for nginx's gzip_static) are not uploaded:
  CDNs compress on their own.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import json
import logging
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from newsroom.assets import is_fingerprinted
from newsroom.common import add_project_arguments, run_locked
from newsroom.core import exits
from newsroom.release import Releases

logger = logging.getLogger(__name__)

RENAME_EXCHANGE = 2
AT_FDCWD = -100
# `host:path` or `user@host:path`, as rsync and scp read it (a local path with a colon
# needs ./ in front, as with rsync).
REMOTE_RE = re.compile(r"^(?:[^@/:\s]+@)?[A-Za-z0-9.\-\[\]]+:")
# Files that link to others: uploaded after everything they may reference.
DOCUMENT_EXTENSIONS = (".html", ".xml", ".txt")
IMMUTABLE = "Cache-Control: public, max-age=31536000, immutable"
REVALIDATE = "Cache-Control: public, max-age=300, must-revalidate"
FEED_TYPES = {".atom.xml": "Content-Type: application/atom+xml; charset=utf-8",
              ".rss.xml": "Content-Type: application/rss+xml; charset=utf-8"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target", required=True,
                        help="a local folder, HOST:PATH for rsync over ssh, or an rclone "
                             "remote REMOTE:bucket/path")
    add_project_arguments(parser, content=False, settings=False, output=True, releases=True)
    parser.add_argument("--method", choices=("auto", "copy", "rsync", "rclone"), default="auto",
                        help="auto: copy and swap for a folder, rclone for a configured rclone "
                             "remote (or :backend,…: strings), rsync for other HOST:PATH")


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


def rclone_remotes() -> set[str]:
    """The names rclone has configured (`rclone listremotes`), without the colon."""
    exe = shutil.which("rclone")
    if exe is None:
        return set()
    proc = subprocess.run([exe, "listremotes"], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)
    return {line.strip().rstrip(":") for line in proc.stdout.splitlines() if line.strip()}


def is_rclone_target(target: str, remotes: set[str]) -> bool:
    """`name:path` with a configured rclone remote, or rclone's `:backend,opts:path` form."""
    if target.startswith(":") and ":" in target[1:]:
        return True
    name, colon, _ = target.partition(":")
    return bool(colon) and name in remotes and "/" not in name


@dataclass
class Plan:
    """The upload steps of one rclone deploy, as file lists relative to the release."""

    immutable: list[str] = field(default_factory=list)  # fingerprinted assets
    assets: list[str] = field(default_factory=list)  # other non-documents
    new_documents: list[str] = field(default_factory=list)  # pages the target does not have
    documents: list[str] = field(default_factory=list)  # pages it has (may have changed)

    def steps(self) -> list[tuple[str, list[str], list[str]]]:
        """(what, files, upload headers) in upload order; feeds get their own types (rclone
        would give them application/xml by extension), ahead of the pages of their step."""
        out = [("fingerprinted assets", self.immutable, [IMMUTABLE]),
               ("other assets", self.assets, [REVALIDATE])]
        for what, files in (("new", self.new_documents), ("changed", self.documents)):
            for suffix, content_type in FEED_TYPES.items():
                out.append((f"{what} {suffix} feeds", [f for f in files if f.endswith(suffix)],
                            [REVALIDATE, content_type]))
            out.append((f"{what} pages", [f for f in files if not f.endswith(tuple(FEED_TYPES))],
                        [REVALIDATE]))
        return out


def deploy_files(release: Path) -> list[str]:
    """What a deploy uploads: every file but dot files and .gz twins."""
    out = []
    for path in sorted(release.rglob("*")):
        rel = path.relative_to(release).as_posix()
        if path.is_file() and not rel.endswith(".gz") and not any(
                part.startswith(".") for part in rel.split("/")):
            out.append(rel)
    return out


def plan(files: list[str], existing: set[str]) -> Plan:
    """Order the upload (pure): assets before the pages that use them, new pages before the
    changed pages that may link to them. The home page goes last."""
    p = Plan()
    for rel in files:
        if rel.endswith(DOCUMENT_EXTENSIONS):
            (p.documents if rel in existing else p.new_documents).append(rel)
        elif is_fingerprinted(rel):
            p.immutable.append(rel)
        else:
            p.assets.append(rel)
    p.documents.sort(key=lambda rel: rel == "index.html")
    return p


@dataclass
class Transfer:
    uploaded: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


def _rclone(args: list[str], transfer: Transfer) -> None:
    """Run rclone with a JSON log; record what it copied and deleted; raise on failure."""
    exe = shutil.which("rclone")
    if exe is None:
        raise FileNotFoundError("rclone is not installed (apt-get install rclone)")
    cmd = [exe, *args, "--use-json-log", "--log-level", "INFO", "--stats", "0"]
    logger.debug("%s", " ".join(cmd))
    proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    errors = []
    for line in proc.stderr.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            errors.append(line)
            continue
        msg, obj = str(entry.get("msg", "")), str(entry.get("object", ""))
        if msg.startswith("Copied"):
            transfer.uploaded.append(obj)
        elif msg.startswith("Deleted"):
            transfer.deleted.append(obj)
        elif entry.get("level") in ("error", "critical"):
            errors.append(f"{obj}: {msg}" if obj else msg)
    if proc.returncode != 0:
        raise RcloneError(f"rclone {args[0]} failed (exit {proc.returncode}): "
                          + "; ".join(errors[-3:]))


class RcloneError(RuntimeError):
    pass


def rclone_publish(source: Path, target: str, tmp: Path) -> Transfer:
    """Upload what changed, in the Plan's order, then delete what the release lost."""
    transfer = Transfer()
    listing = subprocess.run([shutil.which("rclone") or "rclone", "lsf", "-R", "--files-only",
                              target], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    # A target that does not exist yet lists nothing (and may exit non-zero): all is new.
    existing = set(listing.stdout.splitlines()) if listing.returncode == 0 else set()
    steps = plan(deploy_files(source), existing)
    tmp.mkdir(parents=True, exist_ok=True)
    for i, (what, files, headers) in enumerate(steps.steps()):
        if not files:
            continue
        listed = tmp / f"step-{i}.txt"
        listed.write_text("".join(f"{rel}\n" for rel in files), encoding="utf-8")
        before = len(transfer.uploaded)
        _rclone(["copy", str(source), target, "--checksum", "--no-traverse",
                 "--files-from-raw", str(listed),
                 *(arg for header in headers for arg in ("--header-upload", header))], transfer)
        logger.info("%s: %d checked, %d uploaded", what, len(files),
                    len(transfer.uploaded) - before)
    _rclone(["sync", str(source), target, "--checksum", "--exclude", "*.gz",
             "--exclude", ".*", "--exclude", ".*/**"], transfer)
    return transfer


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
        method = args.method
        if method == "auto":
            if args.target.startswith(":") or remote and is_rclone_target(args.target,
                                                                         rclone_remotes()):
                method = "rclone"
            else:
                method = "rsync" if remote else "copy"
        if remote and method == "copy":
            logger.error("--target %s is HOST:PATH: use --method rsync (or auto)", args.target)
            return exits.USAGE
        started = time.monotonic()
        if method == "rclone":
            import tempfile

            with tempfile.TemporaryDirectory(prefix="newsroom-rclone-") as tmp:
                transfer = rclone_publish(source, args.target, Path(tmp))
            logger.info("rclone: %d uploaded, %d deleted", len(transfer.uploaded),
                        len(transfer.deleted))
            print(f"uploaded {len(transfer.uploaded)}, deleted {len(transfer.deleted)}")
        elif method == "rsync":
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
    except RcloneError as e:
        logger.error("publishing to %s failed: %s", args.target, e)
        return exits.FAILED
    except OSError as e:
        logger.error("publishing to %s failed: %s", args.target, e)
        return exits.FAILED
