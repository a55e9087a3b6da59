"""`newsroom scrape`: pull new articles from the sources in sources.toml into content/.

    newsroom scrape [--sources FILE] [--content DIR] [--state DIR] [--limit N] [--dry-run]
                    [--report FILE] [--only ID ...]

Prints one line per source (found, new, updated, skipped, deferred, failed, and the error if
any) and writes the JSON report (default `<state>/scrape-report.json`; see docs/scraper.md).

Exit codes:
    0  every source was read (individual articles may still have failed: see the report)
    1  at least one source could not be read (its feed or list page failed), after all the
       other sources were processed; also when another scrape holds the lock
    2  invalid configuration (sources.toml): nothing was fetched or written
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_SOURCE_FAILED, EXIT_CONFIG = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sources", default="sources.toml", type=Path,
                        help="sources file (default: sources.toml)")
    parser.add_argument("--content", default="content", type=Path,
                        help="content folder to write into (default: content)")
    parser.add_argument("--state", default=".state", type=Path,
                        help="state folder: caches, lock, report (default: .state)")
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
    head = ("source", "found", "new", "updated", "skipped", "deferred", "failed")
    rows = [head] + [
        (s.id, str(s.found), str(s.new), str(s.updated), str(s.skipped), str(s.deferred),
         str(s.failed))
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
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from .api import ScrapeBusy, scrape
    from .sources import SourcesError

    if args.limit is not None and args.limit < 0:
        print("newsroom scrape: --limit must be 0 or more", file=sys.stderr)
        return EXIT_CONFIG
    try:
        report = scrape(args.sources, args.content, state_dir=args.state, limit=args.limit,
                        dry_run=args.dry_run, only=args.only)
    except SourcesError as exc:
        print(f"newsroom scrape: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except ScrapeBusy as exc:
        print(f"newsroom scrape: {exc}", file=sys.stderr)
        return EXIT_SOURCE_FAILED
    if args.only:
        unknown = set(args.only) - {s.id for s in report.sources}
        if unknown:
            print(f"newsroom scrape: {args.sources}: no source with id "
                  f"{', '.join(sorted(unknown))}", file=sys.stderr)
            return EXIT_CONFIG
    print(format_table(report))
    report_path = args.report or (args.state / "scrape-report.json")
    try:
        from newsroom.core.files import atomic_write

        atomic_write(Path(report_path), (report.to_json() + "\n").encode("utf-8"))
    except OSError as exc:
        print(f"newsroom scrape: cannot write report {report_path}: {exc}", file=sys.stderr)
        return EXIT_SOURCE_FAILED
    if args.dry_run:
        print(f"dry run: {len(report.written)} files would be written; nothing was written")
    return EXIT_SOURCE_FAILED if report.failed_sources else EXIT_OK
