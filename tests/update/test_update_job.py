"""`newsroom update` as cron runs it: a real process on a tmp copy of the site."""

from __future__ import annotations

import os
import signal
import time

import pytest


def test_first_run_publishes_every_article_and_writes_status(published):
    live = published.output.resolve()
    assert live.parent == (published.root / "releases").resolve()
    for slug in ("politics-council", "economy-market", "culture-festival"):
        assert (live / "news" / f"{slug}.html").is_file()
    status = published.status()
    assert status["result"] == "published"
    assert status["exit_code"] == 0
    assert status["built"] is True and status["build_seconds"] > 0
    # Where the run's time went, step by step, in order; the build step holds the build.
    steps = status["steps"]
    assert list(steps) == ["start", "settings", "scrape", "changes", "check", "build",
                           "assets", "validate", "go live"]
    assert steps["build"] >= status["build_seconds"]
    assert sum(steps.values()) <= status["seconds"] + 0.01
    assert status["live_release"] == live.name
    assert status["started"].endswith("+09:00") and status["finished"].endswith("+09:00")
    assert status["validation"]["articles"] == 3
    # The release's facts and the status page stay outside what is served.
    # (latest.json is served on purpose: the section boxes under every article.)
    assert not list(live.glob("status*"))
    assert [p.name for p in live.glob("*.json")] == ["latest.json"]
    page = published.status_page()
    assert 'name="robots" content="noindex, nofollow"' in page
    assert live.name in page


def test_nothing_changed_means_no_build_and_same_live_dir(published):
    before, releases = published.live(), published.releases()
    inode = published.output.resolve().stat().st_ino
    # A touch moves mtimes but not bytes: still nothing to publish.
    path = published.content / "articles" / "economy-market.md"
    os.utime(path, ns=(time.time_ns(), time.time_ns()))
    result = published.update()
    assert result.code == 0, result.output
    assert "no changes" in result.stderr
    assert published.live() == before
    assert published.output.resolve().stat().st_ino == inode
    assert published.releases() == releases
    status = published.status()
    assert status["result"] == "no changes" and status["built"] is False
    assert list(status["steps"]) == ["start", "settings", "scrape", "changes"]


def test_quiet_under_cron_without_v(published):
    # stdout is a pipe here, as under cron: a run with nothing to do prints nothing at all.
    result = published.run("update")
    assert result.code == 0
    assert result.stdout == "" and result.stderr == ""


def test_editor_change_theme_change_and_removal_each_rebuild(published):
    first = published.live()
    published.write("articles/new-one.md", "Title: 새 소식\nDate: 2025-11-23 10:00\n"
                    "Category: 정치\n\n새 소식 본문.\n")
    result = published.update()
    assert result.code == 0, result.output
    second = published.live()
    assert second != first
    assert (published.output / "news" / "new-one.html").is_file()

    (published.content / "articles" / "new-one.md").unlink()
    result = published.update()
    assert result.code == 0, result.output
    assert published.live() != second
    assert not (published.output / "news" / "new-one.html").exists()

    third = published.live()
    css = next((published.root / "theme").rglob("*.css"))
    css.write_text(css.read_text(encoding="utf-8") + "\n/* changed */\n", encoding="utf-8")
    result = published.update()
    assert result.code == 0, result.output
    assert published.live() != third
    assert "theme/" in " ".join(published.status()["changes"]["first"])


def test_broken_new_article_is_held_back_while_the_rest_publishes(published):
    """Issue 14: one bad file never stops the site. It is named (path:line) and waits."""
    live = published.live()
    published.write("articles/bad-date.md", "Title: 날짜 오류\nDate: 2025.13.45\n"
                    "Category: 경제\n\n본문.\n")
    published.write("articles/urgent.md", "Title: 긴급 정정\nDate: 2025-11-24 11:00\n"
                    "Category: 정치\n\n다른 기자의 급한 기사.\n")
    result = published.update()
    assert result.code == 5, result.output
    assert "bad-date.md:2: Date '2025.13.45'의 형식이 틀렸습니다." in result.stderr
    assert ("articles/bad-date.md: 문제가 있어 게시를 보류합니다(아직 게시된 적이 없어 고칠 때까지 "
            "나가지 않습니다). 위의 문제를 고치고 다시 게시하세요.") in result.stderr
    assert published.live() != live, "everything else must still publish"
    assert (published.output / "news" / "urgent.html").is_file()
    assert not (published.output / "news" / "bad-date.html").exists()
    status = published.status()
    assert status["result"] == "published" and status["exit_code"] == 5
    [held] = status["held_back"]
    assert held["file"] == "articles/bad-date.md" and held["kept_last_good"] is False
    assert any("bad-date.md:2:" in p for p in held["problems"])
    page = published.status_page()
    assert "보류된 파일" in page and "bad-date.md:2:" in page
    # A run with nothing new builds nothing, and still says what is held back.
    live = published.live()
    again = published.update()
    assert again.code == 5 and published.live() == live, again.output
    assert published.status()["result"] == "no changes"
    assert published.status()["held_back"][0]["file"] == "articles/bad-date.md"

    published.write("articles/bad-date.md", "Title: 날짜 오류\nDate: 2025-11-24 11:00\n"
                    "Category: 경제\n\n본문.\n")
    result = published.update()
    assert result.code == 0, result.output
    assert (published.output / "news" / "bad-date.html").is_file()
    assert published.status()["held_back"] == []


