"""The update job's Pelican build: its inputs, the child process, and reading its log.

The build runs `python -m pelican CONTENT -s SETTINGS -o DIR` in a child process, so a crash
there cannot take the job down; the child dies with the job (PR_SET_PDEATHSIG) and is killed
past its timeout. Its log is read back for the `path:line: message` problems and for errors
Pelican logged while still exiting 0.
"""

from __future__ import annotations

import gc
import logging
import os
import pickle
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

logger = logging.getLogger(__name__)

# `path:line: message` as printed by newsroom_site's strict build and `newsroom check`.
PROBLEM_RE = re.compile(r"(?P<path>[^\s:'\"]+\.(?:md|markdown|mkd|mdown)):(?P<line>\d+): (?P<msg>.+)")
BUILD_ENV = {"COLUMNS": "200", "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
# Pelican's console handler draws columns padded to the terminal width; a root handler
# installed first makes its logging.basicConfig() a no-op, so each record is one plain line
# with its level, which is what lets the job refuse a build that logged an error.
LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"
PELICAN_RUNNER = (
    "import logging, sys\n"
    "logging.basicConfig(level=logging.INFO, stream=sys.stderr,"
    f" format={LOG_FORMAT!r})\n"
    "from pelican import main\n"
    "sys.argv[0] = 'pelican'\n"
    "import os\n"
    "prof = os.environ.get('NEWSROOM_BUILD_PROFILE')\n"
    "if prof:\n"
    "    import cProfile\n"
    "    cProfile.run('main(sys.argv[1:])', prof)\n"
    "else:\n"
    "    try:\n"
    "        main(sys.argv[1:])\n"
    "        code = 0\n"
    "    except SystemExit as e:\n"
    "        code = e.code if isinstance(e.code, int) else 0 if e.code is None else 1\n"
    # Everything is written and closed by now: leave without tearing down the build's
    # half a million objects one by one (a second or two at 10,000 articles).
    "    logging.shutdown()\n"
    "    sys.stdout.flush()\n"
    "    sys.stderr.flush()\n"
    "    os._exit(code)\n"
)
LOG_ERROR_RE = re.compile(r"^(?:ERROR|CRITICAL) (?P<msg>.+)$", re.MULTILINE)


def build_inputs(content: Path, settings_file: Path,
                 settings: dict) -> tuple[list[Path], dict[str, str]]:
    """Every path the build reads, and the non-file inputs (tool version, SITEURL)."""
    import pelican

    inputs = [content, Path(settings["THEME"]), settings_file]
    inputs += [Path(p) for p in settings.get("PLUGIN_PATHS") or []]
    sibling = settings_file.resolve().parent / "pelicanconf.py"
    if sibling.exists():
        inputs.append(sibling)
    # Files the build reads besides content/: takedowns and the reporters' details.
    for key in ("NEWSROOM_TAKEDOWNS", "NEWSROOM_AUTHORS"):
        extra = settings.get(key)
        if extra and Path(extra).exists():
            inputs.append(Path(extra))
    meta = {"pelican": pelican.__version__, "env:SITEURL": os.environ.get("SITEURL", "")}
    return inputs, meta


def reader_cache(state_dir: Path) -> Path:
    """Pelican's content cache for published builds (see pelicanconf.py): a cache, never truth."""
    return state_dir / "pelican-cache"


def drop_reader_cache(state_dir: Path, why: str) -> None:
    cache = reader_cache(state_dir)
    if cache.exists():
        logger.info("dropping Pelican's reader cache: %s", why)
        shutil.rmtree(cache, ignore_errors=True)


def _prctl(option: int, arg) -> None:
    """Linux's prctl(2) for this process; nothing where there is none."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(option, arg, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _die_with_parent() -> None:
    """In the child: get SIGKILL when the update job dies, so a killed job leaves no builder."""
    _prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    os.setpgrp()


def _name_process(name: bytes) -> None:
    """The forked build's name in ps and /proc/PID/comm (it shares the job's command line)."""
    _prctl(15, name[:15])  # PR_SET_NAME


def render_dir(state_dir: Path) -> Path:
    """The page signatures of each release (plugins/newsroom_site/incremental.py): a cache."""
    return state_dir / "render"


def render_env(state_dir: Path, release_id: str, base_id: str | None,
               base_path: Path | None) -> dict[str, str]:
    """What the build needs to take unchanged pages from the live release instead of
    rendering them: where signatures live, this build's id, and the base release."""
    env = {"NEWSROOM_RENDER_STATE": str(render_dir(state_dir).resolve()),
           "NEWSROOM_RENDER_ID": release_id}
    if base_id and base_path is not None and base_path.is_dir():
        env["NEWSROOM_RENDER_BASE"] = base_id
        env["NEWSROOM_RENDER_FROM"] = str(base_path.resolve())
    return env


