"""One Markdown converter per build, not one per file.

Pelican's MarkdownReader makes a new `markdown.Markdown` for every file it reads, and that
instance loads and wires every extension again (`extra` alone is nine): at 10,000 articles
that was about a quarter of the reading time of a full build. Python-Markdown supports
converting many documents with one instance, calling `reset()` between them (every bundled
extension clears its state there: footnotes, abbreviations, the HTML stash, `Meta`).

Two instances, as Pelican uses one in two ways: the document converter with the `meta`
extension, and the converter of formatted metadata fields (`Summary`), from which Pelican
removes `meta` so a field's text is never read as a header. The pages are byte for byte the
same (the demo release before and after, tests/site).

A build that must read many files (a first publish, a dropped content cache) converts them
on the machine's cores first (`preread_in_shares`, at `article_generator_init`): the build
process and forked children (newsroom/core/forked.py) each convert a share of the files not in
Pelican's content cache, and the reader then takes each file's converted HTML and raw header
instead of converting it again. Pelican's own loop still reads every file in its order, parses
the header fields (`_parse_metadata`) and makes the articles, so what it logs, skips and
refuses is unchanged; a file the pre-read could not convert is simply read again there.
"""

from __future__ import annotations

import logging
import os

from markdown import Markdown
from pelican.readers import MarkdownReader
from pelican.utils import pelican_open

from newsroom.core import forked

logger = logging.getLogger(__name__)

# Below this many files to read, forking costs more than it saves (an increment reads one).
PREREAD_MIN_FILES = 200


class SharedMarkdownReader(MarkdownReader):
    """Pelican's MarkdownReader with its converters made once and reset between files."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._document_md: Markdown | None = None
        self._fields_md: Markdown | None = None
        self._md: Markdown | None = None  # the converter `_parse_metadata` swaps out
        # Absolute path -> (HTML, raw header) converted ahead (preread_in_shares).
        self.preread: dict[str, tuple[str, dict | None]] = {}

    def convert(self, source_path) -> tuple[str, dict | None]:
        """The document's HTML and its raw header (`Meta`: name -> lines)."""
        if self._document_md is None:
            self._document_md = Markdown(**self.settings["MARKDOWN"])
        md = self._md = self._document_md
        md.reset()
        with pelican_open(source_path) as text:
            content = md.convert(text)
        meta = getattr(md, "Meta", None)
        return content, (dict(meta) if meta is not None else None)

    def read(self, source_path):
        self._source_path = source_path
        ahead = self.preread.pop(source_path, None)
        if ahead is None:
            content, meta = self.convert(source_path)
        else:
            content, meta = ahead
        metadata = self._parse_metadata(meta) if meta is not None else {}
        return content, metadata

    def _parse_metadata(self, meta):
        # Pelican's, run with the fields converter (`meta` removed once, when it is made).
        if self._fields_md is None:
            self._fields_md = Markdown(**self.settings["MARKDOWN"])
            self._fields_md.preprocessors.deregister("meta")
        document, self._md = self._md, _NoDeregister(self._fields_md)
        try:
            return super()._parse_metadata(meta)
        finally:
            self._md = document


class _NoDeregister:
    """The fields converter as Pelican's `_parse_metadata` sees it: its `meta` preprocessor
    is already gone, so Pelican's `deregister("meta")` has nothing to do."""

    def __init__(self, md: Markdown) -> None:
        self._wrapped = md
        self.preprocessors = _Preprocessors()

    def __getattr__(self, name):
        return getattr(self._wrapped, name)


class _Preprocessors:
    def deregister(self, name, strict=True):
        pass


def preread_in_shares(generator) -> None:
    """`article_generator_init`: convert the Markdown files Pelican's content cache does not
    hold on the machine's cores, before Pelican's loop reads them one by one."""
    from .parallel import process_count

    settings = generator.settings
    processes = process_count(settings)
    readers = getattr(generator, "readers", None)
    if processes < 2 or readers is None:
        return
    by_ext = {ext: r for ext, r in readers.readers.items() if isinstance(r, SharedMarkdownReader)}
    if not by_ext:
        return
    cached = getattr(generator, "_cache", None) or {}
    todo = []
    for rel in sorted(generator.get_files(settings["ARTICLE_PATHS"],
                                          exclude=settings["ARTICLE_EXCLUDES"])):
        ext = rel.rsplit(".", 1)[-1] if "." in rel else ""
        if ext in by_ext and rel not in cached:
            todo.append((os.path.abspath(os.path.join(generator.path, rel)), by_ext[ext]))
    minimum = forked.minimum_from_env(PREREAD_MIN_FILES)
    if len(todo) < minimum:
        return
    done: dict[str, tuple[str, dict | None]] = {}

    def convert(job) -> None:
        path, reader = job
        try:
            done[path] = reader.convert(path)
        except Exception:  # noqa: BLE001 - Pelican's own read reports it, in its order
            pass

    def collect(jobs):
        return {path: done[path] for path, _reader in jobs if path in done}

    forked.run_shares(todo, processes, convert, collect, done.update, minimum=minimum,
                      label="Markdown files converted")
    for path, reader in todo:
        if path in done:
            reader.preread[path] = done.pop(path)


def use_shared_reader(readers) -> None:
    """`readers_init`: read Markdown files with SharedMarkdownReader."""
    for ext, cls in list(readers.reader_classes.items()):
        if cls is MarkdownReader:
            readers.reader_classes[ext] = SharedMarkdownReader
