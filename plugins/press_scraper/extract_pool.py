"""Extracting article pages in worker processes while the run goes on (issue 12's throughput).

`extract` (decode the page, then `article.parse_article`: lxml and trafilatura) is about half
of an article's CPU time, and a pure function of the fetched page and its source's settings.
What follows it (the Markdown, the duplicate check, the write) depends on the order of the
articles and stays in the run's thread. `Extractor.results` takes the fetched pages in the order
the fetcher yields them, hands each to a worker process, and gives the records back **in that
same order**, a bounded number of pages ahead (`AHEAD_PER_PROCESS` per worker), so the run
writes the same files, byte for byte, as when it extracts each page itself.

- Few pages (fewer than `MIN_PAGES`) or `extract_processes = 0`: every page is extracted in the
  run's thread, as before, and no process is started.
- Workers are started with "spawn", never "fork": the fetcher's threads are running, and a
  forked child would inherit their locks held. A worker ignores Ctrl-C (the run shuts it down
  on its way out) and exits by itself if the run's process dies.
- While the run waits for the oldest page, it extracts the newest page no worker has started
  itself: no core idles when the workers fall behind (a slow hour, other work on the machine).
- An exception in `extract` comes back as a `Failed` (its repr and traceback), reported as when
  the run extracts the page itself; log lines a worker writes are replayed in the run's process,
  in order. A worker that dies (killed, out of memory): the pages it held and every later page
  are extracted in the run's thread, with one warning; nothing is lost.

docs/scraper.md, "Performance", has the measurements behind the defaults.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
import traceback
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from .article import parse_article
from .discovery import Candidate, decode, selectors_of
from .fetch import FetchError, FetchResult
from .records import Record

logger = logging.getLogger(__name__)

# Below this many pages a run extracts them itself: starting a worker (a fresh interpreter
# that imports lxml and trafilatura: ~0.4 s of CPU) costs as much as 50 to 100 extractions,
# and a small run waits on the network anyway. Above it the start delays nothing: the run's
# thread extracts the first pages itself while the worker starts.
MIN_PAGES = 16
# Pages handed to each worker ahead of the one the run waits for: enough that a worker never
# idles while the run renders and writes, few enough that memory stays bounded (a page is at
# most `max_bytes`, usually 10 to 100 KB).
AHEAD_PER_PROCESS = 8
# How often a worker checks that the run's process is still there.
PARENT_CHECK_SECONDS = 1.0


@dataclass(frozen=True)
class Job:
    """What extracting one page needs: the page as fetched and its source's settings."""

    page: FetchResult
    selectors: Mapping[str, str]
    site_names: tuple[str, ...]
    default_license: str


@dataclass(frozen=True)
class Failed:
    """`extract` raised: `description` is the exception's repr, `trace` its traceback."""

    description: str
    trace: str
    exc: BaseException | None = None  # set when the run's own thread raised it


def job_for(cand: Candidate, page: FetchResult) -> Job:
    source = cand.source
    return Job(page, selectors_of(source), (source.name,), source.license or "")


def extract(job: Job) -> Record:
    """The page's Record: the same call whether a worker or the run's thread makes it.

    Raises:
        Whatever decoding (EncodingError) or parse_article raises on this page.
    """
    return parse_article(decode(job.page, "page"), job.page.final_url,
                         selectors=job.selectors, site_names=list(job.site_names),
                         default_license=job.default_license)


# --- in the worker process ----------------------------------------------------------------


class _Collect(logging.Handler):
    """Keeps the log records of the current page, to be replayed by the run."""

    def __init__(self):
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if record.exc_info:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            # Plain text only: the arguments and the exception may not pickle.
            record.msg, record.args, record.exc_info = record.getMessage(), None, None
        except Exception:
            self.handleError(record)
            return
        self.records.append(record)


_collected = _Collect()


def _worker_start(parent: int, level: int) -> None:
    # Ctrl-C in a terminal reaches the whole process group: the run handles it and shuts the
    # workers down; a worker dying of it first would only turn into a broken pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    root = logging.getLogger()
    root.handlers[:] = [_collected]
    root.setLevel(level)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True,
                     name="watch-parent").start()


