"""Pelican at archive scale: taxonomy pages and the content cache.

## Tag, section and author pages

For every tag, section and author, Pelican 4.12 builds the page's `dates` list by walking
every article of the site (`[a for a in self.dates if a in articles]`): 10,000 articles and
271 authors make 2.7 million steps, about 3 s of every build, a build of one new article
included. The methods below write the same pages with the same template context, but order
each group's articles by their rank in `dates` (one dictionary for the whole site), so the cost
follows the size of the groups.

Month archives: Pelican finds each archive's articles by testing every article against a list
of the month's (`a in dates`); `_build_period_archives` does it by identity.

## Articles kept whole between builds
The update job builds with Pelican's content cache at the generator layer
(`CONTENT_CACHING_LAYER = "generator"`, pelicanconf.py): an unchanged file's Article comes
back as it was after reading (Markdown, metadata, `content_object_init`, so this plugin's
cleaning and summaries), instead of being made again from the reader's output. Pelican
pickles the objects with the settings and the whole template context they point to, and
gives them back pointing at the previous build's: `__getstate__` leaves both out, and
`get_cached_data` points them at this build's. A lead image changed under the same name is
measured again.

## Bodies read when shown
An article's HTML body (Pelican's `_content`) is a property: set as before, but an article
from the content cache's whole file carries only where its body lies (cachefile.py) and reads
it when a page or feed shows it. Pelican asks every article for its `{static}` links at every
build, which would read every body back: `get_static_links` is kept on the article, made
again when the body is set, and checked under NEWSROOM_RENDER_VERIFY.

## URLs worked out once
Pelican works out an article's `url` and `save_as` from the URL settings every time they are
read (a format of its metadata: about 40 µs), and the build reads them about ten times per
article (sorting, sitemaps, redirects, search, writing): seconds at 10,000 articles.
`freeze_urls` (`article_generator_pretaxonomy`, after every plugin that may drop or copy
articles) keeps both on each article; they follow from its slug, date and section, which
nothing changes after reading, and from the settings, whose change drops the content cache
(newsroom/builder.py). NEWSROOM_RENDER_VERIFY=1 works them out again at every read and fails
on a difference (the test suite sets it).

## Dates formatted once
Pelican's dates format through its own `strftime` (about 40 µs, locale-aware); a list page
formats each of its twenty dates, and an article shows on many pages. `SafeDatetime.strftime`
is memoised per build by the date's text, its zone, the format and `safe`.

## Garbage collection
A build holds hundreds of thousands of long-lived objects (10,000 articles, their metadata,
the page fingerprints), and CPython's cyclic collector walked them all again and again:
2,400 collections, 2.9 s of a 15 s build after one new article. The first generation's
threshold is raised from 700 to 100,000 allocations (`GC_THRESHOLD`): 15 collections, 0.4 s,
and the same peak memory (measured at 10,000 articles).

`install()` makes these changes once, when the plugin is registered; tests/site/
test_incremental.py and tests/update/test_incremental_job.py compare the results with clean
builds.
"""

from __future__ import annotations

import fnmatch
import gc
import logging
import os
import re
import sys

from pelican.contents import Content
from pelican.generators import ArticlesGenerator, CachingGenerator, Generator
from pelican.utils import SafeDatetime, get_relative_path
from pelican.writers import FileOverwriteFailedError

from . import cachefile
from .content import refresh_image_size
from .incremental import VERIFY, VERIFY_FAILED
from .preread import replay_logs

logger = logging.getLogger(__name__)


def dated(generator, articles) -> list:
    """`articles` in the order of `generator.dates`: what Pelican's list comprehension gives."""
    dates = generator.dates
    memo = generator.__dict__.get("_newsroom_date_rank")
    if memo is None or memo[0] is not dates or memo[1] != len(dates):
        memo = (dates, len(dates), {id(a): i for i, a in enumerate(dates)})
        generator._newsroom_date_rank = memo
    rank = memo[2]
    return sorted((a for a in articles if id(a) in rank), key=lambda a: rank[id(a)])


