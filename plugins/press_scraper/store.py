"""Where scraped articles live: identity, paths, the index of what exists, atomic writes.

- Identity: `<source-id> <normalised original URL>` (scheme and host lower-cased, default port,
  fragment and tracking parameters dropped, query sorted). The same article found twice, from
  page 1 or page 2 of a board or with `utm_*` added, is one identity.
- Paths: `content/scraped/<source-id>/<source-id>-<hash10>.md`, hash10 = first 10 hex digits of
  sha1(identity); the slug is the same stem. Nothing is ever named from scraped text, and every
  path is resolved and checked to be inside `content/` before it is written.
- The index of existing identities is built by reading the `Identity:` headers under
  `content/`, so an article moved or kept by an editor is still known; `.state/` only caches.
- Updates: a file is rewritten only when it still hashes to its own `Content_Hash` (nobody
  edited it); otherwise it is left alone and reported as editor-modified. A file without our
  `Identity` is never overwritten.
- Writes: temporary file in the same folder, fsync, `os.replace`. A run
  killed at any moment leaves the old file or the new one, plus at worst `.*.tmp` files that
  the next run removes. A scrape (`Store(batch=True)`) syncs its writes in batches
  (`AtomicBatch`: temporary files written, one fsync pass, renames, the folders fsynced):
  until `flush`, what it wrote is read back from the temporary files, so the index, the
  conflict check and a merge into an article of the same run see it as written.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from newsroom.core.files import TEMP_PREFIX, TEMP_SUFFIX, AtomicBatch, atomic_write
from newsroom.core.model import parse_header

from . import merge
from .markdown import build_document, content_hash

logger = logging.getLogger(__name__)

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SCRAPED_DIR = "scraped"
IMAGES_DIR = "images"

TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "mc_cid",
        "mc_eid", "_ga", "_gl", "ref_src", "spm", "n_media", "n_query", "n_rank", "n_ad_group",
        "n_ad", "n_keyword", "n_campaign_type", "nclid",
    }
)
TRACKING_PREFIXES = ("utm_",)
DEFAULT_PORTS = {"http": 80, "https": 443}


class StoreError(Exception):
    """A write that must not happen (a path outside content/, a file that is not ours)."""


def normalise_url(url: str) -> str:
    """The canonical form of an article URL used in its identity.

    Lower-case scheme and host, default port dropped, fragment dropped, tracking parameters
    (utm_*, fbclid, gclid, …) dropped, remaining query parameters sorted, path kept as is
    (paths are case-sensitive on most servers) but percent-encoded consistently.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port
    netloc = host if port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    pairs = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    ]
    query = urlencode(sorted(pairs), safe="/:@!$'()*,;-._~")
    return urlunsplit((scheme, netloc, path, query, ""))


def make_identity(source_id: str, url: str) -> str:
    """`<source-id> <normalised url>`: one line, no spaces inside either part."""
    if not ID_RE.match(source_id):
        raise StoreError(f"source id {source_id!r} is not [a-z0-9-]")
    return f"{source_id} {normalise_url(url)}"


def identity_hash(identity: str) -> str:
    return hashlib.sha1(identity.encode("utf-8")).hexdigest()[:10]


def slug_for(source_id: str, identity: str) -> str:
    """`<source-id>-<hash10>`, an ASCII slug that never comes from scraped text."""
    return f"{source_id}-{identity_hash(identity)}"


def _inside(path: Path, root: Path) -> Path:
    """`path` resolved; StoreError unless it lies inside `root` (also resolved)."""
    resolved = path.resolve()
    root = root.resolve()
    if resolved != root and root not in resolved.parents:
        raise StoreError(f"{path}: refusing to write outside {root}")
    return resolved


@dataclass
class Entry:
    """An existing scraped article found under content/."""

    path: Path
    identity: str
    content_hash: str
    date: str = ""
    title: str = ""
    merged: bool = False  # carries Other_Sources: copies from other outlets joined it
    dedupe_off: bool = False  # `Dedupe: off`: an editor keeps it out of merging
    merge_into: str = ""  # `Merge_Into: <slug>`: an editor folds it into that article
    slug: str = ""


