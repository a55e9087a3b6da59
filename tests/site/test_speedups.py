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


def test_cache_lookup_matches_pelicans_and_hashes_only_files_it_holds(tmp_path):
    """A file the content cache does not hold is a miss, as in Pelican, without being hashed;
    a held file is hashed and returned only while its bytes are unchanged."""
    from pelican.cache import FileStampDataCacher
    from pelican.settings import DEFAULT_CONFIG

    settings = dict(DEFAULT_CONFIG, CACHE_PATH=str(tmp_path / "cache"),
                    CHECK_MODIFIED_METHOD="sha1")
    held, new = tmp_path / "held.md", tmp_path / "new.md"
    held.write_text("Title: 있음\n\n본문", encoding="utf-8")
    new.write_text("Title: 새 글\n\n본문", encoding="utf-8")
    cacher = FileStampDataCacher(settings, "test", True, False)
    cacher.cache_data(str(held), "cached article")
    hashed = []
    real = cacher._get_file_stamp
    cacher._get_file_stamp = lambda name: (hashed.append(name), real(name))[1]
    for name in (str(held), str(new)):
        theirs = FileStampDataCacher.get_cached_data(cacher, name, "default")
        ours = speedups.get_cached_data(cacher, name, "default")
        assert ours == theirs
    assert speedups.get_cached_data(cacher, str(held), "default") == "cached article"
    hashed.clear()
    assert speedups.get_cached_data(cacher, str(new), "default") == "default"
    assert hashed == []
    held.write_text("Title: 고침\n\n본문", encoding="utf-8")
    assert speedups.get_cached_data(cacher, str(held), "default") == "default"
    assert hashed == [str(held)]


def test_equal_tags_authors_and_sections_become_one_object(tmp_path):
    """content._share_wrappers: Pelican makes a Tag per article that names it; after
    content_object_init equal ones (class, name, slug, settings) are one object, in the
    attributes and in the metadata alike, and a new build starts with none shared."""
    from pelican.contents import Article
    from pelican.settings import DEFAULT_CONFIG
    from pelican.urlwrappers import Author, Category, Tag

    from newsroom_site import content

    settings = dict(DEFAULT_CONFIG)
    other_settings = dict(DEFAULT_CONFIG)

    def article(n, tags, settings=settings):
        meta = {"title": f"기사 {n}", "tags": [Tag(t, settings) for t in tags],
                "authors": [Author("김기자", settings)], "category": Category("경제", settings)}
        a = Article(f"본문 {n}", metadata=meta, settings=settings, source_path=f"a{n}.md")
        content._share_wrappers(a)
        return a

    content.forget_shared(None)
    a, b = article(1, ["대구", "예산"]), article(2, ["예산", "청년"])
    assert a.tags[1] is b.tags[0] and a.tags[1] == b.tags[0]
    assert a.tags[0] is not b.tags[1]  # different tags stay apart
    assert a.category is b.category and a.authors[0] is b.authors[0]
    assert a.metadata["tags"][1] is b.tags[0] and a.metadata["category"] is b.category
    assert a.author is a.authors[0]  # Pelican sets `author` to the first of `authors`
    c = article(3, ["예산"], settings=other_settings)  # another build's settings
    assert c.tags[0] is not a.tags[1] and c.tags[0].settings is other_settings
    content.forget_shared(None)
    assert article(4, ["예산"]).tags[0] is not a.tags[1]
