"""Pelican plugin: Korean full-text search without a server.

Signals used, and why:
- `initialized`: set NEWSROOM_SEARCH_URL, so the theme shows the header search form (the
  site without this plugin renders byte for byte as before).

Settings: NEWSROOM_SEARCH_URL (default "search/"), NEWSROOM_SEARCH_SEGMENT (the most
articles in an index segment, a span of time; default 4096, smaller only in tests).
- `article_generator_pretaxonomy`: with the content cache on, each article's search record
  is made once and kept with it (`records.attach_docs`).
- `get_generators`: after the articles are read, one generator renders the search page and
  writes the index under search/ (only the index files whose bytes changed).
- `all_generators_finalized`: the index starts in a forked process while the build goes on
  (newsroom.core.forked.beside); `finalized` waits for it (and the writer, after its pages).

Stages, one module each: records.py (Pelican article -> SearchDoc), tokenize.py (terms),
index.py (SearchDocs -> files), write.py (files -> disk), query.py (the query rules, for
tests and benchmarks; the browser runs theme/static/js/search.js). docs/search.md explains
the design.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from newsroom.core import forked, kept
from newsroom.core.settings import resolve

from .index import SEGMENT, build_files
from .records import attach_docs, doc_of, full_doc
from .write import SegmentCache, write_index

logger = logging.getLogger(__name__)

DEFAULT_URL = "search/"


def on_initialized(pelican) -> None:
    settings = pelican.settings
    url = settings.get("NEWSROOM_SEARCH_URL") or DEFAULT_URL
    if not url.endswith("/"):
        url += "/"
    settings["NEWSROOM_SEARCH_URL"] = url


class SearchGenerator(Generator):
    """The search page (template search.html) and the index files beside it."""

    docs: list | None = None  # the articles' search records, once the index started

    def generate_context(self):
        pass

    def generate_output(self, writer):
        url = self.settings["NEWSROOM_SEARCH_URL"]
        sources = sorted({d.source for d in self.start_index() if d.source})
        writer.write_file(
            url + "index.html",
            self.get_template("search"),
            self.context,
            relative_urls=self.settings.get("RELATIVE_URLS"),
            page_name=url.rstrip("/"),
            SEARCH_SOURCES=sources,
        )

    def start_index(self) -> list:
        """Start the index: at `all_generators_finalized`, once every article is read, so
        that it runs in a forked process (forked.beside) while this one queues, renders and
        writes the pages; no other part of the build touches its files. Joined before the
        build's outputs are final (forked.join_beside: after the writer's page batch, and
        at `finalized`). One process (NEWSROOM_RENDER_PROCESSES = 1) writes it here.
        Returns the articles' search records."""
        if self.docs is not None:
            return self.docs
        forked.abandon_beside()  # an index of an earlier build in this process, not joined
        url = self.settings["NEWSROOM_SEARCH_URL"]
        articles = self.context.get("articles", [])
        sections = resolve(self.settings).sections  # validated, as every layer reads them
        start = time.monotonic()
        # With Pelican's content cache on (the update job), records and segments built
        # before are reused.
        caching = bool(self.settings.get("CACHE_CONTENT"))
        docs = self.docs = [doc_of(a) for a in articles]
        article_of = {id(d): a for d, a in zip(docs, articles, strict=True)}

        def body(doc):  # kept records have no body: only the docs tokenized need it
            return doc.body if doc.has_body else full_doc(article_of[id(doc)]).body

        def excerpt(doc):  # nor an excerpt: only rows in no cache and no state need it
            return doc.excerpt if doc.has_excerpt else full_doc(article_of[id(doc)]).excerpt

        run = _in_shares(self.settings, "search segments tokenized", 2)
        previous = self.settings.get("NEWSROOM_RENDER_FROM")  # the live release (update job)
        recording = kept.recording(self.settings)

        def index() -> list[str]:
            """Tokenize, write the index files; the kept files' names (kept.py)."""
            noted: list[str] = []
            cache = (SegmentCache(Path(self.settings["CACHE_PATH"]) / "newsroom-search")
                     if caching else None)
            files = build_files(docs, sections,
                                self.settings.get("NEWSROOM_SEARCH_SEGMENT") or SEGMENT,
                                cache=cache, grow=cache.grow if cache is not None else None,
                                body=body, run=run, excerpt=excerpt)
            reused = len(cache.used & cache.loaded) if cache is not None else 0
            if cache is not None:
                cache.save()
            note = (lambda rel: noted.append(f"{url.strip('/')}/{rel}")) if recording else None
            report = write_index(Path(self.output_path) / url, files,
                                 Path(previous) / url if previous else None, note=note)
            logger.info(
                "search: %d articles, %d index files (%d written, %d unchanged, %d removed), "
                "%d segments from the cache, in %.1f s",
                len(docs), len(files), len(report.written), report.unchanged,
                len(report.removed), reused, time.monotonic() - start,
            )
            return noted

        processes = _processes(self.settings)
        forked.beside(index, lambda names: [kept.add(n) for n in names], "search index",
                      enabled=processes > 1 and len(docs) >= forked.minimum_from_env(500))
        return docs


def get_generators(pelican):
    return [SearchGenerator]


def start_index(generators) -> None:
    """`all_generators_finalized`: start the index beside the rest of the build."""
    for generator in generators:
        if isinstance(generator, SearchGenerator):
            generator.start_index()


def _processes(settings) -> int:
    return forked.processes(resolve(settings).values["NEWSROOM_RENDER_PROCESSES"])


def _in_shares(settings, label: str, minimum: int):
    """`run(jobs, fn) -> {job: fn(job)}` on the build's processes (forked.map_shares)."""
    processes = _processes(settings)
    minimum = forked.minimum_from_env(minimum)
    return lambda jobs, fn: forked.map_shares(jobs, processes, fn, minimum, label)


def attach_records(generator) -> None:
    """`article_generator_pretaxonomy`: the articles' search records (records.attach_docs),
    new ones made on the build's processes when there are many (a first publish)."""
    attach_docs(generator, _in_shares(generator.settings, "search records made", 200))


def join_index(_pelican) -> None:
    """`finalized`: the index written beside the pages is done (forked.beside)."""
    forked.join_beside()


def register() -> None:
    signals.initialized.connect(on_initialized)
    signals.all_generators_finalized.connect(start_index)
    signals.finalized.connect(join_index)
    signals.get_generators.connect(get_generators)
    signals.article_generator_pretaxonomy.connect(attach_records)
