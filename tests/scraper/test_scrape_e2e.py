"""End to end: `newsroom scrape` against fixture sites on a real 127.0.0.1 server, then a real
strict Pelican build of what it wrote."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs

import lxml.html
import pytest
from helpers import PROJECT_ROOT, build_env, build_site
from server import (
    FIXTURES,
    Reply,
    big,
    file_reply,
    hang,
    image_bytes,
    redirect,
    retry_after,
    source_toml,
)

from newsroom.cli import main as newsroom
from newsroom.core.model import parse_header

FAST = """[scraper]
delay = 0
timeout = 1.0
deadline = 5.0
retries = 2
backoff = 0.05
retry_after_cap = 2.0
max_bytes = 4_000_000
"""



def board(site: Path, pattern: str, key: str, ctype: str = "text/html"):
    """A handler serving `site/<pattern % query[key]>` (a 404 when there is none)."""

    def handler(req):
        value = parse_qs(req.query).get(key, [""])[0]
        path = site / (pattern % value)
        if not value.isdigit() or not path.is_file():
            return Reply(404, b"no such page", {"Content-Type": "text/plain"})
        return file_reply(path, ctype)

    return handler


@pytest.fixture
def sites(fixture_server, make_server):
    s = fixture_server
    s.route("/hanbit/board/list.do", board(FIXTURES / "hanbit", "list%s.html", "pageIndex"))
    s.route("/hanbit/board/view.do", board(FIXTURES / "hanbit", "view-%s.html", "nttNo"))
    s.route("/hanbit/rss.xml", file_reply(FIXTURES / "hanbit/rss.xml", "application/rss+xml"))
    s.route("/hanbit/img/photo101.png", Reply(body=image_bytes("PNG", (8, 6), (30, 120, 200)), headers={"Content-Type": "image/png"}))

    def gaon(req):
        q = parse_qs(req.query)
        if q.get("mode") == ["list"]:
            return file_reply(FIXTURES / "gaon/list.html", "text/html; charset=euc-kr")
        seq = q.get("seq", [""])[0]
        if seq == "7":
            return file_reply(FIXTURES / "gaon/view-7.html", "text/html; charset=euc-kr")
        if seq == "8":  # no charset in the header, and the meta tag lies (says UTF-8)
            return file_reply(FIXTURES / "gaon/view-8.html", "text/html")
        return Reply(404, b"none")

    s.route("/gaon/board.php", gaon)
    # Hostile or broken sources.
    s.route("/broken/hang.xml", hang(4))
    s.route("/broken/flaky.xml", [Reply(500, b"oops"), file_reply(FIXTURES / "haneul/atom.xml",
                                                                  "application/atom+xml")])
    s.route("/broken/busy.xml", [retry_after("1"), file_reply(FIXTURES / "hanbit/rss.xml",
                                                              "application/rss+xml")])
    s.route("/broken/loop-a.xml", redirect("/broken/loop-b.xml"))
    s.route("/broken/loop-b.xml", redirect("/broken/loop-a.xml"))
    big_feed = (
        '<rss version="2.0"><channel><title>x</title><item><title>아주 큰 보도자료</title>'
        '<link>/broken/huge.html</link><pubDate>2026-01-01 10:00:00</pubDate></item>'
        "</channel></rss>"
    ).encode()
    s.route("/broken/bigitem.xml", Reply(body=big_feed, headers={"Content-Type": "text/xml"}))
    s.route("/broken/huge.html", big(20 * 1024 * 1024))
    private = make_server()
    private.robots("User-agent: *\nDisallow: /haneul/\n")
    return s, private


def write_sources(path: Path, origin: str, private_origin: str, extra: str = "") -> Path:
    path.write_text(
        FAST
        + f"""
[[sources]]
id = "hanbit-rss"
name = "한빛시청"
kind = "rss"
url = "{origin}/hanbit/rss.xml"
license = "공공누리 제1유형"
tags = ["한빛시"]
[sources.selectors]
title = "h3.view-title"
body = "div.view-content"

