"""Rendering on several processes (plugins/newsroom_site/parallel.py) gives the same site.

The writer queues the article, list and source pages and renders them in shares on forked
processes. These tests build one site on one process and on two, and compare every file; they
make a page fail in a child's share and check that the build fails with the page's error; and
they check the setting is validated with an error that names it.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from helpers import PROJECT_ROOT, build_ok, build_site, write_article

from newsroom.core import model
from newsroom.core.settings import SettingsError, validate

NOW = model.parse_date("2026-11-25 18:00:00")
SECTIONS = ["정치", "경제", "문화"]


def _site(content: Path, count: int = 30) -> None:
    for i in range(count):
        write_article(
            content / "articles", f"item-{i:02d}", f"{i}번 기사 본문입니다.\n\n둘째 문단 {i}.",
            Title=f"병렬 시험 기사 {i:02d}", Category=SECTIONS[i % 3],
            Date=model.format_date(NOW - timedelta(hours=2 * i)),
            Tags=", ".join(["교통", "복지", "청년", "축제"][: 1 + i % 4]),
            Authors=["김기자", "이기자"][i % 2], Source=["한빛시청", "한빛시의회"][i % 2],
        )
    shutil.copytree(PROJECT_ROOT / "content" / "pages", content / "pages")


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_two_processes_give_the_same_files_as_one(tmp_path):
    content = tmp_path / "content"
    _site(content)
    env = {"NEWSROOM_RENDER_PARALLEL_MIN": "1"}
    one = build_ok(content, tmp_path / "one", env=env,
                   extra_settings={"NEWSROOM_RENDER_PROCESSES": 1}, args=["-v"])
    two = build_ok(content, tmp_path / "two", env=env,
                   extra_settings={"NEWSROOM_RENDER_PROCESSES": 2}, args=["-v"])
    assert "rendered in 2 processes" in two.log
    assert "MiB of their own" in two.log
    assert "rendered in 2 processes" not in one.log
    # The articles were read in shares too (preread.py).
    assert "content files read in 2 processes" in two.log
    assert "content files read" not in one.log
    # The search index was written by a process forked beside the pages (forked.beside).
    assert "beside the build: search index done" in two.log
    assert "beside the build" not in one.log
    files_one, files_two = _files(one.output), _files(two.output)
    assert sorted(files_one) == sorted(files_two)
    differ = [name for name in files_one if files_one[name] != files_two[name]]
    assert not differ, f"pages differ between one and two processes: {differ[:10]}"
    # Both shares wrote pages: the article pages are all there.
    assert sum(1 for n in files_two if n.startswith("news/item-")) == 30


def test_the_first_failing_page_in_page_order_is_reported(tmp_path):
    """Article pages come first in the queue, newest first: item-01 is page 1 (the child's
    share of two), item-04 page 4 (the parent's). Both fail; one process would have stopped at
    item-01, so its error is the one the build reports, though the parent meets its own
    first."""
    content = tmp_path / "content"
    _site(content, 12)
    theme = tmp_path / "theme"
    shutil.copytree(PROJECT_ROOT / "theme", theme)
    article = theme / "templates" / "article.html"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace(
        "{% block content %}",
        "{% block content %}{% if article.slug == 'item-01' %}{{ 1 // 0 }}{% endif %}"
        "{% if article.slug == 'item-04' %}{{ {}|dictsort(by='neither') }}{% endif %}", 1),
        encoding="utf-8")
    failed = build_site(content, tmp_path / "out", PROJECT_ROOT / "publishconf.py",
                        env={"NEWSROOM_RENDER_PARALLEL_MIN": "1"},
                        extra_settings={"THEME": str(theme), "NEWSROOM_RENDER_PROCESSES": 2},
                        args=["-v"])
    assert failed.returncode != 0
    assert "rendered in 2 processes" in failed.log
    assert "modulo by zero" in failed.log
    assert "key' or 'value'" not in failed.log


@pytest.mark.parametrize("value", [0, -1, 65, "2", 1.5, True])
def test_render_processes_setting_is_validated(value):
    with pytest.raises(SettingsError, match="NEWSROOM_RENDER_PROCESSES: expected a whole number"):
        validate({"NEWSROOM_RENDER_PROCESSES": value})


def test_render_processes_setting_accepts_counts_and_none():
    assert validate({"NEWSROOM_RENDER_PROCESSES": 3})["NEWSROOM_RENDER_PROCESSES"] == 3
    assert validate({})["NEWSROOM_RENDER_PROCESSES"] is None


KILLER = '''
import os

from pelican import signals

PARENT = os.getpid()


def _die_in_a_child(value):
    if os.getpid() != PARENT:
        os._exit(7)  # as the kernel's OOM killer would end it: no report, no cleanup
    return value


def _add(generator):
    generator.env.filters["die_in_a_child"] = _die_in_a_child


def register():
    signals.generator_init.connect(_add)
'''


def test_a_render_process_that_dies_fails_the_build_and_says_so(tmp_path):
    content = tmp_path / "content"
    _site(content, 8)
    plugins = tmp_path / "plugins" / "killer"
    plugins.mkdir(parents=True)
    (plugins / "__init__.py").write_text(KILLER, encoding="utf-8")
    theme = tmp_path / "theme"
    shutil.copytree(PROJECT_ROOT / "theme", theme)
    article = theme / "templates" / "article.html"
    article.write_text(article.read_text(encoding="utf-8").replace(
        "{% block content %}", "{% block content %}{{ article.slug|die_in_a_child }}", 1),
        encoding="utf-8")
    result = build_site(
        content, tmp_path / "out", PROJECT_ROOT / "publishconf.py",
        env={"NEWSROOM_RENDER_PARALLEL_MIN": "1"},
        extra_settings={"THEME": str(theme), "NEWSROOM_RENDER_PROCESSES": 2,
                        "PLUGIN_PATHS": [str(PROJECT_ROOT / "plugins"), str(tmp_path / "plugins")],
                        "PLUGINS": ["newsroom_site", "press_scraper", "newsroom_search", "killer"]},
        timeout=120)
    assert result.returncode != 0
    assert "ended without a report (exit 7)" in result.log


@pytest.mark.parametrize("processes", [1, 2])
def test_markdown_links_are_relative_to_the_page_that_renders_them(tmp_path, processes):
    """An article's {static} link is made relative to the page being rendered, through the
    context Pelican's writer sets just before it renders: queued pages must set it when they
    render, not when they are queued (then every article got the depth of the last page
    queued, a tag's block page: `../../images/…`)."""
    content = tmp_path / "content"
    _site(content, 45)  # enough for tag block pages, deeper than article pages
    (content / "images" / "t").mkdir(parents=True)
    (content / "images" / "t" / "photo.png").write_bytes(
        (PROJECT_ROOT / "content" / "images" / "sample" / "library.jpg").read_bytes())
    write_article(content / "articles", "with-photo",
                  "사진 설명 문단.\n\n![책장 사진]({static}/images/t/photo.png)",
                  Title="사진이 있는 기사", Category="문화",
                  Date=model.format_date(NOW - timedelta(days=30)), Tags="교통, 복지")
    out = build_ok(content, tmp_path / "out", env={"NEWSROOM_RENDER_PARALLEL_MIN": "1"},
                   extra_settings={"NEWSROOM_RENDER_PROCESSES": processes}).output
    page = (out / "news" / "with-photo.html").read_text(encoding="utf-8")
    assert 'src="../images/t/photo.png"' in page, page[page.find("<img"):][:200]


RICH_BODY = """첫 문단에 각주가 있습니다[^1]. *강조*와 [링크](https://example.com/{i}).

| 구분 | 값 |
| --- | --- |
| 예산 | {i}억 원 |

```
코드 블록 {i}
```

*[HTML]: 약어 설명 {i}

[^1]: 각주 {i}번의 내용.
"""


def test_articles_read_in_shares_give_the_same_site(tmp_path):
    """Footnotes, abbreviations, tables and a formatted Summary keep per-document state in
    the converter; read ahead in two processes, every page and feed is the same as one
    process reading file by file."""
    content = tmp_path / "content"
    for i in range(24):
        write_article(
            content / "articles", f"rich-{i:02d}", RICH_BODY.format(i=i),
            Title=f"변환 시험 기사 {i:02d}", Category=SECTIONS[i % 3],
            Date=model.format_date(NOW - timedelta(hours=3 * i)),
            Summary=f"**요약** {i}번: [출처](https://example.com/s/{i})",
            Tags="교통, 복지", Authors="김기자", Source="한빛시청",
        )
    shutil.copytree(PROJECT_ROOT / "content" / "pages", content / "pages")
    env = {"NEWSROOM_RENDER_PARALLEL_MIN": "1"}
    one = build_ok(content, tmp_path / "one", env=env,
                   extra_settings={"NEWSROOM_RENDER_PROCESSES": 1}, args=["-v"])
    two = build_ok(content, tmp_path / "two", env=env,
                   extra_settings={"NEWSROOM_RENDER_PROCESSES": 2}, args=["-v"])
    assert "content files read in 2 processes" in two.log
    files_one, files_two = _files(one.output), _files(two.output)
    assert sorted(files_one) == sorted(files_two)
    differ = [name for name in files_one if files_one[name] != files_two[name]]
    assert not differ, f"files differ when Markdown is converted in shares: {differ[:10]}"
    page = files_two["news/rich-07.html"].decode("utf-8")
    assert "각주 7번의 내용." in page and "<table" in page and "코드 블록 7" in page


def test_a_file_the_shares_cannot_read_is_reported_as_without_them(tmp_path):
    """The preview build logs an unreadable file and goes on; read in shares, the same file
    is read again in Pelican's loop and reported the same way, once; the others are built."""
    content = tmp_path / "content"
    _site(content, 8)
    (content / "articles" / "broken.md").write_bytes(
        "Title: 깨진 파일\nDate: 2026-11-20 10:00\n\n".encode() + b"\xff\xfe\xfa body\n")
    env = {"NEWSROOM_RENDER_PARALLEL_MIN": "1"}
    logs = []
    for processes in (1, 2):
        result = build_site(content, tmp_path / f"out{processes}", PROJECT_ROOT / "pelicanconf.py",
                            env=env, extra_settings={"NEWSROOM_RENDER_PROCESSES": processes},
                            args=["-v"])
        assert result.returncode == 0, result.log[-3000:]
        assert sum(1 for p in (tmp_path / f"out{processes}" / "news").glob("item-*.html")) == 8
        logs.append(result.log)
    assert "content files read in 2 processes" in logs[1]
    for log in logs:
        assert "Could not process" in log and "broken.md" in log
        assert log.count("Could not process") == 1


def test_reading_in_shares_logs_the_same_lines_in_the_same_order(tmp_path):
    """What reading a file logs is logged when Pelican's loop reaches it, through Pelican's
    filter of repeated and similar lines: twelve images without alt text give the same four
    warnings and one "Other images" line as a one-by-one read, in the same order."""
    content = tmp_path / "content"
    for i in range(12):
        write_article(
            content / "articles", f"alt-{i:02d}",
            f'사진 설명이 없는 기사 {i}.\n\n<img alt="" src="/images/photo-{i:02d}.png">',
            Title=f"대체 텍스트 없는 사진 {i:02d}", Category=SECTIONS[i % 3],
            Date=model.format_date(NOW - timedelta(hours=i)), Authors="김기자",
        )
    shutil.copytree(PROJECT_ROOT / "content" / "pages", content / "pages")
    # Pelican's loop takes the files from a set: one hash seed, one order for both builds.
    env = {"NEWSROOM_RENDER_PARALLEL_MIN": "1", "PYTHONHASHSEED": "0"}
    lines = {}
    for processes in (1, 2):
        result = build_site(content, tmp_path / f"out{processes}",
                            PROJECT_ROOT / "pelicanconf.py", env=env,
                            extra_settings={"NEWSROOM_RENDER_PROCESSES": processes},
                            args=["--log-handler", "plain"])
        assert result.returncode == 0, result.log[-3000:]
        lines[processes] = [line for line in result.log.splitlines()
                            if "Empty alt attribute" in line or "Other images" in line]
    assert "content files read in 2 processes" not in "".join(lines[2])
    assert len(lines[1]) == 5 and "Other images have empty alt attributes" in lines[1][-1]
    assert lines[2] == lines[1]


def test_articles_fingerprinted_in_shares_equal_one_process():
    """The page batch first fingerprints the build's articles in shares (Fingerprints.prefill):
    the parent must then hold every item's fingerprint, equal to one computed in-process; an
    item that cannot be fingerprinted is left out, and any other error in a child's share
    fails the build as it would in one process."""
    from newsroom.core import forked
    from newsroom_site.incremental import Fingerprints

    class Broken:
        def __fingerprint__(self):
            raise ValueError("broken item 7")

    items = [[i, f"기사 {i}", "본문 " * (i % 40)] for i in range(7)] + [object()]
    items += [{"k": i, "v": ("x" * 90, i)} for i in range(9)]

    def run(jobs, emit, collect, merge):
        forked.run_shares(jobs, 2, emit, collect, merge, minimum=1)

    shared = Fingerprints()
    shared.prefill(items, run)
    alone = Fingerprints()
    for i, item in enumerate(items):
        if i == 7:
            assert shared.known(item, 1) is None  # uncacheable: left to its pages
            continue
        assert shared.known(item, 1) == alone.of(item, 1)
        assert shared.known(item, 0) is None
    with pytest.raises(ValueError, match="broken item 7"):
        Fingerprints().prefill([[0], [1], [2], Broken(), [4], [5]], run)


def test_work_forked_beside_the_build_is_merged_and_its_errors_raised():
    """forked.beside runs work in a child while the caller goes on; join_beside merges each
    result in the order started, raises the first error once every child is waited for, and
    names the work when a child dies without a report. Disabled, the work runs at once."""
    import os

    from newsroom.core import forked

    merged = []
    forked.beside(lambda: ["search/a.json", os.getpid()], merged.append, "one")
    forked.beside(lambda: ["search/b.json"], merged.append, "two")
    assert merged == []  # nothing merged before the join
    forked.join_beside()
    assert [m[0] for m in merged] == ["search/a.json", "search/b.json"]
    assert merged[0][1] != os.getpid()  # the work ran in another process

    def fails():
        raise ValueError("index file search/x.json: disk full")

    forked.beside(fails, merged.append, "failing")
    forked.beside(lambda: ["after"], merged.append, "after the failing one")
    with pytest.raises(ValueError, match="disk full"):
        forked.join_beside()
    assert merged[-1] == ["after"]  # later work is still waited for and merged
    assert forked._BESIDE == []

    forked.beside(lambda: os._exit(3), merged.append, "search index")
    with pytest.raises(forked.ShareFailed, match=r"search index: .* without a report \(exit 3\)"):
        forked.join_beside()

    forked.beside(lambda: "here", merged.append, "inline", enabled=False)
    assert merged[-1] == "here" and forked._BESIDE == []

    # Work no one joined (its build failed first) is killed, not merged into the next build.
    import time

    forked.beside(lambda: time.sleep(60) or ["stale"], merged.append, "stale index")
    pid = forked._BESIDE[0][0]
    forked.abandon_beside()
    assert forked._BESIDE == []
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped
    forked.join_beside()
    assert "stale" not in [m[0] for m in merged if isinstance(m, list)]
