"""Pelican's content cache under the update job: a speed-up that can never break a release."""

from __future__ import annotations

import pytest


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
