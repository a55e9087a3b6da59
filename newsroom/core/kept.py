"""The files a build takes unchanged from the live release, noted instead of linked.

The update job builds a release into a fresh folder and, with an old release to recycle
(newsroom/recycle.py), asks the build not to hard-link the pages and search files that did
not change but to name them: `NEWSROOM_RENDER_KEPT` is the file their names go to, one path
per line, relative to the output folder. The job then moves the fresh files into the
recycled release and links only the kept files that release does not already share with
the live one. Without the setting (a plain `pelican` run, a first publish), the build links
them as before.

The writer's render processes note names in their own copy of this module's list and hand
them back to the build process (plugins/newsroom_site/paging.py); the build process saves
the list once, when the build is finished.
"""

from __future__ import annotations

import os

from newsroom.core.files import atomic_write

SETTING = "NEWSROOM_RENDER_KEPT"

NAMES: list[str] = []


def recording(settings) -> bool:
    """Whether this build notes kept files instead of linking them."""
    return bool(settings.get(SETTING))


def add(rel: str) -> None:
    NAMES.append(rel)


def since(count: int) -> list[str]:
    """The names noted after the first `count` (what a render process adds to its copy)."""
    return NAMES[count:]


def save(settings) -> None:
    """Write the names (sorted, once each) to the file the setting names, and forget them."""
    path = settings.get(SETTING)
    if not path:
        return
    text = "".join(f"{name}\n" for name in sorted(set(NAMES)))
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    atomic_write(path, text.encode("utf-8"), sync=False)
    NAMES.clear()


def read(path) -> list[str]:
    """The names a build saved (the job's side)."""
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip()]