def test_broken_published_article_keeps_its_last_good_version_live(published):
    page = published.output / "news" / "economy-market.html"
    assert "부산 전통시장 매출이 석 달 연속 늘었다." in page.read_text(encoding="utf-8")
    published.write("articles/economy-market.md", "Title: 전통시장 매출 회복세 (수정 중)\n"
                    "Date: 2025-02-30 09:30\nCategory: 경제\n\n고치다 만 본문.\n")
    published.write("articles/other.md", "Title: 다른 기사\nDate: 2025-11-24 11:00\n"
                    "Category: 문화\n\n본문.\n")
    result = published.update()
    assert result.code == 5, result.output
    assert "economy-market.md:2: Date '2025-02-30 09:30': 2025년 2월에는 30일이 없습니다." in (
        result.stderr)
    assert ("articles/economy-market.md: 문제가 있어 게시를 보류합니다(전에 게시된 판이 그대로 "
            "보입니다).") in result.stderr
    assert (published.output / "news" / "other.html").is_file()
    after = page.read_text(encoding="utf-8")
    assert "부산 전통시장 매출이 석 달 연속 늘었다." in after  # the last good body
    assert "수정 중" not in after and "고치다 만 본문" not in after
    [held] = published.status()["held_back"]
    assert held["kept_last_good"] is True


def test_a_broken_draft_does_not_block_publishing(published):
    published.write("articles/draft.md", "Title: 초안\nDate: 2026-02-30 09:00\n"
                    "Category: 경제\nStatus: draft\n\n초안.\n")
    published.write("articles/takedown.md", "Title: 내려야 할 기사\nDate: 2025-11-24 11:00\n"
                    "Category: 정치\nStatus: draft\n\n본문.\n")
    result = published.update()
    assert result.code == 5, result.output
    assert "draft.md:2:" in result.stderr
    assert published.status()["result"] == "published"


def test_a_file_saved_with_a_bom_publishes(published):
    path = published.write("articles/bom.md", "Title: BOM 기사\nDate: 2025-11-24 11:00\n"
                           "Category: 경제\n\n본문.\n")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = published.update()
    assert result.code == 0, result.output
    assert "BOM 기사" in (published.output / "news" / "bom.html").read_text(encoding="utf-8")


def test_a_scheduled_article_goes_live_on_the_first_run_after_its_time(project):
    project.write("articles/embargo.md", "Title: 엠바고 기사\nDate: 2026-12-05 09:00\n"
                  "Category: 정치\n\n본문.\n")
    env = {"NEWSROOM_NOW": "2026-12-01 12:00:00"}
    first = project.run("update", "-v", env=env)
    assert first.code == 0, first.output
    assert not (project.output / "news" / "embargo.html").exists()
    assert project.status()["scheduled"][0]["file"] == "articles/embargo.md"
    live = project.live()
    still = project.run("update", "-v", env={"NEWSROOM_NOW": "2026-12-05 08:59:00"})
    assert still.code == 0 and project.live() == live, still.output
    due = project.run("update", "-v", env={"NEWSROOM_NOW": "2026-12-05 09:00:30"})
    assert due.code == 0, due.output
    assert project.live() != live
    assert (project.output / "news" / "embargo.html").is_file()


def test_broken_internal_link_fails_validation_and_keeps_live(published):
    live = published.live()
    published.write("articles/dead-link.md", "Title: 링크 오류\nDate: 2025-11-24 11:00\n"
                    "Category: 문화\n\n[없는 기사](nowhere-at-all.html)\n")
    result = published.update()
    assert result.code == 4, result.output
    assert "news/dead-link.html: broken link" in result.stderr
    assert "nowhere-at-all.html" in result.stderr
    assert published.live() == live
    assert published.status()["result"] == "validation failed"


