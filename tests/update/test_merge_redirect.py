"""An article an editor merged into another (Merge_Into, issue 12) keeps its old URL: it
leads to the article that now credits its outlet."""

from __future__ import annotations

from newsroom.core import redirects


def write(path, slug):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"Title: 제목\nDate: 2026-03-04 10:00\nSlug: {slug}\n\n본문\n",
                    encoding="utf-8")


def test_a_forced_merge_redirects_the_folded_article(tmp_path):
    content, good = tmp_path / "content", tmp_path / "last-good"
    write(content / "scraped/daegu/daegu-1.md", "daegu-1")
    write(good / "scraped/daegu/daegu-1.md", "daegu-1")
    write(good / "scraped/yn/yn-2.md", "yn-2")  # published, now folded away
    published = {"scraped/daegu/daegu-1.md": "a", "scraped/yn/yn-2.md": "b"}
    merges = [
        {"copy": "scraped/yn/yn-2.md", "into": "scraped/daegu/daegu-1.md", "forced": True,
         "action": "credited"},
        {"copy": "scraped/yn/yn-3.md", "into": "scraped/daegu/daegu-1.md", "forced": True,
         "action": "credited"},  # never published: nothing to keep
        {"copy": "http://yn.example/4", "into": "scraped/daegu/daegu-1.md", "forced": False,
         "action": "credited", "similarity": 0.95},  # a scraped copy never had a page
        {"copy": "scraped/yn/yn-2.md", "into": "scraped/daegu/daegu-1.md", "forced": True,
         "action": "held"},
    ]
    moved = redirects.merged_away(content, good, published, "news/{slug}.html", merges)
    assert [(m.old_url, m.new_url, m.source) for m in moved] == [
        ("news/yn-2.html", "news/daegu-1.html", "scraped/daegu/daegu-1.md")]
