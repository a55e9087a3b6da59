"""The I/O edge: write the index files that changed, remove the ones no longer built."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from newsroom.core.files import atomic_write

INDEX_DIRS = ("s", "d", "f")


@dataclass
class WriteReport:
    written: list[str]
    unchanged: int
    removed: list[str]


def write_index(folder: Path, files: dict[str, bytes]) -> WriteReport:
    """Write each file whose bytes differ from what `folder` holds; drop stale index files.

    A rebuild into the same folder after one new article rewrites only the shards its terms
    touch, the last doc and facet files and the manifest; the rest keep their bytes and
    their modification time (a sync to the web server then copies only those).
    """
    folder = Path(folder)
    written: list[str] = []
    unchanged = 0
    # The manifest last: a reader that fetches it mid-write still finds every file it names.
    for rel in sorted(files, key=lambda p: p == "manifest.json"):
        path = folder / rel
        data = files[rel]
        try:
            if path.read_bytes() == data:
                unchanged += 1
                continue
        except FileNotFoundError:
            pass
        # Build output, like Pelican's own pages: no fsync per file (the release switch
        # makes the finished folder durable).
        atomic_write(path, data, sync=False)
        written.append(rel)
    removed = []
    for sub in INDEX_DIRS:
        d = folder / sub
        if not d.is_dir():
            continue
        for p in sorted(d.rglob("*"), reverse=True):  # files before their folders
            rel = p.relative_to(folder).as_posix()
            if p.is_file() and rel not in files:
                p.unlink()
                removed.append(rel)
            elif p.is_dir() and not any(p.iterdir()):
                p.rmdir()
    return WriteReport(written, unchanged, removed)
