"""`newsroom probe URL` on a feed, a list page, a page advertising a feed and a page with no
board, against the fixture boards on a real server on 127.0.0.1 (issue 16)."""

from __future__ import annotations

import json
import tomllib

import pytest
from server import Reply, file_reply
from test_board_discovery import BOARDS, EXPECTED, HTML, serve_boards, view_page

from newsroom.cli import main as newsroom
from press_scraper.sources import parse

RSS = "application/rss+xml"


@pytest.fixture
def site(fixture_server, tmp_path, monkeypatch):
    """The boards, a feed, and a page that advertises it; the probe runs in an empty folder."""
    s = fixture_server
    serve_boards(s)
    s.route("/haon/rss/press.xml", file_reply(BOARDS / "haon-rss.xml", RSS))
    s.route("/haon/news.html", file_reply(BOARDS / "haon-news.html", HTML))
    s.route("/haon/board/view.do", lambda req: Reply(
        body=view_page("ondal", req.query.rsplit("=", 1)[-1]).replace(
            "온달군청".encode(), "하온시청".encode()), headers={"Content-Type": HTML}))
    s.route("/yeoul/news.do", file_reply(BOARDS / "yeoul-news.html", HTML))
    s.route("/yeoul/board/view.do", lambda req: Reply(
        body=view_page("ondal", req.query.rsplit("=", 1)[-1]).replace(
            "온달군청".encode(), "여울군청".encode()), headers={"Content-Type": HTML}))
    (tmp_path / "sources.toml").write_text("[scraper]\ndelay = 0\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return s


def probe(capsys, *args: str) -> tuple[int, str, str]:
    code = newsroom(["probe", *args])
    out, err = capsys.readouterr()
    return code, out, err


def probe_json(capsys, *args: str) -> tuple[int, dict]:
    code, out, _ = probe(capsys, *args, "--json")
    return code, json.loads(out)


def assert_wrote_nothing(tmp_path) -> None:
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sources.toml"]


def test_probe_a_list_page(site, capsys, tmp_path):
    url = site.url("/ondal/bbs/press?m=626&act=list&categoryId=0")
    code, out, err = probe(capsys, url)
    assert code == 0, err
    assert "a list page" in out and "Rows on the first page: 10" in out
    for item_id in EXPECTED["ondal"]:
        assert f"articleId={item_id}&" in out
    assert "178301" not in out  # the most-viewed box beside the board
    # One article read in full: title, date, department, body, attachment, licence.
    assert "온달군, 보도자료 178408번 농업 지원사업 확대" in out
    assert "2026-01-07 14:11" in out and "공공누리 제1유형" in out
    assert "농업 지원사업 안내(178408).hwp" in out and "□ 온달군청은" in out
    # A ready block: the generic pass is enough, so no selectors.
    block = out.split("For sources.toml:", 1)[1].split("Could not decide", 1)[0]
    source = parse(tomllib.loads(block)).sources[0]
    assert (source.id, source.name, source.kind, source.url) == ("ondal", "온달군청", "html", url)
    assert "[sources.selectors]" not in block
    # Politely and once: the list page and one article, nothing else.
    asked = [r.path + "?" + r.query for r in site.requests if r.path != "/robots.txt"]
    assert asked == [url.split(site.origin)[1],
                     "/ondal/bbs/press?act=read&articleId=178408&categoryId=0&m=626"]
    assert_wrote_nothing(tmp_path)


def test_probe_a_feed(site, capsys, tmp_path):
    code, data = probe_json(capsys, site.url("/haon/rss/press.xml"))
    assert code == 0
    assert data["found"] and data["kind"] == "rss" and "feed" in data["detected"]
    assert [r["title"] for r in data["rows"]][:2] == ["하온시, 2026년 청년 월세 지원 대상 확대",
                                                     "하온시, 겨울철 취약계층 난방비 지원"]
    assert data["rows"][0]["date"] == "2026-01-07 14:11:00"
    # The feed carries summaries only: the article page was read.
    article = data["article"]
    assert article["url"].endswith("nttNo=2201") and article["license"] == "공공누리 제1유형"
    assert article["attachments"] and article["body"].startswith("□ 하온시청은")
    source = parse(tomllib.loads(data["toml"])).sources[0]
    assert (source.kind, source.name) == ("rss", "하온시청")
    assert_wrote_nothing(tmp_path)


def test_probe_a_feed_served_as_html_is_still_a_feed(site, capsys):
    site.route("/haon/rss.do", file_reply(BOARDS / "haon-rss.xml", "text/html;charset=UTF-8"))
    code, data = probe_json(capsys, site.url("/haon/rss.do"))
    assert code == 0 and data["kind"] == "rss" and len(data["rows"]) == 3


def test_probe_a_page_that_advertises_a_feed_suggests_the_feed(site, capsys, tmp_path):
    page = site.url("/haon/news.html")
    code, data = probe_json(capsys, page)
    assert code == 0
    assert "advertises a feed" in data["detected"]
    assert data["feed_url"] == site.url("/haon/rss/press.xml")
    assert data["source"]["kind"] == "rss" and data["source"]["url"] == data["feed_url"]
    assert data["source"]["name"] == "하온시청"  # the page's site name
    assert len(data["rows"]) == 3
    # --kind html reads the page itself: it has no board.
    code, data = probe_json(capsys, page, "--kind", "html")
    assert code == 1 and not data["rows"]
    assert any("advertises a feed" in n for n in data["notes"])


def test_probe_a_page_with_no_board_exits_1_saying_what_to_set(site, capsys, tmp_path):
    code, out, err = probe(capsys, site.url("/maeul/greeting.do"))
    assert code == 1
    assert "no article links on the list page" in err and "selectors.list_item" in err
    assert "Rows on the first page: 0" in out
    assert [r.path for r in site.requests if r.path != "/robots.txt"] == ["/maeul/greeting.do"]
    assert_wrote_nothing(tmp_path)


def test_probe_script_board_then_the_view_url_fix(site, capsys):
    url = site.url("/hangyeol/board/list.do?bbsCd=BD_PRESS")
    code, _, err = probe(capsys, url)
    assert code == 1 and "goView" in err and "view_url" in err
    template = site.url("/hangyeol/board/view.do?bbsCd={1}&seq={2}")
    code, data = probe_json(capsys, url, "--view-url", template)
    assert code == 0 and len(data["rows"]) == len(EXPECTED["hangyeol"])
    assert data["source"]["html"] == {"view_url": template}
    assert parse(tomllib.loads(data["toml"])).sources[0].spec.view_url == template


def test_probe_selectors_override_is_used_and_kept_in_the_block(site, capsys):
    url = site.url("/garam/selectBbsNttList.do?bbsNo=662&key=1790")
    code, data = probe_json(capsys, url, "--selectors", "list_item=div.notice_box li",
                            "link=a")
    assert code == 0
    assert [r["link"].rsplit("=", 1)[1] for r in data["rows"]] == ["5120", "5118", "5117", "5115"]
    assert data["source"]["selectors"] == {"list_item": "div.notice_box li", "link": "a"}


def test_probe_pins_the_board_with_selectors_when_two_blocks_look_alike(site, capsys,
                                                                         tmp_path):
    # A 소식 page with a 보도자료 box and a 고시공고 box of the same shape: the heading that
    # matches the page title decides, and the probe pins its choice with a selector.
    url = site.url("/yeoul/news.do")
    code, data = probe_json(capsys, url)
    assert code == 0
    assert [r["link"][-4:] for r in data["rows"]] == ["8811", "8810", "8809", "8807", "8806"]
    assert data["source"]["selectors"] == {"list_item": "section.news_box.press > ul > li"}
    assert any("almost as much like the board" in n for n in data["notes"])
    # The block works as it is: `newsroom scrape` with it reads the same five articles.
    (tmp_path / "sources.toml").write_text("[scraper]\ndelay = 0\n\n" + data["toml"],
                                           encoding="utf-8")
    assert newsroom(["scrape", "--content", str(tmp_path / "content"),
                     "--state", str(tmp_path / "state")]) == 0
    capsys.readouterr()
    written = sorted((tmp_path / "content/scraped/yeoul").glob("*.md"))
    assert len(written) == 5
    # The other box, by a selector override.
    code, data = probe_json(capsys, url, "--selectors", "list_item=section.news_box.notice li")
    assert code == 0 and [r["link"][-4:] for r in data["rows"]] == ["4410", "4409", "4407",
                                                                     "4406"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--selectors", "list_itm=td"], "did you mean 'list_item'"),
        (["--selectors", "list_item=td["], "invalid CSS selector"),
        (["--selectors", "list_item"], "expected KEY=CSS"),
        (["--view-url", "http://127.0.0.1:9/view.do?seq=1"], "--view-url"),
    ],
)
def test_probe_bad_arguments_exit_2_before_fetching(site, capsys, args, words):
    code, _, err = probe(capsys, site.url("/ondal/bbs/press"), *args)
    assert code == 2 and words in err
    assert not site.requests


