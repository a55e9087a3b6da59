"""Scheduled publishing (issue 14): an article dated after the build's "now" is not published.

Real Pelican builds of small generated content with NEWSROOM_NOW pinned before and after the
article's Date: before, the strict build is byte-identical to a build without the article;
after, it is published like any other. The preview shows it under drafts/ with a banner line.
Then unit tests of the same rule without Pelican (newsroom.core.check.scan_content).
"""

from __future__ import annotations

import filecmp
from datetime import datetime

import pytest
from helpers import build_ok, new_content, one_story_per_section, parse_html, text_of, write_article

from newsroom.core.check import scan_content
from newsroom.core.model import KST, is_scheduled


def scheduled(content, now):
    """Articles scheduled after `now`, as `newsroom check` and the update job list them."""
    return scan_content(content, ["정치", "경제", "문화"], now=now).scheduled

FUTURE_DATE = "2026-12-05 09:00:00"
BEFORE = "2026-11-30 12:00:00"
AFTER = "2026-12-05 09:30:00"


def _base(content):
    new_content(content)
    one_story_per_section(content)


def _future(content):
    return write_article(
        content / "articles", "embargoed-story", "엠바고가 걸린 기사 본문입니다.",
        Title="엠바고 기사", Date=FUTURE_DATE, Category="경제",
        Tags="예약전용태그", Authors="예약기자", Source="예약기관",
    )


def _tree_diff(a, b) -> list[str]:
    """Files that differ between two output trees (missing on either side, or other bytes)."""
    out = []

    def walk(cmp, prefix=""):
        out.extend(prefix + n for n in cmp.left_only + cmp.right_only + cmp.funny_files)
        _match, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files,
                                                   shallow=False)
        out.extend(prefix + n for n in mismatch + errors)
        for name, sub in cmp.subdirs.items():
            walk(sub, prefix + name + "/")

    walk(filecmp.dircmp(a, b))
    return sorted(out)


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("schedule")
    with_future, without = root / "with", root / "without"
    _base(with_future)
    _base(without)
    _future(with_future)
    return {
        "held": build_ok(with_future, root / "held", now=BEFORE),
        "absent": build_ok(without, root / "absent", now=BEFORE),
        "due": build_ok(with_future, root / "due", now=AFTER),
        "preview": build_ok(with_future, root / "preview", "pelicanconf.py", now=BEFORE),
    }


def test_a_future_article_leaves_the_build_as_if_it_did_not_exist(builds):
    held, absent = builds["held"].output, builds["absent"].output
    assert not (held / "news" / "embargoed-story.html").exists()
    assert not (held / "tag").joinpath("index.html").read_text(encoding="utf-8").count("예약전용태그")
    assert _tree_diff(held, absent) == []


def test_the_article_is_published_once_its_date_has_come(builds):
    out = builds["due"].output
    page = out / "news" / "embargoed-story.html"
    assert page.is_file()
    home = parse_html(out / "index.html")
    assert "엠바고 기사" in text_of(home)
    assert any("embargoed-story" in f.read_text(encoding="utf-8")
               for f in (out / "sitemaps").glob("*.xml"))
    assert "embargoed-story" in (out / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert _tree_diff(out, builds["absent"].output) != []


def test_the_preview_shows_it_as_a_draft_with_a_banner_line(builds):
    out = builds["preview"].output
    assert not (out / "news" / "embargoed-story.html").exists()
    draft = out / "drafts" / "embargoed-story.html"
    assert draft.is_file(), "the preview did not show the scheduled article under drafts/"
    banner = parse_html(out / "index.html").find("section", class_="problems--scheduled")
    assert banner is not None, "no scheduled banner on the preview's home page"
    lines = [text_of(li) for li in banner.find_all("li")]
    assert len(lines) == 1
    assert lines[0].startswith("예약: ") and "embargoed-story.md" in lines[0]
    assert lines[0].endswith("— 2026-12-05 09:00에 공개")
    assert "엠바고 기사" not in text_of(parse_html(out / "index.html").find("main"))


def test_scheduled_lists_future_articles_earliest_first(tmp_path):
    content = tmp_path / "content"
    _base(content)
    _future(content)
    write_article(content / "scraped" / "cityhall", "sooner", "본문.", Title="더 이른 예약",
                  Date="2026-12-01 08:00:00+09:00", Category="정치")
    write_article(content / "articles", "future-draft", "본문.", Title="예약 초안",
                  Date="2027-01-01 00:00:00", Category="정치", Status="draft")
    write_article(content / "pages", "future-page", "본문.", Title="쪽", Date="2027-01-01 00:00")
    bom = write_article(content / "articles", "bom-future", "본문.", Title="BOM 예약",
                        Date="2026-12-02 08:00:00", Category="정치", Status="hidden")
    bom.write_bytes(b"\xef\xbb\xbf" + bom.read_bytes())
    (content / "articles" / "broken.md").write_text("Title: 날짜 없음\n\n본문\n", encoding="utf-8")
    now = datetime(2026, 11, 30, 12, 0, tzinfo=KST)
    assert scheduled(content, now) == [
        ("scraped/cityhall/sooner.md", datetime(2026, 12, 1, 8, 0, tzinfo=KST)),
        ("articles/bom-future.md", datetime(2026, 12, 2, 8, 0, tzinfo=KST)),
        ("articles/embargoed-story.md", datetime(2026, 12, 5, 9, 0, tzinfo=KST)),
    ]
    assert scheduled(content, datetime(2026, 12, 5, 9, 0, tzinfo=KST)) == []


def test_is_scheduled_compares_instants_not_wall_clocks():
    utc_now = datetime.fromisoformat("2026-12-05T00:30:00+00:00")  # 09:30 in Seoul
    assert not is_scheduled(datetime(2026, 12, 5, 9, 0, tzinfo=KST), utc_now)
    assert is_scheduled(datetime(2026, 12, 5, 10, 0), utc_now)  # naive: Korea time
    assert not is_scheduled(datetime(2026, 12, 5, 9, 30, tzinfo=KST), utc_now)  # not after