@dataclass(frozen=True)
class WriteResult:
    """What `Store.write_article` did: new, updated, unchanged, editor-modified or conflict."""

    status: str
    path: Path
    message: str = ""


_IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
MAX_IMAGE_PIXELS = 40_000_000
ORIENTATION = 0x0112  # the EXIF tag
# Image.info keys that draw the picture (kept when re-encoding); everything else is dropped.
_PICTURE_INFO = frozenset({"transparency", "duration", "loop", "background", "disposal",
                           "icc_profile", "gamma", "dpi"})


def image_extension(data: bytes) -> str:
    """The file extension for image bytes Pillow can verify, or raise ValueError."""
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as img:
                fmt = img.format
                width, height = img.size
                img.verify()
        except Exception as exc:
            raise ValueError(f"not a readable image ({exc.__class__.__name__}: {exc})") from None
    if fmt not in _IMAGE_FORMATS:
        raise ValueError(f"image type {fmt} is not one of {', '.join(_IMAGE_FORMATS)}")
    if width * height > MAX_IMAGE_PIXELS:
        raise ValueError(f"image of {width}x{height} pixels is too large")
    return _IMAGE_FORMATS[fmt]


def reencode(data: bytes) -> tuple[bytes, str]:
    """The image decoded and written anew by Pillow, and its file extension.

    A source's bytes are never published as they came: a PNG with HTML after its IEND chunk,
    or a GIF whose header is also valid JavaScript, is an image to Pillow and a page or a
    script to whoever serves or includes it (issue 10). Writing the pixels again keeps the
    picture (JPEG with its own quantisation tables, so nothing is lost to a second
    compression; every frame of an animation) and drops everything else: trailing data,
    comments, metadata (EXIF with GPS positions included; the orientation is applied first).

    Raises:
        ValueError: the bytes are not an image `image_extension` accepts, or cannot be decoded.
    """
    from PIL import Image, ImageOps

    ext = image_extension(data)
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as img:
                fmt = img.format
                frames = getattr(img, "n_frames", 1)
                if fmt == "JPEG":
                    icc = {"icc_profile": img.info["icc_profile"]} if img.info.get(
                        "icc_profile") else {}
                    if img.getexif().get(ORIENTATION, 1) in (0, 1):  # upright already
                        img.save(out, "JPEG", quality="keep", subsampling="keep", **icc)
                    else:
                        ImageOps.exif_transpose(img).save(out, "JPEG", quality=92, **icc)
                else:
                    img.load()
                    # Only what draws the picture; comments, text chunks and EXIF go.
                    img.info = {k: v for k, v in img.info.items() if k in _PICTURE_INFO}
                    extra: dict = {"lossless": True} if fmt == "WEBP" else {}
                    if frames > 1:  # animated GIF or WebP: every frame, its timing and loop
                        extra["save_all"] = True
                    img.save(out, fmt, **extra)
        except ValueError:
            raise
        except Exception as exc:
            raise ValueError(f"image cannot be decoded ({exc.__class__.__name__}: {exc})") from None
    return out.getvalue(), ext


def _with_content_hash(doc: str, digest: str) -> str:
    """`doc` (from build_document) with `Content_Hash: digest` as its last header line: what
    build_document would give with that field appended, without rendering the body again."""
    header, blank, body = doc.partition("\n\n")
    return f"{header}\nContent_Hash: {digest}{blank}{body}"


def _read_header_text(path: Path) -> str:
    """The start of a file up to its first empty line (the whole file when it has none):
    everything `parse_header` reads, as it stops at the first blank line."""
    with open(path, encoding="utf-8", errors="replace") as fh:
        head = fh.read(16384)
        while "\n\n" not in head:
            more = fh.read(16384)
            if not more:
                break
            head += more
    end = head.find("\n\n")
    return head if end < 0 else head[: end + 2]