[[sources]]
id = "hanbit-board"
name = "한빛시청"
kind = "html"
url = "{origin}/hanbit/board/list.do?bbsNo=7&pageIndex=1"
max_pages = 3
[sources.selectors]
list_item = "table.board-list tbody tr"
link = "td.subject a"
next_page = "div.paging a.next"

[[sources]]
id = "gaon"
name = "가온군청"
kind = "html"
url = "{origin}/gaon/board.php?mode=list"

[[sources]]
id = "haneul"
name = "하늘일보"
kind = "rss"
url = "{origin}/broken/flaky.xml"
excerpt_only = true
category = "경제"

[[sources]]
id = "busy"
name = "재시도 기관"
kind = "rss"
url = "{origin}/broken/busy.xml"

[[sources]]
id = "hang"
name = "응답 없는 기관"
kind = "rss"
url = "{origin}/broken/hang.xml"

[[sources]]
id = "loop"
name = "순환 기관"
kind = "rss"
url = "{origin}/broken/loop-a.xml"

[[sources]]
id = "big"
name = "큰 페이지 기관"
kind = "rss"
url = "{origin}/broken/bigitem.xml"

[[sources]]
id = "private"
name = "로봇 금지 기관"
kind = "rss"
url = "{private_origin}/haneul/atom.xml"
"""
        + extra,
        encoding="utf-8",
    )
    return path


def files_outside(root: Path, allowed: tuple[str, ...]) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix() for p in root.rglob("*")
        if p.is_file() and not p.relative_to(root).as_posix().startswith(allowed)
    )


def scraped(content: Path) -> dict[str, str]:
    """Source_URL -> file text for every scraped article."""
    out = {}
    for p in sorted((content / "scraped").rglob("*.md")):
        text = p.read_text(encoding="utf-8")
        out[parse_header(text).value("Source_URL")] = text
    return out


def test_scrape_writes_safe_articles_and_builds(sites, tmp_path):
    server, private = sites
    o = server.origin
    content = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", content)
    sources = write_sources(tmp_path / "sources.toml", o, private.origin)
    state = tmp_path / "state"
    args = ["scrape", "--sources", str(sources), "--content", str(content), "--state", str(state)]

    assert newsroom(args) == 3  # some sources are broken on purpose, the rest are written
    report = json.loads((state / "scrape-report.json").read_text(encoding="utf-8"))
    by_id = {s["id"]: s for s in report["sources"]}
    assert sorted(report["failed_sources"]) == ["hang", "loop", "private"]
    assert "timeout" in by_id["hang"]["error"] and "/broken/hang.xml" in by_id["hang"]["error"]
    assert "redirect" in by_id["loop"]["error"]
    assert "robots" in by_id["private"]["error"]
    assert by_id["big"]["error"] is None and by_id["big"]["failed"] == 1
    assert "too large" in by_id["big"]["problems"][0]["reason"]
    assert by_id["hanbit-rss"]["found"] == 3  # the repeated item counts once
    assert by_id["hanbit-rss"]["new"] == 3
    # 101 and 102 were already stored by hanbit-rss: the board skips them; 90 is a 공지 row.
    assert by_id["hanbit-board"]["found"] == 3 and by_id["hanbit-board"]["new"] == 1
    assert by_id["gaon"]["new"] == 2
    assert by_id["haneul"]["new"] == 1  # 500 then 200; its copy of 101 is hanbit-rss's
    assert by_id["busy"]["error"] is None  # 429 with Retry-After, then 200
    assert server.hits("/broken/busy.xml") == 2

    arts = scraped(content)
    a101 = arts[f"{o}/hanbit/board/view.do?bbsNo=7&nttNo=101"]
    h = parse_header(a101)
    assert h.value("Title") == "한빛시, 청년 창업 지원 300억 투자"
    assert h.value("Date") == "2026-01-07 14:11:00"  # zone-less feed date read as Seoul
    assert h.value("Category") == "경제"
    assert h.value("License") == "공공누리 제1유형"
    assert h.value("Subtitle") == "청년 창업 기업 120곳 선정, 최대 2억 원 지원"
    assert h.value("Identity") == f"hanbit-rss {o}/hanbit/board/view.do?bbsNo=7&nttNo=101"
    image = h.value("Image")
    assert image.startswith("images/hanbit-rss/") and (content / image).is_file()
    assert f"![청년 창업 지원 설명회]({{static}}/{image})" in a101
    assert "broken.png" not in a101 and "두 번째 사진" in a101  # failed image: text kept
    assert "| 초기 창업 | 80 | 최대 5천만 원 |" in a101
    assert "ㅇ 신청은" in a101 and "※ 자세한 내용은" in a101
    assert "## 첨부파일" in a101
    assert f"[붙임1. 2026 청년 창업 지원 공고.hwp]({o}/hanbit/common/download.do?fileId=FILE_0001&fileSn=1)" in a101
    assert f"[붙임2. 사업 계획.pdf]({o}/hanbit/board/files/plan-2026.pdf)" in a101
    assert "미리보기" not in a101 and "페이스북" not in a101 and "Copyright" not in a101

    a102 = arts[f"{o}/hanbit/board/view.do?bbsNo=7&nttNo=102"]
    h = parse_header(a102)
    assert h.value("Title") == "한빛 국화 축제 개막 Category: 정치 Status: draft"
    assert [f.key for f in h.fields].count("Category") == 1 and h.get("Status") is None
    assert h.value("Category") == "문화"
    assert h.value("License") == "공공누리 제4유형"  # the page's mark wins over the source's

    a103 = next(t for u, t in arts.items() if "nttNo=103" in u)
    h = parse_header(a103)
    assert h.value("Title") == "한빛시, 시립도서관 야간 개방"
    assert h.value("Date") == "2026-01-07 18:20:00" and h.value("Source_ID") == "hanbit-board"

    g7 = arts[f"{o}/gaon/board.php?mode=view&seq=7"]
    g8 = arts[f"{o}/gaon/board.php?mode=view&seq=8"]
    assert parse_header(g7).value("Title") == "가온군, 똠방각하 마을 축제 연다"  # CP949-only 똠
    assert parse_header(g7).value("Date") == "2026-01-07 14:11:00"
    assert parse_header(g7).value("License") == "공공누리 제3유형"
    assert parse_header(g8).value("Title") == "가온군의회, 행정사무감사 마무리"  # lying meta
    assert parse_header(g8).value("Category") == "정치"
    for text in arts.values():
        assert "\ufffd" not in text and "ë" not in text and "Ã" not in text

    news = next(t for u, t in arts.items() if "idxno=213450" in u)
    assert parse_header(news).value("Excerpt_Only") == "true"
    assert "전재할 수 없다. 이 문장은" not in news  # never the full text
    assert "원문 보기" in news and parse_header(news).get("Image") is None

    hostile = arts[f"{o}/hanbit/hostile.html"]
    assert "<script" not in hostile.lower() and "<iframe" not in hostile.lower()
    assert "javascript:" not in hostile.lower() and "onerror" not in hostile
    assert "의원들은 예산 집행 상황을 점검했다" in hostile
    assert "\n\nCategory&#58; 정치" in hostile or "Category: 정치" not in hostile.split("\n\n", 1)[1]

    # Nothing outside content/ and the state folder.
    assert files_outside(tmp_path, ("content/", "state/", "sources.toml")) == []

    # A real strict build of what was written.
    out = tmp_path / "output"
    result = build_site(content, out, PROJECT_ROOT / "publishconf.py")
    assert result.returncode == 0, result.log[-3000:]
    assert result.problems() == [], result.problems()
    pages = [out / "news" / f"{Path(p).stem}.html" for p in report["written"]]
    assert len(pages) == 7 and all(p.is_file() for p in pages)
    for page in [*pages, out / "index.html"]:
        raw = page.read_text(encoding="utf-8")
        assert "javascript:" not in raw.lower(), page
        doc = lxml.html.fromstring(raw)
        for el in doc.iter():
            if not isinstance(el.tag, str):
                continue
            if el.tag == "form" and el.get("role") == "search" and el.get("class") == "site-search":
                continue  # our own header search box (newsroom_search), not scraped markup
            assert el.tag not in ("iframe", "object", "embed", "svg", "form"), (page, el.tag)
            for name, value in el.attrib.items():
                assert not name.lower().startswith("on"), (page, el.tag, name)
                assert not value.strip().lower().startswith(("javascript:", "data:")), (page, value)
            if el.tag == "script" and el.get("type") == "application/ld+json":
                json.loads(el.text)  # data: the article's text as JSON strings, never code
                assert "xss1" not in el.text  # a script's own text never becomes a summary
            elif el.tag == "script":
                assert "alert" not in (el.text or "") and "injected" not in (el.text or "")
    built = (out / "news" / f"{Path(report['written'][0]).stem}.html")
    assert built.is_file()
    hostile_page = next(p for p in pages if "의원들은 예산 집행" in p.read_text(encoding="utf-8"))
    text = hostile_page.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#39;xss7&#39;)&lt;/script&gt;" in text or (
        "&lt;script&gt;alert('xss7')&lt;/script&gt;" in text)

    # Run again: nothing new is written, no article page is fetched again.
    before = {p: p.stat().st_mtime_ns for p in (content / "scraped").rglob("*.md")}
    view_hits = server.hits("/hanbit/board/view.do")
    assert newsroom(args) == 3
    again = json.loads((state / "scrape-report.json").read_text(encoding="utf-8"))
    assert again["written"] == [] and again["totals"]["new"] == 0
    assert {p: p.stat().st_mtime_ns for p in (content / "scraped").rglob("*.md")} == before
    assert server.hits("/hanbit/board/view.do") == view_hits


def test_update_editor_modified_and_killed_run(sites, tmp_path):
    server, private = sites
    content = tmp_path / "content"
    state = tmp_path / "state"
    src = tmp_path / "sources.toml"
    src.write_text(
        FAST + f"""
