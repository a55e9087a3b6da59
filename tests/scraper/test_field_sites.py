"""Field-shaped sites the first fixtures did not cover, scraped end to end and built strictly.

Each site under tests/scraper/fixtures/ imitates one shape from docs (KOREAN-SOURCES checklist),
with invented names:
    dongbu  a 도청 card-list board, offset paging (`Start=10`), `dt/dd` details, `26-01-05`
    seoan   a 군청 board with `th/td` detail tables, "(Down : 1, Size : …)", `&&` and a trailing
            `&pageIndex=2` on detail links from page 2, a "사이트 모바일 :: 보도자료" <title>
    damgol  a 군청 board with `등록일 <span>`, button-only attachments and a page-manager box
            (이 페이지의 담당부서, 최종수정일) that is not the release's; no selectors at all
    nammun  an ndsoft-like news site: /rss/allArticle.xml (zone-less pubDate, CDATA) as an
            excerpt-only source, and its section list read with no selectors at all
The expectations are "must contain / must not contain" on the written Markdown and on the page
Pelican builds from it, not exact bytes.
"""

from __future__ import annotations

import json
import shutil
from urllib.parse import parse_qs

import lxml.html
import pytest
from helpers import PROJECT_ROOT, build_site
from server import FIXTURES, FixtureServer, Reply, file_reply, image_bytes
from test_scrape_e2e import FAST

from newsroom.cli import main as newsroom
from newsroom.core.model import parse_header

HTML = "text/html; charset=utf-8"


def _page(site: str, pattern: str, key: str, default: str = ""):
    """Serve fixtures/<site>/<pattern % query[key]> (404 when absent)."""

    def handler(req):
        value = parse_qs(req.query).get(key, [default])[0]
        path = FIXTURES / site / (pattern % value)
        if not value.isdigit() or not path.is_file():
            return Reply(404, b"no such page", {"Content-Type": "text/plain"})
        return file_reply(path, HTML)

    return handler


def _dongbu(req):
    q = parse_qs(req.query)
    if q.get("cmd") == ["2"]:
        return _page("dongbu", "view-%s.html", "B_NUM")(req)
    return _page("dongbu", "list-%s.html", "Start", "0")(req)


def _nammun_list(req):
    q = parse_qs(req.query)
    name = "list-S1N1-2.html" if q.get("page") == ["2"] else "list-S1N1.html"
    return file_reply(FIXTURES / "nammun/news" / name, HTML)


def serve_field_sites(server: FixtureServer) -> None:
    png = Reply(body=image_bytes("PNG", (8, 6), (30, 120, 200)), headers={"Content-Type": "image/png"})
    server.route("/dongbu/page.do", _dongbu)
    server.route("/seoan/board/list.do", _page("seoan", "list-%s.html", "pageIndex", "1"))
    server.route("/seoan/board/view.do", _page("seoan", "view-%s.html", "nttId"))
    server.route("/damgol/board/list.do", _page("damgol", "list-%s.html", "pageIndex", "1"))
    server.route("/damgol/board/view.do", _page("damgol", "view-%s.html", "nttId"))
    server.route("/damgol/upload/bamboo.png", png)
    server.route("/nammun/rss/allArticle.xml",
                 file_reply(FIXTURES / "nammun/rss/allArticle.xml", "application/rss+xml"))
    server.route("/nammun/news/articleList.html", _nammun_list)
    server.route("/nammun/news/articleView.html", _page("nammun/news", "view-%s.html", "idxno"))
    server.route("/nammun/news/photo/202512/213460_216927_3553.png", png)


def field_sources(origin: str) -> str:
    return FAST + f"""
[[sources]]
id = "dongbu"
name = "동부도청"
kind = "html"
url = "{origin}/dongbu/page.do?mnu_uid=418&Start=0"

[[sources]]
id = "seoan"
name = "서안군청"
kind = "html"
url = "{origin}/seoan/board/list.do?bbsId=BBS_000000000000151&pageIndex=1"
[sources.selectors]
list_item = "table.bbs-list tbody tr"
link = "td.title a"
next_page = "div.paginate a.next"
body = "td.bbs-content"

[[sources]]
id = "damgol"
name = "담골군"
kind = "html"
url = "{origin}/damgol/board/list.do?bbsId=BBS_0001"
license = "공공누리 제1유형"

[[sources]]
id = "nammun-rss"
name = "남문일보"
kind = "rss"
url = "{origin}/nammun/rss/allArticle.xml"
excerpt_only = true

[[sources]]
id = "nammun-web"
name = "남문일보"
kind = "html"
url = "{origin}/nammun/news/articleList.html?sc_section_code=S1N1&view_type=sm"
"""


