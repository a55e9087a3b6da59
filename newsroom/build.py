"""`newsroom build`: build the site with Pelican (publishconf.py, strict, by default)."""

from __future__ import annotations

import subprocess
import sys

from .project import find_root


def add_arguments(parser) -> None:
    parser.add_argument("-o", "--output", default="output", help="output folder (default output/)")
    parser.add_argument(
        "--preview", action="store_true", help="use pelicanconf.py (not strict) instead"
    )


def run(args) -> int:
    root = find_root()
    conf = "pelicanconf.py" if args.preview else "publishconf.py"
    cmd = [sys.executable, "-m", "pelican", "content", "-o", args.output, "-s", conf]
    return subprocess.call(cmd, cwd=root)
