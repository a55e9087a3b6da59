"""What every `newsroom` command shares: the project options, the job lock, command errors.

- `add_project_arguments(parser, …)`: `--content`, `--state`, `--settings` (and on request
  `--output`, `--releases`), with the same names, types and defaults in every command.
- `job_lock(state_dir)`: takes `<state>/update.lock` (a context manager, or `.release()`); it
  raises `Locked` (exit 75) at once when another job holds it. `update`, `rollback`,
  `publish` and `scrape` take it.
- `CommandError` and its subclasses carry their exit code (from `newsroom.core.exits`), so a
  command's `run()` can `return e.exit_code` from one `except CommandError` clause.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from pathlib import Path

from newsroom.core import exits

LOCK_NAME = "update.lock"
# Marks "not given" for `content_default` (None is a meaningful default: "the settings' PATH").
_UNSET = object()


class CommandError(Exception):
    """A command cannot do its job; the message is for the user, `exit_code` for the shell."""

    exit_code = exits.FAILED


class UsageError(CommandError):
    """A missing file, a bad option or invalid settings: fix the input and run again."""

    exit_code = exits.USAGE


class Locked(CommandError):
    """Another update, rollback or publish holds the job lock."""

    exit_code = exits.LOCKED


def add_project_arguments(
    parser: argparse.ArgumentParser,
    *,
    content: bool = True,
    state: bool = True,
    settings: bool = True,
    output: bool = False,
    releases: bool = False,
    settings_default: str = "pelicanconf.py",
    content_default: object = _UNSET,
) -> None:
    """Add the project options a command takes, spelled and typed the same everywhere.

    Every path option is a `Path`. `content_default=None` means "the settings' PATH" (for the
    editors' commands, which find the project from the current folder).
    """
    add = parser.add_argument
    if content:
        default = Path("content") if content_default is _UNSET else content_default
        shown = "the settings' PATH" if default is None else str(default)
        add("--content", type=Path, default=default, help=f"content folder (default: {shown})")
    if state:
        add("--state", type=Path, default=Path(".state"),
            help="state folder: job lock, scraper caches, source health (default: .state)")
    if settings:
        add("--settings", type=Path, default=Path(settings_default),
            help=f"Pelican settings file (default: {settings_default})")
    if output:
        add("--output", type=Path, default=Path("output"),
            help="the live link, pointing at a release (default: output)")
    if releases:
        add("--releases", type=Path, default=Path("releases"),
            help="where releases are built and kept (default: releases)")


class JobLock:
    """The held job lock: release it with `release()`, or use it as a context manager."""

    def __init__(self, state_dir: Path):
        from filelock import FileLock, Timeout

        state_dir = Path(state_dir)
        state_dir.mkdir(parents=True, exist_ok=True)
        self.path = state_dir / LOCK_NAME
        self._lock = FileLock(str(self.path), timeout=0)
        try:
            self._lock.acquire()
        except Timeout:
            raise Locked(f"another update is running (lock {self.path} is held); "
                         "exiting") from None

    def release(self) -> None:
        self._lock.release()

    def __enter__(self) -> JobLock:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


def run_locked(state_dir: Path, work: Callable[[], int]) -> int:
    """`work()` under the job lock; its exit code, or LOCKED (logged) when the lock is held."""
    try:
        with job_lock(state_dir):
            return work()
    except Locked as e:
        logging.getLogger("newsroom").error("%s", e)
        return e.exit_code


def job_lock(state_dir: Path) -> JobLock:
    """Take the job lock at once, or raise `Locked` naming the lock file.

        with job_lock(args.state):
            ...

    filelock uses flock(2) on Linux: the kernel drops the lock when its holder dies, even
    under kill -9, so a crashed run never blocks the next one; the file itself stays. An
    OSError (the state folder cannot be created) propagates to the caller.
    """
    return JobLock(state_dir)
