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
    assert status["live_release"] == live.name
    assert status["started"].endswith("+09:00") and status["finished"].endswith("+09:00")
    assert status["validation"]["articles"] == 3
    # The release's facts and the status page stay outside what is served.
    assert not list(live.glob("status*")) and not list(live.glob("*.json"))
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


def test_broken_editor_article_keeps_live_site_and_names_file_and_line(published):
    live, files = published.live(), published.live_files()
    published.write("articles/bad-date.md", "Title: 날짜 오류\nDate: 2025.13.45\n"
                    "Category: 경제\n\n본문.\n")
    result = published.update()
    assert result.code == 1, result.output
    assert "bad-date.md:2:" in result.stderr
    assert published.live() == live
    assert published.live_files() == files
    status = published.status()
    assert status["result"] == "build failed" and status["exit_code"] == 1
    assert any("bad-date.md:2:" in p for p in status["problems"])
    assert "bad-date.md:2:" in published.status_page()
    failed = [p for p in (published.root / "releases").iterdir() if p.name.startswith("failed-")]
    assert failed, "the failed build is kept for inspection"

    published.write("articles/bad-date.md", "Title: 날짜 오류\nDate: 2025-11-24 11:00\n"
                    "Category: 경제\n\n본문.\n")
    result = published.update()
    assert result.code == 0, result.output
    assert published.live() != live
    assert (published.output / "news" / "bad-date.html").is_file()


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
        except OSError:
            continue
        if int(fields[1]) == parent_pid and b"pelican" in cmdline:
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
