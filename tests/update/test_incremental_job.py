"""The real job's increments (issue 8): unchanged pages are the live release's own files
(hard links), the release after an increment equals a clean publish of the same content, and
a photo replaced under the same name is never shown stale."""

from __future__ import annotations

import io
import shutil

from helpers import parse_html
from PIL import Image

PHOTO = "images/inc/photo.png"
ARTICLE = ("Title: 사진 있는 기사\nDate: 2025-11-22 12:00\nCategory: 문화\nTags: 전주\n"
           f"Image: {PHOTO}\n\n사진과 함께 실린 기사.\n")


def _png(colour) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buf, "PNG")
    return buf.getvalue()


def _texts(root) -> dict[str, bytes]:
    """The release's pages, feeds and data; assets are compared through what pages name."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and p.suffix in (".html", ".xml", ".json", ".txt")}


def _clean_publish(project, tmp_path):
    """The release of a clean publish of the project's content: a fresh copy with no state."""
    from jobsite import Project

    clean = tmp_path / "clean"
    shutil.copytree(project.root, clean, symlinks=True,
                    ignore=shutil.ignore_patterns("releases", ".state", "output", "status*"))
    other = Project(clean)
    assert other.update().code == 0
    return other.output.resolve()


def test_an_increment_equals_a_clean_publish_and_reuses_the_rest(published, tmp_path):
    project = published
    project.write("articles/photo-story.md", ARTICLE)
    (project.content / "images/inc").mkdir(parents=True)
    (project.content / PHOTO).write_bytes(_png((10, 120, 200)))
    assert project.update().code == 0
    first = project.output.resolve()

    project.write("articles/new-one.md", "Title: 새로 들어온 기사\nDate: 2025-11-24 09:00\n"
                  "Category: 정치\nTags: 대구\n\n새 기사 본문.\n")
    assert project.update().code == 0
    live = project.output.resolve()
    pages = [p for p in live.rglob("*.html")]
    shared = [p for p in pages if (first / p.relative_to(live)).exists()
              and p.samefile(first / p.relative_to(live))]
    assert len(shared) >= len(pages) // 2, f"{len(shared)} of {len(pages)} pages reused"
    assert live / "news/photo-story.html" in shared

    assert _texts(live) == _texts(_clean_publish(project, tmp_path))


def test_a_photo_replaced_under_the_same_name_is_not_shown_stale(published):
    project = published
    project.write("articles/photo-story.md", ARTICLE)
    (project.content / "images/inc").mkdir(parents=True)
    (project.content / PHOTO).write_bytes(_png((10, 120, 200)))
    assert project.update().code == 0
    new = _png((250, 200, 0))
    (project.content / PHOTO).write_bytes(new)
    assert project.update().code == 0
    live = project.output.resolve()
    page = live / "news/photo-story.html"
    srcs = [img["src"] for img in parse_html(page).find_all("img")
            if "images/inc/photo." in img.get("src", "")]
    assert srcs, "the article shows no photo"
    for src in srcs:
        shown = (page.parent / src).resolve()
        assert shown.read_bytes() == new, f"{src} is the old photo"


def test_a_photo_replaced_by_one_of_another_size_gets_its_new_size(published):
    """The job keeps whole articles between builds (Pelican's content cache, speedups.py): the
    lead image's size must still follow the file, not the article's cached copy."""
    project = published
    project.write("articles/photo-story.md", ARTICLE)
    (project.content / "images/inc").mkdir(parents=True)
    (project.content / PHOTO).write_bytes(_png((10, 120, 200)))
    assert project.update().code == 0
    buf = io.BytesIO()
    Image.new("RGB", (80, 20), (0, 0, 0)).save(buf, "PNG")
    (project.content / PHOTO).write_bytes(buf.getvalue())
    assert project.update().code == 0
    page = project.output.resolve() / "news/photo-story.html"
    sized = [(img.get("width"), img.get("height")) for img in parse_html(page).find_all("img")
             if "images/inc/photo." in img.get("src", "") and img.get("width")]
    assert sized and all(s == ("80", "20") for s in sized), sized


def test_an_older_article_edited_is_searchable_by_its_new_words_as_in_a_clean_publish(
        published, tmp_path):
    """The search index keeps records without their body text in the job's cache; an edit to
    an older article makes its segment tokenized again, which must read the older articles'
    text anew, not index them as empty."""
    project = published
    older = sorted((project.content / "articles").glob("*.md"))[0]
    older.write_text(older.read_text(encoding="utf-8").rstrip("\n")
                     + "\n\n고친문단에만있는낱말 확인.\n", encoding="utf-8")
    assert project.update().code == 0
    live = project.output.resolve()
    shards = b"".join(p.read_bytes() for p in (live / "search" / "s").rglob("*.txt"))
    assert "낱말".encode() in shards
    assert _texts(live) == _texts(_clean_publish(project, tmp_path))


def test_an_arrival_dated_before_the_newest_equals_a_clean_publish(published, tmp_path):
    """A story dated before articles already live (a paper's morning story scraped after an
    afternoon release) takes its place inside the search index's open segment, which grows
    from its kept state rather than being tokenized again: the release must still equal a
    clean publish, its search files included."""
    import json
    import re

    project = published
    dates = sorted(re.search(r"^Date: (.+)$", p.read_text(encoding="utf-8"), re.M).group(1)
                   for p in (project.content / "articles").rglob("*.md"))
    middle = dates[len(dates) // 2]
    project.write("articles/morning-story.md", f"Title: 아침에 나온 기사\nDate: {middle}\n"
                  "Category: 경제\nTags: 대구\n\n아침기사에만있는낱말 본문.\n")
    assert project.update().code == 0
    live = project.output.resolve()
    # A small site: one segment, the whole of time, kept for growing.
    only = json.loads(next((project.root / ".state").rglob("0-0.state")).read_bytes())
    assert only["count"] == len(only["docs"]) == len(dates) + 1
    shards = b"".join(p.read_bytes() for p in (live / "search" / "s").rglob("*.txt"))
    assert "낱말".encode() in shards
    assert _texts(live) == _texts(_clean_publish(project, tmp_path))
