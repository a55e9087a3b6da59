"""Hostile input, round two (issue 10): one bad item never stops a source, a source never
stops the site. A real 127.0.0.1 server, a real scrape, and where it matters a real strict
Pelican build whose feeds are read by a strict XML parser."""

from __future__ import annotations

import io
import json
import sys
from datetime import timedelta

from helpers import PROJECT_ROOT, build_site, in_tiny_filesystem, new_content
from lxml import etree
from PIL import Image
from server import Reply, image_bytes, source_toml
from test_hostile_sources import BODY, HTML, RSS, item, rss, run, sources_file
from test_scrape_e2e import FAST

from newsroom.core.model import KST, MAX_LENGTHS, now_kst, parse_date, parse_header
from press_scraper.kinds.feed import MAX_FEED_ITEMS
from press_scraper.markdown import check_rendered, plain_text_markdown


def dc_feed(*items: str) -> bytes:
    """An RSS 2.0 feed whose items may use Dublin Core dates, as Korean CMSs' feeds do."""
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>보도자료</title>'
            + "".join(items) + "</channel></rss>").encode("utf-8")


def dc_item(title: str, link: str, date: str) -> str:
    return f"<item><title>{title}</title><link>{link}</link><dc:date>{date}</dc:date></item>"


def page(title: str, body: str = BODY, head: str = "") -> bytes:
    return (f'<html><head><meta charset="utf-8">{head}<title>{title}</title></head><body>'
            f"<h1>{title}</h1><div class=\"view\">{body}</div></body></html>").encode()


def test_one_bad_date_or_character_costs_that_item_at_most(fixture_server, tmp_path):
    s = fixture_server
    o = s.origin
    # Before: OverflowError from astimezone(KST) killed the run (no files, no report), and a
    # lone surrogate failed the whole source.
    s.route("/d/rss.xml", Reply(body=dc_feed(
        dc_item("먼 미래 날짜 기사", "/d/1.html", "9999-12-31T23:59:59-14:00"),
        dc_item("기원 원년 날짜 기사", "/d/2.html", "0001-01-01T00:00:00+14:00"),
        dc_item("하루 넘는 오프셋 기사", "/d/3.html", "2026-01-07T10:00:00+25:00"),
        dc_item("서로게이트 &#xD800; 섞인 기사", "/d/4.html", "2026-01-07T10:00:00+09:00"),
        dc_item("멀쩡한 기사", "/d/5.html", "2026-01-07T11:00:00+09:00"),
    ), headers={"Content-Type": RSS}))
    meta = '<meta property="article:published_time" content="0001-01-01T00:00:00+14:00">'
    for n in range(1, 6):
        s.route(f"/d/{n}.html", Reply(body=page(f"기사 {n}", head=meta),
                                      headers={"Content-Type": HTML}))
    s.route("/other/rss.xml", Reply(body=rss(item("다른 기관 기사", "/other/a.html")),
                                    headers={"Content-Type": RSS}))
    s.route("/other/a.html", Reply(body=page("다른 기관 기사"), headers={"Content-Type": HTML}))
    src = sources_file(tmp_path, source_toml("dates", "날짜 기관", "rss", f"{o}/d/rss.xml"),
                       source_toml("other", "다른 기관", "rss", f"{o}/other/rss.xml"))
    before = now_kst().replace(microsecond=0)
    code, report = run(tmp_path, src)
    assert code == 0, report
    by_id = {r["id"]: r for r in report["sources"]}
    assert by_id["other"]["new"] == 1
    rep = by_id["dates"]
    assert rep["error"] is None and (rep["new"], rep["failed"]) == (5, 0), rep["problems"]

    dates = {}
    for path in (tmp_path / "content/scraped/dates").glob("*.md"):
        h = parse_header(path.read_text(encoding="utf-8"))
        dates[h.value("Title")] = parse_date(h.value("Date"))
        assert "\ud800" not in h.value("Title")
    assert set(dates) == {"먼 미래 날짜 기사", "기원 원년 날짜 기사", "하루 넘는 오프셋 기사",
                          "서로게이트 섞인 기사", "멀쩡한 기사"}
    # Refused dates are as if missing: dated when found, never 9999 or 0001 (or 2001).
    for title in ("먼 미래 날짜 기사", "기원 원년 날짜 기사"):
        assert before <= dates[title] <= now_kst(), (title, dates[title])
    assert dates["멀쩡한 기사"].astimezone(KST).strftime("%Y-%m-%d %H:%M") == "2026-01-07 11:00"

    # Each refused value is reported, and source health keeps them as a warning.
    notices = " ".join(rep["notices"])
    assert "9999-12-31T23:59:59-14:00 is out of range" in notices and f"{o}/d/1.html" in notices
    assert "0001-01-01T00:00:00+14:00 is out of range" in notices and f"{o}/d/2.html" in notices
    health = json.loads((tmp_path / "state/health.json").read_text(encoding="utf-8"))
    assert health["sources"]["dates"]["notices"] and not health["sources"]["other"]["notices"]
    assert any("'dates' gave values that were refused" in w for w in report["health_warnings"])


