"""`newsroom update`: the scheduled job. Lock, scrape, detect changes, build, validate, go live.

Exit codes are `newsroom.core.exits` (the table is in docs/operations.md): OK when done,
FAILED when the build failed, USAGE for a missing file, bad option or invalid sources.toml,
SOURCES_FAILED when published but some sources failed, INVALID when the new release did not
validate, HELD_BACK when published but some content files were held back (newsroom.holdback),
INTERNAL for a bug, LOCKED when another job holds the lock.

The live site only ever changes in `Releases.switch()`, after a build and its validation have
succeeded, by renaming one symlink. The build itself is `newsroom.builder`, the log and the
progress line `newsroom.progress`.
"""

from __future__ import annotations

import argparse
import gc
import logging
import shutil
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from newsroom import builder, holdback, manifest, recycle
from newsroom.common import CommandError, Locked, UsageError, add_project_arguments, job_lock
from newsroom.core import exits, kept
from newsroom.core.files import MARKDOWN_EXTENSIONS, is_disk_full, remove_temp_files
from newsroom.core.model import iso_kst, now_kst
from newsroom.core.settings import Resolved, SettingsError, resolve
from newsroom.progress import Progress, setup_logging
from newsroom.release import ReleaseError, Releases

logger = logging.getLogger(__name__)


# --- command line -------------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    p = parser.add_argument
    p("--sources", type=Path, help="sources file (default: sources.toml when present)")
    add_project_arguments(parser, output=True, releases=True, settings_default="publishconf.py")
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
    held_back: list[dict] = field(default_factory=list)
    scheduled: list[dict] = field(default_factory=list)
    merges: list[dict] = field(default_factory=list)  # copies joined to an article (issue 12)
    # Wall seconds of each step, in order (status.json "steps"): where a slow run went.
    steps: dict[str, float] = field(default_factory=dict)
    _step: tuple[str, float] | None = None

    def step(self, name: str | None) -> None:
        """Close the running step and start `name` (None: just close)."""
        now = time.monotonic()
        if self._step is not None:
            done, since = self._step
            self.steps[done] = round(self.steps.get(done, 0.0) + now - since, 3)
        self._step = (name, now) if name else None

    def to_json(self, finished: datetime, exit_code: int) -> dict:
        return {
            "started": iso_kst(self.started),
            "finished": iso_kst(finished),
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
            "steps": self.steps,
            "release": self.release,
            "live_release": self.live,
            "previous_live_release": self.live_before,
            "validation": self.validation,
            "errors": self.errors,
            "problems": self.problems,
            "held_back": self.held_back,
            "scheduled": self.scheduled,
            "merges": self.merges,
        }


# How Python reports ENOSPC in the Pelican child's log ("OSError: [Errno 28] No space …").
NO_SPACE_MESSAGE = "No space left on device"

SOURCE_FIELDS = ("id", "found", "new", "updated", "skipped", "failed", "error")


def source_row(src) -> dict:
    """status.json's row for one press_scraper.pipeline.SourceReport."""
    return {key: getattr(src, key) for key in SOURCE_FIELDS}


def scrape_stage(args: argparse.Namespace, run: Run, resolved: Resolved) -> None:
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
        from press_scraper.errors import ConfigError
        from press_scraper.pipeline import scrape
    except ImportError as e:
        run.errors.append(f"scraper unavailable: {e}")
        run.sources_failed.append({"id": "*", "error": f"scraper unavailable: {e}"})
        logger.error("scraper unavailable (%s): publishing editors' changes only", e)
        return
    try:
        report = scrape(sources, args.content, state_dir=args.state, limit=args.limit,
                        sections=resolved.section_names)
    except ConfigError as e:  # sources.toml is checked before anything is fetched
        raise UsageError(str(e)) from e
    except OSError as e:
        if is_disk_full(e):
            raise  # the whole run stops and says so (run_locked)
        logger.exception("the scrape failed as a whole: %s", e)
        run.errors.append(f"scrape failed: {e.__class__.__name__}: {e}")
        run.sources_failed.append({"id": "*", "error": f"{e.__class__.__name__}: {e}"})
        return
    except Exception as e:
        logger.exception("the scrape failed as a whole: %s", e)
        run.errors.append(f"scrape failed: {e.__class__.__name__}: {e}")
        run.sources_failed.append({"id": "*", "error": f"{e.__class__.__name__}: {e}"})
        return
    run.merges = list(getattr(report, "merges", []))
    for src in report.sources:
        row = source_row(src)
        run.per_source.append(row)
        run.new_articles += row["new"]
        run.updated_articles += row["updated"]
        if row["error"]:
            run.sources_failed.append({"id": row["id"], "error": row["error"]})
            logger.info("source %s failed: %s", row["id"], row["error"])  # the scraper logged it
        else:
            run.sources_read.append(row["id"])
        logger.info("source %s: %s found, %s new, %s updated, %s skipped, %s failed",
                    row["id"], row["found"], row["new"], row["updated"], row["skipped"],
                    row["failed"])
    for failed_id in report.failed_sources:
        if not any(f["id"] == failed_id for f in run.sources_failed):
            run.sources_failed.append({"id": failed_id, "error": "failed"})
            if failed_id in run.sources_read:
                run.sources_read.remove(failed_id)


