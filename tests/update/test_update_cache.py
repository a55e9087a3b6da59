"""Pelican's content cache under the update job: a speed-up that can never break a release."""

from __future__ import annotations

import os
import shutil

import pytest
from jobsite import Project


def _cache_files(project):
    cache = project.root / ".state" / "pelican-cache"
    return sorted(p for p in cache.rglob("*") if p.is_file()) if cache.exists() else []


def test_content_change_reuses_the_cache_and_a_settings_change_drops_it(published):
    assert _cache_files(published), "the first published build left no reader cache"
    published.write("articles/cached.md", "Title: 캐시 기사\nDate: 2025-11-23 10:00\n"
                    "Category: 경제\n\n본문.\n")
    result = published.update("-v")
    assert result.code == 0, result.output
    assert "dropping Pelican's reader cache" not in result.output
    assert (published.output / "news" / "cached.html").is_file()

    conf = published.root / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + "\n# a settings change\n", "utf-8")
    result = published.update("-v")
    assert result.code == 0, result.output
    assert "dropping Pelican's reader cache: settings, code or theme changed" in result.output


# What a kill -9 during Pelican's cache save leaves behind (Pelican starts with an empty cache),
# and a cache written by other code that cannot be loaded at all (Pelican stops; the job
# retries once without the cache).
TRUNCATED = "truncated"
FOREIGN = b"cnewsroom_no_such_module\nThing\n)R."


@pytest.mark.parametrize("damage", [TRUNCATED, "foreign"])
def test_a_damaged_cache_never_costs_a_release(published, damage):
    files = _cache_files(published)
    assert files
    for f in files:
        f.write_bytes(f.read_bytes()[:7] if damage == TRUNCATED else FOREIGN)
    before = published.live()
    published.write("articles/after-crash.md", "Title: 복구 뒤 기사\nDate: 2025-11-23 11:00\n"
                    "Category: 정치\n\n본문.\n")
    result = published.update("-v")
    assert result.code == 0, result.output
    if damage != TRUNCATED:
        assert "retrying without it" in result.output
    assert published.live() != before
    assert (published.output / "news" / "after-crash.html").is_file()
    # the build wrote a fresh, loadable cache for the next run
    small = [f for f in _cache_files(published) if f.stat().st_size <= len(FOREIGN)]
    assert not small, small


# --- the cache saved as a base and a delta (plugins/newsroom_site/cachefile.py) -----------------


def _articles_cache(project):
    base = project.root / ".state" / "pelican-cache" / "ArticlesGenerator"
    return base, base.with_name(base.name + ".delta")


def _identity(path):
    st = path.stat()
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _delta(path):
    import pickle

    with open(path, "rb") as f:
        return pickle.load(f)


def _article(n: int, minute: int = 0) -> str:
    return (f"Title: 캐시 델타 기사 {n}\nDate: 2025-11-23 12:{minute:02d}\nCategory: 경제\n"
            f"Tags: 델타\n\n델타 본문 {n}.\n")


def test_an_increment_saves_what_changed_and_the_next_build_uses_it(published):
    base, delta = _articles_cache(published)
    before = _identity(base)
    published.write("articles/delta-1.md", _article(1, 1))
    assert published.update().code == 0
    # The base is not written again; the delta holds the new file's entry, for this base.
    assert _identity(base) == before
    saved = _delta(delta)
    assert tuple(saved["base"]) == before
    assert [k for k in saved["entries"] if "delta-1" in k] and len(saved["entries"]) == 1

    published.write("articles/delta-2.md", _article(2, 2))
    assert published.update().code == 0
    assert _identity(base) == before
    saved = _delta(delta)
    # delta-1 came from the delta (not read again: same entry), delta-2 was added.
    assert sorted(k.rsplit("/", 1)[-1] for k in saved["entries"]) == ["delta-1.md", "delta-2.md"]
    for n in (1, 2):
        page = (published.output / "news" / f"delta-{n}.html").read_text(encoding="utf-8")
        assert f"델타 본문 {n}." in page


def test_a_large_change_writes_the_whole_cache_again(published):
    base, delta = _articles_cache(published)
    published.write("articles/delta-0.md", _article(0))
    assert published.update().code == 0
    assert delta.exists()
    before = _identity(base)
    for n in range(1, 61):  # more than the delta may hold (50 entries at this size)
        published.write(f"articles/many/delta-{n}.md", _article(n, n % 60))
    assert published.update().code == 0
    assert _identity(base) != before
    assert not delta.exists()
    assert not list(base.parent.glob("*.tmp*")), "a temporary cache file was left behind"


