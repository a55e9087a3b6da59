"""Sections as the update job sees them: resolved once from the settings, for every stage."""

from __future__ import annotations

import pytest

from newsroom.core.settings import resolve
from newsroom.validate import check_sections

FOUR = [("정치", "politics"), ("경제", "economy"), ("문화", "culture"), ("사회", "society")]
SETTINGS = {"NEWSROOM_SECTIONS": FOUR, "CATEGORY_SAVE_AS": "section/{slug}/index.html",
            "CATEGORY_FEED_ATOM": "feeds/{slug}.atom.xml",
            "CATEGORY_FEED_RSS": "feeds/{slug}.rss.xml"}


@pytest.fixture
def four_sections(project_with):
    """A project with a fourth section 사회 that has no article yet."""
    return project_with(sections=FOUR)


def test_an_empty_configured_section_is_published_with_its_page_and_feeds(four_sections):
    result = four_sections.update("--no-scrape")
    assert result.code == 0, result.output
    live = four_sections.output
    assert (live / "section" / "society" / "index.html").is_file()
    assert (live / "feeds" / "society.atom.xml").is_file()
    assert (live / "feeds" / "society.rss.xml").is_file()
    assert four_sections.status()["result"] == "published"


def test_validation_names_a_configured_section_without_its_page_or_feeds():
    files = {f"section/{slug}/index.html" for _name, slug in FOUR[:3]}
    files |= {f"feeds/{slug}.{kind}.xml" for _name, slug in FOUR for kind in ("atom", "rss")}
    problems = [str(p) for p in check_sections(files, SETTINGS, resolve(SETTINGS))]
    assert problems == ["section/society/index.html: missing: section 사회 (society) page "
                        "should be published at section/society/index.html"]