def read_settings(args: argparse.Namespace) -> tuple[dict, Resolved]:
    """The published build's settings as Pelican reads them, and their NEWSROOM_* resolved."""
    from pelican.settings import read_settings as pelican_read_settings

    if not args.settings.is_file():
        raise UsageError(f"{args.settings}: no such settings file (--settings)")
    if not args.content.is_dir():
        raise UsageError(f"{args.content}: no such content folder (--content)")
    try:
        settings = pelican_read_settings(str(args.settings),
                                         override={"PATH": str(args.content.resolve())})
    except (ValueError, OSError, SyntaxError, ImportError) as e:
        raise UsageError(f"{args.settings}: {e.__class__.__name__}: {e}") from e
    try:
        return settings, resolve(settings)
    except SettingsError as e:
        raise UsageError(f"{args.settings}: {e}") from e


def update(args: argparse.Namespace, run: Run, progress: Progress) -> int:
    """The job under the lock; returns the exit code, fills `run` for status.json."""
    # One thread for work that can go on while the build runs in its own process (the
    # thread starts with the first such work, after the builder is forked); its work is
    # done before the run ends.
    with ThreadPoolExecutor(1, thread_name_prefix="beside-build") as beside:
        return _update(args, run, progress, beside)


def _result(future: Future | None):
    """What work done beside the build made, or None when it failed: the step that needs
    it then does it itself (and meets the same error, reported there)."""
    if future is None:
        return None
    try:
        return future.result()
    except Exception as e:  # noqa: BLE001 - redone by the step that needs it
        logger.debug("work beside the build failed: %s: %s", type(e).__name__, e)
        return None


