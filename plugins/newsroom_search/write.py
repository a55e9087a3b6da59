"""The I/O edge: write the index files that changed, remove the ones no longer built."""

from __future__ import annotations

import json
import os
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path

from newsroom.core.files import atomic_write

INDEX_DIRS = ("s", "d", "f")
STATE_SUFFIX = ".state"  # a segment's postings for growing (not .json: that is a segment)


@dataclass
class WriteReport:
    written: list[str]
    unchanged: int
    removed: list[str]


class SegmentCache(dict):
    """Shard files of built segments by `index.segment_key`, kept in one folder between
    builds (Pelican's CACHE_PATH, which the update job drops on any code or settings change).

    Loaded whole, saved as one file per segment; segments this build did not use are removed,
    so the folder never holds more than the index. A file that cannot be read is a miss.
    """

    def __init__(self, folder: Path):
        super().__init__()
        self.folder = Path(folder)
        self.used: set[str] = set()  # looked up or added by this build
        self.unreadable: list[Path] = []  # removed on save (a killed write, say)
        for path in sorted(self.folder.glob("*.json")) if self.folder.is_dir() else []:
            try:
                shards = [s.encode("utf-8") for s in json.loads(path.read_bytes())]
            except (OSError, ValueError, TypeError, AttributeError):
                self.unreadable.append(path)
                continue
            super().__setitem__(path.stem, shards)
        self.loaded = set(self)
        # Each segment's postings for growing (index.grow_segment), read when needed.
        self.grow = SegmentStates(self.folder)

    def get(self, key, default=None):
        self.used.add(key)
        return super().get(key, default)

    def __setitem__(self, key, value) -> None:
        self.used.add(key)
        super().__setitem__(key, value)

    def save(self) -> tuple[int, int]:
        """Write the new segments, drop the unused ones; returns (written, dropped)."""
        new = set(self) - self.loaded
        for key in new:
            data = json.dumps([b.decode("utf-8") for b in self[key]], ensure_ascii=False)
            atomic_write(self.folder / f"{key}.json", data.encode("utf-8"), sync=False)
        stale = self.loaded - self.used
        for key in stale:
            (self.folder / f"{key}.json").unlink(missing_ok=True)
        for path in self.unreadable:
            if path.stem not in new:
                path.unlink(missing_ok=True)
        self.grow.save()
        return len(new), len(stale)


class SegmentStates(MutableMapping):
    """{segment name: state} (index.open_state), one `<name>.state` file each in the cache
    folder. A state is read only when asked for: a build reads the states of the segments
    an arrival joined, nothing else. Set and deleted states are written on `save`."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._on_disk = ({p.name[: -len(STATE_SUFFIX)] for p in self.folder.glob("*" + STATE_SUFFIX)}
                         if self.folder.is_dir() else set())
        self._set: dict[str, dict] = {}
        self._deleted: set[str] = set()
        self._read: dict[str, dict | None] = {}  # files read in this build, once each

    def _path(self, name: str) -> Path:
        return self.folder / f"{name}{STATE_SUFFIX}"

    def __getitem__(self, name: str) -> dict:
        if name in self._set:
            return self._set[name]
        if name in self._deleted or name not in self._on_disk:
            raise KeyError(name)
        if name not in self._read:
            try:
                self._read[name] = json.loads(self._path(name).read_bytes())
            except (OSError, ValueError):
                self._read[name] = None
        state = self._read[name]
        if not isinstance(state, dict):  # unreadable: a miss (the segment is tokenized)
            raise KeyError(name)
        return state

    def __setitem__(self, name: str, state: dict) -> None:
        self._set[name] = state
        self._deleted.discard(name)

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self._set.pop(name, None)
        self._deleted.add(name)

    def __contains__(self, name) -> bool:  # without reading the file
        return name in self._set or (name in self._on_disk and name not in self._deleted)

    def __iter__(self):
        return iter(sorted((self._on_disk | set(self._set)) - self._deleted))

    def __len__(self) -> int:
        return len((self._on_disk | set(self._set)) - self._deleted)

    def save(self) -> None:
        for name, state in self._set.items():
            data = json.dumps(state, ensure_ascii=False, separators=(",", ":"))
            atomic_write(self._path(name), data.encode("utf-8"), sync=False)
        for name in self._deleted:
            self._path(name).unlink(missing_ok=True)
        self._on_disk = (self._on_disk | set(self._set)) - self._deleted
        self._set, self._deleted, self._read = {}, set(), {}


def write_index(folder: Path, files: dict[str, bytes], previous: Path | None = None,
                note=None) -> WriteReport:
    """Write each file whose bytes differ from what `folder` holds; drop stale index files.

    A rebuild into the same folder after one new article rewrites only the shards its terms
    touch, the last doc and facet files and the manifest; the rest keep their bytes and
    their modification time (a sync to the web server then copies only those). A build into
    a new folder (the update job's next release) hard-links each file whose bytes equal the
    `previous` release's copy, as the incremental writer does with pages; with `note` (the
    job recycles an old release: newsroom/core/kept.py) it calls `note(rel)` instead.
    """
    folder = Path(folder)
    written: list[str] = []
    unchanged = 0
    # A new release's folder (the update job) holds nothing yet: no file to compare with,
    # nothing stale to sweep; each of its few folders is made once.
    fresh = not any(folder.joinpath(sub).exists() for sub in INDEX_DIRS) and not any(
        folder.joinpath(rel).exists() for rel in files if "/" not in rel)
    made: set[Path] = set()
    # The manifest last: a reader that fetches it mid-write still finds every file it names.
    for rel in sorted(files, key=lambda p: p == "manifest.json"):
        path = folder / rel
        data = files[rel]
        try:
            if not fresh and path.read_bytes() == data:
                unchanged += 1
                continue
        except FileNotFoundError:
            pass
        if previous is not None and (_same(previous / rel, data) if note is not None
                                     else _link_same(previous / rel, path, data, made)):
            if note is not None:
                note(rel)
            unchanged += 1
            continue
        # Build output, like Pelican's own pages: no fsync per file (the release switch
        # makes the finished folder durable).
        atomic_write(path, data, sync=False)
        written.append(rel)
    removed = []
    for sub in INDEX_DIRS:
        d = folder / sub
        if fresh or not d.is_dir():
            continue
        for p in sorted(d.rglob("*"), reverse=True):  # files before their folders
            rel = p.relative_to(folder).as_posix()
            if p.is_file() and rel not in files:
                p.unlink()
                removed.append(rel)
            elif p.is_dir() and not any(p.iterdir()):
                p.rmdir()
    return WriteReport(written, unchanged, removed)


def _same(source: Path, data: bytes) -> bool:
    """Whether `source` is a plain file holding exactly `data`."""
    try:
        return source.is_file() and source.read_bytes() == data
    except OSError:
        return False


def _link_same(source: Path, path: Path, data: bytes, made: set[Path]) -> bool:
    """Hard-link `source` at `path` when it holds exactly `data` and `path` is free."""
    try:
        if source.read_bytes() != data:
            return False
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        os.link(source, path)
    except OSError:
        return False
    return True
