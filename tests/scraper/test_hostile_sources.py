"""Sources that try to hurt us: bad links, lying images, internal addresses, invisible
characters, floods of items, broken feeds and bad configuration. A real 127.0.0.1 server, a
real scrape, and (where it matters) a real strict Pelican build."""

from __future__ import annotations

import json
import shutil
import time
import tracemalloc

import pytest
from helpers import PROJECT_ROOT, build_site
from server import Reply, image_bytes, redirect, source_toml
from test_scrape_e2e import FAST

from newsroom.cli import main as newsroom
from newsroom.core.model import parse_header
from press_scraper.kinds.feed import MAX_FEED_ITEMS
from press_scraper.pipeline import scrape

RSS = "application/rss+xml"
HTML = "text/html; charset=utf-8"
BODY = ("<p>한빛시는 올해 하반기 도로 정비 사업을 마무리했다고 밝혔다. 사업에는 예산 40억 원이 들었다.</p>"
        "<p>시는 주민 의견을 받아 보행로를 넓히고 횡단보도 조명을 새로 달았다. 내년에는 읍면 지역으로 "
        "사업을 넓힌다.</p>")


def rss(*items: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>'
            + "".join(items) + "</channel></rss>").encode("utf-8")


def item(title: str, link: str, date: str = "2026-01-07 10:00:00", desc: str = "") -> str:
    return (f"<item><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate>"
            f"<description><![CDATA[{desc}]]></description></item>")



def sources_file(tmp_path, *tables: str):
    """sources.toml with the fast [scraper] settings and these `[[sources]]` tables."""
    path = tmp_path / "sources.toml"
    path.write_text(FAST + "".join(tables), encoding="utf-8")
    return path


def run(tmp_path, src, *extra: str) -> tuple[int, dict]:
    state = tmp_path / "state"
    code = newsroom(["scrape", "--sources", str(src), "--content", str(tmp_path / "content"),
                     "--state", str(state), *extra])
    report_path = state / "scrape-report.json"
    report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.exists() else {}
    return code, report


def test_bad_links_lying_images_internal_addresses_and_invisible_characters(fixture_server,
                                                                            tmp_path):
    s = fixture_server
    o = s.origin
    # A feed title with a right-to-left override and a zero-width space; a NUL in the page.
    title = "한빛시\u202e,fdp.exe\u202c 도로\u200b 정비 마무리"
    body_with_nul = BODY.replace("도로 정비", "도로\x00 정비")
    page = f"""<html><head><meta charset="utf-8"><title>도로 정비 - 한빛시청</title></head><body>
<h3>도로 정비</h3><p>등록일 2026-01-07</p><div class="view">{body_with_nul}
<p><img src="/h/img/good.jpg" alt="정비된 보행로"></p>
<p><img src="/h/img/to-file.png" alt="파일로 넘기는 사진"></p>
<p><img src="/h/img/fake.jpg" alt="JPEG인 척하는 HTML"></p>
<p><img src="/h/img/evil-svg.png" alt="스크립트 SVG"></p>
<p><img src="/h/img/svg-as-png.png" alt="PNG인 척하는 SVG"></p>
<p><img src="http://127.0.0.1:1/internal.png" alt="내부 주소 사진"></p>
<p><img src="/h/img/to-internal.png" alt="내부로 넘기는 사진"></p>
</div></body></html>"""
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script>'
           b'<rect width="10" height="10"/></svg>')
    s.route("/h/ok.html", Reply(body=page.encode("utf-8"), headers={"Content-Type": HTML}))
    s.route("/h/img/good.jpg", Reply(body=image_bytes("JPEG", (10, 8), (200, 50, 50)), headers={"Content-Type": "image/jpeg"}))
    s.route("/h/img/to-file.png", redirect("file:///etc/passwd"))
    s.route("/h/img/fake.jpg", Reply(body=b"<html><script>alert(3)</script></html>",
                                     headers={"Content-Type": "image/jpeg"}))
    s.route("/h/img/evil-svg.png", Reply(body=svg, headers={"Content-Type": "image/svg+xml"}))
    s.route("/h/img/svg-as-png.png", Reply(body=svg, headers={"Content-Type": "image/png"}))
    s.route("/h/img/to-internal.png", redirect("http://127.0.0.1:1/x.png"))
    s.route("/h/rss.xml", Reply(body=rss(
        item(title, "/h/ok.html"),
        item("스크립트 링크", "javascript:alert(document.cookie)"),
        item("파일 링크", "file:///etc/passwd"),
        item("내부 주소", "http://127.0.0.1:1/admin"),
        item("메타데이터 주소", "http://169.254.169.254/latest/meta-data/"),
    ), headers={"Content-Type": RSS}))
    src = sources_file(tmp_path, source_toml("hostile", "한빛시청", "rss", f"{o}/h/rss.xml"))
    shutil.copytree(PROJECT_ROOT / "content", tmp_path / "content")
    code, report = run(tmp_path, src)
    assert code == 0
    rep = report["sources"][0]
    # javascript: and file: links are no items at all; internal addresses are refused.
    assert rep["found"] == 3 and rep["new"] == 1 and rep["failed"] == 2
    reasons = {p["url"]: p["reason"] for p in rep["problems"]}
    assert "non-public address" in reasons["http://127.0.0.1:1/admin"]
    assert "non-public address" in reasons["http://169.254.169.254/latest/meta-data/"]
    assert "non-http scheme" in reasons[f"{o}/h/img/to-file.png"]
    assert "not a readable image" in reasons[f"{o}/h/img/fake.jpg"]
    assert "image/svg+xml" in reasons[f"{o}/h/img/evil-svg.png"]
    assert "not a readable image" in reasons[f"{o}/h/img/svg-as-png.png"]
    assert "non-public address" in reasons["http://127.0.0.1:1/internal.png"]
    assert "non-public address" in reasons[f"{o}/h/img/to-internal.png"]

    (path,) = (tmp_path / "content/scraped/hostile").glob("*.md")
    text = path.read_text(encoding="utf-8")
    h = parse_header(text)
    assert h.value("Title") == "한빛시,fdp.exe 도로 정비 마무리"
    for bad in ("\u202e", "\u202c", "\u200b", "\x00", "\ufffd"):
        assert bad not in text, repr(bad)
    images = sorted(p.name for p in (tmp_path / "content/images/hostile").iterdir())
    assert len(images) == 1 and images[0].endswith(".jpg")
    assert h.value("Image") == f"images/hostile/{images[0]}"
    assert "<svg" not in text and "onload" not in text and "alert" not in text
    assert "JPEG인 척하는 HTML" in text  # a dropped image keeps its words
    assert "도로 정비 사업을 마무리했다" in text  # the NUL is gone, not the sentence

    out = tmp_path / "out"
    built = build_site(tmp_path / "content", out, PROJECT_ROOT / "publishconf.py")
    assert built.returncode == 0 and built.problems() == [], built.log[-2000:]
    html = (out / "news" / f"{path.stem}.html").read_text(encoding="utf-8")
    assert "\u202e" not in html and "alert" not in html and "<svg" not in html


