"""`newsroom update`: the scheduled job. Lock, scrape, detect changes, build, validate, go live.

Exit codes (also in docs/operations.md):

    0   done: a new release is live, or nothing changed; every source was read
    1   the build failed (a bad article: `path:line: message` on the log); live site untouched
    2   usage or configuration error (missing settings file, bad option, invalid sources.toml)
    3   done, but one or more sources failed; the others' articles were published
    4   the new release did not validate (missing page, broken link, bad feed, draft
        published); live site untouched, the build kept as releases/failed-<id>/
    70  internal error (a bug: the traceback is on the log); live site untouched
    75  another update or rollback holds the lock (EX_TEMPFAIL): try again later

The live site only ever changes in `Releases.switch()`, after a build and its validation have
succeeded, by renaming one symlink.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from newsroom import manifest
from newsroom.release import EXIT_LOCKED, Locked, ReleaseError, Releases, job_lock

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_BUILD_FAILED = 1
EXIT_USAGE = 2
EXIT_SOURCES_FAILED = 3
EXIT_INVALID = 4
EXIT_INTERNAL = 70

# `path:line: message` as printed by newsroom_site's strict build and `newsroom check`.
PROBLEM_RE = re.compile(r"(?P<path>[^\s:'\"]+\.(?:md|markdown|mkd|mdown)):(?P<line>\d+): (?P<msg>.+)")
BUILD_ENV = {"COLUMNS": "200", "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
# Pelican's console handler draws columns padded to the terminal width; a root handler
# installed first makes its logging.basicConfig() a no-op, so each record is one plain line
# with its level, which is what lets the job refuse a build that logged an error.
PELICAN_RUNNER = (
    "import logging, sys\n"
    "logging.basicConfig(level=logging.INFO, stream=sys.stderr,"
    " format='%(levelname)s %(name)s: %(message)s')\n"
    "from pelican import main\n"
    "sys.argv[0] = 'pelican'\n"
    "main(sys.argv[1:])\n"
)
LOG_ERROR_RE = re.compile(r"^(?:ERROR|CRITICAL) (?P<msg>.+)$", re.MULTILINE)


# --- command line -------------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    p = parser.add_argument
    p("--sources", type=Path, help="sources file (default: sources.toml when present)")
    p("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    p("--output", type=Path, default=Path("output"),
      help="the live link, pointing at a release (default: output)")
    p("--releases", type=Path, default=Path("releases"),
      help="where releases are built and kept (default: releases)")
    p("--state", type=Path, default=Path(".state"),
      help="lock, scraper state and source health (default: .state)")
    p("--settings", type=Path, default=Path("publishconf.py"),
      help="Pelican settings for the published build (default: publishconf.py)")
    p("--status", type=Path, default=Path("status.json"),
      help="status file written after every run; the page goes beside it as .html")
    p("--keep", type=int, default=5, metavar="N", help="releases to keep (default: 5)")
    p("--force", action="store_true", help="build even when nothing changed")
    p("--no-scrape", action="store_true", help="skip scraping; publish editors' changes only")
    p("--limit", type=int, help="at most N new articles per source (passed to the scraper)")
    p("--build-timeout", type=float, default=1800.0, metavar="SECONDS",
      help="stop a build that runs longer (default: 1800)")
    p("-v", "--verbose", dest="update_verbose", action="count", default=0,
      help="more log output (-vv: debug)")
    p("-q", "--quiet", action="store_true", help="problems only, even in a terminal")


# --- logging and progress -----------------------------------------------------------------

class KSTFormatter(logging.Formatter):
    """`2025-12-16T16:30:06+09:00 LEVEL message`: one line per event, Korea time."""

    def formatTime(self, record, datefmt=None):  # noqa: N802 (logging's name)
        from newsroom.status import iso

        return iso(datetime.fromtimestamp(record.created).astimezone())

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


# --- the job ------------------------------------------------------------------------------

@dataclass
class Run:
    """What one run did, turned into status.json at the end."""

    started: datetime
    live_before: str | None = None
    live: str | None = None
    release: str | None = None
    result: str = "error"
    built: bool = False
    build_seconds: float | None = None
    sources_read: list[str] = field(default_factory=list)
    sources_failed: list[dict] = field(default_factory=list)
    per_source: list[dict] = field(default_factory=list)
    new_articles: int = 0
    updated_articles: int = 0
    changes: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    validation: dict = field(default_factory=dict)

    def to_json(self, finished: datetime, exit_code: int) -> dict:
        from newsroom.status import iso

        return {
            "started": iso(self.started),
            "finished": iso(finished),
            "seconds": round((finished - self.started).total_seconds(), 3),
            "exit_code": exit_code,
            "result": self.result,
            "sources": {"read": self.sources_read, "failed": self.sources_failed,
                        "per_source": self.per_source},
            "new_articles": self.new_articles,
            "updated_articles": self.updated_articles,
            "changes": self.changes,
            "built": self.built,
            "build_seconds": self.build_seconds,
            "release": self.release,
            "live_release": self.live,
            "previous_live_release": self.live_before,
            "validation": self.validation,
            "errors": self.errors,
            "problems": self.problems,
        }


class UsageError(Exception):
    """A missing file or bad option: exit 2 with this message."""


def _source_row(src) -> dict:
    row = {}
    for key in ("id", "found", "new", "updated", "skipped", "failed", "error"):
        value = src.get(key) if isinstance(src, dict) else getattr(src, key, None)
        row[key] = value if value is None or isinstance(value, int | str) else str(value)
    return row


def scrape_stage(args: argparse.Namespace, run: Run, settings: dict) -> None:
    """Run the scraper in-process; one failing source never stops the others or the build."""
    sources = args.sources
    if sources is None:
        sources = Path("sources.toml")
        if not sources.exists():
            logger.info("no sources.toml: skipping the scrape, publishing editors' changes only")
            return
    elif not sources.exists():
        raise UsageError(f"{sources}: no such sources file (--sources)")
    try:
        from press_scraper.api import scrape
    except ImportError as e:
        run.errors.append(f"scraper unavailable: {e}")
        run.sources_failed.append({"id": "*", "error": f"scraper unavailable: {e}"})
        logger.error("scraper unavailable (%s): publishing editors' changes only", e)
        return
    try:
        sections = [name for name, _slug in settings.get("NEWSROOM_SECTIONS") or []] or None
        report = scrape(sources, args.content, state_dir=args.state, limit=args.limit,
                        sections=sections)
    except Exception as e:  # the scraper validates sources.toml before fetching anything
        if _is_config_error(e):
            raise UsageError(str(e)) from e
        logger.exception("the scrape failed as a whole: %s", e)
        run.errors.append(f"scrape failed: {e.__class__.__name__}: {e}")
        run.sources_failed.append({"id": "*", "error": f"{e.__class__.__name__}: {e}"})
        return
    for src in report.sources:
        row = _source_row(src)
        run.per_source.append(row)
        run.new_articles += int(row.get("new") or 0)
        run.updated_articles += int(row.get("updated") or 0)
        if row.get("error"):
            run.sources_failed.append({"id": row["id"], "error": row["error"]})
            logger.info("source %s failed: %s", row["id"], row["error"])  # the scraper logged it
        else:
            run.sources_read.append(row["id"])
        logger.info("source %s: %s found, %s new, %s updated, %s skipped, %s failed",
                    row["id"], row.get("found"), row.get("new"), row.get("updated"),
                    row.get("skipped"), row.get("failed"))
    for failed_id in getattr(report, "failed_sources", []) or []:
        failed_id = getattr(failed_id, "id", failed_id)
        if not any(f["id"] == failed_id for f in run.sources_failed):
            run.sources_failed.append({"id": str(failed_id), "error": "failed"})
            if failed_id in run.sources_read:
                run.sources_read.remove(failed_id)


def _is_config_error(e: BaseException) -> bool:
    """The scraper's invalid-configuration exception, whatever module defines it."""
    names = {c.__name__ for c in type(e).__mro__}
    return bool(names & {"SourcesError", "ConfigError", "SourceConfigError", "SettingsError"})