def prune_render_state(state_dir: Path, keep_ids: set[str]) -> None:
    """Forget the signatures of releases that no longer exist, and the lists of kept files
    (newsroom/core/kept.py) a killed run left."""
    folder = render_dir(state_dir)
    if folder.is_dir():
        for path in folder.glob("*.json"):
            if path.stem not in keep_ids:
                path.unlink(missing_ok=True)
        for path in folder.glob("*.kept"):
            path.unlink(missing_ok=True)


def run_pelican(content: Path, settings_file: Path, build_dir: Path, log_path: Path, *,
                state_dir: Path, timeout: float,
                extra_env: dict[str, str] | None = None,
                zygote: Zygote | None = None) -> tuple[int, float]:
    """Build in a child process; returns (exit code, seconds). The log goes to log_path.

    With a `zygote` not used yet, the build runs there; else in a new interpreter."""
    cmd = [sys.executable, "-c", PELICAN_RUNNER, str(content), "-s", str(settings_file),
           "-o", str(build_dir), "--log-handler", "plain"]
    env = dict(os.environ, **BUILD_ENV)
    env["NEWSROOM_CACHE_PATH"] = str(reader_cache(state_dir).resolve())
    env.update(extra_env or {})
    if zygote is not None and zygote.ready:
        logger.debug("build: pelican %s, forked from the job", " ".join(cmd[3:]))
        try:
            return zygote.run(cmd[3:], settings_file, env, log_path, timeout)
        except OSError as e:  # it died before it was given the build
            logger.warning("the forked builder is gone (%s); starting a new interpreter", e)
    logger.debug("build: %s", " ".join(cmd))
    started = time.monotonic()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, env=env,
                                preexec_fn=_die_with_parent if os.name == "posix" else None)
        try:
            while True:
                try:
                    left = timeout - (time.monotonic() - started)
                    code = proc.wait(timeout=min(0.5, max(0.01, left)))
                    break
                except subprocess.TimeoutExpired:
                    if time.monotonic() - started > timeout:
                        os.killpg(proc.pid, signal.SIGKILL)
                        proc.wait()
                        log.write(f"\nbuild stopped after {timeout:.0f} s "
                                  "(--build-timeout)\n".encode())
                        code = -signal.SIGKILL
                        break
        except BaseException:
            proc.kill()
            raise
    return code, time.monotonic() - started


class Zygote:
    """A fork of the job, made as soon as the job has read its settings, that waits for the
    build's arguments and then runs the build (`run_pelican`).

    The job has Pelican imported by then (it read the settings with it), so the build skips
    a new interpreter and Pelican's imports (0.25-0.35 s of an arrival's few seconds). Forked
    this early, it holds none of what the job loads later (manifests, memos): a fork made at
    build time carried 50-70 MiB more resident memory at 50,000 articles. Made only while the
    job runs one thread (a fork copies the locks another thread may hold, such as the
    terminal's progress line) and unless NEWSROOM_BUILD_FORK=0; otherwise, and for a second
    build in one run, the build starts a new interpreter. Named `pelican-build` in `ps`; it
    dies with the job; a run that builds nothing closes its pipe and it leaves.
    """

    def __init__(self, pid: int, write_fd: int) -> None:
        self.pid, self._write = pid, write_fd

    @classmethod
    def start(cls) -> Zygote | None:
        if not _may_fork():
            return None
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        for handler in logging.getLogger().handlers:
            handler.flush()
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(write_fd)
            _zygote_main(read_fd)  # never returns
        os.close(read_fd)
        zygote = cls(pid, write_fd)
        _ZYGOTES.append(zygote)
        return zygote

    @property
    def ready(self) -> bool:
        return self._write is not None

    def warm(self, settings: dict, state_dir: Path, cache: bool) -> None:
        """There will be a build: import the plugins and, with `cache`, unpickle the content
        cache now, while the job checks the content (newsroom/core/preload.py). Best effort:
        what fails here the build does again, and reports."""
        if self._write is None:
            return
        env = dict(os.environ, **BUILD_ENV)
        env["NEWSROOM_CACHE_PATH"] = str(reader_cache(state_dir).resolve())
        plugins = {k: settings.get(k) for k in ("PLUGINS", "PLUGIN_PATHS")}
        files = ([str(reader_cache(state_dir).resolve() / "ArticlesGenerator")]
                 if cache else [])
        try:
            os.write(self._write, _message(("warm", env, plugins, files)))
        except OSError:
            pass  # gone: `run` finds out and starts a new interpreter

    def run(self, argv: list[str], settings_file: Path, env: dict[str, str], log_path: Path,
            timeout: float) -> tuple[int, float]:
        log_path.write_bytes(b"")
        payload = _message(("build", argv, str(settings_file), env, str(log_path),
                            time.monotonic()))
        started = time.monotonic()
        write_fd, self._write = self._write, None
        try:
            with os.fdopen(write_fd, "wb") as pipe:
                pipe.write(payload)
        except OSError:
            _reap(self.pid)
            raise
        return _wait_for_build(self.pid, started, timeout, log_path)

    def cancel(self) -> None:
        """No build this run: the zygote goes. Killed, not asked: until it has a build it
        has only read (imports, and the content cache when it was told to read ahead by a
        run that then did not build), so the run does not wait for it to finish."""
        if self._write is not None:
            os.close(self._write)
            self._write = None
            _kill(self.pid)
            _reap(self.pid)


