"""Share a queue of independent jobs between the build process and forked children.

Fork, not worker processes: a child shares the parent's memory copy-on-write (a build's
10,000 articles and their context), where a spawned worker would have to read or unpickle it
again; the garbage collector is frozen first so that a child does not copy memory by walking
it. Share k of P takes jobs k, k+P, k+2P, …; each child sends back what its `collect` says
through a pipe and leaves with `os._exit`; the first error in queue order is raised, as one
process would have raised it; a child dies with its parent (PR_SET_PDEATHSIG). Users:
plugins/newsroom_site/parallel.py (pages), plugins/newsroom_search (index segments).

`beside` forks one piece of work to run while the build process goes on, joined later
(`join_beside`): the search index is written while the pages render.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import os
import pickle
import signal
import sys
import time
import traceback

logger = logging.getLogger(__name__)


def processes(value: int | None) -> int:
    """A validated process count setting (NEWSROOM_RENDER_PROCESSES); None: the cores this
    process may use, at most 2 (more shares than cores only add forks)."""
    if value is not None:
        return value
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(2, cores or 1)


def minimum_from_env(default: int) -> int:
    """NEWSROOM_RENDER_PARALLEL_MIN: a test knob (the test suite sets 1 so that every build
    shares its work), else `default`."""
    try:
        return max(1, int(os.environ.get("NEWSROOM_RENDER_PARALLEL_MIN", default)))
    except ValueError:
        return default


# Work forked beside the build process (`beside`), joined by `join_beside`.
_BESIDE: list[tuple] = []


class ShareFailed(RuntimeError):
    """An error raised in a child process that could not be sent back as itself."""


def map_shares(jobs: list, processes: int, fn, minimum: int = 1,
               label: str = "jobs done") -> dict:
    """{job: fn(job)} for every job, the jobs shared out as `run_shares` does (results must
    be picklable; jobs hashable)."""
    done: dict = {}
    run_shares(jobs, processes, lambda job: done.__setitem__(job, fn(job)),
               lambda share: [(job, done[job]) for job in share if job in done],
               done.update, minimum=minimum, label=label)
    return done


def run_shares(queue: list, processes: int, emit, collect, merge, minimum: int = 1,
               label: str = "jobs done") -> None:
    """Do `queue` in `processes` shares: the build process and forked children.

    `emit(job)` does one job; `collect(jobs)` returns what the parent needs to know about the
    jobs this process did (picklable); `merge(result)` takes a child's result in the parent.
    Raises the first error in queue order. Fewer than `minimum` jobs run here, one by one.
    """
    if processes < 2 or len(queue) < max(processes, minimum):
        for job in queue:
            emit(job)
        return
    logger.info("parallel: %d %s in %d processes", len(queue), label, processes)
    _flush_output()
    gc.freeze()
    started = time.monotonic()
    children = []
    try:
        for share in range(1, processes):
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: do its share, report, leave
                os.close(read_end)
                _child(queue, share, processes, emit, collect, write_end)
            os.close(write_end)
            children.append((pid, read_end))
    finally:
        gc.unfreeze()
    own_error = _emit_share(queue, 0, processes, emit)
    errors = [own_error] if own_error else []
    private = 0
    for pid, read_end in children:
        result, error, child_private = _read_report(pid, read_end)
        private += child_private
        if error:
            errors.append(error)
        if result is not None:
            merge(result)
    # What the forks cost in memory beyond the build process: the pages they wrote to.
    logger.info("parallel: done in %.2f s; the other processes used %.0f MiB of their own",
                time.monotonic() - started, private / 2**20)
    if errors:
        index, exc = min(errors, key=lambda e: e[0])
        raise exc


def beside(work, merge, label: str, enabled: bool = True) -> None:
    """Run `work()` in a forked child while the build process goes on with other work.

    `join_beside()` (called before the build's outputs are final: after the page batch,
    and at `finalized`) waits for it, passes what `work` returned to `merge` in the build
    process, and raises what it raised. For work whose files no other part of the build
    touches (the search index): the build process renders its pages meanwhile, so the two
    cores share the rest of the build. `enabled` False runs `work` here, at once.
    """
    if not enabled:
        merge(work())
        return
    _flush_output()
    gc.freeze()
    try:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: do the work, report, leave
            os.close(read_end)
            _beside_child(work, write_end)
        os.close(write_end)
    finally:
        gc.unfreeze()
    _BESIDE.append((pid, read_end, merge, label, time.monotonic()))


def _beside_child(work, write_end) -> None:
    code = 0
    try:
        _die_with_parent()
        try:
            payload = pickle.dumps((work(), None, _private_bytes()),
                                   protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as e:  # noqa: BLE001 - raised in the build process by join_beside
            payload = pickle.dumps((None, _portable(e), 0))
    except BaseException as e:  # noqa: BLE001 - anything goes back to the parent
        payload = pickle.dumps((None, _portable(e), 0))
        code = 1
    _report_and_leave(write_end, payload, code)


def abandon_beside() -> None:
    """Kill and reap work `beside` started that no one joined (a build that failed before
    the join, in a process that builds again: `pelican --autoreload`), so that the next
    build neither merges its results nor meets its errors."""
    while _BESIDE:
        pid, read_end, *_rest = _BESIDE.pop()
        os.close(read_end)
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def join_beside() -> None:
    """Wait for the work `beside` forked, in the order it was started; merge each result.
    Raises the first error, after every child has been waited for."""
    first_error = None
    while _BESIDE:
        pid, read_end, merge, label, started = _BESIDE.pop(0)
        waited = time.monotonic()
        try:
            result, error, private = _read_report(pid, read_end, f"{label}: ")
        except ShareFailed as e:
            result, error, private = None, e, 0
        if error is None:
            merge(result)
            logger.info("beside the build: %s done in %.2f s (%.2f s waited for it); it used "
                        "%.0f MiB of its own", label, time.monotonic() - started,
                        time.monotonic() - waited, private / 2**20)
        elif first_error is None:
            first_error = error
    if first_error is not None:
        raise first_error


def _emit_share(queue: list, share: int, processes: int, emit):
    """Do this share's jobs; return (queue index, exception) of the first failure."""
    for index in range(share, len(queue), processes):
        try:
            emit(queue[index])
        except Exception as e:  # noqa: BLE001 - reported in page order by the parent
            return (index, e)
    return None


