"""Render a batch of pages on several processes (the machine's cores), with the same bytes.

Pelican renders one page after another on one core. Most of a build's pages (an article's
own page, a tag's, a reporter's or a source's list) are independent of each other once the
template context is made, so the writer queues them (`NewsroomWriter.batched`) and this
module renders the queue in shares: the build process forks one child per extra process,
share k takes pages k, k+P, k+2P, …, and every process renders or links its pages exactly as
the single-process writer would (it is the same code: `writer.emit`). The children send back
what the parent must know after the batch (the page signatures for the next build, the
counters, the first error) through a pipe, and leave with `os._exit`.

Why fork: the context (10,000 articles, their fields and links) is shared copy-on-write at no
cost, where starting worker processes would have to read or unpickle it again; the garbage
collector is frozen first so that the children do not copy memory just by walking it.

What stays the same:
- the bytes of every page: each is rendered from the same context by the same templates;
  tests/site/test_parallel_render.py compares builds on one and on two processes, and the
  test suite renders every build's batch in two shares (NEWSROOM_RENDER_PARALLEL_MIN=1);
- the first error in page order is the one raised, as Pelican would have raised it;
- a child dies with the build (PR_SET_PDEATHSIG), so a build killed past its timeout leaves
  no process behind.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import os
import pickle
import signal
import sys
import traceback

logger = logging.getLogger(__name__)

# Below this many queued pages the fork costs more than it saves. A test knob: the test suite
# sets it to 1 so that every build renders in shares.
PARALLEL_MIN_PAGES = 200


def parallel_min_pages() -> int:
    try:
        return max(1, int(os.environ.get("NEWSROOM_RENDER_PARALLEL_MIN", PARALLEL_MIN_PAGES)))
    except ValueError:
        return PARALLEL_MIN_PAGES


def process_count(settings: dict) -> int:
    """NEWSROOM_RENDER_PROCESSES (validated in newsroom.core.settings); None: the cores, at
    most 2 (more shares than cores only add forks)."""
    from .config import newsroom_settings

    value = newsroom_settings(settings)["NEWSROOM_RENDER_PROCESSES"]
    if value is None:
        value = min(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                    else (os.cpu_count() or 1))
    return value


class ShareFailed(RuntimeError):
    """An error raised in a child process that could not be sent back as itself."""


def run_shares(queue: list, processes: int, emit, collect, merge) -> None:
    """Render `queue` in `processes` shares.

    `emit(job)` renders or links one page; `collect(jobs)` returns what the parent needs to
    know about pages this process emitted (picklable); `merge(result)` takes a child's result
    in the parent. Raises the first error in queue order.
    """
    if processes < 2 or len(queue) < max(processes, parallel_min_pages()):
        for job in queue:
            emit(job)
        return
    logger.info("parallel: %d pages rendered in %d processes", len(queue), processes)
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    for handler in logging.getLogger().handlers:
        handler.flush()
    gc.freeze()
    children = []
    try:
        for share in range(1, processes):
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: render its share, report, leave
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
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        _pid, status = os.waitpid(pid, 0)
        try:
            result, error, child_private = pickle.loads(data)
        except Exception:  # noqa: BLE001 - the child died before it could report
            code = os.waitstatus_to_exitcode(status)
            raise ShareFailed(f"render process {pid} ended without a report (exit {code})") from None
        private += child_private
        if error:
            errors.append(error)
        if result is not None:
            merge(result)
    # What the forks cost in memory beyond the build process: the pages they wrote to.
    logger.info("parallel: the other render processes used %.0f MiB of their own", private / 2**20)
    if errors:
        index, exc = min(errors, key=lambda e: e[0])
        raise exc


def _emit_share(queue: list, share: int, processes: int, emit):
    """Emit this share's pages; return (queue index, exception) of the first failure."""
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
    try:
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
        for handler in logging.getLogger().handlers:
            handler.flush()
        sys.stdout.flush()
        sys.stderr.flush()
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