_ZYGOTES: list[Zygote] = []


def cancel_zygotes() -> None:
    """At the end of a run: let every unused zygote go."""
    while _ZYGOTES:
        _ZYGOTES.pop().cancel()


def _may_fork() -> bool:
    return (os.name == "posix" and hasattr(os, "fork") and threading.active_count() == 1
            and os.environ.get("NEWSROOM_BUILD_FORK", "1") != "0"
            and not os.environ.get("NEWSROOM_BUILD_PROFILE"))


def _message(item: tuple) -> bytes:
    """A message to the zygote. Length first: the zygote reads each message without waiting
    for the end of the pipe, which a process forked by the job meanwhile could hold open."""
    payload = pickle.dumps(item)
    return len(payload).to_bytes(8, "big") + payload


def _zygote_main(read_fd: int):
    """The zygote: warm up when told there will be a build, wait for the build's arguments
    (or the end of the pipe: no build this run), then build."""
    try:
        _die_with_parent()
        _name_process(b"pelican-build")
        warmed = None  # (seconds the read-ahead took, when it ended)
        with os.fdopen(read_fd, "rb") as pipe:
            while True:
                head = pipe.read(8)
                if len(head) < 8:  # the end of the pipe: no build this run
                    os._exit(0)
                size = int.from_bytes(head, "big")
                data = pipe.read(size)
                if len(data) != size:
                    os._exit(70)
                message = pickle.loads(data)
                if message[0] == "build":
                    break
                if message[0] == "warm":
                    began = time.monotonic()
                    _warm(*message[1:])
                    warmed = (time.monotonic() - began, time.monotonic())
        _kind, argv, settings_file, env, log_path, sent = message
        log_fd = os.open(log_path, os.O_WRONLY | os.O_TRUNC)
        if warmed is not None:
            # CLOCK_MONOTONIC is one clock for every process: how long the build's arguments
            # waited in the pipe for the read-ahead to end (0: it was done before).
            os.write(log_fd, (f"INFO newsroom.builder: read ahead in {warmed[0]:.2f} s; the "
                              f"build waited {max(0.0, warmed[1] - sent):.2f} s for it\n"
                              ).encode())
    except BaseException:  # noqa: BLE001 - nothing to report to: the job sees the exit code
        os._exit(70)
    _forked_build(argv, Path(settings_file), env, log_fd)