[[sources]]
id = "hanbit-board"
name = "한빛시청"
kind = "html"
url = "{server.origin}/hanbit/board/list.do?bbsNo=7&pageIndex=1"
[sources.selectors]
list_item = "table.board-list tbody tr"
link = "td.subject a"
next_page = "div.paging a.next"
""",
        encoding="utf-8",
    )
    args = ["scrape", "--sources", str(src), "--content", str(content), "--state", str(state)]
    # A run killed mid-write left a temporary file: the next run removes it and finishes.
    folder = content / "scraped" / "hanbit-board"
    folder.mkdir(parents=True)
    leftover = folder / ".hanbit-board-0000000000.x1y2.tmp"
    leftover.write_text("Title: 반쯤 쓴", encoding="utf-8")
    assert newsroom(args + ["--limit", "1"]) == 0
    assert not leftover.exists()
    first = json.loads((state / "scrape-report.json").read_text(encoding="utf-8"))
    assert first["sources"][0]["new"] == 1 and first["sources"][0]["deferred"] == 2
    assert newsroom(args) == 0
    files = {parse_header(p.read_text(encoding="utf-8")).value("Source_URL"): p
             for p in folder.glob("*.md")}
    assert len(files) == 3

    # The originals change (수정); the list shows new titles, so the pages are fetched again.
    o = server.origin
    p103 = files[f"{o}/hanbit/board/view.do?bbsNo=7&nttNo=103"]
    p102 = files[f"{o}/hanbit/board/view.do?bbsNo=7&nttNo=102"]
    edited = p102.read_text(encoding="utf-8").replace("셔틀버스를", "셔틀버스(편집자 확인)를")
    p102.write_text(edited, encoding="utf-8")
    changed = tmp_path / "changed"
    shutil.copytree(FIXTURES / "hanbit", changed)
    for name, old, new in [
        ("list1.html", "시립도서관 야간 개방", "시립도서관 야간 개방(수정)"),
        ("list1.html", "국화 축제 개막", "국화 축제 개막(수정)"),
        ("view-103.html", "밤 10시까지", "밤 11시까지"),
        ("view-102.html", "2천여 점", "3천여 점"),
    ]:
        f = changed / name
        f.write_text(f.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    server.route("/hanbit/board/list.do", board(changed, "list%s.html", "pageIndex"))
    server.route("/hanbit/board/view.do", board(changed, "view-%s.html", "nttNo"))
    assert newsroom(args) == 0
    rep = json.loads((state / "scrape-report.json").read_text(encoding="utf-8"))["sources"][0]
    assert rep["updated"] == 1 and rep["new"] == 0
    assert any("editor-modified" in p["reason"] for p in rep["problems"])
    text103 = p103.read_text(encoding="utf-8")
    assert "밤 11시까지" in text103 and parse_header(text103).get("Modified") is not None
    assert p102.read_text(encoding="utf-8") == edited  # the editor's version stays


def test_deleted_state_duplicates_nothing(sites, tmp_path):
    server, _ = sites
    content = tmp_path / "content"
    src = tmp_path / "sources.toml"
    src.write_text(FAST + source_toml("gaon", "가온군청", "html",
                                      f"{server.origin}/gaon/board.php?mode=list"),
                   encoding="utf-8")
    for state in ("s1", "s2"):
        assert newsroom(["scrape", "--sources", str(src), "--content", str(content),
                         "--state", str(tmp_path / state)]) == 0
    assert len(list((content / "scraped" / "gaon").glob("*.md"))) == 2
    rep = json.loads((tmp_path / "s2" / "scrape-report.json").read_text(encoding="utf-8"))
    assert rep["totals"]["new"] == 0 and rep["totals"]["skipped"] == 2


@pytest.mark.parametrize(
    ("entry", "needle"),
    [
        ('id = "../x"\nname = "x"\nkind = "rss"\nurl = "http://127.0.0.1:9/x"', "'id'"),
        ('id = "x"\nname = "x"\nkind = "rss"\nurl = "http://127.0.0.1:9/x"\ncategory = "스포츠"',
         "'category'"),
    ],
)
def test_invalid_config_exits_2_and_writes_nothing(tmp_path, capsys, entry, needle):
    src = tmp_path / "sources.toml"
    src.write_text("[[sources]]\n" + entry + "\n", encoding="utf-8")
    code = newsroom(["scrape", "--sources", str(src), "--content", str(tmp_path / "content"),
                     "--state", str(tmp_path / "state")])
    assert code == 2
    err = capsys.readouterr().err
    assert str(src) in err and needle in err
    assert list(tmp_path.iterdir()) == [src]


def test_dry_run_writes_nothing(sites, tmp_path, capsys):
    server, _ = sites
    src = tmp_path / "sources.toml"
    src.write_text(FAST + source_toml("gaon", "가온군청", "html",
                                      f"{server.origin}/gaon/board.php?mode=list"),
                   encoding="utf-8")
    content = tmp_path / "content"
    code = newsroom(["scrape", "--sources", str(src), "--content", str(content),
                     "--state", str(tmp_path / "state"), "--dry-run"])
    assert code == 0
    out = capsys.readouterr().out
    assert "gaon" in out and "2 files would be written" in out
    assert not content.exists()


def pelican_with_scraper(tmp_path, origin: str, env_extra: dict) -> subprocess.CompletedProcess:
    content = tmp_path / "content"
    if not content.exists():
        # Not what `make demo` scraped into the checkout: only the repository's own content.
        shutil.copytree(PROJECT_ROOT / "content", content,
                        ignore=shutil.ignore_patterns("scraped", "hanbit-*"))
    src = tmp_path / "sources.toml"
    src.write_text(FAST + f"""
