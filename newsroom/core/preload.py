"""Pickled caches read before the build asks for them.

The update job's builder is a fork that waits while the job checks the content
(newsroom/builder.py, `Zygote.warm`). Meanwhile it unpickles the build's content cache, the
largest file the build reads (0.4 s at 10,000 articles). The build takes the object only
when the file is still the one that was read: the same device, inode, size and
modification time (every cache file is replaced by a rename, never rewritten in place), so
a cache the job dropped or replaced meanwhile is read again as usual.
"""

from __future__ import annotations

import os
import pickle

_LOADED: dict[str, tuple[tuple, object]] = {}


def _identity(path: str) -> tuple:
    st = os.stat(path)
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def load(path: str) -> bool:
    """Unpickle `path` now for a later `take`; False when it cannot be read (the build then
    reads it, and meets the same error there)."""
    path = os.path.realpath(path)
    try:
        before = _identity(path)
        with open(path, "rb") as f:
            data = pickle.load(f)
        if _identity(path) != before:
            return False  # replaced while it was read
    except Exception:  # noqa: BLE001 - left to the build, which reports what is wrong
        return False
    _LOADED[path] = (before, data)
    return True


def take(path: str):
    """The object `load` read from `path`, if the file is still that one; else None."""
    path = os.path.realpath(path)
    entry = _LOADED.pop(path, None)
    if entry is None:
        return None
    try:
        if _identity(path) != entry[0]:
            return None
    except OSError:
        return None
    return entry[1]