def _watch_parent(parent: int) -> None:
    """Exit when the run's process is gone (killed with SIGKILL, it cannot shut us down)."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def _work(job: Job) -> tuple[Record | Failed, list[logging.LogRecord]]:
    _collected.records.clear()
    try:
        result: Record | Failed = extract(job)
    except Exception as exc:
        result = Failed(repr(exc), traceback.format_exc())
    return result, list(_collected.records)


def _ping() -> int:
    return os.getpid()


# --- in the run's process -----------------------------------------------------------------


class _Page:
    __slots__ = ("cand", "outcome", "job", "future", "result")

    def __init__(self, cand, outcome, job):
        self.cand = cand
        self.outcome = outcome
        self.job: Job | None = job  # None: nothing to extract (a failed fetch)
        self.future: Future | None = None  # handed to a worker
        self.result: Record | Failed | None = None


class Extractor:
    """Extracts fetched pages in order, in `processes` workers or in the run's thread.

    Use as a context manager: leaving it (normally, on an error or on Ctrl-C) shuts the
    workers down and waits for them, so none outlives the run.

    Args:
        processes: worker processes; 0 extracts everything in the calling thread.
        pages: how many pages the run will extract; fewer than MIN_PAGES starts no process.
    """

    def __init__(self, processes: int, pages: int):
        self.processes = processes if pages >= MIN_PAGES else 0
        self.ahead = max(1, self.processes * AHEAD_PER_PROCESS)
        # Pages handed to the workers at a time; the others wait here, where the run's
        # thread can take one when it would otherwise wait. (Never Future.cancel(): on
        # Python 3.11 a pool that breaks with a cancelled future still queued stops its
        # manager thread with InvalidStateError and leaves other futures unresolved.)
        self.in_flight = max(1, self.processes * AHEAD_PER_PROCESS // 2)
        self._pool: ProcessPoolExecutor | None = None
        self.started_seconds: float | None = None  # until the first worker answered
        self.in_workers = 0  # pages a worker extracted (the rest: the run's thread)

    def __enter__(self) -> Extractor:
        if not self.processes:
            return self
        begin = time.perf_counter()

        def started(_future: Future) -> None:
            if self.started_seconds is None:
                self.started_seconds = time.perf_counter() - begin

        try:
            self._pool = ProcessPoolExecutor(
                max_workers=self.processes, mp_context=multiprocessing.get_context("spawn"),
                initializer=_worker_start,
                initargs=(os.getpid(), logging.getLogger().getEffectiveLevel()))
            # Start the workers now: they import lxml and trafilatura while the run renders
            # the listing-only articles and waits for the first pages.
            for _ in range(self.processes):
                self._pool.submit(_ping).add_done_callback(started)
        except (BrokenProcessPool, OSError, ImportError) as exc:
            # No process can be started here (a sandbox without POSIX semaphores, a process
            # limit): the run's thread extracts, as with extract_processes = 0.
            if self._pool is None:
                logger.warning("cannot start extraction processes (%s); extracting in the main "
                               "process", exc)
            self._broken(exc)
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            # Waits for the few pages in flight (at most `in_flight`), then for the workers.
            pool.shutdown(wait=True)
            logger.debug("extraction workers: %d, first ready after %s s, %d pages "
                         "extracted in them", self.processes, self.started_seconds,
                         self.in_workers)

    def results(self, fetched: Iterable[tuple[Candidate, FetchResult | FetchError]],
                ) -> Iterator[tuple[Candidate, FetchResult | FetchError, Record | Failed | None]]:
        """(candidate, outcome, Record or Failed) for each fetched page, in the order given.

        A failed fetch (FetchError) passes through with None.
        """
        pending: deque[_Page] = deque()
        try:
            for cand, outcome in fetched:
                pending.append(_Page(cand, outcome, None if isinstance(outcome, FetchError)
                                     else job_for(cand, outcome)))
                self._feed(pending)
                while pending and (self._ready(pending[0]) or len(pending) > self.ahead):
                    yield self._take(pending.popleft(), pending)
            while pending:
                yield self._take(pending.popleft(), pending)
        finally:
            # Stopped early (an error, Ctrl-C): close the page source now, so the fetcher's
            # threads stop (fetch_many's `finally`) rather than when the traceback is freed.
            close = getattr(fetched, "close", None)
            if close is not None:
                close()

    # -- inside

    def _ready(self, page: _Page) -> bool:
        if page.job is None or page.result is not None:
            return True
        if page.future is not None:
            return page.future.done()
        return self._pool is None  # extracted by this thread when taken

    def _feed(self, pending: deque[_Page]) -> None:
        """Hand the oldest waiting pages to the workers, up to `in_flight` at a time."""
        if self._pool is None:
            return
        busy = sum(1 for p in pending if p.future is not None and not p.future.done())
        for page in pending:
            if busy >= self.in_flight:
                return
            if page.job is None or page.result is not None or page.future is not None:
                continue
            try:
                page.future = self._pool.submit(_work, page.job)
            except BrokenProcessPool as exc:
                self._broken(exc)
                return
            busy += 1

    def _take(self, page: _Page, pending: deque[_Page]):
        if page.job is not None and page.result is None:
            page.result = self._wait(page, pending)
            self._feed(pending)
        return page.cand, page.outcome, page.result

    def _wait(self, page: _Page, pending: deque[_Page]) -> Record | Failed:
        future = page.future
        if future is None:
            return self._inline(page.job)
        # Rather than wait, extract the newest page no worker has been given.
        while not future.done() and self._steal(pending):
            pass
        try:
            result, records = future.result()
        except BrokenProcessPool as exc:
            self._broken(exc)
            return self._inline(page.job)
        except Exception as exc:  # e.g. a Record that could not be sent back
            logger.warning("%s: an extraction process could not return its result (%r); "
                           "extracting it in the main process", page.cand.url, exc)
            return self._inline(page.job)
        self.in_workers += 1
        _replay(records)
        return result

    def _steal(self, pending: deque[_Page]) -> bool:
        for page in reversed(pending):
            if page.job is not None and page.result is None and page.future is None:
                page.result = self._inline(page.job)
                return True
        return False

    @staticmethod
    def _inline(job: Job) -> Record | Failed:
        try:
            return extract(job)
        except Exception as exc:  # one odd page must not stop the run
            return Failed(repr(exc), traceback.format_exc(), exc)

    def _broken(self, exc: BaseException) -> None:
        if self._pool is None:
            return
        logger.warning("an extraction process died (%s); the rest of this run's pages are "
                       "extracted in the main process", exc)
        self.close()


def _replay(records: list[logging.LogRecord]) -> None:
    """Log, in the run's process, what a worker logged while extracting a page.

    Through the logger's own `log`, not `Logger.handle`: a Logger subclass may filter in
    `_log` (Pelican's raises FilteredMessage from its filter and catches it there, and turns
    warnings into errors under --fatal), and must treat these lines as it treats the run's.
    """
    for record in records:
        text = record.getMessage()
        if record.exc_text:
            text = f"{text}\n{record.exc_text}"
        logging.getLogger(record.name).log(record.levelno, "%s", text)