def read_settings(args: argparse.Namespace) -> dict:
    from pelican.settings import read_settings as pelican_read_settings

    if not args.settings.is_file():
        raise UsageError(f"{args.settings}: no such settings file (--settings)")
    if not args.content.is_dir():
        raise UsageError(f"{args.content}: no such content folder (--content)")
    try:
        return pelican_read_settings(str(args.settings),
                                     override={"PATH": str(args.content.resolve())})
    except (ValueError, OSError, SyntaxError, ImportError) as e:
        raise UsageError(f"{args.settings}: {e.__class__.__name__}: {e}") from e


def build_inputs(args: argparse.Namespace, settings: dict) -> tuple[list[Path], dict[str, str]]:
    """Every path the build reads, and the non-file inputs (tool version, SITEURL)."""
    import pelican

    inputs = [args.content, Path(settings["THEME"]), args.settings]
    inputs += [Path(p) for p in settings.get("PLUGIN_PATHS") or []]
    sibling = args.settings.resolve().parent / "pelicanconf.py"
    if sibling.exists():
        inputs.append(sibling)
    meta = {"pelican": pelican.__version__, "env:SITEURL": os.environ.get("SITEURL", "")}
    return inputs, meta


def _die_with_parent() -> None:
    """In the child: get SIGKILL when the update job dies, so a killed job leaves no builder."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    os.setpgrp()


def reader_cache(args) -> Path:
    """Pelican's reader cache for published builds (see pelicanconf.py): a cache, never truth."""
    return args.state / "pelican-cache"