def test_dates_far_from_now_go_to_health_and_are_dated_when_found(fixture_server, tmp_path):
    s = fixture_server
    ahead = now_kst().replace(year=now_kst().year + 1).strftime("%Y-%m-%dT%H:%M:%S+09:00")
    s.route("/f/rss.xml", Reply(body=dc_feed(
        dc_item("내년 날짜 기사", "/f/1.html", ahead),
        dc_item("1980년 날짜 기사", "/f/2.html", "1980-05-01T10:00:00+09:00"),
        dc_item("한 시간 뒤 엠바고 기사", "/f/3.html",
                (now_kst() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S+09:00")),
    ), headers={"Content-Type": RSS}))
    for n in range(1, 4):
        s.route(f"/f/{n}.html", Reply(body=page(f"기사 {n}"), headers={"Content-Type": HTML}))
    src = sources_file(tmp_path, source_toml("far", "먼 날짜 기관", "rss", f"{s.origin}/f/rss.xml"))
    code, report = run(tmp_path, src)
    assert code == 0
    rep = report["sources"][0]
    assert rep["new"] == 3
    notices = " ".join(rep["notices"])
    assert "is more than a day ahead of this run" in notices and "/f/1.html" in notices
    assert "is before 1995" in notices and "/f/2.html" in notices
    assert "/f/3.html" not in notices
    years = sorted(parse_date(parse_header(p.read_text(encoding="utf-8")).value("Date")).year
                   for p in (tmp_path / "content/scraped/far").glob("*.md"))
    assert years == [now_kst().year] * 3


def test_xml_illegal_characters_never_reach_the_feeds(fixture_server, tmp_path):
    s = fixture_server
    # The raw bytes EF BF BE (U+FFFE) in a page's body, and &#xFFFE; / &#xFFFF; in feed titles.
    body = BODY.encode("utf-8").replace("도로 정비".encode(), "도로\ufffe 정비".encode())
    s.route("/x/rss.xml", Reply(body=rss(
        item("비문자 &#xFFFE; 제목", "/x/1.html", desc="요약 &#xFFFF; 입니다"),
        item("본문에 비문자", "/x/2.html"),
    ), headers={"Content-Type": RSS}))
    s.route("/x/1.html", Reply(body=page("비문자 제목"), headers={"Content-Type": HTML}))
    s.route("/x/2.html", Reply(
        body=b'<html><head><meta charset="utf-8"></head><body><h1>\xef\xbf\xbe</h1>'
             b'<div class="view">' + body + b"</div></body></html>",
        headers={"Content-Type": HTML}))
    src = sources_file(tmp_path, source_toml("nonchar", "비문자 기관", "rss",
                                             f"{s.origin}/x/rss.xml", 'category = "정치"\n'))
    content = new_content(tmp_path / "content")
    code, report = run(tmp_path, src)
    assert code == 0 and report["sources"][0]["new"] == 2, report
    for path in (content / "scraped/nonchar").glob("*.md"):
        text = path.read_text(encoding="utf-8")
        assert "\ufffe" not in text and "\uffff" not in text
    out = tmp_path / "out"
    built = build_site(content, out, PROJECT_ROOT / "publishconf.py")
    assert built.returncode == 0, built.log[-3000:]
    feeds = sorted((out / "feeds").glob("*.xml"))
    assert feeds
    for feed in feeds:
        etree.fromstring(feed.read_bytes())  # raises on a document that is not well-formed
    assert "비문자 제목" in (out / "feeds/all.atom.xml").read_text(encoding="utf-8")


def test_endless_titles_summaries_and_names_are_clipped(fixture_server, tmp_path):
    s = fixture_server
    title = "한빛시 도로 정비 " * 12_500  # 100,000 characters
    author = "홍길동 " * 200
    feed = ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>'
            f"<item><title>{title}</title><link>/long/1.html</link><author>{author}</author>"
            "<pubDate>2026-01-07 10:00:00</pubDate>"
            f"<description>{'요약 문장입니다. ' * 5000}</description></item></channel></rss>")
    s.route("/long/rss.xml", Reply(body=feed.encode(), headers={"Content-Type": RSS}))
    s.route("/long/1.html", Reply(body=page("긴 제목"), headers={"Content-Type": HTML}))
    src = sources_file(tmp_path, source_toml("long", "긴 기관", "rss", f"{s.origin}/long/rss.xml"))
    code, report = run(tmp_path, src)
    assert code == 0 and report["sources"][0]["new"] == 1, report
    (path,) = (tmp_path / "content/scraped/long").glob("*.md")
    h = parse_header(path.read_text(encoding="utf-8"))
    assert h.value("Title").startswith("한빛시 도로 정비 한빛시")
    assert h.value("Title").endswith("…") and len(h.value("Title")) <= MAX_LENGTHS["Title"]
    assert len(h.value("Summary")) <= MAX_LENGTHS["Summary"]
    assert len(h.value("Authors")) <= MAX_LENGTHS["Authors"]
    header = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert len(header) < 2_000


def test_a_harmless_javascript_word_in_a_link_path_keeps_the_article_whole(fixture_server,
                                                                           tmp_path, caplog):
    s = fixture_server
    body = ('<p>첫째 문단입니다. 자세한 내용은 <a href="https://www.example.go.kr/board/'
            'javascript:void(0)/view.do">시 누리집</a>에서 볼 수 있다.</p>' + BODY)
    s.route("/j/rss.xml", Reply(body=rss(item("링크 경로 기사", "/j/1.html")),
                                headers={"Content-Type": RSS}))
    s.route("/j/1.html", Reply(body=page("링크 경로 기사", body), headers={"Content-Type": HTML}))
    src = sources_file(tmp_path, source_toml("jsword", "링크 기관", "rss", f"{s.origin}/j/rss.xml"))
    code, report = run(tmp_path, src)
    assert code == 0 and report["sources"][0]["new"] == 1, report
    assert "unsafe markup" not in caplog.text
    (path,) = (tmp_path / "content/scraped/jsword").glob("*.md")
    body_md = path.read_text(encoding="utf-8").split("\n\n", 1)[1]
    assert "[시 누리집](https://www.example.go.kr/board/javascript:void" in body_md
    assert len([p for p in body_md.split("\n\n") if p.strip()]) >= 3  # paragraphs kept


def test_the_plain_text_fallback_keeps_paragraphs():
    html = "<p>첫째 문단.</p><p>둘째 <b>문단</b>.</p><ul><li>항목 하나</li><li>항목 둘</li></ul>"
    assert plain_text_markdown(html) == "첫째 문단.\n\n둘째 문단.\n\n항목 하나\n\n항목 둘"
    # Script URLs are still caught, however they are spelled.
    assert check_rendered('<a href="&#106;avascript:alert(1)">x</a>')
    assert check_rendered("[x](https://example.go.kr/javascript:go)") is None


def test_a_source_id_too_long_for_a_file_name_is_a_configuration_error(config_error):
    long_id = "a" * 250
    path, err = config_error(FAST + source_toml(long_id, "긴 아이디", "rss",
                                                "http://127.0.0.1:9/rss.xml"))
    assert str(path) in err and "'id'" in err and "at most 40 characters" in err


def test_polyglot_images_are_published_re_encoded(fixture_server, tmp_path):
    s = fixture_server
    html = b"<html><body><script>alert(401)</script></body></html>"
    png = image_bytes("PNG", (12, 9), (10, 120, 200)) + html
    jpeg = image_bytes("JPEG", (16, 12), (200, 120, 10)) + html
    gif = io.BytesIO()
    Image.new("P", (10, 10), 3).save(gif, "GIF", comment=b"*/alert(402)/*")
    gif = gif.getvalue() + b"\nalert(403);"
    body = ('<p><img src="/poly/a.png" alt="사진 하나"></p><p><img src="/poly/b.jpg" alt="둘"></p>'
            '<p><img src="/poly/c.gif" alt="셋"></p>' + BODY)
    s.route("/poly/rss.xml", Reply(body=rss(item("사진 기사", "/poly/1.html")),
                                   headers={"Content-Type": RSS}))
    s.route("/poly/1.html", Reply(body=page("사진 기사", body), headers={"Content-Type": HTML}))
    for name, data, ctype in (("a.png", png, "image/png"), ("b.jpg", jpeg, "image/jpeg"),
                              ("c.gif", gif, "image/gif")):
        s.route(f"/poly/{name}", Reply(body=data, headers={"Content-Type": ctype}))
    src = sources_file(tmp_path, source_toml("poly", "사진 기관", "rss", f"{s.origin}/poly/rss.xml"))
    code, report = run(tmp_path, src)
    assert code == 0 and report["sources"][0]["new"] == 1, report
    saved = sorted((tmp_path / "content/images/poly").iterdir())
    assert sorted(p.suffix for p in saved) == [".gif", ".jpg", ".png"]
    for path in saved:
        data = path.read_bytes()
        assert b"alert" not in data and b"<script" not in data and b"<html" not in data, path
        with Image.open(path) as img:  # still the same picture
            assert img.size == {".png": (12, 9), ".jpg": (16, 12), ".gif": (10, 10)}[path.suffix]


def test_a_huge_feed_is_cut_before_it_is_parsed(fixture_server, tmp_path, caplog):
    s = fixture_server
    n = 20_000
    # Dated: an item with no date anywhere is not written (issue 9), and this test is about
    # the cap on items, not about dates.
    items = "".join(f"<item><title>보도자료 {i}</title><link>/big/{i}</link>"
                    "<pubDate>Mon, 30 Nov 2026 09:00:00 +0900</pubDate></item>"
                    for i in range(n))
    s.route("/big/rss.xml", Reply(body=rss(items), headers={"Content-Type": RSS}))
    s.route("/big/0", Reply(body=page("보도자료 0"), headers={"Content-Type": HTML}))
    s.route("/big/1", Reply(body=page("보도자료 1"), headers={"Content-Type": HTML}))
    src = sources_file(tmp_path, source_toml("big", "큰 피드", "rss", f"{s.origin}/big/rss.xml"))
    code, report = run(tmp_path, src, "--limit", "2")
    assert code == 0
    rep = report["sources"][0]
    # The newest MAX_FEED_ITEMS (feeds list the newest first), and a warning for the rest.
    assert (rep["found"], rep["new"], rep["deferred"]) == (MAX_FEED_ITEMS, 2, MAX_FEED_ITEMS - 2)
    assert f"holds {n - MAX_FEED_ITEMS} more items than the {MAX_FEED_ITEMS} read" in caplog.text


def test_a_full_disk_stops_the_scrape_and_says_so(fixture_server, tmp_path):
    s = fixture_server
    s.route("/full/rss.xml", Reply(body=rss(*(item(f"기사 {n}", f"/full/{n}.html")
                                                for n in range(6))),
                                   headers={"Content-Type": RSS}))
    for n in range(6):
        s.route(f"/full/{n}.html", Reply(body=page(f"기사 {n}", BODY * 20),
                                         headers={"Content-Type": HTML}))
    src = sources_file(tmp_path, source_toml("full", "가득 찬 기관", "rss",
                                             f"{s.origin}/full/rss.xml"))
    result = in_tiny_filesystem(tmp_path / "content" / "scraped", [
        sys.executable, "-m", "newsroom.cli", "scrape", "--sources", str(src),
        "--content", str(tmp_path / "content"), "--state", str(tmp_path / "state")])
    assert result.returncode == 1, result.stdout + result.stderr
    assert "out of disk space" in result.stderr and "Traceback" not in result.stderr
