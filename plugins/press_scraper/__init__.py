"""Pelican plugin: optionally scrape the sources before a build reads content/.

Settings (pelicanconf.py / publishconf.py), defaults in SCRAPER_DEFAULTS:

| setting | default | meaning |
| --- | --- | --- |
| `SCRAPER_ON_BUILD` | `False` | scrape before reading content (opt in, e.g. in publishconf.py) |
| `SCRAPER_SOURCES` | `"sources.toml"` | sources file; relative paths are taken from the project (the folder above `PATH`) |
| `SCRAPER_STATE` | `".state"` | state folder (caches, lock, report), relative like SCRAPER_SOURCES |
| `SCRAPER_LIMIT` | `None` | at most this many articles per source and build |

It never fetches for `pelican --listen`, `--autoreload` (`make devserver`, where every save
would hit the sources) or under pytest, and at most once per process.

The scraper itself is `press_scraper.pipeline.scrape`; `newsroom scrape` is its command line.
The hook's logic is in `hook.py`; this module only wires it to Pelican's signals.
"""

from __future__ import annotations


def register() -> None:
    from pelican import signals

    from .hook import scrape_before_build

    signals.get_generators.connect(scrape_before_build)
