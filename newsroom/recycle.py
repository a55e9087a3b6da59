"""Recycle the release that pruning would delete into the next one.

A release at 10,000 articles is about 40,000 directory entries. An arrival renders a few
dozen pages, but building a new release folder re-created every entry (hard links to the
live release's unchanged files, and their folders), and pruning deleted the oldest
release's 40,000 a moment later. Both costs grew with the archive, and the kernel time of
each entry swings 5-20x with the file system journal's state.

So when a run will prune a release anyway, it takes that release before building:

1. `take`: the oldest release beyond `--keep` (never the live one) is renamed to
   `.build-<id>.recycled` and its facts are removed: it is no release any more.
2. The build runs into a fresh, empty folder as before, but names the pages and search
   files it would have linked from the live release instead of linking them
   (newsroom/core/kept.py).
3. `finish`, after a successful build:
   - every file of the recycled tree that the new release does not have, or has with other
     bytes, is unlinked. A kept file stays where it is the live release's own file (one
     inode); its `.gz` stays where that too is the live release's own;
   - each kept file the recycled tree lacks is linked from the live release;
   - each file the build wrote is moved in with `rename`, which replaces a name and never
     writes into an inode that other releases share;
   - folders left empty are removed.

   The recycled tree then holds exactly what a new folder would have held, and the assets
   step, validation and the switch go on as before. It returns the walks it made (Tree), so
   the assets step does not walk the two releases again.
4. A build that fails leaves the recycled tree unused: it is deleted as pruning would have
   deleted it. A failure inside `finish` before any file was moved links the kept files into
   the fresh folder instead (what the build would have done), so the run still publishes.

The cost is one rename, two directory walks and work in proportion to what changed since
the recycled release was built (with `--keep 5`, four runs ago), instead of two passes over
every file. Nothing is ever written into an existing inode, so the live release and the
rollback releases, which share inodes with the recycled one, are never touched.

`NEWSROOM_RECYCLE=0` turns recycling off (a new folder every run, as before).
"""

from __future__ import annotations

import heapq
import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from newsroom.assets import Tree
from newsroom.core import kept
from newsroom.release import Releases, trash_later

logger = logging.getLogger(__name__)

SUFFIX = ".recycled"


def enabled() -> bool:
    return os.environ.get("NEWSROOM_RECYCLE", "1") != "0"


def take(releases: Releases, keep: int, live: str | None, release_id: str) -> Path | None:
    """Rename the oldest release that pruning would delete after this run (the new release
    counted) to `.build-<release_id>.recycled`; None when there is none or no live release
    to take unchanged files from."""
    if live is None:
        return None
    ids = releases.ids()
    doomed = [r for r in ids[: max(0, len(ids) + 1 - keep)] if r != live]
    if not doomed:
        return None
    rid = doomed[0]
    target = releases.dir / f".build-{release_id}{SUFFIX}"
    try:
        os.rename(releases.path(rid), target)
    except OSError as e:
        logger.warning("%s: cannot recycle release %s (%s); building a new folder",
                       releases.dir, rid, e)
        return None
    for suffix in (".json", ".log"):
        (releases.dir / f"{rid}{suffix}").unlink(missing_ok=True)
    logger.info("recycling release %s", rid)
    return target


def discard(recycled: Path | None) -> None:
    """Delete a recycled tree the run did not use (in the background, as pruning does)."""
    if recycled is not None and recycled.exists():
        trash_later(recycled)


@dataclass
class Report:
    moved: int = 0  # files the build wrote, moved in
    stayed: int = 0  # kept files already the live release's own
    linked: int = 0  # kept files linked from the live release
    removed: int = 0  # files of the recycled tree the new release does not have
    folders_removed: int = 0
    trees: dict = field(default_factory=dict)  # folder -> Tree, for the assets step

    def summary(self) -> str:
        return (f"{self.moved} files moved in, {self.linked} linked from the live release, "
                f"{self.stayed} already in place, {self.removed} removed "
                f"({self.folders_removed} folders)")


class Unfinished(RuntimeError):
    """Recycling failed after files were moved: the release is incomplete."""


def walk(live: Path, recycled: Path) -> tuple[Tree, Tree]:
    """The walks `finish` needs of the two releases that do not change while the build runs
    (the update job makes them meanwhile)."""
    return Tree(live), Tree(recycled)