def _child(queue, share, processes, emit, collect, write_end) -> None:
    code = 0
    try:
        _die_with_parent()
        error = _emit_share(queue, share, processes, emit)
        jobs = queue[share::processes]
        result = collect(jobs)
        if error:
            error = (error[0], _portable(error[1]))
        payload = pickle.dumps((result, error, _private_bytes()), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException as e:  # noqa: BLE001 - anything goes back to the parent
        payload = pickle.dumps((None, (-1, _portable(e)), 0))
        code = 1
    _report_and_leave(write_end, payload, code)


def _read_report(pid: int, read_end: int, what: str = "") -> tuple:
    """A child's (result, error, private bytes), once it has left; ShareFailed when it died
    before it could report."""
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _pid, status = os.waitpid(pid, 0)
    try:
        return pickle.loads(data)
    except Exception:  # noqa: BLE001 - the child died before it could report
        code = os.waitstatus_to_exitcode(status)
        raise ShareFailed(f"{what}forked process {pid} ended without a report "
                          f"(exit {code})") from None


def _flush_output() -> None:
    """Write out what is buffered, before a fork (or a child's exit) would copy or lose it."""
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    for handler in logging.getLogger().handlers:
        handler.flush()


def _report_and_leave(write_end: int, payload: bytes, code: int) -> None:
    """A child's last act: its report down the pipe, its logs flushed, `os._exit`."""
    try:
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
        _flush_output()
    finally:
        os._exit(code)


def _portable(exc: BaseException) -> BaseException:
    """The exception itself when it survives pickling, else its text and traceback."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001
        text = "".join(traceback.format_exception(exc)).rstrip()
        return ShareFailed(f"{type(exc).__name__}: {exc}\n{text}")


def _private_bytes() -> int:
    """This process's own memory (not shared with the build process): Linux's smaps_rollup."""
    total = 0
    try:
        with open("/proc/self/smaps_rollup", encoding="ascii") as f:
            for line in f:
                if line.startswith(("Private_Clean:", "Private_Dirty:")):
                    total += int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return 0
    return total


def _die_with_parent() -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