def drop_reader_cache(args, why: str) -> None:
    cache = reader_cache(args)
    if cache.exists():
        logger.info("dropping Pelican's reader cache: %s", why)
        shutil.rmtree(cache, ignore_errors=True)


def run_pelican(args, build_dir: Path, log_path: Path) -> tuple[int, float]:
    """Build in a child process (a crash there cannot take the job down); returns (code, s)."""
    cmd = [sys.executable, "-c", PELICAN_RUNNER, str(args.content), "-s", str(args.settings),
           "-o", str(build_dir), "--log-handler", "plain"]
    logger.debug("build: %s", " ".join(cmd))
    env = dict(os.environ, **BUILD_ENV)
    env["NEWSROOM_CACHE_PATH"] = str(reader_cache(args).resolve())
    started = time.monotonic()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, env=env,
                                preexec_fn=_die_with_parent if os.name == "posix" else None)
        try:
            while True:
                try:
                    code = proc.wait(timeout=0.5)
                    break
                except subprocess.TimeoutExpired:
                    if time.monotonic() - started > args.build_timeout:
                        os.killpg(proc.pid, signal.SIGKILL)
                        proc.wait()
                        log.write(f"\nbuild stopped after {args.build_timeout:.0f} s "
                                  "(--build-timeout)\n".encode())
                        code = -signal.SIGKILL
                        break
        except BaseException:
            proc.kill()
            raise
    return code, time.monotonic() - started


