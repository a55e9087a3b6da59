"""Pelican's content cache saved as what changed, and never left half written.

Pelican pickles a generator's whole content cache at the end of every build that keeps one:
at 10,000 articles 49 MB and 0.3 s for one new article, every few minutes, all day. Here a
generator's cache is two files in CACHE_PATH:

- Pelican's own file (`ArticlesGenerator`), the base: the whole cache as of some build;
- `ArticlesGenerator.delta`: the entries made since (new and edited files, read again),
  with the identity of the base it extends (size, mtime and inode of that file).

Loading reads the base as Pelican does, then the delta when it belongs to that base. Saving
writes only the delta, unless it would hold more than a twentieth of the cache (or 50
entries, if more), or the build changed entries of the base in place (`sealed`): then the
whole cache is written again and the delta removed. Both files are written to a temporary
name and renamed, so a build killed while saving leaves the previous pair, and a temporary
file that the next save removes.

Bodies beside the base: a whole save writes each article's HTML body to
`ArticlesGenerator.html-<token>` (one file, a new token each whole save) and pickles only
where it lies (file, offset, length, digest). An unpickled article loads its body when
something reads it (its page, a feed): an arrival renders a handful of the archive's pages,
so the bodies of the others (2.4 KB an article, 24 MB at 10,000) stay on disk. The body
file is in place before the base that points into it, and old ones are removed after; a
body that cannot be read back whole (file gone, digest wrong) fails the build with its path,
and the update job builds again without the cache. The delta keeps its bodies inline.

Why it is safe: the cache is Pelican's, and every entry is still checked against its file's
hash before use (CHECK_MODIFIED_METHOD). A delta that does not belong to the base, or cannot
be read, is ignored (logged): the entries it held are read from their files again. What a
build changes in a cached article after reading it (its seal, kept URLs, search record, a
lead image measured again) is either made again by the next build when missing or stale,
or, for the seal, makes this save a whole one.
"""

from __future__ import annotations

import logging
import os
import pickle
import secrets
import zlib

from pelican.cache import FileDataCacher
from pelican.generators import CachingGenerator

from newsroom.core import preload

logger = logging.getLogger(__name__)

DELTA_SUFFIX = ".delta"
DELTA_SHARE = 20  # the delta may hold up to 1/20 of the entries before a whole save
DELTA_MIN = 50


def _identity(path: str) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def load_delta(generator) -> None:
    """After Pelican loaded the base: add the delta's entries, and remember the base's."""
    global KEPT_IN_PLACE
    KEPT_IN_PLACE = 0  # a new build (generators are made before any reads)
    cache = generator.__dict__.get("_cache")
    if cache is None:
        return
    base_path = generator._cache_path
    generator._newsroom_base = dict(cache)  # the entries as loaded: what is not new
    generator._newsroom_base_identity = _identity(base_path) if cache else None
    delta_path = base_path + DELTA_SUFFIX
    if not cache or not os.path.exists(delta_path):
        return
    try:
        with generator._cache_open(delta_path, "rb") as f:
            delta = pickle.load(f)
        base_identity, entries, gone = delta["base"], delta["entries"], delta["gone"]
    except Exception as e:  # noqa: BLE001 - a cache: any unreadable delta is ignored
        logger.warning("content cache: cannot read %s (%s: %s); its files are read again",
                       delta_path, type(e).__name__, e)
        return
    if tuple(base_identity) != generator._newsroom_base_identity:
        logger.info("content cache: %s belongs to another %s; ignored", delta_path,
                    os.path.basename(base_path))
        return
    cache.update(entries)
    for name in gone:
        cache.pop(name, None)


