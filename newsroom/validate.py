"""Validation of a built release before it goes live.

A release is refused when:
- an article or page in content/ that is not a draft has no page at its URL;
- a draft has a page anywhere (its article URL or the draft URL);
- a taken-down page or image (takedowns.toml, `newsroom takedown`) is in the release;
- an HTML file links (href, src, srcset) to a file of the site that does not exist;
- a feed named in the settings is missing or does not parse with feedparser;
- a configured section (NEWSROOM_SECTIONS, as resolved by newsroom.core.settings) has no
  page or no feeds, even when it has no articles yet.

The link check reads every HTML file once with lxml and checks targets against one set of
the release's paths, so it costs one parse per page and no disk look-ups; a page taken
unchanged from the previous release (a hard link) is not parsed again (LinkCache).

What an increment costs: each check still looks at every page, feed and content file of the
release, but what it learnt of a file that comes back unchanged is kept in the job's state
folder and taken again instead of reading the file (`validate_release(state=...)`):
- the links of a page, by the page's identity (device, inode, size, modification time):
  the targets are checked against this release's files every time (LinkCache);
- the facts of a content file's header (slug, status, date), by the file's identity with
  its change time; whether they make it scheduled is decided again against this run's now
  (DocMemo);
- a feed's verdict (parses, has entries), by the sha256 of its bytes: a feed written again
  is parsed again unless it is byte for byte one that parsed before (FeedMemo).
Every memo is keyed by the code that made it and is only a cache: deleting it costs time.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import posixpath
import re
from array import array
from collections.abc import Iterable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import feedparser
from lxml import etree, html

from newsroom.assets import Tree
from newsroom.core.files import atomic_write, content_entries
from newsroom.core.model import derive_slug, is_scheduled, now_kst, parse_date, parse_header
from newsroom.core.settings import Resolved

logger = logging.getLogger(__name__)

LINK_ATTRS = ("href", "src", "srcset", "poster")
MAX_REPORTED = 25


@dataclass(frozen=True)
class Problem:
    """Something wrong with a release: the file concerned and why."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(frozen=True)
class Doc:
    """A content file the build must (or must not) have written."""

    source: str  # path relative to content/
    kind: str  # "article" or "page"
    slug: str
    draft: bool
    scheduled: bool = False  # dated after the build's now: not published yet


# --- what content/ promises ----------------------------------------------------------------

def _under(rel: str, paths: Iterable[str]) -> bool:
    for p in paths:
        p = p.strip("/")
        if p in ("", ".") or rel == p or rel.startswith(p + "/"):
            return True
    return False


def content_docs(content_dir: Path, settings: Mapping, now: datetime | None = None,
                 memo: DocMemo | None = None) -> list[Doc]:
    """Every article and page under content/ with its slug, whether it is a draft, and whether
    it is scheduled after `now` (the build's now; the clock when None). `memo`: the header
    facts of files that did not change since the last run (DocMemo)."""
    now = now or now_kst()
    article_paths = settings.get("ARTICLE_PATHS") or [""]
    page_paths = settings.get("PAGE_PATHS") or ["pages"]
    excludes = list(settings.get("ARTICLE_EXCLUDES") or []) + list(
        settings.get("STATIC_PATHS") or [])
    memo = memo if memo is not None else DocMemo(None)
    docs: list[Doc] = []
    # The same files `newsroom check` and the strict build look at.
    for rel, entry in content_entries(content_dir):
        if _under(rel, page_paths):
            kind = "page"
        elif _under(rel, article_paths) and not _under(rel, excludes):
            kind = "article"
        else:
            continue
        slug, draft, date = memo.facts(rel, entry)
        later = kind == "article" and date is not None and is_scheduled(date, now)
        docs.append(Doc(rel, kind, slug, draft, later))
    return docs


def header_facts(text: str, rel: str) -> tuple[str, bool, datetime | None]:
    """(slug, draft, Date or None when missing or unreadable) of a content file's text."""
    header = parse_header(text)
    status = header.value("Status", "published").strip().lower()
    slug = derive_slug(header.value("Slug") or None, rel)
    try:
        date = parse_date(header.value("Date"))
    except ValueError:
        date = None
    return slug, status == "draft", date


