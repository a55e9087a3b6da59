"""Reading the articles of a first publish on the machine's cores.

Pelican reads content files one by one in `ArticlesGenerator.generate_context`: convert the
Markdown, parse the header fields, make the Article (our `content_object_init` work: slugs,
sanitising, list summaries, lead-image sizes). At 10,000 articles that is about 10 s on one
core, while the other idles. Articles it finds in its content cache skip all of that.

So a build with many files missing from the content cache (a first publish, a dropped cache)
reads them *before* Pelican's loop, at `article_generator_init`, in shares: the build process
and forked children (newsroom/core/forked.py) each run Pelican's own `read_file` on their
share and send the valid articles back, and each is put into the generator's content cache,
with its file's stamp, exactly as Pelican would have stored it after reading (in a build
without a content cache too: the cache's lookup works on what is put there, and nothing is
saved). Pelican's loop then takes every article from the cache, in its own order. What stays the same:

- the articles: made by the same calls (Pelican's reader, our hooks) from the same settings;
  the children's articles come back pickled the way the content cache pickles them, and the
  loop gives them this build's settings and context as for any cached article (speedups.py);
- the log: what reading a file logs is held back, unfiltered, and logged when the loop
  reaches that file, so the build log has the same lines in the same order as a one-by-one
  read (Pelican's filter of repeated and similar lines runs then, in the build process);
- what goes wrong: a file whose read raises, is skipped or is not valid is left out of the
  cache, and Pelican's loop reads it again, reports and skips it as it always did (its held
  back log lines are dropped: the second read logs them once).

Proof: tests/site/test_parallel_render.py builds sites on one process and on two and
compares every file and the log.
"""

from __future__ import annotations

import contextlib
import logging
import pickle

from pelican import signals
from pelican.contents import Article, SkipStub
from pelican.log import FilteredMessage, LimitFilter

from newsroom.core import forked

logger = logging.getLogger(__name__)

# Below this many files to read, forking costs more than it saves (an increment reads one).
MIN_FILES = 200
LOGS_ATTR = "_newsroom_preread_logs"


class _Held(logging.Handler):
    """Holds what reading one file logs, as picklable tuples, to be logged in order later."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[tuple] = []

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args
        try:
            pickle.dumps(args)
        except Exception:  # noqa: BLE001 - an argument that does not pickle: its text
            record.msg, args = record.getMessage(), None
        exc_text = None
        if record.exc_info:
            exc_text = logging.Formatter().formatException(record.exc_info)
        extra = {k: record.__dict__[k] for k in ("limit_msg", "limit_args")
                 if k in record.__dict__}
        self.records.append((record.name, record.levelno, record.pathname, record.lineno,
                             record.funcName, record.msg, args, exc_text, extra))


@contextlib.contextmanager
def _held_back():
    """Log records go to a _Held instead of the handlers, unfiltered: Pelican's filter
    (duplicates, groups of similar lines) runs when they are logged for real, in the build
    process and in the loop's order, so it sees what a one-by-one read would show it."""
    root = logging.getLogger()
    held, handlers = _Held(), root.handlers[:]
    root.handlers[:] = [held]
    limit = getattr(LimitFilter, "filter", None)
    LimitFilter.filter = lambda self, record: True
    try:
        yield held
    finally:
        root.handlers[:] = handlers
        LimitFilter.filter = limit


def read_in_shares(generator) -> None:
    """`article_generator_init`: read the files Pelican's content cache lacks, in shares."""
    from .parallel import process_count

    settings = generator.settings
    processes = process_count(settings)
    cache = generator.__dict__.get("_cache")
    if processes < 2 or cache is None:
        return
    todo = [rel for rel in sorted(generator.get_files(settings["ARTICLE_PATHS"],
                                                      exclude=settings["ARTICLE_EXCLUDES"]))
            if rel not in cache]
    minimum = forked.minimum_from_env(MIN_FILES)
    if len(todo) < minimum:
        return
    done: dict[str, tuple] = {}

    def read(rel: str) -> None:
        with _held_back() as held:
            try:
                article = generator.readers.read_file(
                    base_path=generator.path, path=rel, content_class=Article,
                    context=generator.context,
                    preread_signal=signals.article_generator_preread, preread_sender=generator,
                    context_signal=signals.article_generator_context, context_sender=generator)
                if isinstance(article, SkipStub) or not article.is_valid():
                    return
                stamp = generator._get_file_stamp(rel)
            except Exception:  # noqa: BLE001 - Pelican's loop reads it again and reports it
                return
        done[rel] = (stamp, article, held.records)

    def collect(jobs):
        return {rel: done[rel] for rel in jobs if rel in done}

    forked.run_shares(todo, processes, read, collect, done.update, minimum=minimum,
                      label="content files read")
    logs = generator.__dict__.setdefault(LOGS_ATTR, {})
    for rel in todo:
        if rel in done:
            stamp, article, records = done.pop(rel)
            cache[rel] = (stamp, article)
            if records:
                logs[rel] = records


def replay_logs(generator, filename: str) -> None:
    """Write what reading `filename` logged, now that Pelican's loop reached it."""
    records = generator.__dict__.get(LOGS_ATTR, {}).pop(filename, None)
    for name, level, path, line, func, msg, args, exc_text, extra in records or ():
        log = logging.getLogger(name)
        if not log.isEnabledFor(level):
            continue
        record = log.makeRecord(name, level, path, line, msg, args, None, func, extra)
        if exc_text:
            record.exc_text = exc_text
        try:
            log.handle(record)  # through the filters, as it would have been logged
        except FilteredMessage:  # Pelican's logger says "filtered out" by raising
            pass
