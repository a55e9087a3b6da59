"""Write the demo's sources file for the ports `make demo` was given.

    python demo/sources_for.py --source-port 8765 --site http://127.0.0.1:8000 OUT

sources.toml names the sample source site at 127.0.0.1:8765 and the site at
127.0.0.1:8000 (the contact page sent in the scraper's User-Agent). `make demo
DEMO_SOURCE_PORT=… PORT=…` runs the sample site and serves ours elsewhere, so the job reads a
copy with those addresses replaced (comments and everything else kept as they are).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE.parent / "sources.toml"
SOURCE_HOST = "127.0.0.1:8765"
SITE = "http://127.0.0.1:8000"


def rewrite(text: str, source_port: int, site: str) -> str:
    """sources.toml's text with the sample site on `source_port` and our site at `site`."""
    return text.replace(SOURCE_HOST, f"127.0.0.1:{source_port}").replace(SITE, site.rstrip("/"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-port", type=int, required=True)
    parser.add_argument("--site", required=True, help="our site's origin, e.g. http://127.0.0.1:8000")
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    if not 0 < args.source_port < 65536:
        parser.error(f"--source-port: {args.source_port} is not a TCP port")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = rewrite(SOURCES.read_text(encoding="utf-8"), args.source_port, args.site)
    tmp = args.out.with_name(args.out.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