def _write_groups(generator, write, kind: str, groups) -> None:
    template = generator.get_template(kind)
    for wrapper, articles in groups:
        try:
            write(
                wrapper.save_as,
                template,
                generator.context,
                url=wrapper.url,
                articles=articles,
                dates=dated(generator, articles),
                template_name=kind,
                blog=True,
                page_name=wrapper.page_name,
                all_articles=generator.articles,
                **{kind: wrapper},
            )
        except FileOverwriteFailedError:
            if not wrapper.slug:
                logger.info('%s "%s" has an invalid slug; skipping its page', kind, wrapper)
                continue
            logger.error('Failed to write %s page for "%s".', kind, wrapper)
            raise


def generate_tags(self, write):
    """Tag pages (Pelican's `generate_tags`, with `dates` by rank)."""
    _write_groups(self, write, "tag", self.tags.items())


def generate_categories(self, write):
    """Section pages (Pelican's `generate_categories`, with `dates` by rank)."""
    _write_groups(self, write, "category", self.categories)


def generate_authors(self, write):
    """Author pages (Pelican's `generate_authors`, with `dates` by rank)."""
    _write_groups(self, write, "author", self.authors)


_pelican_period_archives = ArticlesGenerator._build_period_archives


def _build_period_archives(self, sorted_articles, articles, settings):
    """Pelican's month archives, with each archive's `articles` found by identity: Pelican
    tests `a in dates` against a list, articles × periods × period length (seconds)."""
    archives = _pelican_period_archives(self, sorted_articles, [], settings)
    for items in archives.values():
        for archive in items:
            ids = {id(a) for a in archive["dates"]}
            archive["articles"] = [a for a in articles if id(a) in ids]
    return archives


def _content_getstate(self) -> dict:
    """What a cached article keeps: not the settings nor the template context it points to,
    and, in a whole save of the content cache, where its body lies instead of the body
    (cachefile.py). Pickled otherwise (the delta, the pre-read's shares), the body goes
    inline, read back first if it was not loaded."""
    state = dict(self.__dict__)
    state.pop("_context", None)
    state.pop("settings", None)
    _share_values(state)
    writer = cachefile.WRITER
    html = state.pop(BODY, None)
    ref = state.pop(BODY_REF, None)
    if html is None and ref is not None:
        html = cachefile.read_body(ref, str(self.source_path))
    if writer is not None and html is not None:
        state[BODY_REF] = writer.add(html)
    else:
        state[BODY] = html
    return state


# Values thousands of articles hold equal, each its own copy after a pre-read (every article
# comes back from its process in a pickle of its own) or as made: pickled as one object
# (pickle keeps shared objects shared), so the content cache loads one. At 10,000 articles
# about 600 bytes an article: the empty set of `{static}` links, the content folder, a
# `save_as` equal to the `url`, and the language, status, reader and template names.
_SHARED_NAMES = ("lang", "_status", "status", "reader", "template", "date_format")
# Metadata naming one of a few things (the issuing agency and its department, the licence,
# the source's id): one object per value, interned so that the search record's copy
# (newsroom_search/records.py) is the same object.
SHARED_METADATA = ("source", "department", "license", "source_id")
_SHARED: dict = {}
NO_STATIC_LINKS: frozenset = frozenset()


def _shared(value):
    return _SHARED.setdefault(value, value)


def _share_values(state: dict) -> None:
    """`state` (a copy of an article's attributes, about to be pickled) with equal values
    replaced by one shared object; the article itself is left as it is."""
    for name in _SHARED_NAMES:
        value = state.get(name)
        if type(value) is str:
            state[name] = _shared(value)
    if state.get(STATIC_LINKS) == NO_STATIC_LINKS:
        state[STATIC_LINKS] = NO_STATIC_LINKS
    relpath = state.get("_newsroom_relpath")
    if relpath is not None and type(relpath[0]) is str:
        state["_newsroom_relpath"] = (_shared(relpath[0]), *relpath[1:])
    urls = state.get("_newsroom_urls")
    if urls is not None and urls[0] == urls[1] and urls[0] is not urls[1]:
        state["_newsroom_urls"] = (urls[0], urls[0])
    meta = state.get("metadata")
    if type(meta) is dict and any(type(meta.get(n)) is str for n in SHARED_METADATA):
        meta = state["metadata"] = dict(meta)  # a copy: the article's own is left alone
        for name in SHARED_METADATA:
            value = meta.get(name)
            if type(value) is str:
                meta[name] = one = sys.intern(value)
                if state.get(name) == value:  # the attribute Pelican set from it
                    state[name] = one