[[sources]]
id = "gaon"
name = "가온군청"
kind = "html"
url = "{origin}/gaon/board.php?mode=list"
""", encoding="utf-8")
    conf = tmp_path / "conf.py"
    conf.write_text(
        f"import sys\nsys.path.insert(0, {str(PROJECT_ROOT)!r})\n"
        "from publishconf import *  # noqa\n"
        f"SCRAPER_ON_BUILD = True\nSCRAPER_SOURCES = {str(src)!r}\n"
        f"SCRAPER_STATE = {str(tmp_path / 'state')!r}\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in build_env(origin).items() if k != "PYTEST_CURRENT_TEST"}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "pelican", str(content), "-o", str(tmp_path / "out"), "-s",
         str(conf)],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600,
    )


def test_pelican_plugin_scrapes_before_reading_only_when_opted_in(sites, tmp_path):
    server, _ = sites
    # Under tests (PYTEST_CURRENT_TEST set) the opt-in is ignored: nothing is fetched.
    quiet = pelican_with_scraper(tmp_path, server.origin, {"PYTEST_CURRENT_TEST": "x"})
    assert quiet.returncode == 0, quiet.stderr[-2000:]
    assert server.hits("/gaon/board.php") == 0 and not (tmp_path / "content/scraped").exists()
    # A plain build with SCRAPER_ON_BUILD = True scrapes first, and the new articles are in it.
    built = pelican_with_scraper(tmp_path, server.origin, {})
    assert built.returncode == 0, built.stderr[-2000:]
    files = sorted((tmp_path / "content/scraped/gaon").glob("*.md"))
    assert len(files) == 2
    for f in files:
        assert (tmp_path / "out" / "news" / f"{f.stem}.html").is_file()


@pytest.mark.parametrize(
    ("argv", "interactive"),
    [
        (["pelican", "content", "-s", "publishconf.py"], False),
        (["pelican", "-lr", "content", "-s", "pelicanconf.py"], True),
        (["pelican", "content", "-r"], True),
        (["pelican", "--listen", "-o", "output"], True),
        (["pelican", "content", "-o", "out", "-s", "x.py", "-v"], False),
    ],
)
def test_serve_and_autoreload_are_recognised(argv, interactive):
    from press_scraper.hook import _interactive_pelican

    assert _interactive_pelican(argv) is interactive


def test_demo_site_and_root_sources_toml(tmp_path, monkeypatch):
    """`make demo`'s pieces: demo/server.py and the root sources.toml, on a free port."""
    import importlib.util
    import threading
    from http.server import ThreadingHTTPServer

    spec = importlib.util.spec_from_file_location("demo_server", PROJECT_ROOT / "demo/server.py")
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    monkeypatch.setattr(demo, "ADDED", tmp_path / "demo-added.json")
    monkeypatch.setattr(demo, "STATE", tmp_path)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), demo.Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        port = httpd.server_address[1]
        text = (PROJECT_ROOT / "sources.toml").read_text(encoding="utf-8")
        src = tmp_path / "sources.toml"
        src.write_text(text.replace("127.0.0.1:8765", f"127.0.0.1:{port}")
                       .replace("delay = 0.2", "delay = 0"), encoding="utf-8")
        content = tmp_path / "content"
        args = ["scrape", "--sources", str(src), "--content", str(content),
                "--state", str(tmp_path / "state")]
        assert newsroom(args) == 0
        report = json.loads((tmp_path / "state/scrape-report.json").read_text(encoding="utf-8"))
        new = {s["id"]: s["new"] for s in report["sources"]}
        assert new == {"hanbit-press": 6, "hanbit-news": 2, "hanbit-council": 2}
        council = [p.read_text(encoding="utf-8")
                   for p in (content / "scraped/hanbit-council").glob("*.md")]
        assert any("똠방각하" in t for t in council)  # EUC-KR page with a CP949-only syllable
        demo.add_item("한빛시, 새해 해돋이 행사 안내", "해돋이 행사를 연다.", "press")
        assert newsroom(args) == 0
        again = json.loads((tmp_path / "state/scrape-report.json").read_text(encoding="utf-8"))
        assert again["totals"]["new"] == 1 and len(again["written"]) == 1
    finally:
        httpd.shutdown()
        httpd.server_close()