def build_problems(log_text: str, content: Path, settings: dict) -> list[str]:
    """The `path:line: message` lines of a failed build, from its log, else from the checker."""
    seen: list[str] = []
    for m in PROBLEM_RE.finditer(log_text):
        line = f"{m['path']}:{m['line']}: {m['msg'].strip()}"
        if line not in seen:
            seen.append(line)
    if seen:
        return seen
    try:
        from newsroom.core.check import check_content
    except ImportError:
        return []
    sections = [name for name, _slug in settings.get("NEWSROOM_SECTIONS") or []]
    try:
        return [str(p) for p in check_content(content, sections,
                                              page_paths=settings.get("PAGE_PATHS") or ["pages"],
                                              base=Path.cwd())]
    except Exception as e:  # the checker is a second opinion here; the log stays the reason
        logger.debug("check_content failed: %s", e)
        return []


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def update(args: argparse.Namespace, run: Run, progress: Progress) -> int:
    """The job under the lock; returns the exit code, fills `run` for status.json."""
    releases = Releases(args.releases, args.output)
    for leftover in releases.recover():
        logger.warning("removed %s left by an interrupted run", leftover)
    run.live = run.live_before = releases.live()
    if args.output.exists() and not args.output.is_symlink():
        logger.warning("%s is a folder, not a release link: it will be moved aside", args.output)

    settings = read_settings(args)
    progress.stage("[1/4] scrape")
    if not args.no_scrape:
        scrape_stage(args, run, settings)
    sources_code = EXIT_SOURCES_FAILED if run.sources_failed else EXIT_OK

    progress.stage("[2/4] changes")
    inputs, meta = build_inputs(args, settings)
    live_meta = releases.meta(run.live) if run.live else None
    previous = None
    if live_meta and "manifest" in live_meta:
        try:
            previous = manifest.Manifest.from_json(live_meta["manifest"])
        except (ValueError, KeyError, TypeError, IndexError) as e:
            logger.warning("release %s: unreadable manifest (%s); rebuilding", run.live, e)
    t0 = time.monotonic()
    current, hashed = manifest.build(Path.cwd(), inputs, previous, meta)
    changes = manifest.diff(previous, current)
    run.changes = {k: len(v) for k, v in changes.to_json().items()}
    run.changes["first"] = (changes.added + changes.changed + changes.removed + changes.meta)[:20]
    logger.info("changes since release %s: %s (%d files, %d hashed, %.2f s)",
                run.live or "none", changes.summary(), len(current.files), hashed,
                time.monotonic() - t0)
    if not changes and not args.force:
        run.result = "no changes"
        logger.info("no changes: live release %s stays", run.live)
        return sources_code

    # The reader cache only remembers what Markdown made of each content file; anything else
    # that changed (settings, plugins, theme, Pelican itself) could change that, so start over.
    content_root = args.content.as_posix().rstrip("/") + "/"
    if previous is None or changes.meta or any(
        not p.startswith(content_root) for p in changes.added + changes.changed + changes.removed
    ):
        drop_reader_cache(args, "settings, code or theme changed")

    release_id = releases.new_id()
    build_dir = releases.start_build(release_id)
    log_path = args.releases / f".build-{release_id}.log"
    progress.stage(f"[3/4] build {release_id}")
    logger.info("building release %s (%s)", release_id,
                "forced" if not changes else changes.summary(limit=3))
    code, seconds = run_pelican(args, build_dir, log_path)
    if code != 0 and reader_cache(args).exists():
        # A run killed while Pelican saved its cache leaves a truncated pickle that Pelican
        # cannot load; the cache is only a speed-up, so build once more without it.
        drop_reader_cache(args, f"the build failed (exit {code}); retrying without it")
        shutil.rmtree(build_dir, ignore_errors=True)
        build_dir = releases.start_build(release_id)
        code, more = run_pelican(args, build_dir, log_path)
        seconds += more
    run.built, run.build_seconds, run.release = True, round(seconds, 3), release_id
    log_text = log_path.read_text(encoding="utf-8", errors="replace")
    logged_errors = [m["msg"] for m in LOG_ERROR_RE.finditer(log_text)]
    if code == 0 and logged_errors:
        # Pelican logs and skips what it cannot do (a plugin, a file) and still exits 0.
        logger.error("the build logged %d error(s); refusing it", len(logged_errors))
        code = EXIT_BUILD_FAILED
    if code != 0:
        run.result = "build failed"
        run.problems = build_problems(log_text, args.content, settings) or logged_errors[:10]
        failed = releases.fail(build_dir, release_id, log_text)
        log_path.unlink(missing_ok=True)
        for problem in run.problems:
            logger.error("%s", problem)
        reason = "; ".join(run.problems[:3]) or _tail(log_text, 5)
        run.errors.append(f"build failed (exit {code}): {reason}")
        logger.error("build failed (Pelican exit %s) after %.1f s; live release %s unchanged; "
                     "log: %s.log%s", code, seconds, run.live or "none", failed,
                     "" if run.problems else "\n" + _tail(log_text))
        return EXIT_BUILD_FAILED
    logger.info("built in %.1f s", seconds)

    progress.stage("[4/4] validate")
    from newsroom.validate import validate_release

    t0 = time.monotonic()
    report = validate_release(build_dir, args.content, settings)
    run.validation = {"pages": report.pages, "links": report.links, "feeds": report.feeds,
                      "articles": report.articles, "problems": len(report.problems),
                      "seconds": round(time.monotonic() - t0, 3)}
    logger.info("validated: %d pages, %d internal links, %d feeds, %d articles, %.1f s",
                report.pages, report.links, report.feeds, report.articles,
                run.validation["seconds"])
    if report.problems:
        run.result = "validation failed"
        run.problems = [f"releases/failed-{release_id}/{p}" for p in report.problems[:50]]
        failed = releases.fail(build_dir, release_id, log_text)
        log_path.unlink(missing_ok=True)
        for problem in report.problems[:25]:
            logger.error("%s", problem)
        if len(report.problems) > 25:
            logger.error("… and %d more problems", len(report.problems) - 25)
        run.errors.append(f"validation failed: {len(report.problems)} problems, "
                          f"first: {report.problems[0]}")
        logger.error("release %s did not validate (%d problems); kept as %s; live release %s "
                     "unchanged", release_id, len(report.problems), failed, run.live or "none")
        return EXIT_INVALID

    progress.stage("[4/4] go live")
    meta_json = {"id": release_id, "built_seconds": run.build_seconds,
                 "articles": report.articles, "pages": report.pages,
                 "changes": run.changes, "manifest": current.to_json()}
    releases.commit(build_dir, release_id, meta_json, log_path)
    releases.switch(release_id)
    run.live = release_id
    run.result = "published"
    pruned = releases.prune(args.keep)
    logger.info("live: %s -> %s (was %s)%s", args.output, release_id, run.live_before or "none",
                f"; removed old releases {', '.join(pruned)}" if pruned else "")
    if sources_code:
        logger.warning("published release %s, but %d source(s) failed: %s", release_id,
                       len(run.sources_failed), ", ".join(f["id"] for f in run.sources_failed))
    return sources_code


