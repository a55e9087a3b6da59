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
import time
from pathlib import Path

# A digest remembered by a file's stat identity (size, times, inode) is trusted only when the
# file's change time was this old when it was hashed: a write within the file system's clock
# tick after that stat could leave every time as it was (git's "racily clean" files).
SETTLED_NS = 2_000_000_000


def settled(st: os.stat_result) -> bool:
    """Whether a digest of the file `st` describes may be remembered by its identity."""
    return time.time_ns() - st.st_ctime_ns >= SETTLED_NS

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


def _write_temp(path: Path, data: bytes, *, sync: bool) -> str:
    """`data` in a new temporary file beside `path` (fsynced when `sync`); its name."""
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
    except BaseException:
        _unlink(tmp)
        raise
    return tmp


def _unlink(path: str | Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


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
    tmp = _write_temp(path, data, sync=sync)
    try:
        os.replace(tmp, path)
    except BaseException:
        _unlink(tmp)
        raise


class AtomicBatch:
    """`atomic_write` for many files with one sync: what a scrape of hundreds of articles uses.

    `write` puts the data in a temporary file beside its path (not synced, not renamed yet);
    `commit` fsyncs every pending temporary file in one pass, renames each over its path, then
    fsyncs each folder once. The guarantee is `atomic_write`'s: a file under its real name is
    always complete (its data reached the disk before the rename), and a crash before `commit`
    leaves the old file (or none) plus `.*.tmp` files the next run removes. What changes is
    only when the files appear: until `commit`, `pending(path)` names the temporary file, so
    the writer can read back what it wrote. The fsync pass costs about what an fsync per write
    did, but the writer need not wait for it (the scraper's store commits in a thread while it
    writes the next batch; docs/scraper.md, "Performance"), and the folders' fsync makes the
    renames durable too.

    Not thread-safe: one writer per batch.
    """

    def __init__(self) -> None:
        self._pending: dict[Path, str] = {}  # final path -> its temporary file
        self.started = 0.0  # time.monotonic() of the first write since the last commit

    def __len__(self) -> int:
        return len(self._pending)

    def pending(self, path: Path) -> str | None:
        """The temporary file holding what `write` put for `path`, until `commit`."""
        return self._pending.get(Path(path))

    def snapshot(self) -> dict[Path, str]:
        """A copy of what is pending: final path -> temporary file."""
        return dict(self._pending)

    def write(self, path: Path, data: bytes) -> None:
        """`data` for `path`, in a temporary file; a second write replaces the first."""
        path = Path(path)
        tmp = _write_temp(path, data, sync=False)
        if not self._pending:
            self.started = time.monotonic()
        old = self._pending.pop(path, None)
        if old is not None:
            _unlink(old)
        self._pending[path] = tmp

    def commit(self) -> list[Path]:
        """Sync every pending file, rename it into place, sync the folders; the paths.

        On an error (the disk full or failing at the sync), nothing more is renamed, the
        temporary files not renamed are removed and the error is raised: files already
        renamed were synced first, so every file under its real name is complete.
        """
        pending, self._pending = self._pending, {}
        done: list[Path] = []
        try:
            for tmp in pending.values():
                fd = os.open(tmp, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
            for path, tmp in pending.items():
                os.replace(tmp, path)
                done.append(path)
        except BaseException:
            for tmp in list(pending.values())[len(done):]:  # renamed in order: the rest
                _unlink(tmp)
            raise
        for folder in sorted({p.parent for p in done}):
            fsync_dir(folder)
        return done

    def discard(self) -> None:
        """Remove every pending temporary file: nothing written since the last commit lands."""
        pending, self._pending = self._pending, {}
        for tmp in pending.values():
            _unlink(tmp)


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


def atomic_write_json(path: Path, data: object, compact: bool = False) -> None:
    """JSON (UTF-8, final newline) through `atomic_write`: one-space indent for files people
    read, or `compact` for large machine-only ones (an indent takes Python's slow encoder:
    0.1 s for a 10,000-entry release manifest)."""
    text = (json.dumps(data, ensure_ascii=False, separators=(",", ":")) if compact
            else json.dumps(data, ensure_ascii=False, indent=1))
    atomic_write_text(path, text + "\n")