def _code_version(*names: str) -> str:
    """A digest of the source files (of this package) whose output a memo keeps."""
    h = hashlib.blake2b(digest_size=16)
    here = Path(__file__).resolve().parent
    for name in names:
        try:
            h.update((here / name).read_bytes())
        except OSError:
            h.update(name.encode())
    return h.hexdigest()


def _load(path: Path | None, version: str) -> dict:
    """A memo's entries, or nothing when it is missing, unreadable or from other code."""
    if path is None:
        return {}
    try:
        with open(path, "rb") as f:
            data = pickle.load(f)
        if isinstance(data, dict) and data.get("version") == version:
            return data["entries"]
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, KeyError, TypeError,
            ValueError, ImportError, IndexError):
        pass
    return {}


def _save(path: Path | None, version: str, entries: dict) -> None:
    if path is None:
        return
    atomic_write(path, pickle.dumps({"version": version, "entries": entries},
                                    protocol=pickle.HIGHEST_PROTOCOL), sync=False)


class DocMemo:
    """`header_facts` of each content file seen before, by path and identity (size,
    modification and change time, inode, device): an editor's save, even one that keeps
    the size and the modification time, moves the change time, and a file replaced by
    another moves the inode. Only this run's files are saved (removed files drop out)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.version = _code_version("validate.py", "core/model.py")
        self.old: dict[str, tuple] = _load(path, self.version)
        self.new: dict[str, tuple] = {}

    def facts(self, rel: str, entry: os.DirEntry) -> tuple[str, bool, datetime | None]:
        st = entry.stat()
        stamp = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)
        known = self.old.get(rel)
        if known is not None and known[0] == stamp:
            self.new[rel] = known
            return known[1]
        with open(entry.path, encoding="utf-8", errors="replace") as f:
            facts = header_facts(f.read(), rel)
        self.new[rel] = (stamp, facts)
        return facts

    def save(self) -> None:
        _save(self.path, self.version, self.new)


def _save_as(pattern: str, slug: str) -> str | None:
    try:
        return pattern.format(slug=slug, lang="ko")
    except (KeyError, IndexError, AttributeError):
        return None  # the pattern needs more than a slug (a date, a category): not checked


def check_takedowns(files: set[str], settings: Mapping) -> tuple[list[Problem], set[str]]:
    """No taken-down page or image is in the release; returns (problems, the pages' URLs)."""
    from newsroom.core import takedowns

    path = settings.get("NEWSROOM_TAKEDOWNS")
    try:
        items = takedowns.read(Path(path)) if path else []
    except takedowns.TakedownError as e:
        return [Problem(str(path), str(e))], set()
    problems = []
    hashed: dict[str, list[str]] = {}  # name.<10 hex>.ext (newsroom.assets) by name.ext
    for f in files:
        m = _HASHED_RE.match(f)
        if m:
            hashed.setdefault(m["base"] + m["ext"], []).append(f)
    for t in items:
        for rel in (t.url, *t.images):
            for f in (rel, f"{rel}.gz", *hashed.get(rel, [])):
                if f in files:
                    problems.append(Problem(f, f"taken down ({t.date or 'takedowns.toml'}) "
                                               "but in the release"))
    return problems, {t.url for t in items}


_HASHED_RE = re.compile(r"^(?P<base>.+)\.[0-9a-f]{10}(?P<ext>\.[A-Za-z0-9]+)$")


def check_pages(docs: list[Doc], files: set[str], settings: Mapping,
                taken_down: set[str] = frozenset()) -> list[Problem]:
    """Every published document has its page (unless taken down); no draft has one."""
    problems = []
    patterns = {"article": settings.get("ARTICLE_SAVE_AS", "{slug}.html"),
                "page": settings.get("PAGE_SAVE_AS", "pages/{slug}.html")}
    draft_patterns = {"article": settings.get("DRAFT_SAVE_AS", ""),
                      "page": settings.get("DRAFT_PAGE_SAVE_AS", "")}
    for doc in docs:
        expected = _save_as(patterns[doc.kind], doc.slug)
        if doc.draft or doc.scheduled:
            why = "Status: draft" if doc.draft else "scheduled for later"
            for where in (expected, _save_as(draft_patterns[doc.kind] or "", doc.slug)):
                if where and where in files:
                    problems.append(Problem(
                        where, f"content/{doc.source} was published ({why})"))
        elif expected and expected not in files and expected not in taken_down:
            problems.append(Problem(
                expected, f"missing: content/{doc.source} should be published at {expected}"))
    return problems


# --- links -----------------------------------------------------------------------------------

def release_files(release: Path) -> set[str]:
    """Every file of the release, as a path relative to it (os.walk's files: assets.Tree)."""
    return set(Tree(release).files)


def _candidates(value: str, attr: str) -> list[str]:
    if attr == "srcset":
        return [part.strip().split()[0] for part in value.split(",") if part.strip()]
    return [value.strip()]


def resolve_link(page: str, link: str, origin: str) -> str | None:
    """The release path a link points to, or None when it leaves the site.

    `page` is the linking file relative to the release; `origin` the site's absolute origin
    (scheme://host[/prefix]); absolute links to it count as internal.
    """
    if not link or link.startswith("#"):
        return None
    parts = urlsplit(link)
    o = urlsplit(origin) if origin else None
    prefix = o.path.rstrip("/") if o else ""
    if parts.scheme or parts.netloc:
        if parts.scheme and parts.scheme not in ("http", "https"):
            return None  # mailto:, tel:, data:, javascript: (the site's CSP handles those)
        if not o or parts.netloc.lower() != o.netloc.lower():
            return None
        path = parts.path or "/"
    elif link.startswith("/"):
        path = parts.path  # root-relative: below the origin's prefix
    else:
        path = urlsplit(urljoin("/" + page, link)).path
        prefix = ""  # relative to the linking page, inside the release already
    path = unquote(path)
    if prefix and (path == prefix or path.startswith(prefix + "/")):
        path = path[len(prefix):] or "/"
    trailing = path.endswith("/")
    norm = posixpath.normpath(path)
    if norm.startswith("/.."):
        return "../" + norm  # outside the site: never exists
    norm = norm.lstrip("/")
    if norm in ("", "."):
        return "index.html"
    return f"{norm}/index.html" if trailing else norm


_LINK_XPATH = etree.XPath("//@href | //@src | //@srcset | //@poster", smart_strings=True)


def page_links(data: bytes) -> list[tuple[str, str]]:
    """(attribute, value) of every link in an HTML document (one XPath, evaluated in C)."""
    try:
        doc = html.document_fromstring(data)
    except (etree.ParserError, ValueError):
        return []
    out = []
    for value in _LINK_XPATH(doc):
        attr = value.attrname
        out.extend((attr, v) for v in _candidates(str(value), attr))
    return out


# Below this many pages one process is quicker than starting workers.
PARALLEL_MIN_PAGES = 2000


def _links_of_chunk(args: tuple[str, list[str], str]) -> dict[str, list[str]]:
    """The release path each internal link of each page points to, in the page's order (a
    target once per link). Links that leave the site are not kept: nothing checks them."""
    release, pages, origin = args
    resolved: dict[tuple[str, str], str] = {}  # menus repeat the same links
    out = {}
    for page in pages:
        folder = posixpath.dirname(page)
        targets = []
        for _attr, link in page_links((Path(release) / page).read_bytes()):
            key = (folder, link)
            target = resolved.get(key)
            if target is None:
                target = resolved[key] = resolve_link(page, link, origin) or ""
            if target:
                targets.append(target)
        out[page] = targets
    return out


def _first_link_to(release: str, page: str, target: str, origin: str) -> str:
    """`attr="link"` of the first link of `page` that points to `target`, for a message:
    the cache keeps targets only, so the page is read again (a broken link is rare)."""
    try:
        data = (Path(release) / page).read_bytes()
    except OSError:
        return target
    for attr, link in page_links(data):
        if (resolve_link(page, link, origin) or "") == target:
            return f'{attr}="{link}"'
    return target


class LinkCache:
    """The internal links of each page seen before, resolved, keyed by the file's identity
    (device, inode, size, modification time in ns). An unchanged page is a hard link to the
    previous release's file (plugins/newsroom_site/incremental.py), so it keeps its identity
    and is neither parsed nor resolved again; its targets are still checked against this
    release's files. A page's links are kept as indices into one table of distinct targets
    (release paths): 13,800 strings at 10,000 articles. The table held (attribute, link,
    target) triples, external links included, until the job's memory was measured: 75,000
    triples and 33 MiB in the job at 10,000 articles, most of them share-button URLs no check
    reads. The link text a message names is read again from the page (`_first_link_to`).
    A cache: losing it costs time only.

    It also keeps which release it was saved for and each of that release's pages' keys by
    path (`release`, `paths`): a page of a new release that is the live release's own file
    under the same path (one inode, seen in the two folders' walks) has that key without a
    `stat`. The live release holds the file, so its inode cannot have been reused.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        # resolve_link and page_links make the targets; lxml parses the pages.
        self.version = f"5:{_code_version('validate.py')}:{etree.LXML_VERSION}"
        self.strings: list[str] = []  # targets
        self.index: dict[str, int] = {}
        self.old: dict[str, array] = {}
        self.new: dict[str, array] = {}
        self.release: str | None = None  # the release the cache was saved for
        self.paths: dict[str, str] = {}  # that release's pages: path -> key
        self.new_paths: dict[str, str] = {}
        self.new_release: str | None = None
        data = _load(path, self.version)
        try:
            strings, old = list(data.get("strings", [])), _unflatten(data.get("pages"))
            # The version says how it was written; an index past the table would be a
            # torn file that still unpickled.
            if max(map(max, filter(None, old.values())), default=-1) < len(strings):
                self.strings, self.old = strings, old
                paths, keys = data.get("paths") or ((), ())
                if len(paths) == len(keys) and all(k in old for k in keys):
                    self.release, self.paths = data.get("release"), dict(zip(paths, keys, strict=True))
        except (TypeError, ValueError, AttributeError):
            pass
        self.index = {t: i for i, t in enumerate(self.strings)}

    @staticmethod
    def key(path: Path | str) -> str:
        st = os.stat(path)
        return f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"

    def ids(self, targets: list[str]) -> array:
        out = array("I")
        for t in targets:
            i = self.index.get(t)
            if i is None:
                i = self.index[t] = len(self.strings)
                self.strings.append(t)
            out.append(i)
        return out

    def save(self) -> None:
        if self.path is None:
            return
        used = sorted(set().union(*self.new.values()))
        if len(used) * 4 >= len(self.strings) * 3:  # little to drop: keep the numbers
            data = {"strings": self.strings, "pages": _flatten(self.new)}
        else:
            renumber = [0] * len(self.strings)
            for new, old in enumerate(used):
                renumber[old] = new
            data = {"strings": [self.strings[i] for i in used],
                    "pages": _flatten({k: array("I", map(renumber.__getitem__, ids))
                                       for k, ids in self.new.items()})}
        if self.new_release is not None:
            data["release"] = self.new_release
            data["paths"] = (list(self.new_paths), list(self.new_paths.values()))
        _save(self.path, self.version, data)


def _flatten(pages: dict[str, array]) -> tuple[list[str], array, array]:
    """Each page's link indices as one array with the pages' lengths: 15,000 small arrays
    took a tenth of a second to pickle and as long to load (a list of ints per page, a
    third of a second); three objects take milliseconds."""
    lengths, ids = array("I"), array("I")
    for one in pages.values():
        lengths.append(len(one))
        ids.extend(one)
    return list(pages), lengths, ids


def _unflatten(data) -> dict[str, array]:
    if not data:
        return {}
    keys, lengths, ids = data
    if len(keys) != len(lengths) or sum(lengths) != len(ids):
        return {}  # torn: start over
    out, at = {}, 0
    for key, n in zip(keys, lengths, strict=True):
        out[key] = ids[at:at + n]
        at += n
    return out


def check_links(release: Path, files: set[str], origin: str,
                workers: int | None = None, cache: LinkCache | None = None,
                tree: Tree | None = None, live_tree: Tree | None = None,
                release_id: str | None = None) -> tuple[list[Problem], int]:
    """Broken internal links in every HTML file; returns (problems, links checked).

    One problem per missing target, naming the first page that links to it and how many
    others do: a broken menu link is one line, not one per page. Parsing and resolving are
    the cost: pages the cache knows are neither parsed nor resolved again, and many new ones
    are split over the machine's cores; worker processes are spawned, not forked, because the
    update job runs a progress thread. `tree` (this release's walk) and `live_tree` (the live
    release's, when the cache was saved for it): a page that is the live release's own file
    takes its key from the cache without a `stat` (LinkCache). `release_id`: the id this
    release is saved under, which the cache remembers with its pages' keys.
    """
    pages = sorted(f for f in files if f.endswith((".html", ".htm")))
    cache = cache or LinkCache(None)
    ids_of: dict[str, array] = {}
    keys: dict[str, str] = {}
    todo = []
    base = os.fspath(release)
    live_keys = cache.paths if (
        tree is not None and live_tree is not None and cache.release is not None
        and os.path.basename(live_tree.root or "") == cache.release) else {}
    for page in pages:
        key = live_keys.get(page)
        if key is None or not tree.same(page, live_tree):
            key = LinkCache.key(f"{base}/{page}")
        keys[page] = key
        known = cache.old.get(key)
        if known is not None:
            ids_of[page] = known
        else:
            todo.append(page)
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers < 2 or len(todo) < PARALLEL_MIN_PAGES:
        parts = [_links_of_chunk((str(release), todo, origin))]
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        size = -(-len(todo) // (workers * 4))
        chunks = [(str(release), todo[i:i + size], origin) for i in range(0, len(todo), size)]
        with ProcessPoolExecutor(workers,
                                 mp_context=multiprocessing.get_context("spawn")) as pool:
            parts = list(pool.map(_links_of_chunk, chunks))
    for part in parts:
        for page, targets in part.items():
            ids_of[page] = cache.ids(targets)
    cache.new = {keys[page]: ids_of[page] for page in pages}
    if release_id is not None:
        cache.new_release, cache.new_paths = release_id, keys
    broken, checked = _broken_links(pages, ids_of, cache.strings, files)
    problems = []
    for target, pages_ in sorted(broken.items()):
        others = f" and {len(pages_) - 1} other pages" if len(pages_) > 1 else ""
        link = _first_link_to(base, pages_[0], target, origin)
        problems.append(Problem(pages_[0], f"broken link {link}: no {target} "
                                           f"(linked from {pages_[0]}{others})"))
    return problems, checked


def _broken_links(pages: list[str], ids_of: dict[str, array], targets: list[str],
                  files: set[str]) -> tuple[dict[str, list[str]], int]:
    """{missing target: [pages linking to it, in order]} and the number of internal links
    seen (`pages` sorted)."""
    broken: dict[str, list[str]] = {}
    bad = {i for i, t in enumerate(targets)
           if t not in files and (t + "/index.html") not in files}
    checked = 0
    for page in pages:
        ids = ids_of[page]
        checked += len(ids)
        if bad and not bad.isdisjoint(ids):
            for i in dict.fromkeys(ids):
                if i in bad:
                    broken.setdefault(targets[i], []).append(page)
    return broken, checked


# --- feeds -----------------------------------------------------------------------------------

def feed_paths(files: set[str], settings: Mapping) -> tuple[list[str], list[str]]:
    """(feeds the settings require, every feed file present that matches a feed setting)."""
    required, patterns = [], []
    for key in ("FEED_ALL_ATOM", "FEED_ALL_RSS", "FEED_ATOM", "FEED_RSS"):
        if settings.get(key):
            required.append(settings[key])
    for key in ("CATEGORY_FEED_ATOM", "CATEGORY_FEED_RSS", "TAG_FEED_ATOM", "TAG_FEED_RSS"):
        pattern = settings.get(key)
        if pattern and "{slug}" in pattern:
            head, _, tail = pattern.partition("{slug}")
            patterns.append((head, tail))
    present = sorted(set(required) & files | {
        f for f in files for head, tail in patterns
        if f.startswith(head) and f.endswith(tail) and "/" not in f[len(head):-len(tail) or None]
    })
    return required, present


_XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ENTRY_LINK_RE = re.compile(r'<link[^>]*?href="([^"]+)"|<link>([^<]+)</link>')


def feed_culprit(data: bytes) -> str:
    """", in the entry for <url> (U+FFFE)" for the first character XML forbids in a feed, so
    a failed validation names the article responsible; "" when there is none."""
    text = data.decode("utf-8", "surrogateescape")
    m = _XML_ILLEGAL_RE.search(text)
    if not m:
        return ""
    char = f"U+{ord(m.group(0)):04X}"
    start = max(text.rfind("<entry", 0, m.start()), text.rfind("<item", 0, m.start()))
    if start < 0:
        return f"; it holds {char} outside any entry"
    end = min((i for i in (text.find("</entry>", start), text.find("</item>", start)) if i > 0),
              default=len(text))
    link = _ENTRY_LINK_RE.search(text, start, end)
    where = (link.group(1) or link.group(2)) if link else f"at character {start}"
    return f"; the entry for {where} holds {char}"


class FeedMemo:
    """Feeds that parsed before, by the sha256 of their bytes -> whether they had entries.
    Only feeds that parsed are kept, so a bad feed is parsed (and reported) every time."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.version = f"{_code_version('validate.py')}:{feedparser.__version__}"
        self.old: dict[str, bool] = _load(path, self.version)
        self.new: dict[str, bool] = {}

    def save(self) -> None:
        _save(self.path, self.version, self.new)


def parse_feed(data: bytes) -> tuple[str | None, bool]:
    """(why the feed does not parse, or None; whether it has entries), by feedparser.

    Without sanitizing and resolving the HTML inside entries: feedparser does both for
    readers of the text, after the XML parser has accepted it, and neither decides whether
    the feed parses (`bozo`) or how many entries it has; they were half of the time.
    """
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if parsed.bozo:
        return f"{parsed.bozo_exception}", bool(parsed.entries)
    return None, bool(parsed.entries)


def check_feeds(release: Path, files: set[str], settings: Mapping,
                published: int, memo: FeedMemo | None = None,
                paths: tuple[list[str], list[str]] | None = None) -> list[Problem]:
    """Every feed the settings name exists, and every feed present parses (and has entries
    when articles are published). `memo`: verdicts on feeds seen before (FeedMemo);
    `paths`: feed_paths(files, settings), when already known."""
    problems = []
    memo = memo if memo is not None else FeedMemo(None)
    required, present = paths if paths is not None else feed_paths(files, settings)
    for path in required:
        if path not in files:
            problems.append(Problem(path, "missing feed (named in the settings)"))
    for path in present:
        data = (release / path).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        entries = memo.old.get(digest)
        if entries is None:
            error, entries = parse_feed(data)
            if error is not None:
                problems.append(Problem(path, f"feed does not parse: {error}"
                                              f"{feed_culprit(data)}"))
                continue
        memo.new[digest] = entries
        if path in required and published and not entries:
            problems.append(Problem(path, "feed has no entries although articles are published"))
    return problems


# --- sections --------------------------------------------------------------------------------

def section_targets(settings: Mapping, resolved: Resolved) -> list[tuple[str, str]]:
    """(path, what) every configured section must have: its page and its feeds."""
    out = []
    for name, slug in resolved.sections:
        for key, what in (("CATEGORY_SAVE_AS", "page"), ("CATEGORY_FEED_ATOM", "Atom feed"),
                          ("CATEGORY_FEED_RSS", "RSS feed")):
            path = _save_as(settings.get(key) or "", slug)
            if path:
                out.append((path, f"section {name} ({slug}) {what}"))
    return out


def check_sections(files: set[str], settings: Mapping, resolved: Resolved) -> list[Problem]:
    return [Problem(path, f"missing: {what} should be published at {path}")
            for path, what in section_targets(settings, resolved) if path not in files]


# --- all together ----------------------------------------------------------------------------

@dataclass
class Report:
    problems: list[Problem]
    pages: int
    links: int
    feeds: int
    articles: int


MEMO_FILES = {"links": "validate-links.pickle", "docs": "validate-docs.pickle",
              "feeds": "validate-feeds.pickle"}


def _quietly(save) -> None:
    """A memo's save, beside the caller's work: losing a memo costs the next run time only."""
    try:
        save()
    except OSError as e:
        logger.warning("cannot save a validation memo: %s", e)


@dataclass
class Prepared:
    """What validation reads before the release exists (`prepare`)."""
    docs: list[Doc]
    doc_memo: DocMemo
    links: LinkCache
    feeds: FeedMemo


def prepare(content_dir: Path, settings: Mapping, resolved: Resolved,
            link_cache: Path | None = None, state: Path | None = None) -> Prepared:
    """The content's header facts and the memos of earlier runs: everything validation
    needs besides the release itself. The update job runs this while the build runs."""
    def memo_path(kind: str) -> Path | None:
        return Path(state) / MEMO_FILES[kind] if state is not None else None

    doc_memo = DocMemo(memo_path("docs"))
    docs = content_docs(content_dir, settings, resolved.now, doc_memo)
    return Prepared(docs, doc_memo, LinkCache(link_cache or memo_path("links")),
                    FeedMemo(memo_path("feeds")))


def validate_release(release: Path, content_dir: Path, settings: Mapping,
                     resolved: Resolved, link_cache: Path | None = None,
                     state: Path | None = None, prepared: Prepared | None = None,
                     later: Executor | None = None, live_tree: Tree | None = None,
                     release_id: str | None = None) -> Report:
    """Run every check on a built release folder.

    `settings` are the build's (Pelican's URL and feed patterns); `resolved` gives the
    sections and the site origin, as every command sees them. `state`: a folder where
    what was learnt of unchanged files is kept between runs (the module's docstring:
    LinkCache, DocMemo, FeedMemo); `link_cache`: a file for the links alone. `prepared`:
    what `prepare` read of the same content and memos, when it was read before. `later`:
    where the memos are saved while the caller goes on (the update job's switch).
    `live_tree`: a walk of the live release (assets.Tree), whose own pages this one's link
    check then knows without a `stat` each; `release_id`: the id this release will be
    committed under, which the link memo remembers (LinkCache).
    """
    ready = prepared or prepare(content_dir, settings, resolved, link_cache, state)
    docs, doc_memo, cache = ready.docs, ready.doc_memo, ready.links
    tree = Tree(release)  # the release's files, with the inodes the directory entries give
    files = set(tree.files)
    problems, taken_down = check_takedowns(files, settings)
    problems += check_pages(docs, files, settings, taken_down)
    problems += check_sections(files, settings, resolved)
    link_problems, links = check_links(release, files, resolved.origin, cache=cache,
                                       tree=tree, live_tree=live_tree, release_id=release_id)
    problems += link_problems
    article_as = settings.get("ARTICLE_SAVE_AS", "{slug}.html")
    published = sum(1 for d in docs if d.kind == "article" and not d.draft
                    and _save_as(article_as, d.slug) not in taken_down)
    feed_memo = ready.feeds
    paths = feed_paths(files, settings)
    problems += check_feeds(release, files, settings, published, feed_memo, paths)
    # Header facts and good feeds' verdicts hold whatever this release's fate; the links of
    # a release with broken ones are not kept (as before the other memos existed).
    saves = [doc_memo.save, feed_memo.save] + ([] if link_problems else [cache.save])
    for save in saves:
        if later is not None:
            later.submit(_quietly, save)
        else:
            save()
    pages = sum(1 for f in files if f.endswith((".html", ".htm")))
    return Report(problems, pages, links, len(paths[1]), published)