def _update(args: argparse.Namespace, run: Run, progress: Progress,
            beside: ThreadPoolExecutor) -> int:
    run.step("start")
    for path, what in ((args.releases, "--releases"), (args.state, "--state")):
        if path.exists() and not path.is_dir():
            raise UsageError(f"{path}: not a folder ({what}); move the file away")
    if args.output.exists() and not (args.output.is_dir() or args.output.is_symlink()):
        raise UsageError(f"{args.output}: a file where the live link belongs (--output); "
                         "move it away")
    releases = Releases(args.releases, args.output)
    for leftover in releases.recover():
        logger.warning("removed %s left by an interrupted run", leftover)
    for leftover in remove_temp_files(args.status.parent, args.status.stem):
        logger.warning("removed %s left by an interrupted run", leftover)
    run.live = run.live_before = releases.live()
    if args.output.exists() and not args.output.is_symlink():
        logger.warning("%s is a folder, not a release link: it will be moved aside", args.output)

    run.step("settings")
    settings, resolved = read_settings(args)
    # The builder, forked now, before the job loads manifests and memos (builder.Zygote).
    zygote = builder.Zygote.start()
    progress.stage("[1/4] scrape")
    run.step("scrape")
    if not args.no_scrape:
        scrape_stage(args, run, resolved)
    result_code = exits.SOURCES_FAILED if run.sources_failed else exits.OK

    progress.stage("[2/4] changes")
    run.step("changes")
    inputs, meta = builder.build_inputs(args.content, args.settings, settings)
    live_meta = (releases.meta(run.live) if run.live else None) or {}
    now = resolved.now or now_kst()
    due_at = live_meta.get("next_scheduled")
    due = bool(due_at) and datetime.fromisoformat(due_at) <= now
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
    if not changes and not args.force and not due:
        # Same content, settings and code: the check would say what it said last time.
        run.result = "no changes"
        run.held_back, run.scheduled = live_meta.get("held_back", []), live_meta.get(
            "scheduled", [])
        logger.info("no changes: live release %s stays", run.live)
        return exits.HELD_BACK if run.held_back else result_code
    if due:
        logger.info("a scheduled article came due at %s: rebuilding", due_at)

    # The content cache only remembers what each content file was made into; anything else
    # that changed (settings, plugins, theme, Pelican itself) could change that, so start over.
    content_root = args.content.as_posix().rstrip("/") + "/"
    reset_cache = previous is None or bool(changes.meta) or any(
        not p.startswith(content_root) for p in changes.added + changes.changed + changes.removed
    )
    # There will be a build: the builder imports the plugins and reads the content cache
    # while the content is checked (newsroom/core/preload.py). Not before the job knows:
    # a run with nothing new (most runs) would read the whole cache for nothing (0.4 s and
    # 60 MB at 10,000 articles, five times that at 50,000), to save an arrival about 0.1 s.
    if zygote is not None:
        zygote.warm(settings, args.state, cache=not reset_cache)

    # One bad file never stops the site: check everything, hold the bad files back, and
    # build from a staged view of content/ (newsroom.holdback).
    progress.stage("[2/4] check")
    run.step("check")
    t0 = time.monotonic()
    held = check_stage(args, run, settings, resolved, now, beside)
    logger.info("checked and staged content/ in %.2f s (%d held back)", time.monotonic() - t0,
                len(held))
    if held:
        result_code = exits.HELD_BACK
    record_moves(args, settings, changes, held, run.merges)

    if reset_cache:
        builder.drop_reader_cache(args.state, "settings, code or theme changed")

    release_id = releases.new_id()
    build_dir = releases.start_build(release_id)
    # The release pruning would delete after this run becomes the new one (newsroom/recycle.py).
    recycled = (recycle.take(releases, args.keep, run.live, release_id)
                if recycle.enabled() else None)
    log_path = args.releases / f".build-{release_id}.log"
    progress.stage(f"[3/4] build {release_id}")
    run.step("build")
    logger.info("building release %s (%s)", release_id,
                changes.summary(limit=3) if changes else "scheduled article due" if due
                else "forced")
    staged = stage_dir(args)

    # Pages whose inputs did not change are hard-linked from the live release (incremental.py).
    render = builder.render_env(args.state, release_id, run.live,
                                releases.path(run.live) if run.live else None)
    render["NEWSROOM_CONTENT_CHECKED"] = "1"  # check_stage did; the build need not again
    kept_file = builder.render_dir(args.state).resolve() / f"{release_id}.kept"
    if recycled is not None and "NEWSROOM_RENDER_FROM" in render:
        render[kept.SETTING] = str(kept_file)
    elif recycled is not None:
        recycle.discard(recycled)
        recycled = None

    def build() -> tuple[int, float]:
        return builder.run_pelican(staged, args.settings, build_dir, log_path,
                                   state_dir=args.state, timeout=args.build_timeout,
                                   extra_env=render, zygote=zygote)

    # While the build runs in its own process, this one only waits: it reads meanwhile
    # what the steps after the build need and what does not change until then.
    from newsroom import validate

    walks = (beside.submit(recycle.walk, releases.path(run.live), recycled)
             if recycled is not None else None)
    prepared = beside.submit(validate.prepare, staged, settings, resolved, state=args.state)
    code, seconds = build()
    if (code != 0 and builder.reader_cache(args.state).exists()
            and not builder.verify_failed(log_path)):
        # A run killed while Pelican saved its cache leaves a truncated pickle that Pelican
        # cannot load; the cache is only a speed-up, so build once more without it.
        builder.drop_reader_cache(args.state, f"the build failed (exit {code}); retrying without it")
        shutil.rmtree(build_dir, ignore_errors=True)
        build_dir = releases.start_build(release_id)
        code, more = build()
        seconds += more
    run.built, run.build_seconds, run.release = True, round(seconds, 3), release_id
    log_text = log_path.read_text(encoding="utf-8", errors="replace")
    logged_errors = builder.logged_errors(log_text)
    if code == 0 and logged_errors:
        # Pelican logs and skips what it cannot do (a plugin, a file) and still exits 0.
        logger.error("the build logged %d error(s); refusing it", len(logged_errors))
        code = exits.FAILED
    if code != 0:
        run.result = "build failed"
        run.problems = [_unstaged(p, args)
                        for p in builder.build_problems(log_text) or logged_errors[:10]]
        disk_full = NO_SPACE_MESSAGE in log_text
        if disk_full:
            run.problems.insert(0, f"out of disk space while building into {args.releases}: "
                                   "free space (old releases: newsroom update --keep)")
        recycle.discard(recycled)
        kept_file.unlink(missing_ok=True)
        failed = releases.fail(build_dir, release_id, log_text, keep_build=not disk_full)
        log_path.unlink(missing_ok=True)
        for problem in run.problems:
            logger.error("%s", problem)
        reason = "; ".join(run.problems[:3]) or builder.tail(log_text, 5)
        run.errors.append(f"build failed (exit {code}): {reason}")
        logger.error("build failed (Pelican exit %s) after %.1f s; live release %s unchanged; "
                     "log: %s.log%s", code, seconds, run.live or "none", failed,
                     "" if run.problems else "\n" + builder.tail(log_text))
        return exits.FAILED
    logger.info("built in %.1f s", seconds)
    trees = None
    if recycled is not None and not kept_file.exists():
        # Settings that do not pass NEWSROOM_RENDER_KEPT on (an older pelicanconf.py): the
        # build linked its unchanged pages itself, into the new folder.
        logger.info("the build did not name its kept files: a new release folder")
        recycle.discard(recycled)
        recycled = None
    if recycled is not None:
        t0 = time.monotonic()
        try:
            build_dir, recycled_report = recycle.finish(build_dir, recycled, kept_file,
                                                        releases.path(run.live),
                                                        _result(walks))
        except (OSError, recycle.Unfinished) as e:
            run.result = "build failed"
            run.errors.append(f"recycling release folder failed: {e}")
            logger.error("recycling %s into release %s failed: %s; live release %s unchanged",
                         recycled, release_id, e, run.live)
            recycle.discard(recycled)
            releases.fail(build_dir, release_id, log_text)
            log_path.unlink(missing_ok=True)
            return exits.FAILED
        trees = recycled_report.trees
        logger.info("release folder: %s, %.2f s", recycled_report.summary(),
                    time.monotonic() - t0)

    # Fingerprinted assets, .gz files, and the assets older pages still use (newsroom.assets).
    from newsroom import assets

    run.step("assets")
    t0 = time.monotonic()
    live_dir = releases.path(run.live) if run.live else None
    asset_report = assets.prepare_release(build_dir, settings, resolved.origin or "",
                                          args.releases, live_dir, trees=trees,
                                          release_id=release_id)
    logger.info("assets: %s, %.1f s", asset_report.summary(), time.monotonic() - t0)

    progress.stage("[4/4] validate")
    run.step("validate")
    t0 = time.monotonic()
    (args.state / "validate-links.json").unlink(missing_ok=True)  # earlier versions' memo
    report = validate.validate_release(build_dir, staged, settings, resolved, state=args.state,
                                       prepared=_result(prepared), later=beside,
                                       live_tree=asset_report.live_tree,
                                       release_id=release_id)
    run.validation = {"pages": report.pages, "links": report.links, "feeds": report.feeds,
                      "articles": report.articles, "problems": len(report.problems),
                      "seconds": round(time.monotonic() - t0, 3)}
    logger.info("validated: %d pages, %d internal links, %d feeds, %d articles, %.1f s",
                report.pages, report.links, report.feeds, report.articles,
                run.validation["seconds"])
    if report.problems:
        run.result = "validation failed"
        run.problems = [f"releases/failed-{release_id}/{_unstaged(p, args)}"
                        for p in report.problems[:50]]
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
        return exits.INVALID

    progress.stage("[4/4] go live")
    run.step("go live")
    meta_json = {"id": release_id, "built_seconds": run.build_seconds,
                 "articles": report.articles, "pages": report.pages,
                 "changes": run.changes, "manifest": current.to_json(),
                 "held_back": run.held_back, "scheduled": run.scheduled,
                 "next_scheduled": run.scheduled[0]["date"] if run.scheduled else None}
    releases.commit(build_dir, release_id, meta_json, log_path)
    releases.switch(release_id)
    holdback.remember(last_good_dir(args), staged, content_digests(args.content, current), held)
    run.live = release_id
    run.result = "published"
    pruned = releases.prune(args.keep)
    builder.prune_render_state(args.state, set(releases.ids()))
    logger.info("live: %s -> %s (was %s)%s", args.output, release_id, run.live_before or "none",
                f"; removed old releases {', '.join(pruned)}" if pruned else "")
    if run.sources_failed:
        logger.warning("published release %s, but %d source(s) failed: %s", release_id,
                       len(run.sources_failed), ", ".join(f["id"] for f in run.sources_failed))
    if held:
        logger.warning("published release %s, but %d file(s) were held back: %s", release_id,
                       len(held), ", ".join(sorted(held)))
    return result_code


