"""What the theme shows beside an article: sections, section boxes, neighbours, related.

`prepare` runs as each generator is made (`generator_init`): the menu, the validated origin
and the `fragment` cache, so every template has them whichever generator renders it.
`attach` runs once per build, after the articles are read (`article_generator_finalized`),
and stores the rest on the shared template context and on each article, so every page is
rendered from explicit inputs.
"""

from __future__ import annotations

import hashlib
import heapq
import os
import pickle
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from pathlib import Path

from markupsafe import Markup, escape
from pelican.urlwrappers import URLWrapper

from newsroom.core.files import atomic_write
from newsroom.core.settings import MASTHEAD_FIELDS

from . import jsonld
from .config import newsroom_settings
from .fragments import FragmentCache
from .incremental import VERIFY, VERIFY_FAILED
from .sections import section_list
from .slugs import assign as assign_slug

SOURCE_URL = "source/{slug}/"
SOURCE_SAVE_AS = "source/{slug}/index.html"


class Source(URLWrapper):
    """A credited agency or outlet (뉴스출처), with a page listing its articles."""

    @property
    def url(self) -> str:
        return SOURCE_URL.format(slug=self.slug)

    @property
    def save_as(self) -> str:
        return SOURCE_SAVE_AS.format(slug=self.slug)


def keep_dots(text) -> Markup:
    """A title whose middle dots (시정·건의) stay with the characters on both sides, so a
    wrapped line never starts with `·`. Escapes like autoescape; the text itself (what the
    feeds compare with the page's <h1>) is unchanged."""
    escaped = str(escape(text))
    return Markup(_DOTTED_RE.sub(r'<span class="keep">\g<0></span>', escaped))


# A run of characters joined by dots, one character on each side of every dot, so that a
# chain (시·군·구) stays whole (an escaped character counts as one).
_DOTTED_RE = re.compile(r"(?:&#?\w+;|[^\s<>&·])(?:·(?:&#?\w+;|[^\s<>&·]))+")


def prepare(generator) -> None:
    """The context every template of a generator may use, before it reads anything."""
    ns = newsroom_settings(generator.settings)
    if getattr(generator, "env", None) is not None:
        generator.env.globals["fragment"] = FragmentCache()
        generator.env.filters["keep_dots"] = keep_dots
    generator.context.setdefault("SECTIONS", section_list(generator.settings, ns))
    generator.context.setdefault("NEWSROOM_PROBLEMS", [])
    generator.context.setdefault("NEWSROOM_SCHEDULED", [])
    generator.context["NEWSROOM_SITE_ORIGIN"] = ns["NEWSROOM_SITE_ORIGIN"]
    # The legal masthead for the footer: (label, text) pairs of the fields that are filled.
    generator.context["MASTHEAD"] = [
        (label, ns["NEWSROOM_MASTHEAD"][key])
        for key, label in MASTHEAD_FIELDS
        if ns["NEWSROOM_MASTHEAD"][key]
    ]


