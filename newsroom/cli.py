"""`newsroom`: the command line of the news site.

A thin layer: each command is a module with `add_arguments(parser)` and `run(args) -> int`.
Modules are imported to build the parser, so their top-level imports stay light.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

# command -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "new": ("newsroom.new", "write a new article file for an editor and print its path"),
    "check": ("newsroom.check_cmd", "validate every content file; path:line: message per problem"),
    "build": ("newsroom.build", "build the site with Pelican (publishconf.py by default)"),
    "serve": ("newsroom.serve", "serve a built site on http://127.0.0.1:8000"),
    "nginx": ("newsroom.nginx", "serve the live site with nginx, or print its server block"),
    "scrape": ("newsroom.scrape", "pull new articles from the sources in sources.toml"),
    "probe": ("newsroom.probe", "show what a source with this feed or list-page URL would yield"),
    "update": ("newsroom.update", "scrape, rebuild when something changed, validate, go live"),
    "rollback": ("newsroom.release", "switch the live site back to the previous release"),
    "publish": ("newsroom.deploy", "copy the live release to a deploy target"),
    "takedown": ("newsroom.takedown", "take an article off the site now and keep it off (--lift)"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsroom", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(_module=module_name)
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as e:
            if e.name and module_name.startswith(e.name):
                p.set_defaults(_missing=True)
                continue
            raise
        module.add_arguments(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "_missing", False):
        parser.error(f"command {args.command!r} is not available in this installation")
    if not logging.getLogger().handlers:
        level = logging.WARNING - 10 * min(args.verbose, 2)
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    module = importlib.import_module(args._module)
    return int(module.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
