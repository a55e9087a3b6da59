"""`newsroom check`: validate every content file.

Prints `path:line: message` per problem and exits 1 when there is any, 0 otherwise.
The same checks stop the published build (NEWSROOM_STRICT in publishconf.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

from newsroom.core.check import check_content
from newsroom.core.settings import find_root, read_settings, sections


def add_arguments(parser) -> None:
    parser.add_argument(
        "paths", nargs="*", help="content folder (default: the project's content/)"
    )
    parser.add_argument("--settings", default="pelicanconf.py", help="Pelican settings file")


def run(args) -> int:
    root = find_root()
    settings = read_settings(root, args.settings)
    names = [name for name, _slug in sections(settings)]
    content = Path(args.paths[0]) if args.paths else Path(settings.get("PATH") or root / "content")
    if not content.is_dir():
        print(f"{content}: no such content folder", file=sys.stderr)
        return 2
    problems = check_content(
        content,
        names,
        page_paths=settings.get("PAGE_PATHS", ["pages"]),
        base=Path.cwd() if content.resolve().is_relative_to(Path.cwd()) else None,
    )
    for p in problems:
        print(p)
    if problems:
        files = len({p.path for p in problems})
        print(f"{len(problems)} problem(s) in {files} file(s)", file=sys.stderr)
        return 1
    return 0
