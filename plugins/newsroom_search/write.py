"""The I/O edge: write the index files that changed, remove the ones no longer built."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from newsroom.core.files import atomic_write

INDEX_DIRS = ("s", "d", "f")
GROW_FILE = "newest-segments.state"  # not *.json: that is a segment


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
        # The newest segments' postings (index.grow_segment), one file beside the segments.
        self.grow: dict = {}
        try:
            self.grow = json.loads((self.folder / GROW_FILE).read_bytes())
        except (OSError, ValueError):
            pass
        if not isinstance(self.grow, dict):
            self.grow = {}
        self._grown = _states_id(self.grow)

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
        if self.grow and _states_id(self.grow) != self._grown:
            data = json.dumps(self.grow, ensure_ascii=False, separators=(",", ":"))
            atomic_write(self.folder / GROW_FILE, data.encode("utf-8"), sync=False)
        return len(new), len(stale)


def _states_id(grow: dict):
    """What tells one set of kept segment states from another: each one's name and key."""
    states = grow.get("segments")
    if not isinstance(states, dict):
        return None
    return sorted((name, s.get("key")) for name, s in states.items() if isinstance(s, dict))


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