def attach(generator) -> None:
    """Fill the template context and the per-article attributes (see docs/architecture.md)."""
    ns = newsroom_settings(generator.settings)
    settings = generator.settings
    ctx = generator.context
    sections = section_list(settings, ns)
    by_name = {s["name"]: s for s in sections}
    articles = list(generator.articles)  # published, newest first
    fast_membership(generator)
    box = ns["NEWSROOM_BOX_SIZE"]

    per_section: dict[str, list] = defaultdict(list)
    for a in articles:
        per_section[a.category.name].append(a)
    ctx["SECTIONS"] = sections
    ctx["SECTION_LATEST"] = {s["slug"]: per_section[s["name"]][:box] for s in sections}
    ctx["TOP_STORY"] = next((a for a in articles if getattr(a, "image", None)), None)

    # Neighbours within the section: lists are newest first, so "previous" is older.
    for items in per_section.values():
        for i, a in enumerate(items):
            a.next_in_section = items[i - 1] if i > 0 else None
            a.prev_in_section = items[i + 1] if i + 1 < len(items) else None

    memo = (RelatedMemo(os.path.join(settings["CACHE_PATH"], RELATED_MEMO))
            if settings.get("CACHE_CONTENT") and settings.get("CACHE_PATH") else None)
    _attach_related(articles, ns["NEWSROOM_RELATED_COUNT"], memo)
    if memo is not None:
        memo.save()

    sources: dict[str, Source] = {}
    source_articles: dict[str, list] = defaultdict(list)
    for a in articles:
        a.section = by_name.get(a.category.name)
        name = getattr(a, "source", None)
        if name:
            if name not in sources:
                sources[name] = Source(name, settings)
                assign_slug(sources[name], "source")
            a.source_page = sources[name]
            source_articles[name].append(a)
        else:
            a.source_page = None
    _unique_slugs(sources)
    ctx["NEWSROOM_SOURCES"] = sorted(
        ((sources[n], items) for n, items in source_articles.items()),
        key=lambda pair: pair[0].name,
    )

    # Tag and author pages list published articles only: a tag or author only hidden (or
    # draft) articles carry has no page, so their pages show its name without a link.
    ctx["NEWSROOM_TAG_URLS"] = (
        {t.url for t in generator.tags} if settings.get("TAG_SAVE_AS") else set()
    )
    ctx["NEWSROOM_AUTHOR_URLS"] = (
        {a.url for a, _items in generator.authors} if settings.get("AUTHOR_SAVE_AS") else set()
    )

    reporters = settings.get("NEWSROOM_REPORTERS") or {}
    own_names = {settings.get("AUTHOR") or "", settings.get("SITENAME") or ""}
    # Which of an article's tags and reporters have a page, on the article itself: its page
    # then depends on its own tags only, not on the set of every tag of the site (a new tag
    # elsewhere would otherwise change every article page; incremental.py).
    # One tuple per tag or reporter, shared by every article that carries it: equal tags
    # (each article has its own Tag objects) show alike, and the incremental writer
    # fingerprints each shared tuple once per build instead of once per article.
    tag_link = _Shared(lambda t: (t, t.url in ctx["NEWSROOM_TAG_URLS"]))
    author_link = _Shared(lambda x: (x, x.url in ctx["NEWSROOM_AUTHOR_URLS"]))
    reporter = _Shared(lambda x: (x, author_link(x)[1], reporters.get(x.name, {}).get("email", "")))
    # The tuples of links are shared too, by every article with the same tags (or
    # reporters): the writer then fingerprints each combination once, not each article.
    shared: dict[tuple, tuple] = {}
    for a in articles + list(getattr(generator, "hidden_articles", [])) + list(
        getattr(generator, "drafts", [])
    ):
        links = tuple(tag_link(t) for t in getattr(a, "tags", []) or [])
        a.tag_links = shared.setdefault(links, links)
        links = tuple(author_link(x) for x in getattr(a, "authors", []) or [])
        a.author_links = shared.setdefault(links, links)
        # Reporter bylines: (author, has a page, e-mail) for the names in the reporters
        # file and any other name that is not the site's own (Pelican's AUTHOR fallback).
        links = tuple(reporter(x) for x in getattr(a, "authors", []) or []
                      if x.name not in own_names)
        a.reporters = shared.setdefault(links, links)

    origin = ns["NEWSROOM_SITE_ORIGIN"]
    sitename = settings.get("SITENAME", "")
    publisher = ns["NEWSROOM_PUBLISHER"] or sitename
    unlisted = list(getattr(generator, "hidden_articles", [])) + list(
        getattr(generator, "drafts", [])
    )
    for a in unlisted:
        # Linked only when published articles of the same source gave it a page.
        a.source_page = sources.get(getattr(a, "source", None) or "")
    for a in articles + list(getattr(generator, "hidden_articles", [])):
        if not hasattr(a, "section"):
            a.section = by_name.get(a.category.name)
        a.jsonld = LazyJsonLd(a, origin, sitename, publisher)


class _Shared:
    """`make(wrapper)` once per distinct tag or author (by name and slug, which give its URL)."""

    def __init__(self, make) -> None:
        self.make, self.made = make, {}

    def __call__(self, wrapper):
        key = (wrapper.name, wrapper.slug)
        made = self.made.get(key)
        if made is None:
            made = self.made[key] = self.make(wrapper)
        return made


class LazyJsonLd:
    """An article's JSON-LD block, made when a page shows it: an increment renders a handful
    of the 10,000 article pages, and made eagerly it cost a second of every build.

    Its fingerprint (incremental.py) is a constant: the JSON-LD follows from the article's
    own fields, which the article's fingerprint covers, and from the settings, which the
    epoch covers.
    """

    __slots__ = ("_article", "_site", "_text")

    def __init__(self, article, origin: str, sitename: str, publisher: str) -> None:
        self._article, self._site, self._text = article, (origin, sitename, publisher), None

    def __html__(self) -> str:
        if self._text is None:
            self._text = jsonld.dumps(jsonld.article_data(self._article, *self._site))
        return self._text

    __str__ = __html__

    def __bool__(self) -> bool:
        return True

    def __fingerprint__(self) -> str:
        return "jsonld"


class ArticleList(list):
    """A list of articles whose `in` is a set lookup. Pelican builds each tag, section and
    author page's `dates` with `article in articles` over every article of the site: with
    plain lists that is articles × list length per tag (10,000 articles, 42 tags: seconds)."""

    __slots__ = ("_ids",)

    def __init__(self, items=()):
        super().__init__(items)
        self._ids = None  # made when first asked: most builds never ask (15 MiB at 50,000)

    def __contains__(self, item) -> bool:
        ids = self._ids
        if ids is None:
            ids = self._ids = {id(a) for a in self}
        return id(item) in ids


