"""Release step: fingerprint assets, precompress text files, keep old assets reachable.

Run by `newsroom update` on a fresh build, before validation:

1. **Fingerprint.** Every file with an asset extension under the theme's static folder
   (`THEME_STATIC_DIR`: css, js, fonts, icons) and under `STATIC_PATHS` (content images) gets
   a second name with the first 10 hex digits of its sha256 before the extension
   (`theme/css/site.css` -> `theme/css/site.3f2a1b9c0d.css`), a hard link, so it costs no disk.
   Relative and root-relative references in HTML (`href`, `src`, `srcset`, `poster`) and in
   CSS (`url(...)`) are rewritten to the fingerprinted names; CSS files are rewritten before
   they are hashed, so a changed font changes the stylesheet's name too. Absolute URLs (feeds,
   Open Graph, JSON-LD, sitemaps) keep the stable names: other machines keep those for a long
   time, and the originals stay in every release.
2. **Precompress.** Text files get a `.gz` beside them (gzip level 6, no timestamp, so an
   unchanged file gives an identical `.gz`), served by nginx's `gzip_static`. A file that is
   the previous release's own file (one inode: the incremental build linked the page) takes
   its `.gz` as a hard link without being read; a file with the same bytes as there does too,
   after one read; only the rest is compressed.
3. **Keep old assets.** A page already in a reader's browser (or in a CDN for its short
   lifetime) still asks for the assets it was built with after the next release goes live, or
   after a rollback. Every fingerprinted file is kept in a pool beside the releases
   (`releases/assets/`, with `releases/assets.json` saying when each was last part of a live
   or new release) and linked into every new release, and into a release that `newsroom
   rollback` brings back, until it has been out of use for `GRACE_SECONDS`.

Pure functions (names, rewriting) are separate from the file walks so tests can call them.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from newsroom.core.files import atomic_write_json

logger = logging.getLogger(__name__)

ASSET_EXTENSIONS = frozenset({
    "css", "js", "mjs", "woff", "woff2", "ttf", "otf", "eot", "svg", "png", "jpg", "jpeg",
    "gif", "webp", "avif", "ico",
})
COMPRESS_EXTENSIONS = frozenset({"html", "css", "js", "mjs", "xml", "json", "svg", "txt"})
GZIP_LEVEL = 6
COMPRESS_MIN_BYTES = 256
HASH_LEN = 10
# From this many files a step is split over the machine's cores (a first publish).
PARALLEL_MIN_FILES = 200
FINGERPRINTED_RE = re.compile(rf"\.[0-9a-f]{{{HASH_LEN}}}\.[A-Za-z0-9]+$")
_HASH_PART_RE = re.compile(rf"\.[0-9a-f]{{{HASH_LEN}}}(\.[A-Za-z0-9]+)$")
# An old asset stays reachable this long after the last live release that used it: longer
# than any page's cache lifetime (5 minutes), long enough for a tab left open to print.
GRACE_SECONDS = 7 * 24 * 3600

# Lower-case attribute names only: Jinja templates, Python-Markdown and nh3 (scraped HTML) all
# write them so, and case-insensitive matching costs a third more on every page. A reference
# this misses still works: the unfingerprinted original stays in every release.
_HTML_ATTR_RE = re.compile(r"""(\s(?:href|src|poster|srcset)\s*=\s*)(["'])(.*?)\2""", re.DOTALL)
_CSS_URL_RE = re.compile(r"""(url\(\s*)(["']?)([^"')]+)\2(\s*\))""", re.IGNORECASE)


# --- names and references (pure) -----------------------------------------------------------

def extension(name: str) -> str:
    return name.rsplit(".", 1)[1].lower() if "." in name.rsplit("/", 1)[-1] else ""


def is_fingerprinted(name: str) -> bool:
    return bool(FINGERPRINTED_RE.search(name))


def fingerprinted_name(rel: str, digest: str) -> str:
    """`theme/css/site.css` -> `theme/css/site.<10 hex>.css`."""
    head, dot, ext = rel.rpartition(".")
    return f"{head}.{digest[:HASH_LEN]}{dot}{ext}"


def _insert_hash(url: str, digest: str) -> str:
    """The same URL text with the hash before the file's extension (query and fragment kept)."""
    cut = len(url)
    for sep in ("#", "?"):
        i = url.find(sep)
        if i != -1:
            cut = min(cut, i)
    path, rest = url[:cut], url[cut:]
    head, dot, ext = path.rpartition(".")
    return f"{head}.{digest[:HASH_LEN]}{dot}{ext}{rest}"


Resolver = Callable[[str, str], "str | None"]


def _basenames(digests: dict[str, str]) -> frozenset[str]:
    return frozenset(rel.rsplit("/", 1)[-1] for rel in digests)


def rewrite_url(url: str, page: str, digests: dict[str, str], resolve: Resolver,
                names: frozenset[str] | None = None) -> str:
    """A reference from `page` with the fingerprinted name when it points at a known asset.

    Absolute URLs (scheme or //host) are left alone: feeds and metadata keep stable names.
    `names` (the assets' file names) lets most links skip resolving: a page has hundreds.
    """
    stripped = url.strip()
    if not stripped or stripped.startswith(("#", "data:", "//")) or "://" in stripped \
            or ":" in stripped.split("/", 1)[0]:
        return url
    bare = stripped
    name = stripped.split("#", 1)[0].split("?", 1)[0].rsplit("/", 1)[-1]
    if is_fingerprinted(name):
        # A page taken unchanged from the previous release (plugins/newsroom_site/
        # incremental.py) already names `x.<hash>.jpg`: point it at x.jpg's current hash,
        # which differs when the file changed under the same name.
        original = original_name(name)
        if names is not None and unquote(original) not in names:
            return url
        cut = stripped.index(name) + len(name)
        bare = stripped[:cut - len(name)] + original + stripped[cut:]
    elif names is not None and unquote(name) not in names:
        return url
    target = resolve(page, bare)
    digest = digests.get(target) if target else None
    if not digest:
        return url
    new = _insert_hash(bare, digest)
    return url if new == stripped else url.replace(stripped, new)


def _suffixes(digests: dict[str, str]) -> tuple[str, ...]:
    return tuple(sorted({"." + extension(rel) for rel in digests if extension(rel)}))


def rewrite_html(text: str, page: str, digests: dict[str, str], resolve: Resolver,
                 memo: dict | None = None) -> str:
    """`text` with every reference to an asset of `digests` fingerprinted (rewrite_url);
    the same string when none changed. `memo`: a dict kept by the caller across pages with
    the same `digests`, for values seen from the same folder (every page of a folder names
    the same stylesheets and scripts, each resolved once)."""
    names = _basenames(digests)
    folder = page.rpartition("/")[0]
    # A value can name an asset only if it holds one of the assets' extensions (in any
    # case), or hides one behind a %-escape: a page's other links (about 40 a page: other
    # pages, sections, tags) are passed over without resolving or rebuilding them.
    suffixes = _suffixes(digests)
    parts: list[str] = []
    last = 0
    for m in _HTML_ATTR_RE.finditer(text):
        value = m.group(3)
        if "%" not in value:
            lower = value.lower()
            if not any(suffix in lower for suffix in suffixes):
                continue
        srcset = m.group(1).lstrip().startswith("srcset")
        key = (folder, srcset, value)
        new = memo.get(key) if memo is not None else None
        if new is None:
            new = _rewrite_value(value, srcset, page, digests, resolve, names)
            if memo is not None:
                memo[key] = new
        if new != value:
            parts.append(text[last:m.start(3)])
            parts.append(new)
            last = m.end(3)
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


def _rewrite_value(value: str, srcset: bool, page: str, digests: dict[str, str],
                   resolve: Resolver, names: frozenset[str]) -> str:
    """One attribute's value rewritten: a URL, or each URL of a srcset list."""
    if not srcset:
        return rewrite_url(value, page, digests, resolve, names)
    pieces, changed = [], False
    for part in value.split(","):
        bits = part.strip().split(None, 1)
        if bits:
            url = rewrite_url(bits[0], page, digests, resolve, names)
            changed = changed or url != bits[0]
            bits[0] = url
        pieces.append(" ".join(bits))
    return ", ".join(pieces) if changed else value  # untouched: byte for byte


def rewrite_css(text: str, sheet: str, digests: dict[str, str], resolve: Resolver) -> str:
    names = _basenames(digests)
    return _CSS_URL_RE.sub(
        lambda m: f"{m.group(1)}{m.group(2)}"
                  f"{rewrite_url(m.group(3), sheet, digests, resolve, names)}"
                  f"{m.group(2)}{m.group(4)}",
        text)


# --- the release step (I/O) ------------------------------------------------------------------

@dataclass
class Report:
    fingerprinted: int = 0
    rewritten: int = 0
    compressed: int = 0
    reused_gz: int = 0
    # Text files read for their .gz (not those whose .gz came unread with their page from
    # the previous release): their size, and the size of their .gz.
    bytes_before: int = 0
    bytes_after: int = 0
    carried: int = 0  # old fingerprinted files linked in from the pool
    kept: int = 0  # pages taken unchanged from the live release: not read
    expired: list[str] = field(default_factory=list)
    live_tree: Tree | None = None  # the live release's walk, for validation to share

    def summary(self) -> str:
        saved = self.bytes_before - self.bytes_after
        pct = 100 * saved / self.bytes_before if self.bytes_before else 0
        return (f"{self.fingerprinted} assets fingerprinted, {self.rewritten} files rewritten, "
                f"{self.compressed} compressed ({self.reused_gz} reused), "
                f"{self.bytes_before} -> {self.bytes_after} bytes gzipped of the files read "
                f"({saved} saved, {pct:.0f}%), {self.carried} old assets kept, "
                f"{len(self.expired)} expired, {self.kept} pages taken unchanged")


class Tree:
    """Every file of a folder by path relative to it -> inode, as the directory entries say
    (os.scandir: no stat per file). Two releases' files are the same file (a hard link)
    exactly when device and inode agree, so comparing the two maps replaces a `samefile`
    (two stats) per file. The same files as os.walk lists: a symbolic link to a file is
    listed with its target's inode, one to a folder is not followed."""

    def __init__(self, root: Path | str | None, under: Iterable[str] = ("",)) -> None:
        self.root = str(root) if root is not None else None
        self.files: dict[str, int | None] = {}
        self.dev = -1
        if self.root is None or not os.path.isdir(self.root):
            return
        self.dev = os.stat(self.root).st_dev
        stack = []
        for top in under:
            top = top.strip("/")
            stack.append((f"{top}/" if top else "", os.path.join(self.root, top)))
        while stack:
            prefix, folder = stack.pop()
            try:
                it = os.scandir(folder)
            except (FileNotFoundError, NotADirectoryError):
                continue
            with it:
                for e in it:
                    if e.is_dir(follow_symlinks=False):
                        stack.append((f"{prefix}{e.name}/", e.path))
                    elif not e.is_symlink():
                        self.files[prefix + e.name] = e.inode()
                    elif not e.is_dir():  # a link to a file (or a broken one)
                        try:
                            self.files[prefix + e.name] = os.stat(e.path).st_ino
                        except OSError:
                            self.files[prefix + e.name] = None

    def __contains__(self, rel: str) -> bool:
        return rel in self.files

    def same(self, rel: str, other: Tree | None, other_rel: str | None = None) -> bool:
        """Whether `rel` here and `other_rel` (default `rel`) in `other` are one file."""
        if other is None or other.dev != self.dev:
            return False
        ino = self.files.get(rel)
        return ino is not None and ino == other.files.get(rel if other_rel is None
                                                          else other_rel)

    def update(self, rel: str) -> None:
        """Note a file written or replaced under `rel` since the walk."""
        try:
            self.files[rel] = os.stat(os.path.join(self.root, rel)).st_ino
        except OSError:
            self.files.pop(rel, None)


def _replace_text(path: Path, text: str) -> None:
    """Write through a new inode: Pelican may have hard-linked a file to its source."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _link(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    _link_s(str(src), str(dst))


def asset_roots(settings: dict) -> list[str]:
    """Output folders whose files are fingerprinted: the theme's static folder and STATIC_PATHS."""
    roots = [str(settings.get("THEME_STATIC_DIR") or "theme")]
    roots += [str(p) for p in settings.get("STATIC_PATHS") or []]
    return [r.strip("/") for r in roots if r.strip("/")]


def fingerprint(release: Path, roots: list[str], origin: str, report: Report,
                live: Path | None = None, memo_path: Path | None = None,
                tree: Tree | None = None, live_tree: Tree | None = None,
                release_id: str | None = None) -> dict[str, str]:
    """Fingerprint the assets under `roots` and rewrite references; returns path -> digest.

    With the live release and a memo of the previous build's digests: an asset whose size
    and modification time (Pelican copies static files with theirs) match the memo is not
    read again, and when no asset changed, an HTML file that is the live release's own file
    (a hard link: the incremental build took the page unchanged) already names the right
    assets and is not read at all. Otherwise every page is rewritten, old hashes included.
    `tree`/`live_tree`: the folders' files (Tree), walked here when not given; `tree` is kept
    up to date with the files this step writes. `release_id`: the id the folder will be
    committed under (by default its name without `.build-`), which the memo names.
    """
    from newsroom.validate import resolve_link

    def resolve(page: str, link: str) -> str | None:
        return resolve_link(page, link, origin)

    tree = tree if tree is not None else Tree(release)
    if live_tree is None and live is not None:
        live_tree = Tree(live)
    files = sorted(tree.files)
    under = tuple(r + "/" for r in roots)
    assets = [f for f in files if f.startswith(under) and extension(f) in ASSET_EXTENSIONS
              and not is_fingerprinted(f)]
    digests: dict[str, str] = {}
    memo = _read_memo(memo_path)
    stamps: dict[str, list] = {}

    def add(rel: str) -> None:
        st = (release / rel).stat()
        known = memo.get("stamps", {}).get(rel)
        if extension(rel) != "css" and known and known[:2] == [st.st_size, st.st_mtime_ns]:
            digest = known[2]
        else:
            digest = hashlib.sha256((release / rel).read_bytes()).hexdigest()
        stamps[rel] = [st.st_size, st.st_mtime_ns, digest]
        digests[rel] = digest
        _link(release / rel, release / fingerprinted_name(rel, digest))
        tree.update(fingerprinted_name(rel, digest))
        report.fingerprinted += 1

    for rel in assets:  # leaves first: images, fonts, scripts
        if extension(rel) != "css":
            add(rel)
    for rel in assets:  # then stylesheets, rewritten to the leaves' names, then hashed
        if extension(rel) == "css":
            path = release / rel
            text = path.read_text(encoding="utf-8")
            new = rewrite_css(text, rel, digests, resolve)
            if new != text:
                _replace_text(path, new)
                tree.update(rel)
                report.rewritten += 1
            add(rel)
    # The memo must be the live release's own (a build that failed validation wrote one too).
    unchanged = (live is not None and memo.get("release") == live.name
                 and memo.get("digests") == digests)
    pages = []
    for rel in files:
        if extension(rel) == "html":
            if unchanged and tree.same(rel, live_tree):
                report.kept += 1
                continue
            pages.append(rel)
    for rel in _rewrite_all(release, pages, digests, origin):
        tree.update(rel)
        report.rewritten += 1
    if memo_path is not None:
        atomic_write_json(memo_path, {"release": release_id or release.name.removeprefix(".build-"),
                                      "digests": digests, "stamps": stamps}, compact=True)
    return digests


def _rewrite_all(release: Path, pages: list[str], digests: dict[str, str],
                 origin: str) -> list[str]:
    """Rewrite `pages` in place (rewrite_html); the ones that changed. Many pages (a first
    publish rewrites every one) are split over the machine's cores: worker processes are
    spawned, not forked, because the update job runs a progress thread (as validate.py)."""
    workers = os.cpu_count() or 1
    if workers < 2 or len(pages) < PARALLEL_MIN_FILES:
        return _rewrite_chunk((str(release), pages, digests, origin))
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = -(-len(pages) // (workers * 4))
    chunks = [(str(release), pages[i:i + size], digests, origin)
              for i in range(0, len(pages), size)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return [rel for part in pool.map(_rewrite_chunk, chunks) for rel in part]


def _rewrite_chunk(args: tuple[str, list[str], dict[str, str], str]) -> list[str]:
    release, pages, digests, origin = args
    from newsroom.validate import resolve_link

    def resolve(page: str, link: str) -> str | None:
        return resolve_link(page, link, origin)

    changed = []
    memo: dict = {}
    for rel in pages:
        path = Path(release, rel)
        text = path.read_text(encoding="utf-8")
        new = rewrite_html(text, rel, digests, resolve, memo)
        if new != text:
            _replace_text(path, new)
            changed.append(rel)
    return changed


def _read_memo(path: Path | None) -> dict:
    if path is None:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def precompress(release: Path, previous: Path | None, report: Report,
                tree: Tree | None = None, previous_tree: Tree | None = None) -> None:
    """A .gz beside each text file that gzip makes smaller; reuse the previous release's.

    A file that is the previous release's own file (one inode: the incremental build linked
    the page unchanged) takes that release's .gz (a link) without being read; any other file
    is read, and compressed unless the previous release has the same bytes and their .gz.
    `tree`/`previous_tree`: the folders' files (Tree), walked here when not given. Paths are
    plain strings: this runs once per file of the release (tens of thousands).
    """
    release_s = str(release)
    tree = tree if tree is not None else Tree(release)
    if previous_tree is None:
        previous_tree = Tree(previous)
    previous_s = str(previous) if previous is not None else None
    done: dict[int, str] = {}  # inode -> its .gz (fingerprinted hard links)
    queued: dict[int, str] = {}  # inode -> the .gz its first name will get
    jobs: list[tuple[str, str, int, str | None]] = []
    later: list[tuple[str, str]] = []  # (.gz of a queued file, .gz of its other name)
    for rel in sorted(tree.files):
        if extension(rel) not in COMPRESS_EXTENSIONS or rel + ".gz" in tree:
            continue
        path = f"{release_s}/{rel}"
        gz = path + ".gz"
        inode = tree.files[rel]
        if inode is not None and inode in done:
            _link_s(done[inode], gz)
            continue
        if inode is not None and inode in queued:
            later.append((queued[inode], gz))
            continue
        if previous_s is not None and rel + ".gz" in previous_tree \
                and tree.same(rel, previous_tree):
            # The previous release's own file: its .gz is this one's. Not read, not even
            # stat-ed (13,000 pages of an arrival): its bytes are not in the byte counts.
            if _link_gz(f"{previous_s}/{rel}.gz", gz):
                report.reused_gz += 1
                report.compressed += 1
                done[inode] = gz
                continue
            # gone meanwhile: handled as any other file below
        st = os.stat(path)
        if st.st_size < COMPRESS_MIN_BYTES:
            continue
        inode = st.st_ino
        if inode in done:
            _link_s(done[inode], gz)
            continue
        if inode in queued:  # another name of a file queued below: its .gz, once made
            later.append((queued[inode], gz))
            continue
        old = f"{previous_s}/{rel}" if previous_s is not None else None
        reusable = old is not None and rel + ".gz" in previous_tree and rel in previous_tree
        queued[inode] = gz
        jobs.append((path, gz, st.st_size, old if reusable else None))
    # Reading, comparing and compressing: zlib and file I/O release the GIL, so threads
    # share it out over the cores (a first publish compresses every page).
    workers = min(4, os.cpu_count() or 1) if len(jobs) >= PARALLEL_MIN_FILES else 1
    if workers > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(workers, thread_name_prefix="gzip") as pool:
            results = list(pool.map(_compress_one, jobs))
    else:
        results = [_compress_one(job) for job in jobs]
    made = set()
    for (_path, gz, size, _old), (reused, packed_size) in zip(jobs, results, strict=True):
        if packed_size is None:
            continue  # gzip made it no smaller: no .gz
        made.add(gz)
        report.reused_gz += reused
        report.compressed += 1
        report.bytes_before += size
        report.bytes_after += packed_size
    for src, gz in later:
        if src in made:  # else gzip did not make the first name smaller: nor this one
            _link_s(src, gz)


def _compress_one(job: tuple[str, str, int, str | None]) -> tuple[bool, int | None]:
    """Write `path`.gz, or link the previous release's when that file has the same bytes;
    (whether reused, the .gz's size) or (False, None) when gzip does not make it smaller."""
    path, gz, size, old = job
    with open(path, "rb") as f:
        data = f.read()
    if old is not None and os.path.isfile(old + ".gz") and _same_bytes(old, size, data):
        _link_s(old + ".gz", gz)
        return True, os.stat(old + ".gz").st_size
    # Level 6: on this site's pages level 9 saves 0.1 % of the bytes and costs a quarter
    # more time, over every page of a first publish.
    packed = gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)
    if len(packed) >= len(data):
        return False, None
    with open(gz, "wb") as f:
        f.write(packed)
    return False, len(packed)


def _same_bytes(path: str, size: int, data: bytes) -> bool:
    """Whether `path` is a regular file holding exactly `data` (`size` bytes)."""
    try:
        if not os.path.isfile(path) or os.stat(path).st_size != size:
            return False
        with open(path, "rb") as f:
            return f.read() == data
    except OSError:
        return False


def _link_gz(src: str, dst: str) -> bool:
    """`_link_s`, False instead of an error when `src` is gone."""
    try:
        _link_s(src, dst)
    except FileNotFoundError:
        return False
    return True


def _link_s(src: str, dst: str) -> None:
    """`_link` for str paths into a folder that exists (the file beside it is there)."""
    try:
        os.link(src, dst)
    except FileExistsError:
        pass
    except FileNotFoundError:
        raise  # `src` is gone: a copy would fail the same way
    except OSError:  # another file system: a copy does the same job
        import shutil

        shutil.copy2(src, dst)


def original_name(rel: str) -> str:
    """`theme/css/site.<hash>.css` -> `theme/css/site.css`."""
    return _HASH_PART_RE.sub(r"\1", rel)


def own_assets(release: Path, tree: Tree | None = None) -> list[str]:
    """The fingerprinted files a release made itself (not carried from the pool): each is a
    hard link of the original beside it. Carried ones are other files: their content differs
    from the original's, or they would have the same name. `tree`: the release's files
    (Tree; the asset roots are enough, `fingerprint` names nothing else), walked when not
    given."""
    tree = tree if tree is not None else Tree(release)
    return [rel for rel in tree.files
            if is_fingerprinted(rel) and tree.same(rel, tree, original_name(rel))]


class Pool:
    """Fingerprinted files of every recent release, kept for pages still in readers' hands."""

    def __init__(self, releases_dir: Path):
        self.dir = Path(releases_dir) / "assets"
        self.ledger_path = Path(releases_dir) / "assets.json"

    def ledger(self) -> dict[str, float]:
        try:
            data = json.loads(self.ledger_path.read_text(encoding="utf-8"))
            return {str(k): float(v) for k, v in data.items()}
        except (OSError, ValueError, AttributeError):
            return {}

    def entries(self) -> list[str]:
        if not self.dir.is_dir():
            return []
        return [rel for rel in Tree(self.dir).files
                if is_fingerprinted(rel.removesuffix(".gz"))]

    def update(self, release: Path, live: Path | None, now: float, report: Report,
               grace: float = GRACE_SECONDS, roots: list[str] | None = None,
               trees: dict[Path, Tree] | None = None) -> None:
        """Add the new release's assets, mark what is in use, expire the rest, fill it in.

        `roots`: the asset roots (asset_roots), where every fingerprinted file is: only
        those folders are walked (all of each release when None). `trees`: walks of the
        releases already made (Tree), by release folder.
        """
        ledger = self.ledger()
        pooled = set(self.entries())
        in_use: set[str] = set()
        trees = trees or {}
        for root in (r for r in (release, live) if r and r.is_dir()):
            tree = trees.get(root) or Tree(root, roots if roots is not None else ("",))
            for rel in own_assets(root, tree):
                in_use.add(rel)
                for name in (rel, rel + ".gz"):
                    if name in tree and name not in pooled:
                        _link(root / name, self.dir / name)
                        pooled.add(name)
        for rel in sorted(pooled):
            base = rel.removesuffix(".gz")
            if base in in_use:
                ledger[base] = now
            ledger.setdefault(base, now)  # in the pool but not in the ledger: a crash
        for base, seen in list(ledger.items()):
            if seen < now - grace:
                for rel in (base, base + ".gz"):
                    (self.dir / rel).unlink(missing_ok=True)
                    pooled.discard(rel)
                del ledger[base]
                report.expired.append(base)
        ledger = {k: v for k, v in ledger.items() if k in pooled}
        atomic_write_json(self.ledger_path, dict(sorted(ledger.items())), compact=True)
        report.carried += self.fill(release, sorted(pooled), trees.get(release))

    def fill(self, release: Path, entries: list[str] | None = None,
             tree: Tree | None = None) -> int:
        """Link every pooled file the release lacks into it; returns how many.
        `entries`/`tree`: the pool's files and the release's (Tree), when known."""
        added = 0
        for rel in self.entries() if entries is None else entries:
            if tree is not None and rel in tree:
                continue
            dst = release / rel
            if not dst.exists():
                _link(self.dir / rel, dst)
                added += 1
        return added


def prepare_release(release: Path, settings: dict, origin: str, releases_dir: Path,
                    live: Path | None, now: float | None = None,
                    trees: dict[Path, Tree] | None = None,
                    release_id: str | None = None) -> Report:
    """The whole step on a fresh build folder (see the module's docstring). `trees`: walks
    of the two folders already made (Tree), by folder; `release_id`: the id the folder will
    be committed under (fingerprint)."""
    report = Report()
    roots = asset_roots(settings)
    # One walk of each release (directory entries only), shared by the three steps.
    trees = trees or {}
    tree = trees.get(release) or Tree(release)
    live_tree = trees.get(live) if live is not None and live in trees else Tree(live)
    report.live_tree = live_tree if live is not None else None
    fingerprint(release, roots, origin, report, live,
                Path(releases_dir) / "assets-digests.json", tree, live_tree, release_id)
    precompress(release, live, report, tree, live_tree)
    # The new release's asset roots are walked again there: precompress added .gz files.
    Pool(releases_dir).update(release, live, time.time() if now is None else now, report,
                              roots=roots, trees={live: live_tree} if live else None)
    return report