def run(args: argparse.Namespace) -> int:
    progress = setup_logging(args)
    if args.keep < 1:
        logger.error("--keep must be at least 1 (got %s)", args.keep)
        return EXIT_USAGE
    try:
        lock = job_lock(args.state)
    except Locked as e:
        logger.error("%s", e)
        return EXIT_LOCKED
    except OSError as e:
        logger.error("%s: cannot take the job lock: %s", args.state, e)
        return EXIT_USAGE
    run_ = Run(started=datetime.now().astimezone())
    code = EXIT_INTERNAL
    try:
        code = update(args, run_, progress)
    except UsageError as e:
        logger.error("%s", e)
        run_.errors.append(str(e))
        code = EXIT_USAGE
    except (ReleaseError, OSError) as e:
        logger.exception("update failed: %s", e)
        run_.errors.append(f"{e.__class__.__name__}: {e}")
        code = EXIT_INTERNAL
    except Exception as e:
        logger.exception("update failed with an internal error: %s", e)
        run_.errors.append(f"internal error: {e.__class__.__name__}: {e}")
        code = EXIT_INTERNAL
    finally:
        progress.done()
        try:
            from newsroom import status

            finished = datetime.now().astimezone()
            data = run_.to_json(finished, code)
            status.write(data, args.status, args.status.with_suffix(".html"),
                         args.state / "health.json")
        except Exception as e:  # a status write must never hide the run's own result
            logger.error("%s: cannot write the status: %s", args.status, e)
        lock.release()
    if code == EXIT_OK and run_.result == "published":
        logger.info("done: release %s is live (%d new articles, build %.1f s)", run_.live,
                    run_.new_articles, run_.build_seconds or 0)
    return code