@pytest.fixture(scope="module")
def field_run(tmp_path_factory):
    """Scrape all field sites once, build the site strictly once; tests read the results."""
    tmp = tmp_path_factory.mktemp("field")
    with FixtureServer() as server:
        serve_field_sites(server)
        content = tmp / "content"
        shutil.copytree(PROJECT_ROOT / "content", content)
        src = tmp / "sources.toml"
        src.write_text(field_sources(server.origin), encoding="utf-8")
        state = tmp / "state"
        code = newsroom(["scrape", "--sources", str(src), "--content", str(content),
                         "--state", str(state)])
        report = json.loads((state / "scrape-report.json").read_text(encoding="utf-8"))
        out = tmp / "output"
        build = build_site(content, out, PROJECT_ROOT / "publishconf.py")
        yield {"code": code, "report": report, "content": content, "out": out,
               "build": build, "origin": server.origin, "requests": list(server.requests)}


def article(run, source_id: str, needle: str) -> tuple[str, object, str]:
    """(markdown, header, built page text) of the one article of `source_id` whose URL
    contains `needle`."""
    hits = []
    for path in (run["content"] / "scraped" / source_id).glob("*.md"):
        text = path.read_text(encoding="utf-8")
        header = parse_header(text)
        if needle in header.value("Source_URL"):
            hits.append((path, text, header))
    assert len(hits) == 1, (source_id, needle, [h[0].name for h in hits])
    path, text, header = hits[0]
    page = run["out"] / "news" / f"{path.stem}.html"
    assert page.is_file(), page
    doc = lxml.html.fromstring(page.read_text(encoding="utf-8"))
    main = doc.find(".//main")
    shown = " ".join((main if main is not None else doc).text_content().split())
    return text, header, shown


def body_of(markdown: str) -> str:
    return markdown.split("\n\n", 1)[1]


def contains_all(text: str, *needles: str) -> None:
    missing = [n for n in needles if n not in text]
    assert not missing, missing


def contains_none(text: str, *needles: str) -> None:
    present = [n for n in needles if n in text]
    assert not present, present


def test_every_field_source_is_read_and_the_build_is_clean(field_run):
    run = field_run
    assert run["code"] == 0, run["report"]
    by_id = {s["id"]: s for s in run["report"]["sources"]}
    assert {k: v["error"] for k, v in by_id.items()} == dict.fromkeys(by_id)
    assert by_id["dongbu"]["new"] == 3  # 공지 card left out, 2000 on both pages once
    assert by_id["seoan"]["new"] == 2  # 105322 from page 1 (`&&`) and page 2 (`&pageIndex=2`)
    assert by_id["damgol"]["new"] == 2
    assert by_id["nammun-rss"]["new"] == 2 and by_id["nammun-web"]["new"] == 2
    assert sum(s["failed"] for s in by_id.values()) == 0, [s["problems"] for s in by_id.values()]
    assert run["build"].returncode == 0, run["build"].log[-3000:]
    assert run["build"].problems() == []
    # Excerpt-only: the feed's description is enough, the article page is never fetched.
    assert not [r for r in run["requests"] if "idxno=21345" in r.query]


def test_card_list_offset_paging_and_dt_dd_details(field_run):
    md, h, page = article(field_run, "dongbu", "B_NUM=2001")
    assert h.value("Title") == "동부도, 2026년 농업인 소득 안정 지원 확대"
    assert h.value("Date") == "2026-01-07 14:11:54"
    assert h.value("Department") == "농업정책과" and h.value("Authors") == ""
    assert h.value("License") == "공공누리 제3유형"
    assert h.value("Subtitle") == "밭작물 소득 안정 자금 1,200억 원, 2월부터 신청"
    assert "Start=" not in h.value("Source_URL")
    body = body_of(md)
    contains_all(body, "□ 동부도는 올해", "ㅇ 신청은 2월 2일부터", "※ 자세한 내용은", "## 첨부파일",
                 "2026 농업인 소득 안정 지원 계획.hwp](")
    contains_none(body, "미리보기", "조회수", "054-000-0000", "페이스북", "Copyright", "목록",
                  "작성일")
    contains_all(page, "동부도는 올해 농업인 소득 안정 지원 사업비", "2026 농업인 소득 안정 지원 계획.hwp")
    # A two-digit year on the detail page (26-01-05) is 2026 in Seoul.
    _, h1990, _ = article(field_run, "dongbu", "B_NUM=1990")
    assert h1990.value("Date") == "2026-01-05 00:00:00"
    assert h1990.value("Category") == "정치"
    notices = [p for p in (field_run["content"] / "scraped/dongbu").glob("*.md")
               if "B_NUM=90" in p.read_text(encoding="utf-8")]
    assert notices == []


