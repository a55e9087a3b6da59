"""`newsroom takedown`: the page and its image leave every release at once, the next releases
never carry it (no list, feed, sitemap or box names it), rollback does not bring it back, and
`--lift` publishes it again (issue 14)."""

from __future__ import annotations

import io

from PIL import Image

TITLE = "게시 중단될 기사 제목"
ARTICLE = (
    f"Title: {TITLE}\nDate: 2025-11-23 09:00\nCategory: 경제\nTags: 부산\nAuthors: 이기자\n"
    "Image: images/td/photo.png\nSummary: 곧 내려갈 기사.\n\n본문에 문제가 된 표현이 있다.\n"
)
URL = "news/takedown-story.html"


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


def _mentions(root, text: str) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and p.suffix in (".html", ".xml", ".json", ".txt")
                  and text in p.read_text(encoding="utf-8", errors="replace"))


def test_takedown_removes_now_keeps_it_off_and_lift_restores(published):
    project = published
    project.write("articles/takedown-story.md", ARTICLE)
    (project.content / "images" / "td").mkdir(parents=True)
    (project.content / "images" / "td" / "photo.png").write_bytes(_png())
    assert project.update().code == 0
    before = project.releases()
    live = project.output.resolve()
    assert (live / URL).is_file() and (live / "images/td/photo.png").is_file()

    result = project.run("takedown", URL, "--reason", "명예훼손 게시중단 요청")
    assert result.code == 0, result.output
    record = (project.root / "takedowns.toml").read_text(encoding="utf-8")
    assert URL in record and "images/td/photo.png" in record and "명예훼손" in record
    # Gone from every release, the one that was live included (rollback cannot serve it).
    for rid in before:
        folder = project.root / "releases" / rid
        assert not (folder / URL).exists(), rid
        assert not (folder / "images/td/photo.png").exists(), rid
    # The new live release names it nowhere: lists, boxes, feeds, sitemaps, search.
    live = project.output.resolve()
    assert live.name not in before
    assert not (live / URL).exists()
    assert _mentions(live, TITLE) == [] and _mentions(live, "takedown-story") == []
    assert project.status()["result"] == "published"

    # A forced rebuild keeps it off; the file itself stays for the editors.
    assert project.update("--force").code == 0
    assert not (project.output.resolve() / URL).exists()
    assert (project.content / "articles/takedown-story.md").is_file()

    # Rolling back to a release built before the takedown would list its title again.
    old = before[-1]
    refused = project.run("rollback", "--to", old)
    assert refused.code == 1 and "takedown" in refused.output
    assert project.output.resolve().name != old

    lifted = project.run("takedown", "--lift", URL)
    assert lifted.code == 0, lifted.output
    live = project.output.resolve()
    assert (live / URL).is_file() and (live / "images/td/photo.png").is_file()
    assert TITLE in (live / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert project.run("takedown", "--list").stdout.strip() == ""


def test_takedown_of_an_unknown_url_changes_nothing(published):
    project = published
    live = project.live()
    result = project.run("takedown", "news/no-such-story.html")
    assert result.code == 2
    assert "news/no-such-story.html: 이 주소나 파일의 기사가" in result.output
    assert "기사 주소(news/<slug>.html)나 content/ 아래 파일 경로를 확인하세요." in result.output
    assert not (project.root / "takedowns.toml").exists()
    assert project.live() == live


def test_a_broken_takedowns_file_stops_publishing_and_says_where(published):
    project = published
    live = project.live()
    (project.root / "takedowns.toml").write_text("[[takedown]]\nurl = \n", encoding="utf-8")
    project.write("articles/new.md", "Title: 새 기사\nDate: 2025-11-24 09:00\nCategory: 정치\n\n본문.\n")
    result = project.update()
    assert result.code != 0
    assert "takedowns.toml" in result.output
    assert project.live() == live


def test_rollback_counts_a_takedown_in_the_release_s_own_second_as_after(tmp_path):
    # takedowns.toml keeps whole seconds and release ids keep microseconds: on a fast machine
    # the takedown and the release before it fall in the same second, and the order within
    # it is unknown. Rollback must then refuse (it may list the article) rather than allow.
    from newsroom.core import takedowns
    from newsroom.release import takedowns_after

    settings = tmp_path / "publishconf.py"
    settings.write_text('SITENAME = "t"\n', encoding="utf-8")
    takedowns.write(tmp_path / "takedowns.toml", [takedowns.Takedown(
        url="news/a.html", date="2026-12-01T16:15:35+09:00", reason="요청")])
    same_second = "20261201T071535.332191Z"  # 16:15:35.33 KST
    assert takedowns_after(settings, same_second) == ["news/a.html"]
    assert takedowns_after(settings, "20261201T071534.999999Z") == ["news/a.html"]
    assert takedowns_after(settings, "20261201T071536.000001Z") == []
