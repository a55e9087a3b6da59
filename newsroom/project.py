"""Finding the project and reading its Pelican settings, for the command line."""

from __future__ import annotations

import os
from pathlib import Path


def find_root(start: Path | None = None) -> Path:
    """The project folder: the nearest parent holding pelicanconf.py (else the cwd)."""
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / "pelicanconf.py").is_file():
            return d
    return here


def read_settings(root: Path, settings_file: str = "pelicanconf.py") -> dict:
    """The upper-case settings the project's settings file defines (no theme needed).

    PATH is made absolute relative to the settings file, as Pelican does.
    """
    from pelican.settings import DEFAULT_CONFIG, get_settings_from_file

    path = root / settings_file
    if not path.is_file():
        return {}
    cwd = os.getcwd()
    try:
        os.chdir(root)
        settings = dict(DEFAULT_CONFIG)
        settings.update(get_settings_from_file(str(path)))
    finally:
        os.chdir(cwd)
    settings["PATH"] = str((path.parent / (settings.get("PATH") or "content")).resolve())
    return settings


def sections(settings: dict) -> list[tuple[str, str]]:
    """Configured (name, slug) sections, validated."""
    from newsroom_site.settings import validate

    return validate(settings)["NEWSROOM_SECTIONS"]
