"""Releases: immutable build folders and the `output` symlink that makes one of them live.

Layout (all beside each other so a rename is atomic, never across file systems):

    releases/20251125T203012.123456Z/        a published build, served as is
    releases/20251125T203012.123456Z.json    its manifest and build facts (never served)
    releases/20251125T203012.123456Z.log     Pelican's log of that build
    releases/.build-<id>/                    a build in progress (removed by the next run)
    releases/failed-<id>/, failed-<id>.log   a build that failed or did not validate
    releases/assets/, assets.json            fingerprinted assets kept for pages still in
                                             readers' hands (newsroom.assets)
    output -> releases/<id>                  the live site

Going live is `symlink(output.tmp-<pid>)` then `os.replace(tmp, output)`: rename(2) swaps the
link in one step, so a reader (or the web server) sees the old release or the new one, never
a half-written folder. `newsroom rollback` uses the same switch.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from newsroom.common import add_project_arguments, run_locked
from newsroom.core import exits
from newsroom.core.files import atomic_write_json, atomic_write_text, fsync_dir

logger = logging.getLogger(__name__)

ID_FORMAT = "%Y%m%dT%H%M%S.%fZ"
ID_RE = re.compile(r"^\d{8}T\d{6}\.\d{6}Z(?:-\d+)?$")
KEEP_FAILED = 3


class ReleaseError(RuntimeError):
    """The releases folder or the output link is not in a state we can work with."""


TRASH_PREFIX = ".trash-"


def _rmtree(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.exists():
        # A trash folder may be going away in a background process at the same time.
        shutil.rmtree(path, ignore_errors=path.name.startswith(TRASH_PREFIX))


def _delete_later(paths: list[Path]) -> None:
    """Remove `paths` in a detached process; a leftover is removed by the next run's
    `recover`."""
    code = "import shutil, sys\nfor p in sys.argv[1:]:\n    shutil.rmtree(p, ignore_errors=True)\n"
    try:
        subprocess.Popen([sys.executable, "-c", code, *map(str, paths)],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        for p in paths:
            shutil.rmtree(p, ignore_errors=True)


def _to_trash(path: Path) -> Path | None:
    """Move a folder out of the way at once (a rename) to be deleted later; the trash name,
    or None when it could not be moved and was deleted now."""
    target = path.with_name(f"{TRASH_PREFIX}{path.name.lstrip('.')}")
    try:
        os.rename(path, target)
    except OSError:
        _rmtree(path)
        return None
    return target


def trash_later(path: Path) -> None:
    """Move a folder out of the way now and delete it in the background."""
    target = _to_trash(path)
    if target is not None:
        _delete_later([target])


class Releases:
    """The releases folder and the live link."""

    def __init__(self, releases_dir: Path, output: Path):
        self.dir = Path(releases_dir)
        self.output = Path(output)

    # --- reading -----------------------------------------------------------------------

    def ids(self) -> list[str]:
        """Completed releases, oldest first (ids sort by time)."""
        if not self.dir.is_dir():
            return []
        return sorted(p.name for p in self.dir.iterdir() if ID_RE.match(p.name) and p.is_dir())

    def path(self, release_id: str) -> Path:
        return self.dir / release_id

    def live(self) -> str | None:
        """The id of the release `output` points to, or None (no link, or not one of ours)."""
        if not self.output.is_symlink():
            return None
        target = (self.output.parent / os.readlink(self.output)).resolve()
        if target.parent == self.dir.resolve() and ID_RE.match(target.name) and target.is_dir():
            return target.name
        return None

    def meta(self, release_id: str) -> dict | None:
        try:
            return json.loads((self.dir / f"{release_id}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    # --- writing -----------------------------------------------------------------------

    def new_id(self) -> str:
        base = datetime.now(UTC).strftime(ID_FORMAT)
        rid, n = base, 1
        while (self.dir / rid).exists() or (self.dir / f".build-{rid}").exists():
            rid, n = f"{base}-{n}", n + 1
        return rid

    def start_build(self, release_id: str) -> Path:
        """A fresh, empty folder for Pelican to build into."""
        self.dir.mkdir(parents=True, exist_ok=True)
        path = self.dir / f".build-{release_id}"
        _rmtree(path)
        return path

    def commit(self, build_dir: Path, release_id: str, meta: dict, log_path: Path) -> Path:
        """Turn a validated build folder into a release (facts first, then the folder)."""
        atomic_write_json(self.dir / f"{release_id}.json", meta, compact=True)
        if log_path.exists():
            os.replace(log_path, self.dir / f"{release_id}.log")
        final = self.dir / release_id
        os.replace(build_dir, final)
        fsync_dir(self.dir)
        return final

    def fail(self, build_dir: Path, release_id: str, log_text: str, *,
             keep_build: bool = True) -> Path:
        """Keep a failed build as failed-<id> for inspection; only the last few are kept.

        Older failed builds are pruned first, so the space they held is free for the log.
        `keep_build=False` (the disk is full) removes the build folder instead of keeping a
        copy that would keep the disk full. Writing the log is best effort: a full disk must
        not turn a failed build into a traceback.
        """
        failed = self.dir / f"failed-{release_id}"
        olds = sorted(p.name for p in self.dir.iterdir()
                      if p.name.startswith("failed-") and p.is_dir())
        for name in olds[: max(0, len(olds) - (KEEP_FAILED - 1))]:
            _rmtree(self.dir / name)
            (self.dir / f"{name}.log").unlink(missing_ok=True)
        if keep_build and build_dir.exists():
            os.replace(build_dir, failed)
        else:
            _rmtree(build_dir)
            failed.mkdir(parents=True, exist_ok=True)
        try:
            atomic_write_text(self.dir / f"failed-{release_id}.log", log_text)
        except OSError as e:
            logger.error("%s: cannot keep the build log: %s", self.dir, e)
        return failed

    def switch(self, release_id: str) -> None:
        """Point `output` at the release in one rename."""
        target = self.dir / release_id
        if not target.is_dir():
            raise ReleaseError(f"{target}: no such release")
        if self.output.exists() and not self.output.is_symlink():
            # A folder left by `make html` or an older setup: move it aside once (a rename),
            # the link takes its place right after.
            aside = self.dir / f"replaced-output-{datetime.now(UTC).strftime(ID_FORMAT)}"
            logger.warning("%s is a folder, not a release link; moving it to %s",
                           self.output, aside)
            self.dir.mkdir(parents=True, exist_ok=True)
            os.replace(self.output, aside)
        link_target = os.path.relpath(target.resolve(), self.output.parent.resolve())
        tmp = self.output.with_name(f"{self.output.name}.tmp-{os.getpid()}")
        tmp.unlink(missing_ok=True)
        os.symlink(link_target, tmp)
        os.replace(tmp, self.output)
        fsync_dir(self.output.parent)

    def prune(self, keep: int) -> list[str]:
        """Remove all but the newest `keep` releases; the live one is always kept."""
        live = self.live()
        ids = self.ids()
        doomed = [r for r in ids[: max(0, len(ids) - keep)] if r != live]
        trash = []
        for rid in doomed:
            # Out of the way at once (a rename), deleted after the job has exited: unlinking
            # 27,000 files of a 10,000-article release took seconds of every run.
            target = _to_trash(self.dir / rid)
            if target is not None:
                trash.append(target)
            for suffix in (".json", ".log"):
                (self.dir / f"{rid}{suffix}").unlink(missing_ok=True)
        if trash:
            _delete_later(trash)
        return doomed

    def recover(self) -> list[str]:
        """Clean what a killed run left behind: build folders, temporary links, stray facts.

        Only called under the job lock, so nothing we remove is in use.
        """
        removed = []
        trash = []
        if self.dir.is_dir():
            ids = set(self.ids())
            for p in self.dir.iterdir():
                stray_meta = (p.suffix in (".json", ".log") and ID_RE.match(p.stem)
                              and p.stem not in ids)
                if p.name.startswith(TRASH_PREFIX):
                    # Never in use; maybe still being deleted by the last run's process (not
                    # worth a warning: a run that follows another closely finds one).
                    trash.append(p)
                elif p.name.startswith(".build-") and p.is_dir() and not p.is_symlink():
                    # A build or a recycled release (newsroom/recycle.py) a killed run left:
                    # tens of thousands of files, deleted in the background.
                    target = _to_trash(p)
                    if target is not None:
                        trash.append(target)
                    removed.append(str(p))
                elif p.name.startswith(".build-") or p.name.startswith(".") and ".tmp-" in p.name \
                        or stray_meta:
                    _rmtree(p)
                    removed.append(str(p))
        if trash:
            _delete_later(trash)
        for p in self.output.parent.glob(f"{self.output.name}.tmp-*"):
            if p.is_symlink():
                p.unlink()
                removed.append(str(p))
        return removed


# --- `newsroom rollback` -------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_project_arguments(parser, content=False, settings=True, output=True, releases=True,
                          settings_default="publishconf.py")
    parser.add_argument("--to", metavar="ID", help="switch to this release instead of the previous")
    parser.add_argument("--list", action="store_true", help="list the releases and exit")
    parser.add_argument("--force", action="store_true",
                        help="switch even to a release built before a takedown")


def takedowns_after(settings_file: Path, release_id: str) -> list[str]:
    """URLs taken down after release `release_id` was built: it still lists them (their
    titles in lists, boxes and feeds), though `newsroom takedown` deleted their pages."""
    from newsroom.core import takedowns
    from newsroom.core.settings import read_settings

    try:
        settings = read_settings(settings_file.resolve().parent, settings_file.name)
        items = takedowns.read(takedowns.path_of(settings_file, settings))
    except (OSError, ValueError):
        return []
    try:
        built = datetime.strptime(release_id.split("-")[0], ID_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return []
    out = []
    for t in items:
        try:
            when = datetime.fromisoformat(t.date)
        except ValueError:
            out.append(t.url)  # undated: assume it is newer
            continue
        # The record keeps whole seconds: a takedown in the second the release was built
        # may have come after it, so it counts as after (refusing is the safe side).
        if when.tzinfo is None or when >= built.replace(microsecond=0):
            out.append(t.url)
    return out


def previous_release(ids: list[str], live: str | None) -> str | None:
    """The release before the live one (or the newest when nothing is live)."""
    if not ids:
        return None
    if live is None or live not in ids:
        return ids[-1] if live is None else None
    i = ids.index(live)
    return ids[i - 1] if i > 0 else None


def run(args: argparse.Namespace) -> int:
    releases = Releases(args.releases, args.output)
    if args.list:
        live = releases.live()
        for rid in releases.ids():
            meta = releases.meta(rid) or {}
            mark = "*" if rid == live else " "
            print(f"{mark} {rid}  articles={meta.get('articles', '?')}")
        return exits.OK
    return run_locked(args.state, lambda: rollback(args, releases))


def rollback(args: argparse.Namespace, releases: Releases) -> int:
    """Switch the live link under the job lock; returns the exit code."""
    try:
        ids, live = releases.ids(), releases.live()
        target = args.to or previous_release(ids, live)
        if target is None:
            logger.error("%s: no release to roll back to (releases: %s, live: %s)",
                         args.releases, ", ".join(ids) or "none", live or "none")
            return exits.FAILED
        if target not in ids:
            logger.error("%s: no release %r (have: %s)", args.releases, target, ", ".join(ids))
            return exits.FAILED
        later = takedowns_after(args.settings, target)
        if later and not args.force:
            logger.error("release %s was built before the takedown of %s: it would list them "
                         "again. Publish a new release instead (make publish), or --force",
                         target, ", ".join(later))
            return exits.FAILED
        started = time.monotonic()
        # Pages of the release going away may be open in browsers: their fingerprinted
        # assets must stay reachable in the one coming back (newsroom.assets).
        from newsroom.assets import Pool

        carried = Pool(args.releases).fill(releases.path(target))
        if carried:
            logger.info("linked %d newer assets into release %s", carried, target)
        releases.switch(target)
        logger.info("rolled back in %.3f s", time.monotonic() - started)
        print(f"{args.output} -> {releases.path(target)} (was {live or 'nothing'})")
        return exits.OK
    except (OSError, ReleaseError) as e:
        logger.error("rollback failed: %s", e)
        return exits.FAILED
