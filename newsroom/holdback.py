"""Hold back bad content files, so that one bad file never stops the site.

The update job checks every content file before it builds. A file with a problem is held
back and reported (status page, exit code, `path:line: message`) while everything else
publishes:
- a file that was published before keeps its last good version live;
- a new file waits until it is fixed.

How: the build does not read `content/` itself but a staged view of it
(`.state/stage/content`): a tree of hard links to the content files, where a held-back file
is replaced by its last published copy (`.state/last-good/`) or left out. The stage is
synchronised, not rebuilt, on every run (only links whose file changed are redone), and
`.state/last-good/` is refreshed after each successful publish with the files that went live.
Both folders are caches in the sense of docs/architecture.md: deleting them loses no article
(the next publish refills them), it only means a broken file has no older version to fall
back on until then.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from newsroom.core.files import atomic_write, atomic_write_json

logger = logging.getLogger(__name__)

INDEX = "index.json"
# From this many files to copy, the copies are made on several threads (a first publish).
PARALLEL_MIN_FILES = 200


@dataclass
class Held:
    """A content file held back from this release."""

    rel: str  # path relative to content/
    problems: list[str] = field(default_factory=list)  # "path:line: message"
    kept: bool = False  # its last published version stays live

    def to_json(self) -> dict:
        return {"file": self.rel, "kept_last_good": self.kept, "problems": self.problems}


def held_files(problems: Iterable, content_dir: Path, last_good: Path) -> dict[str, Held]:
    """Group checker problems by file (relative to content_dir) and say which stay live."""
    content_dir = Path(content_dir).resolve()
    held: dict[str, Held] = {}
    for p in problems:
        path = Path(p.path)
        if not path.is_absolute():
            path = (Path.cwd() / path).resolve()
        try:
            rel = path.relative_to(content_dir).as_posix()
        except ValueError:
            rel = p.path
        h = held.setdefault(rel, Held(rel))
        h.problems.append(str(p))
    index = _index(last_good)
    for rel, h in held.items():
        copy = Path(last_good) / rel
        # Kept only when the copy is whole: copies are written without fsync (a cache).
        h.kept = rel in index and copy.is_file() and (
            hashlib.sha256(copy.read_bytes()).hexdigest() == index[rel])
    return held


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_ino, a.st_dev) == (b.st_ino, b.st_dev)


def _link_or_copy(src: Path, dst: Path) -> None:
    tmp = dst.with_name(f".{dst.name}.stage-tmp")
    tmp.unlink(missing_ok=True)
    try:
        os.link(src, tmp)
    except OSError as e:
        if e.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK):
            raise
        shutil.copy2(src, tmp)
    os.replace(tmp, dst)


def _scan_tree(top: str) -> tuple[dict[str, int | None], list[str]]:
    """Files under `top` by relative path -> inode (from the directory entries: no stat;
    None for a symbolic link) and the folders, parents first."""
    files: dict[str, int | None] = {}
    folders: list[str] = []
    stack = [("", top)]
    while stack:
        prefix, folder = stack.pop()
        folders.append(prefix)
        try:
            it = os.scandir(folder)
        except FileNotFoundError:
            continue
        with it:
            for e in it:
                if e.is_dir(follow_symlinks=False):
                    stack.append((f"{prefix}{e.name}/", e.path))
                else:
                    files[prefix + e.name] = None if e.is_symlink() else e.inode()
    return files, folders


def stage(content_dir: Path, stage_dir: Path, held: dict[str, Held], last_good: Path) -> int:
    """Make stage_dir mirror content_dir, with held-back files swapped or left out.

    Returns the number of links (re)made. Hidden files and folders are mirrored too (Pelican
    ignores them as it would in content/); symbolic links are not followed: a symlink inside
    content/ is staged as the file it points to only when that file is inside content/.
    A file whose stage entry already has its inode is left alone: one walk of each folder
    (directory entries, no stat per file) tells, so an unchanged run costs two walks.
    """
    content_dir, stage_dir = Path(content_dir).resolve(), Path(stage_dir)
    stage_dir.mkdir(parents=True, exist_ok=True)
    top, stage_top = str(content_dir), str(stage_dir)
    staged, stage_folders = _scan_tree(stage_top)
    # Inode numbers compare only on one file system (else every file is a copy anyway).
    one_device = os.stat(top).st_dev == os.stat(stage_top).st_dev
    folders = set(stage_folders)
    wanted: set[str] = set()
    made = 0

    def ensure_folder(rel: str) -> None:
        parent = rel.rpartition("/")[0]
        if parent and parent + "/" not in folders:
            os.makedirs(f"{stage_top}/{parent}", exist_ok=True)
            folders.add(parent + "/")

    def walk(folder: str, prefix: str) -> None:
        nonlocal made
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
        dirs = []
        for e in entries:
            if e.is_dir():  # follows a link, as os.walk does: such a link is named below
                if e.is_symlink():
                    # Not entered; say so rather than drop a folder silently. Editors read
                    # this in `make publish`'s output: Korean, with the fix.
                    logger.warning("%s: 폴더를 가리키는 심볼릭 링크입니다(%s). 그 안의 파일은 "
                                   "게시되지 않으니 링크를 지우고 파일을 content/ 안으로 "
                                   "옮기세요.", e.path, os.readlink(e.path))
                else:
                    dirs.append(e)
                continue
            rel = prefix + e.name
            src, inode = e.path, None
            if e.is_symlink():
                target = Path(e.path).resolve()
                if not target.is_relative_to(content_dir) or not target.is_file():
                    logger.warning("%s: content/ 밖(또는 없는 파일)을 가리키는 심볼릭 링크입니다"
                                   "(%s). 게시되지 않으니 링크를 지우고 파일 자체를 content/ "
                                   "안에 복사하세요.", e.path, os.readlink(e.path))
                    continue
                src = str(target)
            else:
                inode = e.inode()
            if rel in held:
                if not held[rel].kept:
                    continue
                src, inode = str(Path(last_good) / rel), None
            wanted.add(rel)
            if rel in staged:
                if inode is None or not one_device:
                    try:
                        if _same_file(os.stat(src), os.stat(f"{stage_top}/{rel}")):
                            continue
                    except FileNotFoundError:
                        pass
                elif staged[rel] == inode:
                    continue
            ensure_folder(rel)
            _link_or_copy(Path(src), Path(f"{stage_top}/{rel}"))
            made += 1
        for e in dirs:
            walk(e.path, f"{prefix}{e.name}/")

    walk(top, "")
    # Remove what is no longer in content/ (deleted files, files held back for the first time).
    for rel in staged:
        if rel not in wanted:
            os.unlink(f"{stage_top}/{rel}")
    for prefix in sorted(stage_folders, key=len, reverse=True):
        if prefix and not os.listdir(f"{stage_top}/{prefix}"):
            os.rmdir(f"{stage_top}/{prefix}")
    return made


def _index(last_good: Path) -> dict[str, str]:
    """The last publish's files: sha256 by path relative to content/ (empty without state)."""
    try:
        return dict(json.loads((Path(last_good) / INDEX).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return {}


def published_digests(last_good: Path) -> dict[str, str]:
    """sha256 by path relative to content/ of what went live in the last publish."""
    return _index(last_good)


def published(last_good: Path) -> set[str]:
    """Paths (relative to content/) that went live in the last publish; empty without state."""
    return set(_index(last_good))


def _write_new(path: Path, data: bytes) -> None:
    """`data` straight into `path` (created with the user's usual permissions)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def remember(last_good: Path, stage_dir: Path, digests: dict[str, str],
             held: dict[str, Held]) -> int:
    """After a publish: keep a copy of every Markdown file that went live from content/.

    `digests`: sha256 by path relative to content/ of every Markdown file (the update job's
    manifest has them, so nothing is read twice). Copies (not links): an editor's tool may
    rewrite a file in place, which would change a linked "last good" version with it. Only
    files whose digest changed are copied, without an fsync each: this is a cache, refilled by
    the next publish if lost. A copy replaces an older one through a rename; a file without
    one is written in place (a copy is used only when its digest is the index's). Files no
    longer published are dropped. Returns the number copied.
    """
    last_good, stage_dir = Path(last_good), Path(stage_dir)
    index = _index(last_good)
    present, _folders = _scan_tree(str(last_good))  # one walk, not a stat per file
    live: dict[str, str] = {}
    todo = []
    for rel, digest in digests.items():
        if rel in held:  # its last good copy (or nothing) is what went live: keep as it is
            if rel in index:
                live[rel] = index[rel]
            continue
        live[rel] = digest
        if index.get(rel) != digest or rel not in present:
            todo.append(rel)

    made: set[str] = set()

    def copy(rel: str) -> None:
        data = (stage_dir / rel).read_bytes()
        if rel in present:  # replace the copy through a rename: a kill keeps the old one
            atomic_write(last_good / rel, data, sync=False)
            return
        # No copy yet (every file of a first publish): written in place, without a
        # temporary file and a rename each. A copy torn by a kill is never used: its digest
        # is checked against the index, which is written last (held_files).
        folder = os.path.dirname(rel)
        if folder not in made:
            os.makedirs(last_good / folder, exist_ok=True)
            made.add(folder)
        _write_new(last_good / rel, data)

    if len(todo) >= PARALLEL_MIN_FILES:
        # A first publish copies every file: creating files is kernel time, which threads
        # share out over the cores.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(min(4, os.cpu_count() or 1), thread_name_prefix="copy") as pool:
            list(pool.map(copy, todo))
    else:
        for rel in todo:
            copy(rel)
    copied = len(todo)
    for rel in set(index) - set(live):
        (last_good / rel).unlink(missing_ok=True)
    atomic_write_json(last_good / INDEX, dict(sorted(live.items())), compact=True)
    return copied