def test_replacement_characters_in_the_source(fixture_server, tmp_path):
    s = fixture_server
    # Found by hand: a real feed's own bytes hold U+FFFD ("Elman\ufffds"); the whole article was
    # thrown away. A few are now cut out; text that is mostly broken is still refused.
    few = BODY.replace("도로 정비", "도로\ufffd 정비")
    many = "<p>" + "깨진\ufffd\ufffd글자 " * 60 + "</p>"
    s.route("/r/rss.xml", Reply(body=rss(
        item("몇 글자 깨진 기사", "/r/few.html", desc=""),
        item("다 깨진 기사", "/r/many.html", desc=""),
    ), headers={"Content-Type": RSS}))
    for name, body in (("few", few), ("many", many)):
        html = f"<html><body><h1>{name} 기사 제목</h1>{body}</body></html>"
        s.route(f"/r/{name}.html", Reply(body=html.encode("utf-8"), headers={"Content-Type": HTML}))
    src = sources_file(tmp_path,
                       source_toml("broken-text", "한빛시청", "rss", f"{s.origin}/r/rss.xml"))
    code, report = run(tmp_path, src)
    assert code == 0
    rep = report["sources"][0]
    assert rep["new"] == 1 and rep["failed"] == 1, rep["problems"]
    (path,) = (tmp_path / "content/scraped/broken-text").glob("*.md")
    text = path.read_text(encoding="utf-8")
    assert "\ufffd" not in text and "도로 정비" in text
    reasons = " ".join(p["reason"] for p in rep["problems"])
    assert "removed 1 replacement" in reasons and "not written" in reasons


@pytest.mark.parametrize(
    ("feed", "needle"),
    [
        # A real ill-formed feed: items without <link> gave 0 items and exit 0, run after run.
        (rss(item("링크 없는 기사", "")).replace(b"<link></link>", b""), "none with an http(s) link"),
        (rss(item("스크립트만", "javascript:void(0)")), "none with an http(s) link"),
        # A real malformed feed (a doubled, broken XML declaration) was read as empty.
        (b'<?xml?xml version="1.0" ??><rss rss:version=2.0><rss:channel><rss:item>'
         b"<rss:title>x</rss:title></rss:item></rss:channel></rss>", "not a well-formed feed"),
    ],
)
def test_a_feed_that_yields_nothing_usable_is_a_failed_source(fixture_server, tmp_path, feed,
                                                              needle):
    s = fixture_server
    s.route("/bad/rss.xml", Reply(body=feed, headers={"Content-Type": RSS}))
    s.route("/good/rss.xml", Reply(body=rss(item("멀쩡한 기사", "/good/a.html", desc="요약 " * 30)),
                                   headers={"Content-Type": RSS}))
    s.route("/good/a.html", Reply(body=f"<html><body><h1>멀쩡한 기사</h1>{BODY}</body></html>"
                                  .encode(), headers={"Content-Type": HTML}))
    src = sources_file(tmp_path,
                       source_toml("bad", "깨진 피드", "rss", f"{s.origin}/bad/rss.xml"),
                       source_toml("good", "멀쩡한 피드", "rss", f"{s.origin}/good/rss.xml"))
    code, report = run(tmp_path, src)
    assert code == 3
    by_id = {r["id"]: r for r in report["sources"]}
    assert needle in by_id["bad"]["error"] and "/bad/rss.xml" in by_id["bad"]["error"]
    assert by_id["good"]["new"] == 1  # one broken source never stops the others


