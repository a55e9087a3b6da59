"""`newsroom build`: build the site with Pelican (publishconf.py, strict, by default)."""

from __future__ import annotations

import os
import subprocess
import sys

from newsroom.core import exits
from newsroom.core.settings import find_root


def add_arguments(parser) -> None:
    parser.add_argument("-o", "--output", default="preview",
                        help="output folder (default preview/; the live output/ link is the "
                             "update job's)")
    parser.add_argument(
        "--preview", action="store_true", help="use pelicanconf.py (not strict) instead"
    )


def run(args) -> int:
    root = find_root()
    out = root / args.output if not os.path.isabs(args.output) else args.output
    if os.path.islink(out):
        # Pelican empties its output folder first: through `output -> releases/<id>` that
        # would empty the live release. Releases are made by `newsroom update` only.
        print(f"{args.output}: is the live release link; build elsewhere, or publish with "
              "`newsroom update --no-scrape --force` (make publish)", file=sys.stderr)
        return exits.USAGE
    conf = "pelicanconf.py" if args.preview else "publishconf.py"
    cmd = [sys.executable, "-m", "pelican", "content", "-o", str(out), "-s", conf]
    return subprocess.call(cmd, cwd=root)
