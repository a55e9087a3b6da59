"""`newsroom scrape`: pull new articles from the sources in sources.toml into content/.

    newsroom scrape [--sources FILE] [--content DIR] [--state DIR] [--settings FILE]
                    [--limit N] [--dry-run] [--report FILE] [--only ID ...]

Prints one line per source (found, new, updated, skipped, deferred, failed, and the error if
any) and writes the JSON report (default `<state>/scrape-report.json`; see docs/scraper.md).
The site's sections (the categories a source may name) come from the project's settings file
(`--settings`, default pelicanconf.py), as for `newsroom update`.

Exit codes (newsroom.core.exits, the same table as every command):
    0   every source was read (individual articles may still have failed: see the report)
    1   the disk (or quota) is full: the scrape stopped at the first write that failed
    2   invalid configuration (sources.toml, settings, arguments): nothing fetched or written
    3   at least one source could not be read (its feed or list page failed), after all the
        other sources were processed
    75  another scrape or update holds the lock: the next run does the work
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsroom.common import CommandError, add_project_arguments, job_lock
from newsroom.core import exits


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sources", default="sources.toml", type=Path,
                        help="sources file (default: sources.toml)")
    add_project_arguments(parser)
    parser.add_argument("--limit", type=int, default=None, metavar="N",
                        help="fetch at most N articles per source; the rest wait for the next run")
    parser.add_argument("--dry-run", action="store_true",
                        help="fetch and extract, but write no articles, images or state")
    parser.add_argument("--report", type=Path, default=None, metavar="FILE",
                        help="JSON report path (default: <state>/scrape-report.json)")
    parser.add_argument("--only", nargs="+", metavar="ID", default=None,
                        help="run only these source ids")


def format_table(report) -> str:
    """The per-source summary printed after a run."""
    head = ("source", "found", "new", "updated", "merged", "skipped", "deferred", "failed")
    rows = [head] + [
        (s.id, str(s.found), str(s.new), str(s.updated), str(getattr(s, "merged", 0)),
         str(s.skipped), str(s.deferred), str(s.failed))
        for s in report.sources
    ]
    t = report.totals()
    rows.append(("total", *(str(t[k]) for k in head[1:])))
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells))
    for s in report.sources:
        if s.error:
            lines.append(f"FAILED {s.id}: {s.error}")
    lines += [f"WARNING {w}" for w in report.health_warnings]
    for m in getattr(report, "merges", []):
        score = f"similarity {m['similarity']:.2f}" if m.get("similarity") is not None else (
            "forced by Merge_Into" if m.get("forced") else "known copy")
        lines.append(f"MERGED {m.get('copy')} -> {m.get('into', '?')} ({score}): "
                     f"{m.get('action')}" + (f"; {m['reason']}" if m.get("reason") else ""))
    return "\n".join(lines)


def _fail(message: str, code: int) -> int:
    print(f"newsroom scrape: {message}", file=sys.stderr)
    return code


def section_names(settings_file: Path) -> list[str]:
    """The sections of the project's settings, in menu order (newsroom.core.settings).

    Raises:
        SettingsError (a ValueError) or OSError/SyntaxError from a broken settings file.
    """
    from newsroom.core.settings import find_root, read_settings, resolve

    return resolve(read_settings(find_root(), settings_file)).section_names


def run(args: argparse.Namespace) -> int:
    from newsroom.core.files import atomic_write, is_disk_full
    from press_scraper.errors import ConfigError, ScrapeBusy
    from press_scraper.pipeline import scrape
    from press_scraper.sources import load

    if args.limit is not None and args.limit < 0:
        return _fail("--limit must be 0 or more", exits.USAGE)
    try:
        sections = section_names(args.settings)
    except (ValueError, OSError, SyntaxError, ImportError) as exc:
        return _fail(f"{args.settings}: {exc}", exits.USAGE)
    try:
        load(args.sources, sections=sections)  # before the lock: a bad file creates nothing
    except ConfigError as exc:
        return _fail(str(exc), exits.USAGE)
    try:
        lock = job_lock(args.state)
    except CommandError as exc:
        return _fail(str(exc), exc.exit_code)
    try:
        report = scrape(args.sources, args.content, state_dir=args.state, limit=args.limit,
                        dry_run=args.dry_run, only=args.only, sections=sections)
    except ConfigError as exc:
        return _fail(str(exc), exits.USAGE)
    except ScrapeBusy as exc:
        return _fail(str(exc), exits.LOCKED)
    except OSError as exc:
        if not is_disk_full(exc):
            raise
        return _fail(f"{args.content}: out of disk space, the scrape stopped: {exc}",
                     exits.FAILED)
    finally:
        lock.release()
    if args.only:
        unknown = set(args.only) - {s.id for s in report.sources}
        if unknown:
            return _fail(f"{args.sources}: no source with id {', '.join(sorted(unknown))}",
                         exits.USAGE)
    print(format_table(report))
    report_path = args.report or (args.state / "scrape-report.json")
    try:
        atomic_write(Path(report_path), (report.to_json() + "\n").encode("utf-8"))
    except OSError as exc:
        return _fail(f"cannot write report {report_path}: {exc}", exits.FAILED)
    if args.dry_run:
        print(f"dry run: {len(report.written)} files would be written; nothing was written")
    return exits.SOURCES_FAILED if report.failed_sources else exits.OK
