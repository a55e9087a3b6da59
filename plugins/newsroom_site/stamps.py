"""Content hashes of the source files, remembered by each file's identity between builds.

Pelican checks every entry of its content cache against a hash of the file it was read
from (CHECK_MODIFIED_METHOD, sha1 here): each build read and hashed every Markdown file
again, 30 MB and 0.2 s at 10,000 articles, for an arrival that changed one. Here the hash
Pelican computes is kept in CACHE_PATH (`filestamps.pickle`) under the file's identity:
device, inode, size, modification and change time in nanoseconds. The entry is still the
file's content hash, and it is used only while the file is provably the one that was
hashed:

- an editor's save, a `touch`, a checkout move the change time, which no user process can
  set back; a file replaced by another (an editor's save to a new file, a rename) has
  another inode; the stage's links (newsroom/holdback.py) move the change time too;
- git's "racily clean" case: a write within the file system's clock tick after the stat
  that recorded the hash could leave every time unchanged. The stat is taken before the
  read, and a hash is remembered only for a file whose change time was at least 2 s old
  at that stat (`newsroom.core.files.settled`): any later write gives a later change
  time. Newer files are hashed at every build until they settle.

Losing the file costs one build of hashing (it is a cache: unreadable, from another hash
method, or from other code, it is ignored). Builds without a content cache, or with
CHECK_MODIFIED_METHOD = "mtime", are left to Pelican.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import struct
from pathlib import Path

from pelican.generators import CachingGenerator

from newsroom.core.files import atomic_write, settled

logger = logging.getLogger(__name__)

FILE_NAME = "filestamps.pickle"
VERSION = hashlib.blake2b(Path(__file__).read_bytes(), digest_size=8).hexdigest()
# A file's identity packed, with its hash after it, one bytes object an entry: a tuple of
# five large ints and a pair held nine objects and about 500 bytes a file (24 MiB in the
# build process at 50,000 articles).
_IDENTITY = struct.Struct("<QQqqq")  # device, inode, size, mtime_ns, ctime_ns

_pelican_file_stamp = CachingGenerator._get_file_stamp


class StampMemo:
    """{path: packed identity + hash} of the files hashed in earlier builds (`old`) and in
    this one (`new`, what is saved: files gone from the site drop out)."""

    def __init__(self, path: str, method: str) -> None:
        self.path, self.method = path, method
        self.old: dict[str, tuple] = {}
        self.new: dict[str, tuple] = {}
        self.hashed = 0
        self.damaged = False  # a file that is not ours to trust: replaced at the next save
        try:
            with open(path, "rb") as f:
                data = pickle.load(f)
            if (isinstance(data, dict) and data.get("version") == VERSION
                    and data.get("method") == method):
                self.old = data["entries"]
            else:
                self.damaged = True
        except FileNotFoundError:
            pass
        except Exception as e:  # noqa: BLE001 - a cache: any damage means "hash again"
            logger.info("%s: not used (%s); hashing every content file", path, e)
            self.damaged = True

    def stamp(self, filename: str, compute) -> bytes:
        """The hash of `filename`: remembered when its identity is unchanged, else
        `compute()` (Pelican's own stamp), remembered when the file has settled."""
        try:
            st = os.stat(filename)
        except OSError:
            return compute()  # Pelican's warning and its empty stamp
        try:
            ident = _IDENTITY.pack(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns,
                                   st.st_ctime_ns)
        except struct.error:  # beyond 64 bits: not remembered
            return compute()
        known = self.new.get(filename) or self.old.get(filename)
        if known is not None and known[:_IDENTITY.size] == ident:
            self.new[filename] = known
            return known[_IDENTITY.size:]
        stamp = compute()
        self.hashed += 1
        if isinstance(stamp, bytes) and stamp and settled(st):
            self.new[filename] = ident + stamp
        return stamp

    def save(self) -> None:
        if self.new == self.old and not self.damaged:
            return
        data = {"version": VERSION, "method": self.method, "entries": self.new}
        try:
            atomic_write(Path(self.path), pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL),
                         sync=False)
        except OSError as e:
            logger.warning("%s: cannot save content hashes (%s)", self.path, e)
            return
        self.damaged = False


_MEMOS: dict[tuple[str, str], StampMemo] = {}


def _memo(settings) -> StampMemo | None:
    method = settings.get("CHECK_MODIFIED_METHOD")
    cache = settings.get("CACHE_PATH")
    if not (cache and settings.get("CACHE_CONTENT") and method and method != "mtime"
            and hasattr(hashlib, method)):
        return None
    key = (os.path.abspath(cache), method)
    memo = _MEMOS.get(key)
    if memo is None:
        memo = _MEMOS[key] = StampMemo(os.path.join(key[0], FILE_NAME), method)
    return memo


def _get_file_stamp(self, filename):
    found = self.__dict__.get("_newsroom_stamps")
    if found is None:  # once per generator
        found = self._newsroom_stamps = (_memo(self.settings),)
    memo = found[0]
    if memo is None:
        return _pelican_file_stamp(self, filename)
    return memo.stamp(os.path.join(self.path, filename),
                      lambda: _pelican_file_stamp(self, filename))


def save(pelican) -> None:
    """`finalized`: keep this build's hashes (written only when they changed); a next build
    in this process (the preview's autoreload) starts from them."""
    memo = _memo(pelican.settings)
    if memo is not None:
        memo.save()
        memo.old, memo.new = memo.new, {}
        if memo.hashed:
            logger.debug("content hashes: %d files hashed", memo.hashed)
        memo.hashed = 0


def install() -> None:
    CachingGenerator._get_file_stamp = _get_file_stamp