def stage_dir(args: argparse.Namespace) -> Path:
    """The staged view of content/ that the build reads (newsroom.holdback)."""
    return args.state / "stage" / "content"


def record_moves(args: argparse.Namespace, settings: dict, changes: manifest.Changes,
                 held: dict, merges=()) -> None:
    """Published articles whose URL changed keep their old URL: record it in redirects.toml,
    which the build turns into redirect pages (newsroom.core.redirects)."""
    from newsroom.core import redirects

    prefix = manifest.key(Path.cwd(), args.content) + "/"
    touched = {p[len(prefix):] for p in changes.changed + changes.removed if p.startswith(prefix)}
    published = holdback.published_digests(last_good_dir(args))
    only = touched & set(published)
    if not only:
        return
    article_as = settings.get("ARTICLE_SAVE_AS") or "{slug}.html"
    moved = [m for m in redirects.moves(args.content, last_good_dir(args), published,
                                        article_as, only) if m.source not in held]
    # An article an editor merged into another (Merge_Into) leads to that one.
    moved += redirects.merged_away(args.content, last_good_dir(args), published, article_as,
                                   merges)
    if not moved:
        return
    path = redirects.path_of(args.settings, settings)
    try:
        items = redirects.read(path)
    except redirects.RedirectError as e:
        logger.error("%s; the old URLs of moved articles are not kept this time", e)
        return
    known = {r.old for r in items}
    stamp = now_kst().isoformat(timespec="seconds")
    for m in moved:
        logger.info("redirect: %s -> %s (content/%s changed its URL)", m.old_url, m.new_url,
                    m.source)
        if m.old_url not in known:
            items.append(redirects.Redirect(m.old_url, m.source, stamp))
            known.add(m.old_url)
    # An article moved back to an old URL lives there again: no redirect over its page.
    now_at = {m.new_url for m in moved}
    items = [r for r in items if r.old not in now_at]
    redirects.write(path, items)