def fast_membership(generator) -> None:
    """Make the article lists of tags, sections and authors ArticleLists, in place (the
    context holds the same objects)."""
    for tag, items in list(generator.tags.items()):
        generator.tags[tag] = ArticleList(items)
    for pairs in (generator.categories, generator.authors):
        for i, (key, items) in enumerate(pairs):
            pairs[i] = (key, ArticleList(items))


def _unique_slugs(sources: dict[str, Source]) -> None:
    """Source page slugs from the names alone, so a page's URL never depends on which article
    (an editor's or a scraper's, of which source id) happens to be newest; two names that
    romanize alike get -2, -3 in name order. The slugs the old unidecode romanization gave
    (`legacy_slug`, for the redirects from old URLs) are made unique the same way."""
    for attr in ("slug", "legacy_slug"):
        taken: set[str] = set()
        for name in sorted(sources):
            src = sources[name]
            base = getattr(src, attr, "") or "source"
            slug, n = base, 1
            while slug in taken:
                n += 1
                slug = f"{base}-{n}"
            if slug != getattr(src, attr, None):
                setattr(src, attr, slug)
            taken.add(slug)


def _attach_related(articles: list, count: int, memo: RelatedMemo | None = None) -> None:
    """Related articles: most shared tags, then newest first, chosen among *earlier*
    articles only.

    Earlier only, so that a new arrival never changes the related list of an older page:
    one new article rewrites its own page, not hundreds of archive pages (incremental
    publishing, docs/architecture.md). Uses an index from tag to articles, so the cost grows
    with the articles that share a tag rather than with the square of all articles. With a
    `memo` (the update job's cache), an article whose earlier articles are unchanged keeps
    the list of the previous build.
    """
    by_tag: dict[str, list[int]] = defaultdict(list)
    big = len(articles) + 1
    for i, a in enumerate(articles):  # newest first: a larger index is an earlier article
        for t in getattr(a, "tags", []) or []:
            by_tag[t.slug].append(i)
    keys = _history_keys(articles, count) if memo is not None else None
    if memo is not None:
        memo.index(articles)
    for i, a in enumerate(articles):
        if memo is not None:
            kept = memo.get(a.source_path, keys[i])
            if kept is not None and not VERIFY:
                a.related = kept
                continue
        scores: Counter = Counter()
        for t in getattr(a, "tags", []) or []:
            peers = by_tag[t.slug]
            start = bisect_right(peers, i)
            # A tag on everything says little: keep the 200 latest earlier peers.
            scores.update(peers[start : start + 200])
        # Most shared tags first, then the newest (smallest index): one integer per peer,
        # compared without a key function (4 million calls at 10,000 articles).
        ranked = heapq.nsmallest(count, [j - n * big for j, n in scores.items()])
        a.related = [articles[k % big] for k in ranked]
        if memo is not None:
            if VERIFY and kept is not None and kept != a.related:
                raise RuntimeError(f"{VERIFY_FAILED} {a.source_path}: its "
                                   "kept related articles are stale")
            memo.put(a.source_path, keys[i], a.related)


def _history_keys(articles: list, count: int) -> list[bytes]:
    """For each article, a digest of everything its related list follows from: its own file
    and tags, and every earlier article's file and tags, in order (a chain from the oldest)."""
    keys = [b""] * len(articles)
    chain = hashlib.blake2b(str(count).encode(), digest_size=16).digest()
    for i in range(len(articles) - 1, -1, -1):
        a = articles[i]
        own = "\x00".join([a.source_path, *(t.slug for t in getattr(a, "tags", []) or [])])
        keys[i] = hashlib.blake2b(chain + own.encode("utf-8", "surrogatepass"),
                                  digest_size=16, person=b"related").digest()
        chain = hashlib.blake2b(chain + own.encode("utf-8", "surrogatepass"),
                                digest_size=16, person=b"history").digest()
    return keys


RELATED_MEMO = "newsroom-related.pickle"


class RelatedMemo:
    """Each article's related list of the previous build (by file), with the digest of what
    it followed from; kept in the job's Pelican cache folder, which the job drops on any code
    or settings change. Unreadable is empty."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.new: dict[str, tuple[bytes, list[str]]] = {}
        self.by_path: dict[str, object] = {}
        try:
            with open(path, "rb") as f:
                old = pickle.load(f)
            self.old = old if isinstance(old, dict) else {}
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError,
                ValueError, TypeError):
            self.old = {}

    def get(self, source_path: str, key: bytes) -> list | None:
        hit = self.old.get(source_path)
        if not hit or hit[0] != key:
            return None
        related = [self.by_path.get(p) for p in hit[1]]
        if any(r is None for r in related):
            return None
        self.new[source_path] = hit
        return related

    def index(self, articles: list) -> None:
        self.by_path = {a.source_path: a for a in articles}

    def put(self, source_path: str, key: bytes, related: list) -> None:
        self.new[source_path] = (key, [r.source_path for r in related])

    def save(self) -> None:
        if self.new == self.old:
            return
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        atomic_write(Path(self.path), pickle.dumps(self.new, protocol=pickle.HIGHEST_PROTOCOL),
                     sync=False)
