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
"""

from __future__ import annotations

from markdown import Markdown
from pelican.readers import MarkdownReader
from pelican.utils import pelican_open


class SharedMarkdownReader(MarkdownReader):
    """Pelican's MarkdownReader with its converters made once and reset between files."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._document_md: Markdown | None = None
        self._fields_md: Markdown | None = None

    def read(self, source_path):
        self._source_path = source_path
        if self._document_md is None:
            self._document_md = Markdown(**self.settings["MARKDOWN"])
        md = self._md = self._document_md
        md.reset()
        with pelican_open(source_path) as text:
            content = md.convert(text)
        meta = getattr(md, "Meta", None)
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


def use_shared_reader(readers) -> None:
    """`readers_init`: read Markdown files with SharedMarkdownReader."""
    for ext, cls in list(readers.reader_classes.items()):
        if cls is MarkdownReader:
            readers.reader_classes[ext] = SharedMarkdownReader