def last_good_dir(args: argparse.Namespace) -> Path:
    """The last published copy of every Markdown file (newsroom.holdback)."""
    return args.state / "last-good"


def _unstaged(problem: str, args: argparse.Namespace) -> str:
    """A problem as the editor should read it: paths in content/, not in the stage."""
    problem = str(problem)
    return problem.replace(str(stage_dir(args).resolve()), str(args.content)).replace(
        str(stage_dir(args)), str(args.content))


def content_digests(content: Path, current: manifest.Manifest) -> dict[str, str]:
    """sha256 of each Markdown file by path relative to content/, from the build's manifest."""
    prefix = manifest.key(Path.cwd(), content) + "/"
    return {path[len(prefix):]: entry.sha256 for path, entry in current.files.items()
            if path.startswith(prefix) and path.endswith(MARKDOWN_EXTENSIONS)}


def check_stage(args: argparse.Namespace, run: Run, settings: dict, resolved: Resolved,
                now: datetime, beside: ThreadPoolExecutor | None = None,
                ) -> dict[str, holdback.Held]:
    """Check every content file (once), stage content/ without the bad ones, and list what
    is scheduled after `now`. Returns the held-back files by path relative to content/.
    `beside`: where the check memo is saved while the build goes on."""
    from newsroom.core.check import CheckMemo, scan_content

    last_good = last_good_dir(args)
    memo = CheckMemo(args.state / "check-memo.pickle")
    scan = scan_content(args.content, resolved.section_names,
                        page_paths=settings.get("PAGE_PATHS") or ["pages"],
                        published=holdback.published(last_good), now=now, memo=memo)
    held = holdback.held_files(scan.problems, args.content, last_good)
    for h in held.values():
        for line in h.problems:
            logger.error("%s", line)
        # Editors read this in `make publish`'s output, so it is Korean (as check's lines).
        logger.error("%s: 문제가 있어 게시를 보류합니다(%s). 위의 문제를 고치고 다시 게시하세요.",
                     h.rel, "전에 게시된 판이 그대로 보입니다" if h.kept
                     else "아직 게시된 적이 없어 고칠 때까지 나가지 않습니다")
    run.held_back = [h.to_json() for h in held.values()]
    run.scheduled = [{"file": rel, "date": iso_kst(when)} for rel, when in scan.scheduled]
    restamp = holdback.stage(args.content, stage_dir(args), held, last_good)

    def save() -> None:
        try:
            if restamp:
                memo.restamp()  # the stage's new links moved the files' change times
            memo.save()
        except OSError as e:  # a memo: losing it costs the next run time only
            logger.warning("%s: cannot save the check memo: %s", memo.path, e)

    if beside is not None:
        beside.submit(save)
    else:
        save()
    return held