def test_th_td_detail_table_and_page_two_links(field_run):
    md, h, page = article(field_run, "seoan", "nttId=105322")
    # <title> is only "서안군청 모바일 :: 보도자료": the headline comes from the list.
    assert h.value("Title") == "서안군, 김 양식 어가 재해보험 지원 확대"
    assert h.value("Date") == "2025-12-10 00:00:00"
    assert h.value("Department") == "해양수산과" and h.value("Authors") == ""
    assert h.value("License") == "공공누리 제4유형"
    assert "pageIndex" not in h.value("Source_URL") and "&&" not in h.value("Source_URL")
    body = body_of(md)
    contains_all(body, "김 양식 어가의 재해보험료 자부담을", "[김 양식 재해보험 지원 계획.hwp](")
    contains_none(body, "Down :", "689.0 KB", "Size", "공공누리 제4유형 조건에")
    contains_all(page, "김 양식 어가의 재해보험료", "김 양식 재해보험 지원 계획.hwp")
    contains_none(page, "Down :")


def test_generic_board_buttons_and_page_manager_box(field_run):
    md, h, page = article(field_run, "damgol", "nttId=9051")
    assert h.value("Title") == "담골군, 대나무 축제 관람객 40만 명 돌파"
    assert h.value("Date") == "2025-12-11 00:00:00"
    # 기획예산실 and 2026-02-01 belong to the menu's page-manager box, not to the release.
    assert "기획예산실" not in (h.value("Authors"), h.value("Department"))
    assert h.get("Modified") is None
    assert h.value("Category") == "문화"
    assert h.value("Image").startswith("images/damgol/")
    body = body_of(md)
    contains_all(body, "관람객 40만 명이 다녀갔다", "(사진=담골군)", "## 첨부파일",
                 "대나무 축제 결과 보고.hwp", "[축제 사진 모음.zip](")
    assert "FileDown.do?atchFileId=FILE_0000000000922" in body
    contains_none(body, "기획예산실", "만족하십니까", "061-000", "내려받기](", "fn_egov_downFile",
                  "javascript", "onclick", "조회 120")
    contains_all(page, "대나무 축제 결과 보고.hwp", "축제 사진 모음.zip")
    contains_none(page, "기획예산실", "fn_egov_downFile")
    # Page 2 repeats 9050 with `&pageIndex=2`: still one article.
    md50, h50, _ = article(field_run, "damgol", "nttId=9050")
    assert "pageIndex" not in h50.value("Source_URL")
    assert "청년 창업 공간 입주 안내.pdf" in body_of(md50)
    assert "기획예산실" not in (h50.value("Authors"), h50.value("Department"))


def test_news_feed_is_an_excerpt_with_seoul_dates(field_run):
    md, h, page = article(field_run, "nammun-rss", "idxno=213450")
    assert h.value("Title") == "남문군, 전통시장 온누리상품권 환급 행사"
    assert h.value("Date") == "2025-06-17 19:05:00"  # zone-less pubDate is Seoul time
    assert h.value("Excerpt_Only") == "true" and h.get("Image") is None
    assert h.value("Authors") == "홍길동"  # "홍길동 기자": the name, not the title
    body = body_of(md)
    contains_all(body, "온누리상품권으로 돌려준다", "원문 보기")
    contains_none(body, "<p>", "&lt;p&gt;", "CDATA")
    contains_all(page, "온누리상품권으로 돌려준다", "원문 보기")
    md51, h51, _ = article(field_run, "nammun-rss", "idxno=213451")
    assert h51.value("Title") == '남문군의회, 행정사무감사 "현장 점검" 나서'
    assert h51.value("Date") == "2025-06-18 07:00:00"
    contains_none(body_of(md51), "더보기")


def test_generic_news_page_header_tail_and_titles(field_run):
    md, h, page = article(field_run, "nammun-web", "idxno=213460")
    assert h.value("Title") == "남문군, 겨울 빛 축제에 10만 명 다녀가"  # "- 남문일보" dropped
    assert h.value("Date") == "2025-12-20 10:00:00"
    assert h.value("Modified") == "2025-12-21 08:30:00"
    assert h.value("Authors") == "김기자"
    assert h.value("Image").startswith("images/nammun-web/")
    body = body_of(md)
    contains_all(body, "관람객 10만 명이 다녀갔다", "(사진=남문군)", "셔틀버스를 추가로")
    contains_none(body, "kim@nammun.example", "news@nammun.example", "무단전재", "Copyright",
                  "기사제보", "페이스북", "URL복사", "기자명")
    contains_none(page, "kim@nammun.example", "무단전재")
    md61, h61, page61 = article(field_run, "nammun-web", "idxno=213461")
    assert h61.value("Title") == "남문군 청년 일자리 박람회 성황"  # "남문일보 모바일 ::" dropped
    assert h61.value("Date") == "2025-06-17 19:05:00"
    assert h61.value("Modified") == "2025-06-18 05:57:00"
    assert h61.value("Authors") == "홍길동"
    contains_all(body_of(md61), "구직자 2천여 명이 몰려", "업종별 박람회")
    contains_none(body_of(md61), "hong@nammun.example", "무단전재", "Copyright", "기사제보")
