"""Korean board view pages and news pages without selectors, behind a feed with no titles and
no dates (fixtures/korean-generic/, written from KOREAN-SOURCES.md), served on 127.0.0.1 and
scraped for real: headline, the page's own date, body container, and the no-date policy."""

from __future__ import annotations

import json

from server import source_toml
from test_scrape_e2e import FAST

from newsroom.cli import main as newsroom
from newsroom.core.model import parse_header
from press_scraper.article import parse_article
from press_scraper.text import html_to_text

FIXTURES = "korean-generic"


def _scrape(server, tmp_path):
    src = tmp_path / "sources.toml"
    src.write_text(FAST + source_toml("kr", "보도자료 모음", "rss",
                                      f"{server.origin}/{FIXTURES}/rss.xml"), encoding="utf-8")
    state = tmp_path / "state"
    code = newsroom(["scrape", "--sources", str(src), "--content", str(tmp_path / "content"),
                     "--state", str(state)])
    report = json.loads((state / "scrape-report.json").read_text(encoding="utf-8"))
    articles = {}
    for path in (tmp_path / "content").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        header = parse_header(text)
        fields = {f.key.lower(): f.value for f in header.fields}
        body = "\n".join(text.splitlines()[header.body_line - 1:])
        articles[fields["source_url"].rsplit("/", 1)[-1]] = (fields, body)
    return code, report["sources"][0], articles


def _page(name: str, server) -> object:
    from server import FIXTURES as ROOT

    html = (ROOT / FIXTURES / name).read_text(encoding="utf-8")
    return parse_article(html, f"{server.origin}/{FIXTURES}/{name}", site_names=["보도자료 모음"])


def test_board_and_news_pages_without_selectors(fixture_server, tmp_path):
    code, rep, articles = _scrape(fixture_server, tmp_path)
    assert code == 0, rep
    expected = {
        # board: title in div.board_view_head with `- 부제 -` lines; <title> and og:title are
        # the menu and the province; 작성일 in a dt/dd; the page manager's date is 2020.
        "dogov-view.html": ("한솔도, 섬 지역 어르신 병원 동행 서비스 시작", "2025-12-09 14:11"),
        # board: 제목 and 등록일 th/td rows, body in the 내용 cell; <title> "열린군정 - 담빛군".
        "county-view.html": ("담빛군, 겨울 갯벌 체험 프로그램 운영", "2025-12-10 00:00"),
        # board: p#dev-title, 등록일 <span id="dev-regDate">, keyword list appended to <title>,
        # og:title is the city hall's name, the footer has another 등록일.
        "city-view.html": ("한빛시, 수소버스 충전소 민간 협약", "2025-12-11 00:00"),
        # national daily: the feed's title is cut ("…"), the page's is whole.
        "daily-article.html": ("한솔전자, 3분기 영업이익 두 배로", "2025-11-05 06:02"),
        # portal: og:title is the portal's name, the headline carries "[대전누리신문]".
        "portal-article.html": ("담빛군 폐교, 청년 창업 공간으로", "2025-10-21 17:30"),
        # a release from 2019 with no machine-readable date: "보도일자 : 2019. 3. 4.(월)".
        "old-release.html": ("새봄군, 2019 봄꽃 축제 일정 확정", "2019-03-04 00:00"),
    }
    for name, (title, date) in expected.items():
        header, _ = articles[name]
        assert header["title"] == title, name
        assert header["date"].startswith(date), (name, header["date"])
    header, body = articles["dogov-view.html"]
    assert header["subtitle"] == "내년 1월부터 6개 군 42개 섬에서 시행 / 배편과 진료 예약까지 한 번에 돕는다"
    assert "배편과 진료 예약까지 한 번에 돕는다" not in body
    assert "이 페이지의 담당부서" not in body and "알림마당" not in body


def test_an_undated_page_is_reported_not_published_as_new(fixture_server, tmp_path):
    code, rep, articles = _scrape(fixture_server, tmp_path)
    assert "undated-release.html" not in articles
    reasons = {p["url"].rsplit("/", 1)[-1]: p["reason"] for p in rep["problems"]}
    assert "no publication date" in reasons["undated-release.html"]
    assert rep["failed"] == 1 and rep["new"] == 6
    health = json.loads((tmp_path / "state" / "health.json").read_text(encoding="utf-8"))
    assert "kr" in json.dumps(health)


def test_board_bodies_keep_the_release_only(fixture_server):
    county = html_to_text(_page("county-view.html", fixture_server).body_html)
    assert county.startswith("담빛군은 오는 20일부터")
    assert "안전요원을 두 배로" in county
    for noise in ("번호", "조회", "등록부서", "보도자료 상세보기", "Down : 1"):
        assert noise not in county, noise
    city = _page("city-view.html", fixture_server)
    assert html_to_text(city.body_html).startswith("한빛시는 11일 시청 접견실에서")
    assert "문의: 기후에너지과 수소산업팀" in html_to_text(city.body_html)
    assert "홍보담당관" not in html_to_text(city.body_html)
    assert [a.name for a in city.attachments] == ["수소충전소_협약_보도자료.pdf"]


def test_news_page_lead_breadcrumb_lists_and_byline(fixture_server):
    daily = _page("daily-article.html", fixture_server)
    text = html_to_text(daily.body_html)
    # The lead sits outside the body container, before it.
    assert text.startswith("반도체 부품 수출이 늘면서")
    assert "(사진=한솔전자 제공)" in text and "수익성이 더 좋아졌다는 분석" in text
    for noise in ("뉴스 > 경제", "기업·CEO", "다른 포토 기사", "가을 단풍 절정", "많이 본 뉴스",
                  "킬러문항", "무단전재"):
        assert noise not in text, noise
    # The reporter's e-mail line is not body text: the reporter is the Author.
    assert daily.author == "김바다"
