"""The site plugin's replacements of Pelican functions (plugins/newsroom_site/speedups.py) give
what Pelican's own give: compared on the same inputs, not on our build only."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest
from pelican.utils import get_relative_path

from newsroom_site import speedups

NAMES = ["a.md", ".#a.md", "a.md~", "#a.md#", "notes.txt", "b.markdown", "x.MD", "[x].md",
         "deep/dir/c.md", "deep/.#c.md", "a.md.swp", ".hidden.md", "ㄱ기사.md", "a b.md"]
PATTERNS = [[], [".#*"], [".#*", "*~", "#*#", "*.swp"], ["[x]*", "?.md"], ["*.[mM][dD]"]]


@pytest.mark.parametrize("ignores", PATTERNS)
@pytest.mark.parametrize("extensions", [None, ("md", "markdown"), False])
def test_include_path_matches_pelicans(ignores, extensions):
    gen = SimpleNamespace(settings={"IGNORE_FILES": ignores},
                          readers=SimpleNamespace(extensions={"md": 1, "markdown": 1}))
    for name in NAMES:
        ours = speedups._include_path(gen, name, extensions)
        theirs = speedups._pelican_include_path(gen, name, extensions)
        assert ours == theirs, (name, ignores, extensions)


def test_relative_path_matches_pelicans():
    for name in ["index.html", "news/a.html", "tag/x/index.html", "tag/x/7/index.html",
                 "a/b/c/d/e.html", os.path.join("section", "politics", "index.html")]:
        assert speedups.relative_path(name) == get_relative_path(name)