def test_probe_prints_no_control_characters_from_the_page(site, capsys):
    evil = "한빛시,\x1b[2J\x1b]0;pwned\x07 화면 지우기\u202e 제목 보도자료"
    rows = "".join(f'<li><a href="/evil/view.do?nttId={n}">{evil} {n}</a></li>'
                   for n in range(3))
    site.route("/evil/list.do", Reply(body=f"<html><head><title>보도자료 - 악성시청\x1b[31m"
                                           f"</title></head><body><h3>보도자료</h3><ul "
                                           f"class='bbs'>{rows}</ul></body></html>".encode(),
                                      headers={"Content-Type": HTML}))
    code, out, _ = probe(capsys, site.url("/evil/list.do"))
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "화면 지우기" in out


def test_probe_takes_no_row_on_another_host(site, capsys):
    # Only the host the operator named is the board's: links elsewhere are never rows, so
    # nothing on another (here private) address is fetched.
    rows = "".join(f'<li><a href="http://10.255.255.1:9/view.do?nttId={n}">보도자료 제목 {n}번 '
                   f'안내입니다</a></li>' for n in range(3))
    site.route("/away/list.do", Reply(body=f"<html><body><h3>보도자료</h3><ul class='bbs'>{rows}"
                                           f"</ul></body></html>".encode(),
                                      headers={"Content-Type": HTML}))
    code, data = probe_json(capsys, site.url("/away/list.do"))
    assert code == 1 and not data["rows"]  # links to another host are never rows