def _write_status(args: argparse.Namespace, run_: Run, code: int) -> None:
    try:
        from newsroom import status

        data = run_.to_json(datetime.now().astimezone(), code)
        status.write(data, args.status, args.status.with_suffix(".html"), args.state)
    except Exception as e:  # a status write must never hide the run's own result
        logger.error("%s: cannot write the status: %s", args.status, e)


def run_locked(args: argparse.Namespace, progress: Progress) -> tuple[int, Run]:
    """One run under the job lock; every outcome becomes an exit code and a status."""
    run_ = Run(started=datetime.now().astimezone())
    code = exits.INTERNAL
    try:
        code = update(args, run_, progress)
    except CommandError as e:
        logger.error("%s", e)
        run_.errors.append(str(e))
        code = e.exit_code
    except OSError as e:
        if not is_disk_full(e):
            logger.exception("update failed: %s", e)
            run_.errors.append(f"{e.__class__.__name__}: {e}")
            code = exits.INTERNAL
        else:  # not a bug: say so in one line, and fail like a failed build
            logger.error("out of disk space: %s", e)
            run_.errors.append(f"out of disk space: {e}")
            code = exits.FAILED
    except ReleaseError as e:
        logger.exception("update failed: %s", e)
        run_.errors.append(f"{e.__class__.__name__}: {e}")
        code = exits.INTERNAL
    except Exception as e:
        logger.exception("update failed with an internal error: %s", e)
        run_.errors.append(f"internal error: {e.__class__.__name__}: {e}")
        code = exits.INTERNAL
    finally:
        builder.cancel_zygotes()
        run_.step(None)
        progress.done()
        _write_status(args, run_, code)
    return code, run_


def run(args: argparse.Namespace) -> int:
    # Fewer cyclic-GC passes over the job's long-lived manifests and memos (tens of thousands
    # of entries at 10,000 articles); the Pelican child does the same (newsroom_site/speedups.py).
    gc.set_threshold(100_000, 50, 1000)
    progress = setup_logging(args)
    if args.keep < 1:
        logger.error("--keep must be at least 1 (got %s)", args.keep)
        return exits.USAGE
    try:
        with job_lock(args.state):
            code, run_ = run_locked(args, progress)
    except Locked as e:  # no status written: the running job owns the status files
        logger.error("%s", e)
        return e.exit_code
    except OSError as e:
        logger.error("%s: cannot take the job lock: %s", args.state, e)
        return exits.USAGE
    if code == exits.OK and run_.result == "published":
        logger.info("done: release %s is live (%d new articles, build %.1f s)", run_.live,
                    run_.new_articles, run_.build_seconds or 0)
    if sys.stdout.isatty() and not getattr(args, "quiet", False):
        print(summary_line(code, run_))  # one line in a terminal; cron's mail stays empty
    return code


def summary_line(code: int, run_: Run) -> str:
    """What the run did, in one Korean line for the person who ran it."""
    seconds = (datetime.now(run_.started.tzinfo) - run_.started).total_seconds()
    extra = []
    if run_.held_back:
        extra.append(f"보류 {len(run_.held_back)}건 (newsroom check로 확인)")
    if run_.scheduled:
        extra.append(f"예약 {len(run_.scheduled)}건")
    if run_.sources_failed:
        extra.append(f"실패한 출처 {len(run_.sources_failed)}곳")
    tail = f" — {', '.join(extra)}" if extra else ""
    if run_.result == "published":
        return (f"게시 완료: 발행본 {run_.live}, 새 기사 {run_.new_articles}건, "
                f"{seconds:.1f}초{tail}")
    if run_.result == "no changes":
        return f"바뀐 것 없음: 발행본 {run_.live or '없음'} 그대로{tail}"
    return f"게시 실패 (종료 코드 {code}): 공개 중인 발행본 {run_.live or '없음'} 그대로{tail}"
