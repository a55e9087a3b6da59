"""`newsroom probe URL`: what a source with this URL would yield, before it goes into sources.toml.

    newsroom probe URL [--selectors KEY=CSS ...] [--view-url TEMPLATE] [--kind rss|html]
                       [--sources FILE] [--json]

It fetches the URL once, politely (robots.txt, the delay and User-Agent of the `[scraper]`
table in `--sources` when that file exists), says what it is (a feed; a list page; a page that
advertises a feed, whose feed is read instead), lists the first page's rows, reads one article
in full, and prints a ready `[[sources]]` block with the selectors it had to pin (none when the
generic pass is enough), then what it could not decide and how to fix it. It writes nothing:
no content, no state. `--selectors` and `--view-url` try a fix; `--json` is for tools.

Exit codes (newsroom.core.exits):
    0   articles found on the first page
    1   no article found, or the URL could not be read (the message says why)
    2   bad arguments (an unknown selector key, an invalid CSS selector or URL) or an
        unreadable --sources file
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

from newsroom.core import exits


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("url", help="a feed or a board's list page (http or https)")
    parser.add_argument("--selectors", nargs="+", action="extend", default=[],
                        metavar="KEY=CSS",
                        help="[sources.selectors] to try, e.g. list_item='table.bbs tbody tr'")
    parser.add_argument("--view-url", default=None, metavar="TEMPLATE",
                        help="[sources.html] view_url for rows that open articles by script "
                             "({1} is the script's first argument)")
    parser.add_argument("--kind", choices=("rss", "html"), default=None,
                        help="skip detection (html: read a page that advertises a feed as a "
                             "list page)")
    parser.add_argument("--sources", type=Path, default=Path("sources.toml"),
                        help="read its [scraper] politeness settings if it exists "
                             "(default: sources.toml)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def _fail(message: str, code: int) -> int:
    print(f"newsroom probe: {message}", file=sys.stderr)
    return code


def _selectors(pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--selectors {pair!r}: expected KEY=CSS, e.g. "
                             f"list_item='table.board tbody tr'")
        out[key.strip()] = value.strip()
    return out


def _settings(path: Path):
    """The `[scraper]` settings of the sources file, or the defaults when it does not exist."""
    from press_scraper.sources import ScraperSettings, settings_from_mapping

    if not path.exists():
        return ScraperSettings(), []
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    settings = settings_from_mapping(data.get("scraper", {}), where=f"{path}: [scraper]")
    known = [(s.get("id"), s.get("url")) for s in data.get("sources", [])
             if isinstance(s, dict)]
    return settings, known


def format_text(result) -> str:
    """The probe as the operator reads it."""
    from press_scraper.probe import clean

    r = clean({"url": result.url, "detected": result.detected, "rows": result.rows,
               "next": result.next_page, "article": result.article, "notes": result.notes,
               "toml": result.toml(), "error": result.error})
    lines = [f"URL:   {r['url']}", f"Kind:  {r['detected'] or '-'}"]
    if r["error"]:
        lines.append(f"Error: {r['error']}")
    lines.append("")
    lines.append(f"Rows on the first page: {len(r['rows'])}")
    for n, row in enumerate(r["rows"], 1):
        lines.append(f"  {n:2}. {row['date'] or '(no date)':16}  {row['title'] or '(no title)'}")
        lines.append(f"      {row['link']}")
    if r["next"]:
        lines.append(f"Next page: {r['next']}")
    a = r["article"]
    if a:
        lines += ["", f"First article, read in full ({a['read_from']}):",
                  f"  title:       {a['title'] or '-'}",
                  f"  date:        {a['date'] or '-'}",
                  f"  author:      {a['author'] or '-'}",
                  f"  department:  {a['department'] or '-'}",
                  f"  body:        {a['body'] or '-'}"
                  + (" …" if a["body_chars"] > len(a["body"]) else ""),
                  f"  images:      {len(a['images'])}"]
        lines += [f"    {url}" for url in a["images"]]
        lines.append(f"  attachments: {len(a['attachments'])}")
        lines += [f"    {att['name']} <{att['url']}>" for att in a["attachments"]]
        lines.append(f"  licence:     {a['license'] or '-'}")
    if r["toml"]:
        lines += ["", "For sources.toml:", "", r["toml"].rstrip()]
    if r["notes"]:
        lines += ["", "Could not decide (and how to fix it):"]
        lines += [f"  - {note}" for note in r["notes"]]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from press_scraper.errors import ConfigError
    from press_scraper.probe import check_overrides, probe

    try:
        selectors = _selectors(args.selectors)
        check_overrides(args.url, selectors, args.view_url, args.kind)
    except (ValueError, ConfigError) as exc:
        return _fail(str(exc), exits.USAGE)
    try:
        settings, known = _settings(args.sources)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ConfigError) as exc:
        return _fail(f"{args.sources}: {exc}", exits.USAGE)
    result = probe(args.url, settings=settings, selectors=selectors, view_url=args.view_url,
                   kind=args.kind)
    for sid, url in known:
        if url in (args.url, result.feed_url):
            result.notes.append(f"{args.sources} already has this URL as source {sid!r}")
    print(result.to_json() if args.json else format_text(result))
    if result.found:
        return exits.OK
    why = result.error or next((n for n in result.notes if n.startswith("no article")),
                               "no article found on the first page")
    if not args.json:
        print(f"newsroom probe: {why}", file=sys.stderr)
    return exits.FAILED
