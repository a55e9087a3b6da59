"""The per-build `fragment` cache templates use for markup repeated on many pages."""

from __future__ import annotations

from markupsafe import Markup


class FragmentCache:
    """Template fragments that come out the same on many pages, rendered once per build.

    The three section boxes under every article, and each article card, are identical on all
    pages at one folder depth (same SITEURL prefix); rendering them once instead of for each
    of 10,000 articles cut the build's CPU time by a fifth (docs/benchmarks.md). One cache
    per generator, and generators are created anew for every build, so a fragment never
    outlives the content it shows.
    """

    def __init__(self) -> None:
        self._store: dict[str, Markup] = {}

    def __call__(self, key: str, render, *args):
        if key not in self._store:
            self._store[key] = Markup(render(*args))
        return self._store[key]