def save_cache(generator) -> None:
    """Pelican's `save_cache`: the delta, or the whole cache when that is due."""
    if not generator._cache_data_policy:
        return
    cache = generator._cache
    base = generator.__dict__.get("_newsroom_base")
    base_identity = generator.__dict__.get("_newsroom_base_identity")
    path = generator._cache_path
    try:
        os.makedirs(generator.settings["CACHE_PATH"], exist_ok=True)
        _remove_leftovers(path)
        if base is not None and base_identity is not None and base_identity == _identity(path):
            entries = {k: v for k, v in cache.items() if base.get(k) is not v}
            gone = [k for k in base if k not in cache]
            limit = max(DELTA_MIN, len(cache) // DELTA_SHARE)
            if len(entries) + len(gone) <= limit and not KEPT_IN_PLACE:
                _write(generator, path + DELTA_SUFFIX,
                       {"base": base_identity, "entries": entries, "gone": gone})
                return
        _write(generator, path, cache, bodies=True)
        try:
            os.unlink(path + DELTA_SUFFIX)
        except FileNotFoundError:
            pass
    except (OSError, pickle.PicklingError, TypeError) as err:
        logger.warning("Could not save cache %s\n ... %s", path, err)


def _write(generator, path: str, data, bodies: bool = False) -> None:
    """Pickle `data` to `path` atomically; with `bodies`, the articles' HTML goes to a new
    body file first (`BodyWriter`), and body files of earlier whole saves go after."""
    global WRITER
    tmp = f"{path}.tmp{os.getpid()}"
    # Absolute: an article reads its body back whatever the working folder is then.
    body_path = os.path.abspath(f"{path}{BODY_SUFFIX}{secrets.token_hex(6)}") if bodies else None
    body_tmp = f"{body_path}.tmp" if bodies else None
    try:
        with generator._cache_open(tmp, "wb") as f:
            if bodies:
                with open(body_tmp, "wb") as body_file:
                    WRITER = BodyWriter(body_file, body_path)
                    try:
                        pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)
                    finally:
                        WRITER = None
                os.replace(body_tmp, body_path)
            else:
                pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        for leftover in (tmp, body_tmp):
            try:
                if leftover:
                    os.unlink(leftover)
            except OSError:
                pass
        raise
    if body_path:
        folder, name = os.path.split(path)
        keep = os.path.basename(body_path)
        for entry in os.scandir(folder or "."):
            if entry.name.startswith(name + BODY_SUFFIX) and entry.name != keep:
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass


BODY_SUFFIX = ".html-"
WRITER: BodyWriter | None = None  # set while a whole save pickles (speedups.py reads it)


class BodyWriter:
    """Appends HTML bodies to one file; `add` gives where a body lies."""

    def __init__(self, file, path: str) -> None:
        self.file, self.path = file, path

    def add(self, html: str) -> tuple:
        data = html.encode("utf-8", "surrogatepass")
        offset = self.file.tell()
        self.file.write(data)
        return (self.path, offset, len(data), zlib.crc32(data))


def read_body(ref: tuple, what: str) -> str:
    """The HTML body `ref` (BodyWriter.add) points to; `what` names the article in errors."""
    path, offset, length, crc = ref
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            data = f.read(length)
    except OSError as e:
        raise RuntimeError(f"{what}: its body is missing from Pelican's content cache "
                           f"({path}: {e.strerror}); delete that folder to rebuild it") from None
    if len(data) != length or zlib.crc32(data) != crc:
        raise RuntimeError(f"{what}: its body in Pelican's content cache ({path}, offset "
                           f"{offset}) does not match; delete that folder to rebuild it")
    return data.decode("utf-8", "surrogatepass")


def _remove_leftovers(path: str) -> None:
    """Temporary files of a save that was killed (the update job builds under its lock, so
    no other save of this cache is running)."""
    folder, name = os.path.split(path)
    mine = f".tmp{os.getpid()}"
    for entry in os.scandir(folder or "."):
        if entry.name.startswith((name + ".tmp", name + DELTA_SUFFIX + ".tmp")) \
                and not entry.name.endswith(mine):
            try:
                os.unlink(entry.path)
            except OSError:
                pass


# Entries of the base changed in place in this build: a delta would not carry the change (the
# next build would make it again, and again), so the save is a whole one.
KEPT_IN_PLACE = 0


def kept_in_place(count: int = 1) -> None:
    """speedups.py kept a fact on an article that came from the base (its static links)."""
    global KEPT_IN_PLACE
    KEPT_IN_PLACE += count


def sealed(generator, articles: list) -> None:
    """incremental.seal_articles sealed `articles` in this build: those from the base
    changed in place."""
    base = generator.__dict__.get("_newsroom_base")
    if not base or not articles:
        return
    loaded = {id(entry[1]) for entry in base.values()
              if isinstance(entry, tuple) and len(entry) == 2}
    kept_in_place(sum(id(a) in loaded for a in articles))


_pelican_init = CachingGenerator.__init__
_pelican_cacher_init = FileDataCacher.__init__


def _init(self, *args, **kwargs):
    _pelican_init(self, *args, **kwargs)
    load_delta(self)


def _cacher_init(self, settings, cache_name, caching_policy, load_policy):
    """Pelican's cache loading, taking the object the update job's builder unpickled while
    the job checked the content (newsroom/core/preload.py) when the file is still that one."""
    taken = None
    if load_policy and not settings.get("GZIP_CACHE"):
        taken = preload.take(os.path.join(settings["CACHE_PATH"], cache_name))
    if taken is None:
        _pelican_cacher_init(self, settings, cache_name, caching_policy, load_policy)
        return
    _pelican_cacher_init(self, settings, cache_name, caching_policy, False)
    self._cache = taken
    logger.info("content cache %s: read ahead while the content was checked", cache_name)


def install() -> None:
    CachingGenerator.__init__ = _init
    CachingGenerator.save_cache = save_cache
    FileDataCacher.__init__ = _cacher_init
