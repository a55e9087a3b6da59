"""The one content-file walker and the one atomic writer.

Every reader of `content/` (the checker, `newsroom new`, the scraper's store, the release
validation, the update job's manifest) walks it with `content_files`, so they all see the
same files; every file the project writes goes through `atomic_write`, so no reader ever sees
half a file and no crash leaves a short file under the real name.
"""

from __future__ import annotations

import errno
import json
import os
import tempfile
from pathlib import Path

# Extensions Pelican's Markdown reader takes (pelican.readers.MarkdownReader.file_extensions).
MARKDOWN_EXTENSIONS = (".md", ".markdown", ".mkd", ".mdown")
TEMP_PREFIX = "."
TEMP_SUFFIX = ".tmp"


def content_files(content_dir: Path) -> list[Path]:
    """Every Markdown file under content_dir, sorted, skipping hidden files and folders."""
    return [Path(entry.path) for _rel, entry in content_entries(content_dir)]


def content_entries(content_dir: Path | str) -> list[tuple[str, os.DirEntry]]:
    """`content_files` as (path relative to content_dir, directory entry), in the same order:
    for callers that visit every file on every run, a str path and `entry.stat()` cost less
    than a Path each. Walks as os.walk does: a symbolic link to a folder is not entered, one
    to a file is listed; an unreadable folder is skipped."""
    found: list[tuple[str, os.DirEntry]] = []

    def walk(folder: str, prefix: str) -> None:
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError:
            return
        files, dirs = [], []
        for e in entries:
            try:
                is_dir = e.is_dir()
            except OSError:
                is_dir = False
            (dirs if is_dir else files).append(e)
        for e in sorted(files, key=lambda e: e.name):
            if not e.name.startswith(".") and e.name.endswith(MARKDOWN_EXTENSIONS):
                found.append((prefix + e.name, e))
        for e in sorted(dirs, key=lambda e: e.name):
            if not e.name.startswith(".") and not e.is_symlink():
                walk(e.path, f"{prefix}{e.name}/")

    walk(os.fspath(content_dir), "")
    return found


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Read once at import: os.umask can only be read by setting it, which is not thread-safe.
_UMASK = _current_umask()


def fsync_dir(path: Path) -> None:
    """Make a rename inside `path` durable (best effort: some filesystems refuse)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, *, sync: bool = True) -> None:
    """Write `data` to `path` through a temporary file in the same folder and a rename.

    The data is fsynced before the rename, so a crash never leaves a short file under the real
    name. The file gets the permissions of any file the user creates (mkstemp's 0600 with the
    umask applied to 0666), so a web server or an editors' group can read it. The folder is
    not fsynced: for a scraped article a rename lost to a power cut only means it is fetched
    again on the next run (and skipping it halves the cost of a write); callers that need the
    rename itself durable (the release switch) call `fsync_dir`. `sync=False` skips the
    fsync of the data too, for caches that are refilled when lost (it costs ~1 ms a file).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        dir=path.parent, prefix=TEMP_PREFIX + path.stem + ".", suffix=TEMP_SUFFIX
    )
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


# errno values that mean "the disk (or quota) is full": the run stops and says so.
NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT})


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in NO_SPACE


def remove_temp_files(folder: Path, stem: str) -> list[Path]:
    """Remove `atomic_write`'s temporary files for `<stem>.*` in `folder` (left by a killed
    writer). Only for callers that are the sole writer of those names (under a lock)."""
    removed = []
    for path in Path(folder).glob(f"{TEMP_PREFIX}{stem}.*{TEMP_SUFFIX}"):
        try:
            path.unlink()
            removed.append(path)
        except OSError:
            pass
    return removed


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write(path, text.encode("utf-8"))


def atomic_write_json(path: Path, data: object) -> None:
    """JSON (UTF-8, one-space indent, final newline) through `atomic_write`."""
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