@pytest.mark.parametrize("damage", ["garbage", "other base"])
def test_a_delta_that_does_not_fit_is_ignored_and_costs_nothing(published, damage):
    base, delta = _articles_cache(published)
    published.write("articles/delta-1.md", _article(1, 1))
    assert published.update().code == 0
    if damage == "garbage":
        delta.write_bytes(b"\x80\x05not a pickle")
    else:  # the base was written again after the delta (another build, a restore)
        st = base.stat()
        base.write_bytes(base.read_bytes())
        os.utime(base, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    published.write("articles/delta-2.md", _article(2, 2))
    result = published.update("-v")
    assert result.code == 0, result.output
    log = published.root.joinpath(published.live() + ".log").read_text(encoding="utf-8")
    said = "cannot read" if damage == "garbage" else "belongs to another"
    assert said in log and str(delta) in log, log[-2000:]
    for n in (1, 2):  # delta-1 read again from its file
        page = (published.output / "news" / f"delta-{n}.html").read_text(encoding="utf-8")
        assert f"델타 본문 {n}." in page
    saved = _delta(delta)
    assert tuple(saved["base"]) == _identity(base)


def test_a_save_killed_midway_leaves_nothing_behind_after_the_next_run(published):
    """What a build killed while pickling leaves (a temporary file beside each cache file)
    is removed by the next save; the cache files themselves were never touched."""
    base, delta = _articles_cache(published)
    before = _identity(base)
    leftovers = [base.with_name(base.name + ".tmp99999"),
                 delta.with_name(delta.name + ".tmp99999")]
    for path in leftovers:
        path.write_bytes(b"\x80\x05half a pickle")
    published.write("articles/delta-1.md", _article(1, 1))
    assert published.update().code == 0
    assert not [p for p in leftovers if p.exists()]
    assert _identity(base) == before and delta.exists()


# --- bodies beside the base (cachefile.py): loaded when a page shows them ---------------------


def _bodies(project):
    base, _delta = _articles_cache(project)
    return sorted(base.parent.glob(base.name + ".html-*"))


def test_bodies_live_beside_the_base_and_the_old_ones_go(published):
    (first,) = _bodies(published)
    assert first.stat().st_size > 0
    # A change larger than the delta holds writes the whole cache, with a new body file.
    for n in range(1, 61):
        published.write(f"articles/many/delta-{n}.md", _article(n, n % 60))
    assert published.update().code == 0
    (second,) = _bodies(published)
    assert second != first and not first.exists()
    page = (published.output / "news" / "delta-7.html").read_text(encoding="utf-8")
    assert "델타 본문 7." in page


@pytest.mark.parametrize("damage", ["gone", "changed"])
def test_a_body_that_cannot_be_read_back_costs_a_retry_not_a_release(published, damage):
    """An older article whose page renders again (its neighbour arrived) reads its body
    from the body file; a missing or altered file fails that build with the file's name,
    and the job builds again without the cache."""
    (bodies,) = _bodies(published)
    if damage == "gone":
        bodies.unlink()
    else:
        data = bytearray(bodies.read_bytes())
        data[len(data) // 2] ^= 0x01
        bodies.write_bytes(bytes(data))
    published.write("articles/arrival.md", "Title: 새로 온 기사\nDate: 2026-01-05 10:00\n"
                    "Category: 경제\n\n새로 온 본문.\n")
    result = published.update("-v")
    assert result.code == 0, result.output
    assert "retrying without it" in result.output
    # The release is what a clean publish of the same content gives, byte for byte.
    clean = published.root.parent / "clean"
    shutil.copytree(published.root, clean, symlinks=True,
                    ignore=shutil.ignore_patterns("releases", ".state", "output", "status*"))
    other = Project(clean)
    assert other.update().code == 0
    assert _texts(other.output.resolve()) == _texts(published.output.resolve())


def _texts(root) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and p.suffix in (".html", ".xml", ".json", ".txt")}


def test_the_cache_holds_values_articles_share_once(project):
    """Equal values that every article holds (the empty set of `{static}` links, the
    content folder, a `save_as` equal to the `url`, the language and status names, the
    issuing agency, its department and licence) and the search record's title, URL, date
    and source, equal to the article's own, are pickled as one object, so that loading
    10,000 cached articles does not make 10,000 copies of each. The values are equal to
    what the article had: only their sharing changes."""
    import pickle

    for i in range(3):
        project.write(f"articles/agency-{i}.md", f"""Title: 대구시 보도자료 {i}
Date: 2026-11-0{i + 1} 10:00
Category: 경제
Source: 대구광역시
Department: 경제정책과
License: 공공누리 제1유형

대구시가 {i}번째 보도자료를 냈다.
""")
    result = project.update()
    assert result.code == 0, result.output
    base, _delta = _articles_cache(project)
    with open(base, "rb") as f:
        entries = pickle.load(f)
    articles = [entry[1] for entry in entries.values()]
    assert len(articles) >= 3

    def one_object(values):
        values = list(values)
        return len({id(v) for v in values}) == 1 and len(values) == len(articles)

    assert one_object(a.lang for a in articles)
    assert one_object(a._status for a in articles)
    assert one_object(a._newsroom_relpath[0] for a in articles)
    plain = [a for a in articles if not a._newsroom_static_links]
    assert plain and len({id(a._newsroom_static_links) for a in plain}) == 1
    for a in articles:
        url, save_as = a._newsroom_urls
        assert (url is save_as) == (url == save_as)
        doc = a._newsroom_search_doc
        assert doc.url is url
        if type(a.title) is str and doc.title == a.title:  # not Markup
            assert doc.title is a.title
        assert doc.date is a.date
        if doc.source:  # one object per agency, the metadata's and the record's
            assert doc.source is a.metadata["source"]
    for name in ("source", "department", "license"):
        values = [a.metadata[name] for a in articles if a.metadata.get(name)]
        assert len(values) >= 3 and len({id(v) for v in values}) == len(set(values)), name
        assert all(getattr(a, name) is a.metadata[name] for a in articles
                   if a.metadata.get(name))
    assert len({id(a._newsroom_search_doc.section) for a in articles}) == len(
        {a._newsroom_search_doc.section for a in articles})
