"""The update job's log lines and its progress line.

One line per event, `2025-12-16T16:30:06+09:00 LEVEL message`, on stderr: problems only
under cron (stdout not a terminal) unless -v is given, every step in a terminal, and there a
progress line (`[3/4] build … 12 s`) that log lines push aside.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
import time
from datetime import datetime

from newsroom.core.model import iso_kst


class KSTFormatter(logging.Formatter):
    """`2025-12-16T16:30:06+09:00 LEVEL message`: one line per event, Korea time."""

    def formatTime(self, record, datefmt=None):  # noqa: N802 (logging's name)
        return iso_kst(datetime.fromtimestamp(record.created).astimezone())

    def format(self, record):
        text = super().format(record)
        return text.replace("\n", "\n    ")  # continuation lines stay with their event


class Progress:
    """One self-rewriting line on a terminal: the stage and the seconds spent in it.

    A daemon thread redraws it twice a second, so the seconds keep counting while a stage
    blocks (the scrape is one call); a lock keeps its writes apart from log lines.
    """

    def __init__(self, stream, enabled: bool):
        self.stream = stream
        self.enabled = enabled
        self.text = ""
        self.stage_started = time.monotonic()
        self.lock = threading.RLock()
        self._stop = threading.Event()
        if enabled:
            threading.Thread(target=self._ticker, daemon=True, name="progress").start()

    def _ticker(self) -> None:
        while not self._stop.wait(0.5):
            self.tick()

    def stage(self, text: str) -> None:
        with self.lock:
            self.stage_started = time.monotonic()
            self.text = text
            self._draw()

    def tick(self) -> None:
        with self.lock:
            self._draw()

    def _draw(self) -> None:
        if self.enabled and self.text:
            elapsed = time.monotonic() - self.stage_started
            self.stream.write(f"\r\x1b[K{self.text} … {elapsed:.0f} s")
            self.stream.flush()

    def clear(self) -> None:
        with self.lock:
            if self.enabled and self.text:
                self.stream.write("\r\x1b[K")
                self.stream.flush()

    def done(self) -> None:
        self._stop.set()
        with self.lock:
            self.clear()
            self.text = ""


class ProgressHandler(logging.StreamHandler):
    """A log handler that lifts the progress line out of the way of each log line."""

    def __init__(self, stream, progress: Progress):
        super().__init__(stream)
        self.progress = progress

    def emit(self, record):
        with self.progress.lock:
            self.progress.clear()
            super().emit(record)
            self.progress.tick()


def setup_logging(args: argparse.Namespace) -> Progress:
    """Quiet under cron, chatty in a terminal or with -v.

    Problems only (warnings and errors) when stdout is not a terminal and no -v was given, or
    with --quiet; INFO in a terminal or with -v; DEBUG with -vv.
    """
    verbose = getattr(args, "verbose", 0) + getattr(args, "update_verbose", 0)
    interactive = sys.stdout.isatty()
    if args.quiet:
        level = logging.WARNING
    elif verbose >= 2:
        level = logging.DEBUG
    elif verbose == 1 or interactive:
        level = logging.INFO
    else:
        level = logging.WARNING
    progress = Progress(sys.stderr, enabled=sys.stderr.isatty() and not args.quiet)
    handler = ProgressHandler(sys.stderr, progress)
    handler.setFormatter(KSTFormatter("%(asctime)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    root.addHandler(handler)
    root.setLevel(level)
    return progress