def _warm(env: dict[str, str], plugins: dict, files: list[str]) -> None:
    """Import the plugins (Pelican takes loaded ones from the module cache) under the build's
    environment, then unpickle the caches `files` (their classes come from the plugins)."""
    # Quiet: the zygote still writes to the job's log; the build reports what fails.
    logging.disable(logging.CRITICAL)
    try:
        os.environ.clear()
        os.environ.update(env)
        from pelican.plugins._utils import load_legacy_plugin

        for name in plugins.get("PLUGINS") or []:
            if isinstance(name, str):
                load_legacy_plugin(name, plugins.get("PLUGIN_PATHS") or [])
    except Exception:  # noqa: BLE001 - the build imports them again and reports
        return
    finally:
        logging.disable(logging.NOTSET)
    from newsroom.core import preload

    for path in files:
        preload.load(path)


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _wait_for_build(pid: int, started: float, timeout: float,
                    log_path: Path) -> tuple[int, float]:
    """The forked build's exit code and seconds; killed past `timeout`, as a new
    interpreter would be."""
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status), time.monotonic() - started
            if time.monotonic() - started > timeout:
                break
            time.sleep(0.02)
    except BaseException:
        _kill(pid)
        _reap(pid)
        raise
    _kill(pid)
    _reap(pid)
    with open(log_path, "ab") as log:
        log.write(f"\nbuild stopped after {timeout:.0f} s (--build-timeout)\n".encode())
    return -signal.SIGKILL, time.monotonic() - started


def _kill(pid: int) -> None:
    """SIGKILL the build and what it started (its own process group, once it made one)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        os.kill(pid, signal.SIGKILL)


def _forked_build(argv: list[str], settings_file: Path, env: dict[str, str], log_fd: int):
    """The zygote, given its build (it already dies with the job and has its name): the
    state a fresh interpreter would have where it matters, then Pelican's `main`; leaves with
    `os._exit` (nothing of the job's to tear down)."""
    code = 70  # EX_SOFTWARE: the child failed before Pelican could say why
    try:
        # The job's objects (modules, settings) stay as they are: the build's garbage
        # collections leave them out instead of walking them (and copying the pages they
        # sit on) every time.
        gc.freeze()
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log_fd, 1)
        os.dup2(log_fd, 2)
        sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115
        sys.stdout = open(1, "w", encoding="utf-8", errors="backslashreplace",  # noqa: SIM115
                          closefd=False, buffering=1)
        sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace",  # noqa: SIM115
                          closefd=False, buffering=1)
        os.environ.clear()
        os.environ.update(env)
        # The job's log handlers (its terminal format, its levels) go: the build's log has
        # one `LEVEL name: message` line per record, which the job reads back.
        manager = logging.Logger.manager
        for logger_ in [logging.getLogger(), *(
                lg for lg in manager.loggerDict.values() if isinstance(lg, logging.Logger))]:
            for handler in list(logger_.handlers):
                logger_.removeHandler(handler)
            logger_.setLevel(logging.NOTSET)
            logger_.propagate = True
            logger_.disabled = False
        logging.disable(logging.NOTSET)
        logging.basicConfig(level=logging.INFO, stream=sys.stderr, format=LOG_FORMAT)
        # The job read the settings files already: Python's module cache would hand
        # publishconf's `from pelicanconf import *` that copy, made with the job's
        # environment, not the build's (NEWSROOM_CACHE_PATH, the render state).
        site = settings_file.resolve().parent
        for name, module in list(sys.modules.items()):
            where = getattr(module, "__file__", None)
            if where and Path(where).resolve().parent == site:
                del sys.modules[name]
        from pelican import main

        sys.argv = ["pelican", *argv]
        try:
            main(argv)
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 0 if e.code is None else 1
    except BaseException:  # noqa: BLE001 - reported in the build log, as Python would
        traceback.print_exc()
        code = 1
    finally:
        try:
            logging.shutdown()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


# What plugins/newsroom_site (incremental.VERIFY_FAILED) logs when NEWSROOM_RENDER_VERIFY=1
# (the test suite) finds a shortcut of the incremental writer stale.
VERIFY_FAILED = "NEWSROOM_RENDER_VERIFY failed:"


def verify_failed(log_path: Path) -> bool:
    """Did the build fail a NEWSROOM_RENDER_VERIFY check? Then a retry would hide it."""
    try:
        return VERIFY_FAILED in log_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def logged_errors(log_text: str) -> list[str]:
    """The messages of ERROR/CRITICAL lines in a build log."""
    return [m["msg"] for m in LOG_ERROR_RE.finditer(log_text)]


def build_problems(log_text: str) -> list[str]:
    """The `path:line: message` lines of a failed build's log, each once, in order.

    The update job checks content before it builds and builds only files that passed, so a
    failed build's reason is in its log (a plugin, a template, Pelican itself).
    """
    seen: list[str] = []
    for m in PROBLEM_RE.finditer(log_text):
        line = f"{m['path']}:{m['line']}: {m['msg'].strip()}"
        if line not in seen:
            seen.append(line)
    return seen


def tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])