def finish(fresh: Path, recycled: Path, kept_file: Path, live: Path,
           walks: tuple[Tree, Tree] | None = None) -> tuple[Path, Report]:
    """Make the recycled tree the new release (see the module's docstring); returns the
    folder to go on with (the recycled tree, or `fresh` completed when recycling could not
    start) and what was done. Raises Unfinished when it failed half-way. `walks`: `walk`'s
    result, when made before."""
    names = kept.read(kept_file)
    kept_file.unlink(missing_ok=True)
    report = Report()
    live_tree, old = walks if walks is not None else (Tree(live), None)
    try:
        old = old if old is not None else Tree(recycled)
        new = Tree(fresh)
        if old.dev != live_tree.dev or new.dev != live_tree.dev:
            raise OSError(f"{recycled}: not on the live release's file system")
        plan = _plan(old.files, new.files, names, live_tree.files)
    except OSError as e:
        return _fall_back(fresh, recycled, names, live, live_tree, report, e)
    unlink, link = plan
    moved = False
    try:
        folders = _Folders(str(recycled))
        for rel in unlink:
            os.unlink(f"{recycled}/{rel}")
            folders.emptied(rel)
        report.removed = len(unlink)
        for rel in link:
            folders.make_parent(rel)
            _put(os.link, f"{live}/{rel}", f"{recycled}/{rel}")
        report.linked = len(link)
        moved = True
        for rel in new.files:
            folders.make_parent(rel)
            _put(os.rename, f"{fresh}/{rel}", f"{recycled}/{rel}")
        report.moved = len(new.files)
        report.folders_removed = folders.remove_empty()
    except OSError as e:
        if not moved:
            return _fall_back(fresh, recycled, names, live, live_tree, report, e)
        raise Unfinished(f"{recycled}: moving the build's files in failed: {e}") from e
    shutil.rmtree(fresh, ignore_errors=True)  # its folders, empty now
    report.stayed = len(names) - len(link)
    # The merged tree as a walk would list it: renamed files keep their inodes, linked
    # ones are the live release's.
    gone = set(unlink)
    files = {rel: ino for rel, ino in old.files.items() if rel not in gone}
    files.update((rel, live_tree.files.get(rel)) for rel in link)
    files.update(new.files)
    merged = Tree(None)
    merged.root, merged.dev, merged.files = str(recycled), old.dev, files
    report.trees = {recycled: merged, live: live_tree}
    return recycled, report


def _plan(old: dict, new: dict, names: list[str], live: dict) -> tuple[list[str], list[str]]:
    """(files of the recycled tree to unlink, kept files to link from the live release)."""
    wanted = set(names)
    unlink = []
    for rel, ino in old.items():
        if rel in new:
            continue  # replaced by the build's file
        if rel in wanted:
            if ino is not None and ino == live.get(rel):
                continue
        elif rel.endswith(".gz"):
            base = rel[:-3]
            if (base in wanted and base not in new and old.get(base) is not None
                    and old.get(base) == live.get(base) and ino is not None
                    and ino == live.get(rel)):
                continue
        unlink.append(rel)
    gone = set(unlink)
    link = [rel for rel in names if rel not in old or rel in gone]
    for rel in link:
        if rel not in live:
            raise OSError(f"{rel}: kept from the live release, which does not have it")
    return unlink, link


def _fall_back(fresh: Path, recycled: Path, names: list[str], live: Path, live_tree: Tree,
               report: Report, error: OSError) -> tuple[Path, Report]:
    """Recycling could not be done and nothing was moved yet: complete the fresh folder as
    a build without recycling would have, and drop the recycled tree."""
    logger.warning("%s: cannot recycle (%s); linking the unchanged files into %s",
                   recycled, error, fresh)
    _complete(fresh, names, live, report)
    discard(recycled)
    report.trees = {live: live_tree}
    return fresh, report


def _complete(fresh: Path, names: list[str], live: Path, report: Report) -> None:
    """Link the kept files into the fresh folder: what the build does without recycling."""
    folders = _Folders(str(fresh))
    for rel in names:
        folders.make_parent(rel)
        _put(os.link, f"{live}/{rel}", f"{fresh}/{rel}")
    report.linked = len(names)


def _put(op, src: str, dst: str) -> None:
    """`op(src, dst)` (link or rename), replacing a folder or a file in the way."""
    try:
        op(src, dst)
    except (FileExistsError, IsADirectoryError):
        if os.path.isdir(dst) and not os.path.islink(dst):
            shutil.rmtree(dst)
        else:
            os.unlink(dst)
        op(src, dst)
    except NotADirectoryError:
        # A file of the recycled tree where the new release has a folder.
        parent = os.path.dirname(dst)
        while parent and not os.path.isdir(parent):
            if os.path.lexists(parent):
                os.unlink(parent)
                break
            parent = os.path.dirname(parent)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        op(src, dst)


class _Folders:
    """The folders of one tree: made once each, and the emptied ones removed at the end."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.made: set[str] = set()
        self.touched: set[str] = set()

    def make_parent(self, rel: str) -> None:
        folder = os.path.dirname(rel)
        if folder and folder not in self.made:
            path = f"{self.root}/{folder}"
            if not os.path.isdir(path):
                if os.path.lexists(path):  # a file where the new release has a folder
                    os.unlink(path)
                os.makedirs(path, exist_ok=True)
            self.made.add(folder)

    def emptied(self, rel: str) -> None:
        folder = os.path.dirname(rel)
        if folder:
            self.touched.add(folder)

    def remove_empty(self) -> int:
        """Remove the folders that lost files and hold nothing now, then their parents."""
        removed = 0
        queue = [(-f.count("/"), f) for f in self.touched]
        heapq.heapify(queue)  # deepest first
        seen = set(self.touched)
        while queue:
            _, folder = heapq.heappop(queue)
            try:
                os.rmdir(f"{self.root}/{folder}")
            except OSError:
                continue  # not empty (or gone)
            removed += 1
            parent = os.path.dirname(folder)
            if parent and parent not in seen:
                seen.add(parent)
                heapq.heappush(queue, (-parent.count("/"), parent))
        return removed