# An article's HTML body (Pelican's `_content`), or where it lies in the content cache's body
# file until something reads it (cachefile.py).
BODY, BODY_REF = "_newsroom_body", "_newsroom_body_ref"


def _get_body(self):
    attrs = self.__dict__
    html = attrs.get(BODY)
    if html is None:
        ref = attrs.get(BODY_REF)
        if ref is None:
            if BODY in attrs:
                return None
            raise AttributeError("_content")
        html = attrs[BODY] = cachefile.read_body(ref, str(self.source_path))
        del attrs[BODY_REF]
    return html


def _set_body(self, html) -> None:
    attrs = self.__dict__
    attrs[BODY] = html
    attrs.pop(BODY_REF, None)
    attrs.pop(STATIC_LINKS, None)


_pelican_static_links = Content.get_static_links
STATIC_LINKS = "_newsroom_static_links"


def _static_links(self) -> set:
    """Pelican's `get_static_links` (the `{static}` files a body links), kept on the article:
    Pelican asks every article at every build, which read every body back from the content
    cache. It follows from the body, the article's folder and the settings; a new body drops
    it (`_set_body`), as a settings change drops the cache."""
    kept = self.__dict__.get(STATIC_LINKS)
    if kept is None:
        from_cache = BODY_REF in self.__dict__
        kept = self.__dict__[STATIC_LINKS] = frozenset(_pelican_static_links(self))
        if from_cache:
            cachefile.kept_in_place()
    elif VERIFY and kept != frozenset(_pelican_static_links(self)):
        raise RuntimeError(f"{VERIFY_FAILED} {self.source_path}: its kept static links are "
                           f"stale ({sorted(kept)!r})")
    return set(kept)


def _content_copy(self):
    """A shallow copy with everything, settings and context included (`copy.copy` would go
    through `__getstate__`)."""
    new = self.__class__.__new__(self.__class__)
    new.__dict__.update(self.__dict__)
    return new


_pelican_get_cached_data = CachingGenerator.get_cached_data


def get_cached_data(self, filename, default=None):
    """Pelican's, with a cached article or page pointed at this build's settings and context.

    A file the cache does not hold at all is a miss without hashing it first (Pelican reads
    and hashes it, then compares the hash with nothing): a first publish hashed every file
    twice."""
    if filename not in self.__dict__.get("_cache", {}):
        return default
    data = _pelican_get_cached_data(self, filename, default)
    if isinstance(data, Content):
        data.settings = self.settings
        data._context = self.context
        refresh_image_size(data)
        replay_logs(self, filename)  # read ahead in this build (preread.py): its log lines
    return data


def freeze_urls(generator) -> None:
    """`article_generator_pretaxonomy`: keep each article's `url` and `save_as`."""
    for items in (generator.articles, generator.hidden_articles, generator.translations,
                  generator.hidden_translations):
        for article in items:
            if "_newsroom_urls" not in article.__dict__:  # else kept in the content cache
                article._newsroom_urls = (_pelican_url.fget(article),
                                          _pelican_save_as.fget(article))
    for draft in generator.drafts:  # copies of articles (embargo.py): their own URLs
        draft.__dict__.pop("_newsroom_urls", None)


_pelican_url = Content.url
_pelican_save_as = Content.save_as