def test_ten_thousand_items_with_limit_stay_bounded(fixture_server, tmp_path):
    s = fixture_server
    n = 10_000
    items = "".join(item(f"보도자료 {i}번", f"/flood/view?n={i}", desc="짧은 요약") for i in range(n))
    s.route("/flood/rss.xml", Reply(body=rss(items), headers={"Content-Type": RSS}))
    s.route("/flood/view", lambda req: Reply(
        body=f"<html><body><h1>보도자료 {req.query}</h1>{BODY}</body></html>".encode(),
        headers={"Content-Type": HTML}))
    src = sources_file(tmp_path,
                       source_toml("flood", "홍수 기관", "rss", f"{s.origin}/flood/rss.xml"))
    tracemalloc.start()
    started = time.monotonic()
    try:
        report = scrape(src, tmp_path / "content", state_dir=tmp_path / "state", limit=5)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rep = report.sources[0]
    # A feed is read up to MAX_FEED_ITEMS items (issue 10): the rest are never parsed.
    read = min(n, MAX_FEED_ITEMS)
    assert (rep.found, rep.new, rep.deferred) == (read, 5, read - 5)
    assert s.hits("/flood/view") == 5
    assert peak < 150 * 1024 * 1024, peak
    assert time.monotonic() - started < 60


def test_max_pages_bounds_a_list_that_links_to_hundreds_of_pages(fixture_server, tmp_path):
    s = fixture_server

    def listing(req):
        page = int((req.query.split("page=")[-1] or "1") if "page=" in req.query else 1)
        links = "".join(f'<li><a href="/big/view.do?nttNo={page * 1000 + i}">보도자료 제목 {page}-{i}</a></li>'
                        for i in range(500))
        nxt = f'<a class="next" href="/big/list.do?page={page + 1}">다음</a>'
        return Reply(body=f"<html><body><main><ul>{links}</ul>{nxt}</main></body></html>".encode(),
                     headers={"Content-Type": HTML})

    s.route("/big/list.do", listing)
    s.route("/big/view.do", lambda req: Reply(
        body=f"<html><body><h1>보도자료 {req.query}</h1><dl><dt>등록일</dt><dd>2026-11-20</dd>"
             f"</dl>{BODY}</body></html>".encode(),
        headers={"Content-Type": HTML}))
    src = sources_file(tmp_path, source_toml("big", "큰 게시판", "html",
                                             f"{s.origin}/big/list.do?page=1", "max_pages = 2\n"))
    code, report = run(tmp_path, src, "--limit", "3")
    assert code == 0
    rep = report["sources"][0]
    assert s.hits("/big/list.do") == 2
    assert (rep["found"], rep["new"], rep["deferred"]) == (1000, 3, 997)
    assert s.hits("/big/view.do") == 3


@pytest.mark.parametrize(
    ("body", "key", "words"),
    [
        (source_toml("a", "가", "rss", "http://127.0.0.1:9/a")
         + source_toml("a", "나", "rss", "http://127.0.0.1:9/b"), "'id'", "duplicate id"),
        (source_toml("a", "가", "rss", "file:///etc/passwd"), "'url'", "http or https"),
        (source_toml("a", "가", "html", "http://127.0.0.1:9/a", "max_pages = 100000\n"),
         "'max_pages'", "from 1 to 100"),
        (source_toml("a", "가\\u202e나", "rss", "http://127.0.0.1:9/a"), "'name'", "invisible"),
    ],
)
def test_bad_sources_file_exits_2_naming_file_and_key(tmp_path, capsys, body, key, words):
    src = tmp_path / "sources.toml"
    src.write_text(body, encoding="utf-8")
    code, _ = run(tmp_path, src)
    assert code == 2
    err = capsys.readouterr().err
    assert str(src) in err and key in err and words in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sources.toml"]


def test_post_only_board_is_a_failed_source_not_a_silent_one(fixture_server, tmp_path):
    s = fixture_server
    rows = "".join(f"<tr><td>{n}</td><td><a href=\"javascript:searchDetail('{n}')\" "
                   f"onclick=\"searchDetail('{n}')\">한빛시 보도자료 {n}번 제목</a></td></tr>"
                   for n in range(10))
    s.route("/post/OfrAction.do", Reply(
        body=f"<html><body><main><table>{rows}</table></main></body></html>".encode(),
        headers={"Content-Type": HTML}))
    src = sources_file(tmp_path, source_toml("post-board", "새올 게시판", "html",
                                             f"{s.origin}/post/OfrAction.do"))
    code, report = run(tmp_path, src)
    assert code == 3
    error = report["sources"][0]["error"]
    assert "no article links" in error and "/post/OfrAction.do" in error
