"""Render only the pages whose inputs changed; take the others from the previous release.

Every page the writer renders is a function of (a) the build's epoch: Pelican and library
versions, the settings, every file of the theme and the plugins; and (b) the template
context values the page's templates actually read. (b) is recorded while the page renders:
the context is a dict that notes every key looked up (including `is defined` tests), also
through `{% include %}`, `{% import ... with context %}` and the fragment cache. For each
page the build stores a signature: a hash of the epoch and of a fingerprint of each value
read. The next build recomputes the signature from the same keys in its own context; when
it is equal and the previous release has the file, the file is hard-linked from there
instead of rendered. A page's control flow depends only on the values it read, so equal
values give equal bytes; tests/site/test_incremental.py compares increments with clean
builds byte for byte.

Fingerprints:
- plain values (str, numbers, dates, lists, dicts, sets) in full;
- an article or page read directly (`article` on its own page): every attribute, its
  Markdown output, and the own fields of the articles it points to (related, neighbours);
- an article inside a list, or pointed to: its own fields (title, URL, dates, metadata,
  summary source, image, section), without the articles it points to in turn (its related
  and neighbours show on its own page only; a template that shows them elsewhere must
  pass them in directly);
- URL wrappers (section, tag, author, source) by name, slug and URL;
- objects that define `__fingerprint__()` by what that returns (the pagination objects);
- anything else it cannot fingerprint makes the page render every time (never stale).

Pages whose Markdown links to other content (`{filename}`, `{static}`, …) always render:
their output depends on where the linked file lands, which the article does not hold.

State: `NEWSROOM_RENDER_STATE` names a folder for the signatures, `NEWSROOM_RENDER_FROM` the
previous release and `NEWSROOM_RENDER_ID`/`NEWSROOM_RENDER_BASE` the ids they are stored
under (`newsroom update` sets these; a plain `pelican` run renders everything).
`NEWSROOM_RENDER_DEBUG=1` keeps each page's fingerprint parts in the signature file, to
find out why a page was rendered again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import re
from datetime import date, datetime, time
from pathlib import Path

from jinja2.runtime import Context
from markupsafe import Markup
from pelican.contents import Content
from pelican.urlwrappers import URLWrapper

from newsroom.core.files import atomic_write

from . import cachefile

logger = logging.getLogger(__name__)

MISSING = "\x00missing"
DEBUG = bool(os.environ.get("NEWSROOM_RENDER_DEBUG"))
# Intra-site link syntax of Pelican: the output depends on the linked file's URL.
INTRASITE_RE = re.compile(r"\{(?:filename|static|attach|category|tag|author|index)\}|\|(?:filename|static)\|")
# Attributes of an article never read by templates, or covered by the epoch.
SKIP_ATTRS = frozenset({"_context", "settings", "readers", "timezone",
                        # Pelican sets an attribute for every metadata key: the same values.
                        "metadata",
                        # The seal below, and the article's URLs (from its slug, date and
                        # section, fingerprinted, and the settings: the epoch).
                        "_newsroom_seal", "_newsroom_urls", "_newsroom_relpath",
                        # The search record (newsroom_search): made from the fields above.
                        "_newsroom_search_doc",
                        # The body (Pelican's `_content`, kept by speedups.py under the
                        # next two names): in the seal's digest.
                        "_content", "_newsroom_body", "_newsroom_body_ref",
                        # Pelican's static links of the body (speedups.py): from the body.
                        "_newsroom_static_links"})
# An article's links to other articles (newsroom_site/context.py), shown on its own page only;
# skipped when the article is itself shown as a link, whether set or None.
RELATIONS = frozenset({"related", "prev_in_section", "next_in_section", "translations"})


# Attributes a sealed article gets after sealing, by its shape (Fingerprints._content).
_ATTACHED: dict[tuple, tuple] = {}


class Uncacheable(Exception):
    """A value the fingerprint cannot vouch for: render the page."""


# --- what a page reads ----------------------------------------------------------------------

_STACK: list[set] = []


class TrackingDict(dict):
    """A template context that notes the keys looked up (while a recorder is active)."""

    __slots__ = ()

    def __getitem__(self, key):
        if _STACK:
            _STACK[-1].add(key)
        return dict.__getitem__(self, key)

    def __contains__(self, key):
        if _STACK:
            _STACK[-1].add(key)
        return dict.__contains__(self, key)

    def get(self, key, default=None):
        if _STACK:
            _STACK[-1].add(key)
        return dict.get(self, key, default)


class TrackingContext(Context):
    """Jinja's context, but `{% include %}` and `{% import … with context %}` keep noting:
    Jinja hands them `get_all()`, a plain copy, which would read behind our back."""

    def get_all(self):
        if isinstance(self.parent, TrackingDict):
            merged = TrackingDict(self.parent)
            dict.update(merged, self.vars)
            return merged
        return super().get_all()


def render_tracked(template, localcontext: dict) -> tuple[str, set]:
    """Render `template` and return (output, the context keys it read)."""
    env = template.environment
    if env.context_class is not TrackingContext:
        env.context_class = TrackingContext
    parent = TrackingDict(template.globals)
    dict.update(parent, localcontext)
    keys: set = set()
    _STACK.append(keys)
    try:
        ctx = template.new_context(parent, shared=True)
        try:
            output = env.concat(template.root_render_func(ctx))
        except Exception:
            env.handle_exception()
    finally:
        _STACK.pop()
        if _STACK:
            _STACK[-1].update(keys)
    return output, keys


class replay:
    """Note the keys a cached fragment read when it was rendered, on every page that reuses
    it (fragments.FragmentCache): `with replay.recording() as keys: …` then `replay.add(keys)`."""

    @staticmethod
    def recording():
        return _Recording()

    @staticmethod
    def add(keys: set) -> None:
        if _STACK:
            _STACK[-1].update(keys)


class _Recording:
    def __enter__(self) -> set:
        self.keys: set = set()
        _STACK.append(self.keys)
        return self.keys

    def __exit__(self, *exc) -> None:
        _STACK.pop()
        if _STACK:
            _STACK[-1].update(self.keys)


# --- fingerprints ---------------------------------------------------------------------------


class Fingerprints:
    """Fingerprints of context values, memoised per object for one build."""

    def __init__(self) -> None:
        # {id(value) * 2 + level: fingerprint}, level 0 or 1; the values are held in `_held`
        # so that no id is reused within the build. An int key and a list entry instead of
        # a (id, level) key and a (value, fingerprint) pair: at 50,000 articles about 400,000
        # objects and 20 MiB less in the build process.
        self._memo: dict[int, str] = {}
        self._held: list = []

    def of(self, value, level: int = 0) -> str:
        # Scalars are not remembered: a short one costs less to fingerprint again than to
        # look up, and memo entries for hundreds of thousands of them cost tens of MiB.
        kind = type(value)
        if kind is str or kind is Markup:
            if len(value) < 80:
                return ("M" if kind is Markup else "S") + value + "\x00"
            level = 0  # a long text is fingerprinted alike at every level
        elif value is None or kind is bool or kind is int or kind is float:
            return repr(value)
        elif level > 1:
            level = 1  # every level below the page's own values is fingerprinted alike
        key = id(value) * 2 + level
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        if value is None or isinstance(value, (bool, int, float)):
            fp = repr(value)
        elif isinstance(value, str):  # Markup too
            kind = "M" if isinstance(value, Markup) else "S"
            fp = kind + (value if len(value) < 80 else _digest(value)) + "\x00"
        elif isinstance(value, (datetime, date, time)):
            fp = "D" + value.isoformat() + str(getattr(value, "tzinfo", "") or "")
        else:
            fp = self._compute(value, level)
        # Memoised by identity, for every page that shows the same object (a setting, an
        # article): keeping the object keeps its id from being reused within the build.
        self._memo[key] = fp
        self._held.append(value)
        return fp

    def known(self, value, level: int = 1) -> str | None:
        """The fingerprint this build remembers for `value` (an object, not a scalar) at
        `level` (0 or 1), or None."""
        return self._memo.get(id(value) * 2 + level)

    def prefill(self, items: list, run) -> None:
        """Fingerprint `items` (the build's articles) as list items, shared between the
        processes of the page batch: `run(queue, emit, collect, merge)` (parallel.py).

        Every list page, related list and neighbour link shows articles at this level, so
        without it each render process fingerprinted nearly every article of the site
        again for its own share of pages (about 0.7 s each at 10,000 articles). Each process
        now takes a share of the articles and the parent keeps them all before the pages
        fork. An article that cannot be fingerprinted (`Uncacheable`) is left to its pages.
        """
        memo, held = self._memo, self._held

        def emit(i: int) -> None:
            try:
                self.of(items[i], 1)
            except Uncacheable:
                pass

        def collect(jobs: list[int]) -> list[tuple[int, str]]:
            return [(i, memo[key]) for i in jobs if (key := id(items[i]) * 2 + 1) in memo]

        def merge(result: list[tuple[int, str]]) -> None:
            for i, fp in result:
                key = id(items[i]) * 2 + 1
                if key not in memo:
                    memo[key] = fp
                    held.append(items[i])

        run(list(range(len(items))), emit, collect, merge)

    def _compute(self, value, level: int) -> str:
        if isinstance(value, Content):
            return self._content(value, level)
        if isinstance(value, URLWrapper):
            # Its URL and file name follow from the slug and the settings (the epoch).
            return f"U{type(value).__name__}\x00{value.name}\x00{value.slug}"
        fingerprint = getattr(type(value), "__fingerprint__", None)
        if fingerprint is not None:
            made = fingerprint(value)
            if type(made) is str and len(made) < 80 and "\x00" not in made:
                return "f" + made  # a constant (an article's JSON-LD): nothing to hash
            return "F" + _digest(self.of(made, level))
        if isinstance(value, (list, tuple)):
            inner = 1 if level == 0 else level
            joined = "|".join([self.of(v, inner) for v in value])
            # Short ones (an article's tag links) as they are: hashing cost more than keeping.
            return "l" + joined if len(joined) < 100 else "L" + _digest(joined)
        if isinstance(value, (set, frozenset)):
            return "E" + _digest("|".join(sorted(self.of(v, level) for v in value)))
        if isinstance(value, dict):
            return "M" + _digest("|".join(
                sorted(f"{self.of(k, level)}={self.of(v, level)}" for k, v in value.items())))
        if isinstance(value, bytes):
            return "B" + hashlib.blake2b(value, digest_size=16).hexdigest()
        if callable(value) and hasattr(value, "__qualname__"):
            return "C" + f"{getattr(value, '__module__', '')}.{value.__qualname__}"
        raise Uncacheable(type(value).__qualname__)

    def _content(self, obj: Content, level: int) -> str:
        """An article as a list item (level 1): its own fields. On its own page (level 0):
        that, plus the articles it points to (related, neighbours) as list items."""
        attrs = vars(obj)
        seal = attrs.get("_newsroom_seal")
        if seal is not None and seal[0] != SEAL_KEY:
            seal = None
        if level >= 1:
            if seal:
                if seal[2] is None:
                    raise Uncacheable(f"{obj.source_path}: links to other content")
                if VERIFY:
                    _verify_seal(obj, seal)
                # Only the fields attached after sealing need looking at; which they are
                # follows from the article's shape (its seal's names and its attributes),
                # shared by thousands of articles: worked out once per shape.
                shape = (seal[1], tuple(attrs))
                names = _ATTACHED.get(shape)
                if names is None:
                    names = _ATTACHED[shape] = tuple(
                        sorted(attrs.keys() - seal[1] - SKIP_ATTRS - RELATIONS))
                parts = [seal[2]]
                of = self.of
                for name in names:
                    value = attrs[name]
                    if _points_to_content(value):
                        continue  # pointers are shown on the article's own page only
                    parts.append(f"{name}={of(value, 1)}")
            else:
                parts = self._read_time(obj, None)
        else:
            # A sealed article: only the fields attached after sealing need looking at.
            names = sorted(attrs.keys() - seal[1] - SKIP_ATTRS) if seal else sorted(attrs)
            parts = [self.of(obj, 1)]
            for name in names:
                if name in SKIP_ATTRS:
                    continue
                value = attrs[name]
                if name in RELATIONS or _points_to_content(value):
                    parts.append(f"{name}={self.of(value, 1)}")
        if DEBUG:
            self.debug = getattr(self, "debug", {})
            self.debug[f"{obj.source_path}@{level}"] = parts
        return "A" + _digest("\n".join(parts))

    def _own(self, obj: Content, wanted) -> list[str]:
        """`name=fingerprint` of the article's own fields that `wanted(name)` accepts."""
        parts = []
        for name, value in sorted(vars(obj).items()):
            if name in SKIP_ATTRS or name in RELATIONS:
                continue
            if not wanted(name) or _points_to_content(value):
                continue  # pointers are shown on the article's own page only
            parts.append(f"{name}={self.of(value, 1)}")
        return parts

    def _read_time(self, obj: Content, names: frozenset | None) -> list[str]:
        """The fields an article has when it is read (all of them when `names` is None),
        with its Markdown source: what a seal holds."""
        raw = getattr(obj, "_content", "") or ""
        if INTRASITE_RE.search(raw):
            raise Uncacheable(f"{obj.source_path}: links to other content")
        head = [type(obj).__name__, _digest(raw)]
        return head + self._own(obj, (lambda name: True) if names is None else names.__contains__)


# --- seals: an article's own fingerprint, kept with it in Pelican's content cache ------------
#
# Fingerprinting every article's fields costs seconds at 10,000 articles, on every build. The
# fields an article has once read do not change while it sits in the content cache (an
# edited file is read again), so their fingerprint is computed once, when the article is
# first seen by a build that keeps signatures, and stored on it (`_newsroom_seal`), and
# pickled with it. Fields attached later in each build (section, boxes, tag and author links,
# related, JSON-LD) are fingerprinted every build. What may change a cached article's fields
# must drop the seal (`refresh_image_size` does, when it measures a replaced photo again).
# NEWSROOM_RENDER_VERIFY=1 recomputes every seal when used and fails the build when one is
# stale (the test suite sets it).

SEAL_KEY = hashlib.blake2b(Path(__file__).read_bytes(), digest_size=8).hexdigest()
VERIFY = bool(os.environ.get("NEWSROOM_RENDER_VERIFY"))
VERIFY_FAILED = "NEWSROOM_RENDER_VERIFY failed:"  # newsroom/builder.py looks for it in the log


def seal_articles(generator) -> None:
    """`article_generator_pretaxonomy`, last: seal the articles of a build that keeps
    signatures, before Pelican pickles them into its content cache."""
    settings = generator.settings
    if not (settings.get("NEWSROOM_RENDER_STATE") and settings.get("NEWSROOM_RENDER_ID")):
        return
    fps = Fingerprints()
    sealed = []
    for items in (generator.articles, generator.hidden_articles, generator.translations,
                  generator.hidden_translations):
        for article in items:
            seal = article.__dict__.get("_newsroom_seal")
            if seal is None or seal[0] != SEAL_KEY:
                article._newsroom_seal = make_seal(fps, article)
                sealed.append(article)
    cachefile.sealed(generator, sealed)


# Articles share one set of field names (a 21-name frozenset is 2.3 KB: 23 MB at 10,000
# articles held apart); the pickled cache keeps them shared.
_NAME_SETS: dict[frozenset, frozenset] = {}


def make_seal(fps: Fingerprints, obj: Content) -> tuple:
    names = frozenset(name for name, value in vars(obj).items()
                      if name not in SKIP_ATTRS and name not in RELATIONS
                      and not _points_to_content(value))
    names = _NAME_SETS.setdefault(names, names)
    try:
        return (SEAL_KEY, names, "S" + _digest("\n".join(fps._read_time(obj, names))))
    except Uncacheable:
        return (SEAL_KEY, names, None)


def drop_seal(obj) -> None:
    """Call after changing a cached article's own fields."""
    obj.__dict__.pop("_newsroom_seal", None)


def _verify_seal(obj: Content, seal: tuple) -> None:
    names = seal[1]
    gone = sorted(names - vars(obj).keys())
    try:
        again = "S" + _digest("\n".join(Fingerprints()._read_time(obj, names)))
    except Uncacheable:
        again = None
    if gone or again != seal[2]:
        raise RuntimeError(f"{VERIFY_FAILED} {obj.source_path}: its sealed fingerprint is stale: a field "
                           f"changed after the article was sealed {gone or ''}".rstrip())


def _points_to_content(value) -> bool:
    if isinstance(value, Content):
        return True
    return isinstance(value, (list, tuple)) and any(isinstance(v, Content) for v in value)


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


# --- the epoch ------------------------------------------------------------------------------


def epoch(settings: dict) -> str:
    """Everything every page depends on: versions, settings, theme and plugin files."""
    import jinja2
    import markdown
    import pelican

    h = hashlib.blake2b(digest_size=16)
    h.update(repr((pelican.__version__, jinja2.__version__, markdown.__version__,
                   platform.python_version())).encode())
    h.update(_settings_text(settings).encode("utf-8", "surrogatepass"))
    roots = [settings.get("THEME", "")] + list(settings.get("PLUGIN_PATHS") or [])
    roots.append(str(Path(__file__).resolve().parents[2] / "newsroom" / "core"))
    for root in roots:
        for path in sorted(Path(root).rglob("*")) if root and Path(root).is_dir() else []:
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(str(path.relative_to(root)).encode())
                h.update(path.read_bytes())
    return h.hexdigest()


VOLATILE = frozenset({"OUTPUT_PATH", "NEWSROOM_RENDER_FROM", "NEWSROOM_RENDER_STATE",
                      "NEWSROOM_RENDER_ID", "NEWSROOM_RENDER_BASE", "NEWSROOM_RENDER_KEPT",
                      "CACHE_PATH",
                      "_NEWSROOM",
                      # How many processes render: the same bytes either way.
                      "NEWSROOM_RENDER_PROCESSES"})


def _settings_text(settings: dict) -> str:
    def default(value):
        if callable(value) and hasattr(value, "__qualname__"):
            return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
        if isinstance(value, (set, frozenset)):
            return sorted(map(str, value))
        return type(value).__qualname__ + ":" + re.sub(r" at 0x[0-9a-f]+", "", repr(value))

    stable = {k: v for k, v in settings.items() if k not in VOLATILE}
    return json.dumps(stable, sort_keys=True, default=default, ensure_ascii=False)


# --- the store ------------------------------------------------------------------------------


class RenderMemo:
    """The signatures of the previous release's pages, and those of this build."""

    def __init__(self, settings: dict) -> None:
        self.state = settings.get("NEWSROOM_RENDER_STATE")
        self.base = settings.get("NEWSROOM_RENDER_FROM")
        self.base_id = settings.get("NEWSROOM_RENDER_BASE")
        self.build_id = settings.get("NEWSROOM_RENDER_ID")
        self.enabled = bool(self.state and self.build_id)
        self.epoch = epoch(settings) if self.enabled else ""
        self.fps = Fingerprints()
        self.previous: dict[str, tuple] = {}
        self.keysets: list[list[str]] = []
        self.pages: dict[str, tuple] = {}
        self._keyset_index: dict[tuple, int] = {}
        self.rendered = self.linked = 0
        if self.enabled and self.base and self.base_id:
            self._load()

    def _path(self, build_id: str) -> Path:
        return Path(self.state) / f"{build_id}.json"

    def _load(self) -> None:
        try:
            data = json.loads(self._path(self.base_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if data.get("epoch") != self.epoch:
            logger.info("incremental: settings, theme, plugins or versions changed; "
                        "rendering every page")
            return
        keysets = data.get("keysets", [])
        pages = data.pop("pages")
        self.previous = {name: (sig, keysets[i]) for name, (sig, i) in pages.items()}

    def signature(self, template_name: str, localcontext: dict, keys) -> str:
        """`keys` sorted (as stored), or a set."""
        parts = [self.epoch, template_name]
        of = self.fps.of
        for key in keys if isinstance(keys, list) else sorted(keys):
            value = localcontext.get(key, MISSING)
            parts.append(f"{key}={of(value)}")
        if DEBUG:
            self.debug = getattr(self, "debug", {})
            self.debug[localcontext.get("output_file")] = parts
        return _digest("\n".join(parts))

    def reusable(self, name: str, template_name: str, localcontext: dict) -> str | None:
        """Where the previous release has page `name`, when its inputs are unchanged. The
        caller links it and calls `reused`; the file may be gone (a release edited by hand):
        the link then fails and the page renders."""
        prev = self.previous.get(name)
        if not prev or not self.base:
            return None
        sig, keys = prev
        try:
            if self.signature(template_name, localcontext, keys) != sig:
                return None
        except Uncacheable:
            return None
        return os.path.join(self.base, name)

    def reused(self, name: str) -> None:
        """Page `name` was linked from the previous release: keep its signature."""
        sig, keys = self.previous[name]
        self._remember(name, sig, keys)
        self.linked += 1

    def record(self, name: str, template_name: str, localcontext: dict, keys: set) -> None:
        try:
            sig = self.signature(template_name, localcontext, keys)
        except Uncacheable as e:
            logger.debug("incremental: %s renders every time (%s)", name, e)
            return
        self._remember(name, sig, sorted(keys))

    def _remember(self, name: str, sig: str, keys) -> None:
        keys = tuple(keys)
        index = self._keyset_index.get(keys)
        if index is None:
            index = self._keyset_index[keys] = len(self.keysets)
            self.keysets.append(list(keys))
        self.pages[name] = (sig, index)

    def save(self) -> None:
        if not self.enabled:
            return
        data = {"epoch": self.epoch, "keysets": self.keysets, "pages": self.pages}
        if getattr(self, "debug", None):
            data["debug"] = self.debug
            data["debug_content"] = getattr(self.fps, "debug", {})
        path = self._path(self.build_id)
        os.makedirs(path.parent, exist_ok=True)
        atomic_write(path, json.dumps(data, separators=(",", ":")).encode("utf-8"), sync=False)
        logger.info("incremental: %d pages rendered, %d taken from release %s",
                    self.rendered, self.linked, self.base_id or "-")