def test_second_update_while_one_runs_exits_with_lock_message(published):
    with published.hold_lock():
        result = published.update()
    assert result.code == 75
    assert "another update is running" in result.stderr
    assert "update.lock" in result.stderr


def test_two_updates_started_together_one_runs_other_exits(published):
    published.write("articles/race.md", "Title: 동시 실행\nDate: 2025-11-24 12:00\n"
                    "Category: 경제\n\n본문.\n")
    a, b = published.start("update", "-v"), published.start("update", "-v")
    results = [(p.wait(timeout=300), p.communicate()[1]) for p in (a, b)]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 75], results
    loser = next(err for code, err in results if code == 75)
    assert "another update is running" in loser
    assert (published.output / "news" / "race.html").is_file()


def _pelican_children(parent_pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read()
            with open(f"/proc/{entry}/comm", "rb") as f:
                comm = f.read()  # a build forked from the job shares its command line
        except OSError:
            continue
        if int(fields[1]) == parent_pid and (b"pelican" in cmdline or b"pelican" in comm):
            found.append(int(entry))
    return found


def test_kill_9_during_build_then_next_run_recovers(published):
    live, files = published.live(), published.live_files()
    published.write("articles/killed.md", "Title: 중단된 빌드\nDate: 2025-11-24 13:00\n"
                    "Category: 정치\n\n본문.\n")
    proc = published.start("update", "-v")
    releases = published.root / "releases"
    builders: list[int] = []

    def building() -> bool:
        if any(p.name.startswith(".build-") and p.is_dir() for p in releases.iterdir()):
            builders.extend(_pelican_children(proc.pid))
            return bool(builders)
        return False

    published.wait_for(building, what="the Pelican build to start")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    # The builder dies with the job (PR_SET_PDEATHSIG), leaving only files behind.
    published.wait_for(lambda: not any(os.path.exists(f"/proc/{pid}") for pid in builders),
                       timeout=10, what="the orphaned build to die")
    assert published.live() == live
    assert published.live_files() == files
    assert any(p.name.startswith(".build-") for p in releases.iterdir())

    result = published.update()
    assert result.code == 0, result.output
    assert "left by an interrupted run" in result.stderr
    assert not any(p.name.startswith(".build-") for p in releases.iterdir())
    assert (published.output / "news" / "killed.html").is_file()
    articles = sorted(p.name for p in (published.output / "news").glob("*.html"))
    assert articles == sorted({"politics-council.html", "economy-market.html",
                               "culture-festival.html", "killed.html"})


@pytest.mark.parametrize("keep", [2])
def test_keeps_only_the_last_releases(published, keep):
    for i in range(3):
        published.write(f"articles/keep-{i}.md", f"Title: 보관 {i}\nDate: 2025-11-24 14:0{i}\n"
                        "Category: 문화\n\n본문.\n")
        result = published.update("--keep", str(keep))
        assert result.code == 0, result.output
    names = published.releases()
    assert len(names) == keep
    assert published.output.resolve().name == names[-1]
    for name in names:
        assert (published.root / "releases" / f"{name}.json").is_file()


def test_old_releases_leave_at_once_and_are_deleted_after_the_run(published):
    """Pruning renames an old release out of the way during the run and deletes it in the
    background (27,000 files at 10,000 articles); what a killed deletion leaves behind is
    removed by the next run."""
    import time

    releases_dir = published.root / "releases"
    for i in range(2):
        published.write(f"articles/prune-{i}.md", f"Title: 정리 {i}\nDate: 2025-11-24 15:0{i}\n"
                        "Category: 문화\n\n본문.\n")
        before = set(published.releases())
        result = published.update("--keep", "1")
        assert result.code == 0, result.output
        gone = before - set(published.releases())
        assert gone, "nothing was pruned"
        for rid in gone:
            assert not (releases_dir / rid).exists()
    deadline = time.monotonic() + 30
    while any(p.name.startswith(".trash-") for p in releases_dir.iterdir()):
        assert time.monotonic() < deadline, sorted(p.name for p in releases_dir.iterdir())
        time.sleep(0.2)

    leftover = releases_dir / ".trash-20250101T000000.000000Z" / "news"
    leftover.mkdir(parents=True)
    (leftover / "old.html").write_text("<p>old</p>", encoding="utf-8")
    published.write("articles/prune-last.md", "Title: 정리 끝\nDate: 2025-11-24 15:09\n"
                    "Category: 문화\n\n본문.\n")
    assert published.update("--keep", "1").code == 0
    deadline = time.monotonic() + 30
    while leftover.parent.exists():
        assert time.monotonic() < deadline, f"{leftover.parent} was left behind"
        time.sleep(0.2)
