"""Generic list discovery on real-shaped boards, with no selectors (issue 16).

The boards under fixtures/boards/ each use one link pattern KOREAN-SOURCES.md describes, and
carry what real list pages carry beside the board: a skip-navigation block, menus, quick
links, a photo gallery, a most-viewed box, a notice box or a 첨부 column, and a pinned 공지
row. Each board is scraped end to end (`kind = "html"`, no selectors, `max_pages = 1`) from a
real server on 127.0.0.1 that answers every view URL, and every request is checked: at least
90 % of the board's rows are found, and no page that is not one of its articles is asked for.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs

import pytest
from server import FIXTURES, Reply, source_toml
from test_hostile_sources import run, sources_file

from press_scraper.kinds.board import read_list_page

BOARDS = FIXTURES / "boards"
EXPECTED: dict[str, list[str]] = json.loads((BOARDS / "expected.json").read_text())
HTML = "text/html; charset=utf-8"
SITE_NAMES = {"ondal": "온달군청", "bada": "바다군청", "gwangmok": "광목시청", "garam": "가람시청",
              "nuri": "누리군청", "solmoe": "솔뫼군청", "hangyeol": "한결시청"}

# site -> (list path, list query, view path, the view's id parameter)
BOARD_URLS = {
    # relative query links on the board's own path: `?act=read&articleId=…`
    "ondal": ("/ondal/bbs/press", "m=626&act=list&categoryId=0", "/ondal/bbs/press",
              "articleId"),
    # a CMS path with a menu number: `sub.cs?m=1023&nttId=…&pBoardId=BBSMSTR_…`
    "bada": ("/bada/sub.cs", "m=1023", "/bada/sub.cs", "nttId"),
    # `boardView.do?pageId=&boardId=BD_…&seq=…&movePage=1&recordCnt=10`
    "gwangmok": ("/gwangmok/board/boardList.do", "boardId=BD_0000000022&movePage=1",
                 "/gwangmok/board/boardView.do", "seq"),
    # `selectBbsNttView.do?key=…&bbsNo=…&nttNo=…` as cards
    "garam": ("/garam/selectBbsNttList.do", "bbsNo=662&&pageUnit=10&key=1790",
              "/garam/selectBbsNttView.do", "nttNo"),
    # `press?idx=…&mode=view`
    "nuri": ("/nuri/press", "", "/nuri/press", "idx"),
    # onclick="fn_view('…')", the view URL in the page's own script
    "solmoe": ("/solmoe/board/list.do", "bbsId=BBS_0000012", "/solmoe/board/view.do", "nttId"),
    # href="javascript:goView('BD_PRESS','…')", the view URL from sources.toml
    "hangyeol": ("/hangyeol/board/list.do", "bbsCd=BD_PRESS", "/hangyeol/board/view.do", "seq"),
}


def view_page(site: str, item_id: str) -> bytes:
    text = (BOARDS / "view.html").read_text(encoding="utf-8")
    title = f"{SITE_NAMES[site][:-1]}, 보도자료 {item_id}번 농업 지원사업 확대"
    return (text.replace("{title}", title).replace("{site}", SITE_NAMES[site])
            .replace("{id4}", item_id[-4:]).replace("{id}", item_id).encode("utf-8"))


def serve_boards(server) -> None:
    """Every list page, and an article for ANY id on each view path (as real sites answer)."""
    for site, (list_path, _query, view_path, param) in BOARD_URLS.items():
        body = (BOARDS / f"{site}-list.html").read_bytes()

        def handler(req, site=site, body=body, param=param, list_path=list_path,
                    view_path=view_path):
            q = parse_qs(req.query)
            item_id = q.get(param, [""])[0]
            if req.path == view_path and re.fullmatch(r"\d{1,12}", item_id):
                return Reply(body=view_page(site, item_id), headers={"Content-Type": HTML})
            if req.path == list_path:
                return Reply(body=body, headers={"Content-Type": HTML})
            return Reply(404, b"no such page", {"Content-Type": "text/plain"})

        server.route(list_path, handler)
        if view_path != list_path:
            server.route(view_path, handler)
    # What the boards' neighbours link to: answered, so a wrong request is seen, not failed.
    for path in ("/multi/policyPhotoView.do", "/gwangmok/board/fileDown.do", "/nuri/photo"):
        server.route(path, Reply(body=b"<html><body><h1>not an article</h1></body></html>",
                                 headers={"Content-Type": HTML}))
    server.route("/maeul/greeting.do", Reply(body=(BOARDS / "maeul-greeting.html").read_bytes(),
                                             headers={"Content-Type": HTML}))


def board_source(origin: str, site: str, extra: str = "") -> str:
    list_path, query, _, _ = BOARD_URLS[site]
    url = origin + list_path + (f"?{query}" if query else "")
    return source_toml(site, SITE_NAMES[site], "html", url, "max_pages = 1\n" + extra)


def hangyeol_config(origin: str) -> str:
    return f'[sources.html]\nview_url = "{origin}/hangyeol/board/view.do?bbsCd={{1}}&seq={{2}}"\n'


def test_every_board_pattern_is_found_without_selectors(fixture_server, tmp_path):
    s = fixture_server
    serve_boards(s)
    tables = [board_source(s.origin, site, hangyeol_config(s.origin) if site == "hangyeol"
                           else "") for site in BOARD_URLS]
    code, report = run(tmp_path, sources_file(tmp_path, *tables))
    assert code == 0, report
    by_id = {r["id"]: r for r in report["sources"]}
    for site, (list_path, _, view_path, param) in BOARD_URLS.items():
        rows = EXPECTED[site]
        rep = by_id[site]
        assert rep["error"] is None, (site, rep["error"])
        asked = [r for r in s.requests if r.path.startswith(f"/{site}/")]
        viewed = [parse_qs(r.query)[param][0] for r in asked
                  if r.path == view_path and param in parse_qs(r.query)]
        found = set(viewed) & set(rows)
        # At least 90 % of the board's rows, and nothing that is not one of them.
        assert len(found) >= 0.9 * len(rows), (site, sorted(found), rows)
        assert set(viewed) <= set(rows), (site, sorted(set(viewed) - set(rows)))
        assert rep["found"] == len(viewed) and rep["new"] == len(found), (site, rep)
        others = [r.path + "?" + r.query for r in asked
                  if r.path not in (list_path, view_path)]
        assert not others, (site, others)
    # The galleries, most-viewed boxes and 첨부 links beside the boards were never fetched.
    for path in ("/multi/policyPhotoView.do", "/gwangmok/board/fileDown.do", "/nuri/photo"):
        assert s.hits(path) == 0, path


@pytest.mark.parametrize("site", sorted(BOARD_URLS))
def test_list_page_gives_the_board_rows_in_order_without_pinned_or_box_links(site):
    list_path, query, view_path, param = BOARD_URLS[site]
    origin = "http://127.0.0.1:9"
    url = origin + list_path + (f"?{query}" if query else "")
    view_url = (f"{origin}/hangyeol/board/view.do?bbsCd={{1}}&seq={{2}}" if site == "hangyeol"
                else None)
    reading = read_list_page((BOARDS / f"{site}-list.html").read_text(encoding="utf-8"), url,
                             view_url=view_url)
    got = [parse_qs(link.url.split("?", 1)[1])[param][0] for link in reading.page.links]
    assert got == EXPECTED[site]
    assert all(link.url.startswith(origin + view_path + "?") for link in reading.page.links)
    # The list state (page number, search form) is not part of an article's URL.
    assert not any(re.search(r"(?i)pageIndex|movePage|searchKeyword", link.url)
                   for link in reading.page.links)
    assert all(len(link.title) >= 10 for link in reading.page.links)
    assert reading.board is not None and reading.board.rows
    assert all(reading.dates), reading.dates


def test_a_page_with_no_board_fails_naming_what_to_set(fixture_server, tmp_path):
    s = fixture_server
    serve_boards(s)
    src = sources_file(tmp_path, source_toml("maeul", "마을군청", "html",
                                             f"{s.origin}/maeul/greeting.do"))
    code, report = run(tmp_path, src)
    assert code == 3
    error = report["sources"][0]["error"]
    assert "no article links" in error and "selectors.list_item" in error
    assert [r.path for r in s.requests if r.path != "/robots.txt"] == ["/maeul/greeting.do"]


def test_script_board_without_a_view_url_says_how_to_give_one(fixture_server, tmp_path):
    s = fixture_server
    serve_boards(s)
    code, report = run(tmp_path, sources_file(tmp_path, board_source(s.origin, "hangyeol")))
    assert code == 3
    error = report["sources"][0]["error"]
    assert "goView" in error and "POST" in error and "view_url" in error
    assert s.hits("/hangyeol/board/view.do") == 0


def test_next_page_is_found_from_numbered_or_image_paging():
    origin = "http://127.0.0.1:9"
    expected = {
        "ondal": "/ondal/bbs/press?act=list&m=626&categoryId=0&pageIndex=2",
        "gwangmok": "/gwangmok/board/boardList.do?boardId=BD_0000000022&movePage=2",
        "nuri": "/nuri/press?page=2",
    }
    for site, want in expected.items():
        list_path, query, _, _ = BOARD_URLS[site]
        url = origin + list_path + (f"?{query}" if query else "")
        page = read_list_page((BOARDS / f"{site}-list.html").read_text(encoding="utf-8"), url).page
        assert page.next_url == origin + want, site


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ('[sources.html]\nview_url = "http://127.0.0.1:9/view.do?seq=1"\n', "has no {1}"),
        ('[sources.html]\nview_url = "http://127.0.0.1:9/view.do?seq={1}&x={name}"\n',
         "only {id}"),
        ('[sources.html]\nview_url = "ftp://127.0.0.1:9/view.do?seq={1}"\n', "http"),
        ('[sources.html]\nview = "x"\n', "unknown key"),
    ],
)
def test_bad_view_url_is_refused_naming_the_key(config_error, extra, words):
    path, err = config_error(source_toml("a", "가", "html", "http://127.0.0.1:9/list.do", extra))
    assert str(path) in err and "html." in err and words in err


@pytest.mark.parametrize(
    ("fixture", "url"),
    [
        # a 공지 row and one release (a board's first page with little in it)
        ("seoan/list-1.html", "http://127.0.0.1:9/seoan/board/view.do?bbsId=BBS_000000000000151"
                              "&nttId=105322"),
        # the last page: one row, nothing to repeat
        ("damgol/list-2.html", "http://127.0.0.1:9/damgol/board/view.do?bbsId=BBS_0001&nttId=9050"),
        ("hanbit/list2.html", "http://127.0.0.1:9/hanbit/board/view.do?bbsNo=7&nttNo=101"),
    ],
)
def test_a_board_of_one_row_is_still_read(fixture, url):
    site = fixture.split("/")[0]
    page = read_list_page((FIXTURES / fixture).read_text(encoding="utf-8"),
                          f"http://127.0.0.1:9/{site}/board/list.do?pageIndex=2").page
    assert [link.url for link in page.links] == [url]


GET_FORM_BOARD = """<html><head><title>보도자료 | 새내시청</title>
<script>
function goView(seq, bbs) {
    var frm = document.viewFrm;
    frm.seq.value = seq;
    frm.bbsCd.value = bbs;
    frm.action = "/sanae/board/view.do";
    frm.submit();
}
function fn_download(fileSn) { location.href = "/sanae/file/down.do?sn=" + fileSn; }
</script></head><body>
<form name="viewFrm" method="get"><input type="hidden" name="seq"><input type="hidden" name="bbsCd">
<input type="hidden" name="menuNo" value="2010"><input type="hidden" name="pageIndex" value="3"></form>
<h3>보도자료</h3><table class="list"><tbody>
<tr><td>3</td><td><a href="#" onclick="goView('903', 'PRESS'); return false;">새내시, 시내버스 노선 개편안 발표</a></td>
<td><a href="javascript:fn_download('77')">첨부</a></td></tr>
<tr><td>2</td><td><a href="#" onclick="goView('902', 'PRESS'); return false;">새내시, 어르신 무료 급식소 확대 운영</a></td>
<td><a href="javascript:fn_download('76')">첨부</a></td></tr>
<tr><td>1</td><td><a href="#" onclick="goView('901', 'PRESS'); return false;">새내시, 겨울철 도로 결빙 취약 구간 점검</a></td>
<td></td></tr>
</tbody></table><div class="paging"><strong>1</strong></div></body></html>"""


def test_script_rows_through_a_get_form_the_function_fills():
    # The page's goView fills a GET form (its other fields kept, the list state dropped);
    # the download script in the same rows is not taken for the article.
    page = read_list_page(GET_FORM_BOARD, "http://127.0.0.1:9/sanae/board/list.do?menuNo=2010")
    assert [link.url for link in page.page.links] == [
        f"http://127.0.0.1:9/sanae/board/view.do?seq={n}&bbsCd=PRESS&menuNo=2010"
        for n in (903, 902, 901)
    ]
    assert page.board.scripted and page.page.links[0].title == "새내시, 시내버스 노선 개편안 발표"


def test_script_arguments_that_are_not_plain_ids_are_not_put_in_a_url():
    html = GET_FORM_BOARD.replace("'902'", "'902&admin=1'")
    links = read_list_page(html, "http://127.0.0.1:9/sanae/board/list.do").page.links
    assert [link.url.split("seq=")[1].split("&")[0] for link in links] == ["903", "901"]
    html = GET_FORM_BOARD.replace("'902'", "'../../902'")
    links = read_list_page(html, "http://127.0.0.1:9/sanae/board/list.do").page.links
    assert all("admin" not in link.url and ".." not in link.url for link in links)