def _frozen(index: int, pelican_property):
    def get(self):
        urls = self.__dict__.get("_newsroom_urls")
        if urls is None:
            return pelican_property.fget(self)
        if VERIFY and urls[index] != pelican_property.fget(self):
            raise RuntimeError(f"{VERIFY_FAILED} {self.source_path}: its URL changed after it was kept "
                               f"({urls[index]!r}, now {pelican_property.fget(self)!r})")
        return urls[index]
    return property(get)


_pelican_relative_source_path = Content.get_relative_source_path


def _relative_source_path(self, source_path=None):
    """Pelican's, kept on the article with the content folder it is relative to, so that it
    travels in the content cache: two `abspath` and a `relpath` per article per build
    otherwise (Pelican asks once per article, in `add_source_path`)."""
    if source_path and source_path != self.source_path:
        return _pelican_relative_source_path(self, source_path)
    root = self.settings["PATH"]
    kept = self.__dict__.get("_newsroom_relpath")
    if kept is not None and kept[0] == root and kept[1] == self.source_path:
        if VERIFY and kept[2] != _pelican_relative_source_path(self):
            raise RuntimeError(f"{VERIFY_FAILED} {self.source_path}: its kept relative path is "
                               f"stale ({kept[2]!r})")
        return kept[2]
    path = _pelican_relative_source_path(self)
    if self.source_path is not None:
        self._newsroom_relpath = (root, self.source_path, path)
    return path


_RELATIVE_PATHS: dict = {}


def relative_path(path: str) -> str:
    """Pelican's `get_relative_path` (`../..` from a page to the site root), by folder: it
    depends only on how deep the page is, and the writer asks it for every page."""
    folder = os.path.dirname(path)
    hit = _RELATIVE_PATHS.get(folder)
    if hit is None:
        hit = _RELATIVE_PATHS[folder] = get_relative_path(path)
    return hit


_pelican_include_path = Generator._include_path
_IGNORED: dict = {}


def _include_path(self, path, extensions=None):
    """Pelican's `Generator._include_path`, with IGNORE_FILES compiled into one pattern
    (fnmatch's rules; on POSIX `normcase` changes nothing) instead of an fnmatch call per
    pattern per file; Pelican walks the content folder twice per generator."""
    if extensions is None:
        extensions = tuple(self.readers.extensions)
    basename = os.path.basename(path)
    ignores = tuple(self.settings["IGNORE_FILES"])
    pattern = _IGNORED.get(ignores)
    if pattern is None:
        pattern = _IGNORED[ignores] = re.compile(
            "|".join(f"(?:{fnmatch.translate(p)})" for p in ignores) or r"(?!)")
    if pattern.match(basename):
        return False
    ext = os.path.splitext(basename)[1][1:]
    return extensions is False or ext in extensions


_pelican_strftime = SafeDatetime.strftime
_STRFTIME: dict = {}


def _strftime(self, fmt, safe=True):
    key = (self.isoformat(), str(self.tzinfo), fmt, safe)
    text = _STRFTIME.get(key)
    if text is None:
        text = _STRFTIME[key] = _pelican_strftime(self, fmt, safe)
    return text


def forget_dates(pelican) -> None:
    """`initialized`: a new build (the preview's autoreload) may use another locale."""
    _STRFTIME.clear()


GC_THRESHOLD = (100_000, 50, 1000)


def install() -> None:
    gc.set_threshold(*GC_THRESHOLD)
    SafeDatetime.strftime = _strftime
    Content.url = _frozen(0, _pelican_url)
    Content.get_relative_source_path = _relative_source_path
    Generator._include_path = _include_path
    Content.save_as = _frozen(1, _pelican_save_as)
    Content.__getstate__ = _content_getstate
    Content._content = property(_get_body, _set_body)
    Content.get_static_links = _static_links
    Content.__copy__ = _content_copy
    CachingGenerator.get_cached_data = get_cached_data
    ArticlesGenerator._build_period_archives = _build_period_archives
    ArticlesGenerator.generate_tags = generate_tags
    ArticlesGenerator.generate_categories = generate_categories
    ArticlesGenerator.generate_authors = generate_authors
