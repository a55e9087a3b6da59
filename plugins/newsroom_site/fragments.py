"""The per-build `fragment` cache templates use for markup repeated on many pages."""

from __future__ import annotations

from markupsafe import Markup

from .incremental import replay


class FragmentCache:
    """Template fragments that come out the same on many pages, rendered once per build.

    The three section boxes under every article, and each article card, are identical on all
    pages at one folder depth (same SITEURL prefix); rendering them once instead of for each
    of 10,000 articles cut the build's CPU time by a fifth (docs/benchmarks.md). One cache
    per generator, and generators are created anew for every build, so a fragment never
    outlives the content it shows.
    """

    def __init__(self) -> None:
        self._store: dict[str, tuple[Markup, set]] = {}

    def __call__(self, key: str, render, *args):
        # The context keys the fragment read are noted on every page that shows it, so the
        # incremental writer knows what those pages depend on (incremental.py).
        hit = self._store.get(key)
        if hit is None:
            with replay.recording() as keys:
                markup = Markup(render(*args))
            hit = self._store[key] = (markup, keys)
        else:
            replay.add(hit[1])
        return hit[0]

    def __fingerprint__(self):
        return type(self).__qualname__  # a per-build memo: what it returns depends on its args