class Store:
    """Scraped articles and images under one content directory."""

    def __init__(self, content_dir: str | Path, *, dry_run: bool = False, batch: bool = False):
        """`batch`: writes wait in temporary files until `flush` (see the module docstring);
        the caller must `flush` before it reports them written."""
        self.content_dir = Path(content_dir)
        self.root = self.content_dir.resolve()
        self.dry_run = dry_run
        self._index: dict[str, Entry] | None = None
        self.planned: set[Path] = set()
        self._batch = AtomicBatch() if batch and not dry_run else None
        # The batch being committed in the background (`flush(wait=False)`): final path ->
        # temporary file, each either still there or already renamed into place.
        self._committing: dict[Path, str] = {}
        self._commit_thread: threading.Thread | None = None
        self._commit_error: BaseException | None = None

    # --- batched writes ------------------------------------------------------------------
    @property
    def pending(self) -> int:
        """Files written since the last `flush` (0 without `batch`)."""
        return len(self._batch) if self._batch is not None else 0

    @property
    def pending_seconds(self) -> float:
        """How long the oldest write not yet flushed has waited (0.0 when none)."""
        if self._batch is None or not len(self._batch):
            return 0.0
        return time.monotonic() - self._batch.started

    def flush(self, *, wait: bool = True) -> None:
        """Put every pending write in place, synced (AtomicBatch.commit).

        With `wait=False` the commit runs in a thread while the caller writes the next batch
        (the sync is mostly waiting for the disk); the next `flush` waits for it first, and
        reads go to the temporary file or, once renamed, the file itself. One commit at a time,
        in order, so a path written in two batches ends with the later write.

        Raises:
            OSError: the sync or a rename failed (this batch's or the one in the background);
                the writes not yet in place are dropped.
        """
        if self._batch is None:
            return
        self._wait()
        if not len(self._batch):
            return
        if wait:
            self._batch.commit()
            return
        batch, self._batch = self._batch, AtomicBatch()
        self._committing = batch.snapshot()

        def commit() -> None:
            try:
                batch.commit()
            except BaseException as exc:  # raised in the writer's thread by the next flush
                self._commit_error = exc

        self._commit_thread = threading.Thread(target=commit, name="scrape-commit",
                                               daemon=True)
        self._commit_thread.start()

    def _wait(self) -> None:
        """Wait for the background commit; raise its error."""
        if self._commit_thread is not None:
            self._commit_thread.join()
            self._commit_thread = None
            self._committing = {}
            error, self._commit_error = self._commit_error, None
            if error is not None:
                raise error

    def discard(self) -> None:
        """Drop the pending writes (their temporary files), after any background commit."""
        if self._batch is not None:
            try:
                self._wait()
            finally:
                self._batch.discard()

    def _exists(self, path: Path) -> bool:
        return (path.exists() or path in self.planned or path in self._committing
                or self._pending_file(path) is not None)

    def _pending_file(self, path: Path) -> str | None:
        return self._batch.pending(path) if self._batch is not None else None

    def _read_text(self, path: Path) -> str:
        """The text of `path` as this store last wrote it (pending or in place)."""
        pending = self._pending_file(path) or self._committing.get(path)
        if pending:
            try:
                return Path(pending).read_text(encoding="utf-8")
            except FileNotFoundError:
                if pending == self._pending_file(path):
                    raise
                # committed in the background meanwhile: it is at its path now
        return path.read_text(encoding="utf-8")

    # --- index ---------------------------------------------------------------------------
    @property
    def index(self) -> dict[str, Entry]:
        if self._index is None:
            self._index = self.scan()
        return self._index

    def scan(self) -> dict[str, Entry]:
        """Every `Identity:` under content/ (all folders, so moved files still count)."""
        index: dict[str, Entry] = {}
        aliases: dict[str, Entry] = {}
        if not self.root.is_dir():
            return index
        # Sorted by path components (what sorting Paths does), keyed once per path.
        for path in sorted(self.root.rglob("*.md"), key=lambda p: p.parts):
            if path.name.startswith(TEMP_PREFIX):
                continue
            try:
                header = parse_header(_read_header_text(path))
            except OSError as exc:
                logger.warning("%s: cannot read (%s)", path, exc)
                continue
            values: dict[str, str] = {}
            for f in header.fields:  # Header.value: the first field of a key, any case
                values.setdefault(f.key.lower(), f.value)
            identity = values.get("identity", "")
            if not identity:
                continue
            if identity in index:
                logger.warning(
                    "%s: identity %s also in %s; keeping the first", path, identity,
                    index[identity].path,
                )
                continue
            entry = index[identity] = Entry(
                path=path, identity=identity, content_hash=values.get("content_hash", ""),
                date=values.get("date", ""), title=values.get("title", ""),
                merged=bool(values.get("other_sources")),
                dedupe_off=values.get("dedupe", "").strip().lower() == "off",
                merge_into=values.get("merge_into", "").strip(),
                slug=values.get("slug") or path.stem,
            )
            for alias in merge.aliases([(f.key, f.value) for f in header.fields]
                                       ) if entry.merged else ():
                try:
                    source_id, url = alias.split(" ", 1)
                    alias = make_identity(source_id, url)
                except (StoreError, ValueError):
                    continue
                if alias != identity:
                    aliases[alias] = entry
        for alias, entry in aliases.items():
            index.setdefault(alias, entry)  # an article of its own wins over an alias
        return index

    def cleanup_temp_files(self) -> list[Path]:
        """Remove `.*.tmp` files a killed run left in scraped/ and images/."""
        removed = []
        for sub in (SCRAPED_DIR, IMAGES_DIR):
            base = self.root / sub
            if not base.is_dir():
                continue
            for path in base.rglob(TEMP_PREFIX + "*" + TEMP_SUFFIX):
                if path.is_file() and not self.dry_run:
                    path.unlink(missing_ok=True)
                    removed.append(path)
        if removed:
            logger.info("removed %d temporary files left by an interrupted run", len(removed))
        return removed

    # --- articles ------------------------------------------------------------------------
    def article_path(self, source_id: str, identity: str) -> Path:
        """`content/scraped/<id>/<id>-<hash10>.md`, checked to be inside content/."""
        if not ID_RE.match(source_id):
            raise StoreError(f"source id {source_id!r} is not [a-z0-9-]")
        path = self.root / SCRAPED_DIR / source_id / f"{slug_for(source_id, identity)}.md"
        return _inside(path, self.root)

    def write_article(
        self, source_id: str, identity: str, fields: list[tuple[str, str]], body: str,
        *, modified: str = "",
    ) -> WriteResult:
        """Write (or update, or leave) one article.

        Args:
            source_id: the source's id (names the folder).
            identity: from `make_identity`.
            fields: header fields in order, without Content_Hash.
            body: the Markdown body.
            modified: the `Modified` value to set when this turns out to be an update and the
                fields carry none (the time we noticed the change).

        Returns:
            WriteResult with status "new", "updated", "unchanged", "editor-modified" or
            "conflict" (a file that is not ours sits at our path).
        """
        doc = build_document(fields, body)
        digest = content_hash(doc)
        entry = self.index.get(identity)
        if entry is not None and (entry.identity != identity or entry.merged):
            raise StoreError(f"{entry.path}: {identity} is merged into this article; "
                             "write it with merge_into")
        if entry is None:
            path = self.article_path(source_id, identity)
            if self._exists(path):
                return WriteResult(
                    "conflict", path, f"{path} exists without Identity {identity}; not overwritten"
                )
            self._write(path, _with_content_hash(doc, digest))
            self.index[identity] = Entry(path, identity, digest)
            return WriteResult("new", path)
        if entry.content_hash == digest:
            return WriteResult("unchanged", entry.path)
        path = _inside(entry.path, self.root)
        try:
            current = content_hash(self._read_text(path))
        except OSError as exc:
            return WriteResult("conflict", path, f"{path}: cannot read ({exc})")
        if current != entry.content_hash:
            return WriteResult(
                "editor-modified", path, f"{path}: edited since it was scraped; not updated"
            )
        if modified and not any(k == "Modified" and v for k, v in fields):
            fields = [(k, modified if k == "Modified" else v) for k, v in fields]
            if not any(k == "Modified" for k, _ in fields):
                fields.insert(3, ("Modified", modified))
            # Modified is not part of the hash: the digest stands, the header changes.
            doc = build_document(fields, body)
        self._write(path, _with_content_hash(doc, digest))
        entry.content_hash = digest
        return WriteResult("updated", path)

    def read_article(self, entry: Entry) -> tuple[list[tuple[str, str]], str, bool]:
        """An article's header fields, body, and whether it is as the scraper wrote it."""
        path = _inside(entry.path, self.root)
        text = self._read_text(path)
        header = parse_header(text)
        body = "\n".join(text.replace("\r\n", "\n").split("\n")[header.body_line - 1:]).strip()
        fields = [(f.key, f.value) for f in header.fields]
        return fields, body, content_hash(text) == entry.content_hash

    def merge_into(self, entry: Entry, identity: str, fields: list[tuple[str, str]],
                   body: str) -> tuple[WriteResult, str]:
        """Join a copy of the same release (`identity`, `fields`, `body`) to `entry`.

        The article's file takes the copy's outlet (and its text when `merge.merge` says so),
        keeps its path, Slug and Identity, and is rewritten only when nobody edited it.

        Returns:
            (WriteResult "merged", "unchanged" or "editor-modified", the merge action).
        """
        host_fields, host_body, ours = self.read_article(entry)
        if not ours:
            return WriteResult("editor-modified", entry.path,
                               f"{entry.path}: edited since it was scraped; the copy "
                               f"{identity} was not added to it"), "held"
        new_fields, new_body, action = merge.merge(host_fields, host_body, fields, body)
        self.index[identity] = entry
        if action == "known":
            return WriteResult("unchanged", entry.path), action
        doc = build_document(new_fields, new_body)
        digest = content_hash(doc)
        if digest == entry.content_hash:
            return WriteResult("unchanged", entry.path), action
        self._write(_inside(entry.path, self.root), _with_content_hash(doc, digest))
        entry.content_hash = digest
        entry.merged = True
        return WriteResult("merged", entry.path), action

    def remove_article(self, entry: Entry) -> None:
        """Delete a scraped article folded into another (`Merge_Into`).

        Pending writes are put in place first: the article that took this one's outlet must be
        on disk before this file goes, or a crash between the two would lose the outlet.
        """
        path = _inside(entry.path, self.root)
        if not self.dry_run:
            self.flush()
            path.unlink(missing_ok=True)
        for key in [k for k, e in self.index.items() if e is entry]:
            del self.index[key]

    def _write(self, path: Path, doc: str) -> None:
        if self.dry_run:
            self.planned.add(path)
            return
        self._put(path, doc.encode("utf-8"))

    def _put(self, path: Path, data: bytes) -> None:
        if self._batch is not None:
            self._batch.write(path, data)
        else:
            atomic_write(path, data)

    # --- images --------------------------------------------------------------------------
    def image_stem(self, source_id: str, url: str) -> Path:
        if not ID_RE.match(source_id):
            raise StoreError(f"source id {source_id!r} is not [a-z0-9-]")
        digest = hashlib.sha1(normalise_url(url).encode("utf-8")).hexdigest()[:16]
        return _inside(self.root / IMAGES_DIR / source_id / digest, self.root)

    def existing_image(self, source_id: str, url: str) -> str | None:
        """The content-relative path of an image saved before from `url`, if any."""
        stem = self.image_stem(source_id, url)
        for ext in _IMAGE_FORMATS.values():
            candidate = stem.with_suffix("." + ext)
            if candidate.is_file() or self._exists(candidate):
                return candidate.relative_to(self.root).as_posix()
        return None

    def save_image(self, source_id: str, url: str, data: bytes) -> str:
        """Verify image bytes with Pillow and save them re-encoded (`reencode`); return the
        content-relative path.

        Raises:
            ValueError: not a JPEG, PNG, GIF or WebP image Pillow can read.
        """
        ext = image_extension(data)
        path = _inside(self.image_stem(source_id, url).with_suffix("." + ext), self.root)
        if not self.dry_run and not self._exists(path):
            self._put(path, reencode(data)[0])
        return path.relative_to(self.root).as_posix()
