"""Extraction (article.py, kinds/feed.py, kinds/board.py, dates, titles, text): feeds, list pages and article pages in, records out (no network)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from press_scraper.article import parse_article, record_from_feed_item
from press_scraper.attachments import find_attachments
from press_scraper.boilerplate import is_boilerplate
from press_scraper.dates import PUBLISHED_LABEL_RE, find_labelled_date, parse_loose_date
from press_scraper.kinds.board import parse_list_page
from press_scraper.kinds.feed import parse_feed
from press_scraper.text import clean_author, is_department
from press_scraper.titles import choose_title, strip_title_decoration

KST = timezone(timedelta(hours=9))
BASE = "http://127.0.0.1:9/hanbit/"

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>한빛시 보도자료</title><link>http://127.0.0.1:9/</link>
<item><title>한빛시, 청년 창업 지원</title><link>/hanbit/view.html?id=1</link>
<pubDate>2026-10-03 07:00:00</pubDate>
<description><![CDATA[<p>청년 <b>창업</b> 지원 사업을 시작한다.</p>]]></description>
<category>경제</category></item>
<item><title>한빛시, 청년 창업 지원</title><link>/hanbit/view.html?id=1</link>
<pubDate>2026-10-03 07:00:00</pubDate></item>
<item><title>RFC 날짜</title><link>http://127.0.0.1:9/hanbit/view.html?id=2</link>
<pubDate>Thu, 11 Dec 2025 10:00:00 +0000</pubDate></item>
<item><title>시간대 없는 RFC 날짜</title><link>http://127.0.0.1:9/hanbit/view.html?id=3</link>
<pubDate>Thu, 11 Dec 2025 10:00:00</pubDate></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>의회 소식</title>
<entry><title>의회 임시회 개회</title><link rel="alternate" href="http://127.0.0.1:9/c/1"/>
<id>tag:x,2026:1</id><published>2026-01-07T14:11:54</published>
<updated>2026-01-08T09:00:00+09:00</updated>
<content type="html">&lt;p&gt;""" + "의회 임시회가 열렸다. " * 60 + """&lt;/p&gt;</content></entry>
</feed>"""


def test_rss_zone_less_date_is_seoul_and_repeated_item_counts_once():
    items = parse_feed(RSS, BASE + "rss.xml")
    assert [i.url for i in items] == [
        "http://127.0.0.1:9/hanbit/view.html?id=1",
        "http://127.0.0.1:9/hanbit/view.html?id=2",
        "http://127.0.0.1:9/hanbit/view.html?id=3",
    ]
    first = items[0]
    # 07:00 in Seoul is 22:00 UTC the day before, not 07:00 UTC (feedparser's reading).
    assert first.date == datetime(2026, 10, 3, 7, 0, tzinfo=KST)
    assert first.date.astimezone(UTC).hour == 22
    assert first.summary == "청년 창업 지원 사업을 시작한다."
    assert first.categories == ("경제",)
    assert first.content_html == ""  # a short description is not the full text
    assert items[1].date == datetime(2025, 12, 11, 10, 0, tzinfo=UTC)
    assert items[2].date == datetime(2025, 12, 11, 10, 0, tzinfo=KST)


def test_atom_full_content_and_dates():
    (item,) = parse_feed(ATOM, "http://127.0.0.1:9/c/atom.xml")
    assert item.url == "http://127.0.0.1:9/c/1"
    assert item.date == datetime(2026, 1, 7, 14, 11, 54, tzinfo=KST)
    assert item.updated == datetime(2026, 1, 8, 9, 0, tzinfo=KST)
    assert "의회 임시회가 열렸다" in item.content_html
    record = record_from_feed_item(item, default_license="공공누리 제1유형")
    assert record.title == "의회 임시회 개회"
    assert record.license == "공공누리 제1유형"
    assert len(record.summary) <= 200


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("등록일 2025-12-11", datetime(2025, 12, 11, tzinfo=KST)),
        ("작성일 2026.01.07 14:11", datetime(2026, 1, 7, 14, 11, tzinfo=KST)),
        ("입력 2025.12.12 15:43", datetime(2025, 12, 12, 15, 43, tzinfo=KST)),
        ("26-01-07", datetime(2026, 1, 7, tzinfo=KST)),
        ("2025.12.10", datetime(2025, 12, 10, tzinfo=KST)),
        ("05/08/2026 16:51:00", datetime(2026, 5, 8, 16, 51, tzinfo=KST)),
        ("2026-01-07 14:11:54", datetime(2026, 1, 7, 14, 11, 54, tzinfo=KST)),
        ("2025년 12월 10일", datetime(2025, 12, 10, tzinfo=KST)),
        ("2025-12-01T10:00:00+00:00", datetime(2025, 12, 1, 10, tzinfo=UTC)),
        ("조회수 50", None),
        ("", None),
    ],
)
def test_korean_dates_are_seoul(text, expected):
    assert parse_loose_date(text) == expected


def test_labelled_date_prefers_label_over_other_dates():
    text = "인쇄 2024.01.01\n등록일 : 2025.12.11 09:30\n수정 2025.12.12 10:00"
    assert find_labelled_date(text, PUBLISHED_LABEL_RE) == datetime(
        2025, 12, 11, 9, 30, tzinfo=KST
    )


@pytest.mark.parametrize(
    "raw",
    [
        "한빛시, 청년 일자리 확대 - 한빛시청",
        "한빛시, 청년 일자리 확대 : 뉴스 : 한빛일보",
        "한빛일보 모바일 :: 한빛시, 청년 일자리 확대",
        "한빛시, 청년 일자리 확대 | 한빛일보",
        "한빛시, 청년 일자리 확대 < 보도자료 < 알림마당 < 한빛시청",
    ],
)
def test_title_decorations_are_stripped(raw):
    assert (
        strip_title_decoration(raw, ["한빛시청", "한빛일보"]) == "한빛시, 청년 일자리 확대"
    )


def test_title_prefers_heading_contained_in_title_and_keeps_inner_dash():
    title = choose_title(
        page_title="2026 - 2027 예산안 발표 - 한빛시청",
        headings=["한빛시청", "2026 - 2027 예산안 발표"],
        site_names=["한빛시청"],
    )
    assert title == "2026 - 2027 예산안 발표"


LIST = """<html><body><table class="board"><tbody>
<tr class="notice"><td>공지</td><td class="title"><a href="view.do?nttNo=1">개인정보 처리방침 안내</a></td></tr>
<tr><td>공 지</td><td class="title"><a href="view.do?nttNo=2">고정 게시물</a></td></tr>
<tr><td>12</td><td class="title"><a href="view.do?bbsNo=7&amp;amp;nttNo=12&amp;pageIndex=2">한빛시, 도서관 개관</a></td></tr>
<tr><td>11</td><td class="title"><a href="./view.do?bbsNo=7&&nttNo=11">한빛시, 축제 개최</a></td></tr>
<tr><td>10</td><td class="title"><a href="javascript:goView(10)">자바스크립트 링크</a></td></tr>
</tbody></table>
<div class="paging"><a href="list.do?pageIndex=1">1</a><a class="next" href="list.do?pageIndex=3&amp;bbsNo=7">다음</a></div>
</body></html>"""


def test_list_page_with_selectors_skips_pinned_rows_and_fixes_quirks():
    page = parse_list_page(
        LIST, BASE + "list.do?pageIndex=2",
        {"list_item": "table.board tbody tr", "link": "td.title a", "next_page": "a.next"},
    )
    assert [link.url for link in page.links] == [
        BASE + "view.do?bbsNo=7&nttNo=12",
        BASE + "view.do?bbsNo=7&nttNo=11",
    ]
    assert page.links[0].title == "한빛시, 도서관 개관"
    assert page.next_url == BASE + "list.do?pageIndex=3&bbsNo=7"


def test_list_page_generic_fallback_finds_article_links():
    page = parse_list_page(LIST, BASE + "list.do?pageIndex=2")
    urls = [link.url for link in page.links]
    assert BASE + "view.do?bbsNo=7&nttNo=12" in urls
    assert BASE + "view.do?nttNo=1" not in urls  # pinned 공지 row
    assert all("javascript" not in u for u in urls)
    assert page.next_url == BASE + "list.do?pageIndex=3&bbsNo=7"


ARTICLE = """<!doctype html><html><head><meta charset="utf-8">
<title>한빛시, 청년 일자리 사업 확대 : 보도자료 : 한빛시청</title>
<meta property="og:site_name" content="한빛시청"></head><body>
<div id="gnb"><a href="/">홈</a><a href="/news">알림마당</a></div>
<div class="share"><a href="#">페이스북</a> <a href="#">트위터</a></div>
<div class="view"><h3 class="tit">한빛시, 청년 일자리 사업 확대</h3>
<dl class="info"><dt>등록일</dt><dd><span>2025-12-11</span></dd><dt>담당부서</dt><dd>일자리정책과</dd></dl>
<div id="content">
<p>- 2026년 청년 인턴십 300명 선발 -</p>
<p>□ 한빛시는 2026년 청년 일자리 사업을 확대한다고 밝혔다. 이번 사업은 지역 기업과 연계하여 추진된다.</p>
<p>○ 주요 내용은 다음과 같다. 청년 인턴십 300명, 창업 지원 50개 팀을 선정한다.</p>
<table><tr><th>구분</th><th>인원</th></tr><tr><td>인턴</td><td>300</td></tr></table>
<p><img src="../img/photo1.jpg" alt="발표 사진"> 시장이 사업을 발표하고 있다.</p>
<p>홍길동 기자 hong@example.com</p>
<p>저작권자 © 한빛일보 무단전재 및 재배포 금지</p>
<p>기사제보 및 보도자료 news@example.com</p>
</div>
<div class="file"><ul>
<li><a href="/common/download.do?fileId=3&amp;sn=1">붙임1. 청년사업 계획.hwp (Down : 1, Size : 689.0 KB)</a>
<a href="/common/preview.do?fileId=3">[미리보기]</a></li>
<li><a href="files/plan.pdf">계획서.pdf</a></li>
<li><a href="javascript:goDownLoad('x')">자바스크립트 첨부.hwpx</a></li></ul></div>
<div class="kogl"><img src="/images/kogl/new_img_opentype03.png" alt="공공누리 마크 - 제3유형(출처표시, 변경금지)"></div>
</div>
<footer><div class="manager">담당부서 홍보과 담당자 김철수 등록일 2020-01-01</div></footer>
</body></html>"""


def test_article_generic_extraction():
    url = BASE + "board/view.do?nttNo=12"
    r = parse_article(ARTICLE, url, site_names=["한빛시청"])
    assert r.title == "한빛시, 청년 일자리 사업 확대"
    assert r.subtitle == "2026년 청년 인턴십 300명 선발"
    assert r.date == datetime(2025, 12, 11, tzinfo=KST)
    assert r.author == "일자리정책과"  # the release's, not the footer's 홍보과
    assert r.license == "공공누리 제3유형"
    assert r.images == (BASE + "img/photo1.jpg",)
    assert [(a.name, a.url) for a in r.attachments] == [
        ("붙임1. 청년사업 계획.hwp", "http://127.0.0.1:9/common/download.do?fileId=3&sn=1"),
        ("계획서.pdf", BASE + "board/files/plan.pdf"),
        ("자바스크립트 첨부.hwpx", ""),  # a POST download: listed by name, never as a script URL
    ]
    assert "□ 한빛시는" in r.body_html and "<table>" in r.body_html
    for junk in ("무단전재", "hong@example.com", "기사제보", "페이스북", "등록일", "담당부서"):
        assert junk not in r.body_html, junk
    assert r.summary.startswith("한빛시는 2026년")
    assert len(r.summary) <= 200


def test_article_with_selectors_and_default_license():
    r = parse_article(
        ARTICLE.replace("new_img_opentype03.png", "x.png").replace("공공누리 마크 - 제3유형", "마크"),
        BASE + "board/view.do?nttNo=12",
        selectors={"title": "h3.tit", "date": "dl.info dd span", "body": "#content"},
        site_names=["한빛시청"],
        default_license="공공누리 제1유형",
    )
    assert r.title == "한빛시, 청년 일자리 사업 확대"
    assert r.date == datetime(2025, 12, 11, tzinfo=KST)
    assert r.license == "공공누리 제1유형"
    assert "무단전재" not in r.body_html and "청년 인턴십 300명" in r.body_html


NEWS = """<html><head><title>한빛군 국화축제 개막 - 한빛일보</title>
<meta property="og:title" content="한빛군 국화축제 개막 - 한빛일보">
<meta property="article:published_time" content="2025-06-17T19:05:00+09:00">
<meta property="article:section" content="문화"></head><body>
<header class="article-view-header"><h1>한빛군 국화축제 개막</h1>
<ul class="infomation"><li>기자명 홍길동 기자</li><li>입력 2025.06.17 19:05</li><li>수정 2025.06.18 05:57</li></ul></header>
<article id="article-view-content-div"><p>한빛군 국화축제가 17일 개막했다. 축제는 열흘 동안 이어진다. 올해는 국화 작품 2천여 점이 전시된다.</p>
<p>관람객은 작년보다 늘 것으로 보인다. 군은 셔틀버스를 운행한다.</p>
<p>홍길동 기자 hong@hanbit.example</p><p>Copyright © 한빛일보 무단전재 및 재배포 금지</p></article></body></html>"""


def test_news_article_byline_dates_and_section():
    r = parse_article(NEWS, "http://127.0.0.1:9/news/articleView.html?idxno=213450",
                              site_names=["한빛일보"])
    assert r.title == "한빛군 국화축제 개막"
    assert r.date == datetime(2025, 6, 17, 19, 5, tzinfo=KST)
    assert r.modified == datetime(2025, 6, 18, 5, 57, tzinfo=KST)
    assert r.author == "홍길동"
    assert r.category_hint == "문화"
    assert "hong@hanbit.example" not in r.body_html and "Copyright" not in r.body_html


@pytest.mark.parametrize(
    "line",
    ["저작권자 © 한빛일보 무단전재 및 재배포 금지", "[ⓒ 한빛일보, 무단전재 및 재배포 금지]",
     "홍길동 기자 hong@example.com", "기사제보 news@example.com", "페이스북 트위터 카카오톡 URL복사"],
)
def test_boilerplate_lines(line):
    assert is_boilerplate(line)


def test_ordinary_sentence_is_not_boilerplate():
    assert not is_boilerplate("한빛시는 기자회견을 열고 예산안을 발표했다.")


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        # Found by hand: a real Korean press wire's RSS <author> put an e-mail on the page.
        ("press.desk@wire.example (김보도)", "김보도"),
        ("hong@nammun.example", ""),
        ("홍길동 기자", "홍길동"),
        ("홍길동기자", "홍길동"),
        ("이기자", "이기자"),
        ("기자명 : 박누리 선임기자", "박누리"),
        ("작성자 관광과", "관광과"),
    ],
)
def test_author_is_a_name_without_mail_or_title(raw, name):
    assert clean_author(raw) == name


def test_rss_author_with_mail_becomes_the_name():
    feed = RSS.replace("<category>경제</category>",
                       "<category>경제</category><author>desk@wire.example (김보도)</author>")
    assert parse_feed(feed, BASE)[0].author == "김보도"


def test_title_made_only_of_decoration_gives_way_to_the_detail_table():
    assert strip_title_decoration("서안군청 모바일 :: 보도자료", ["서안군청"]) == ""
    page = """<html><head><title>서안군청 모바일 :: 보도자료</title></head><body>
<table><tr><th>제 목</th><td>서안군, 섬 지역 여객선 운임 지원</td></tr>
<tr><th>내용</th><td><p>서안군은 섬에 사는 군민의 여객선 운임을 낮춘다.</p></td></tr></table>
</body></html>"""
    r = parse_article(page, BASE + "view.do?nttId=1", site_names=["서안군청"])
    assert r.title == "서안군, 섬 지역 여객선 운임 지원"


def test_download_buttons_become_attachments():
    import lxml.html

    root = lxml.html.fromstring("""<div>
<span>결과 보고.hwp</span><button data-file-nm="결과 보고.hwp" onclick="fn_down('F1','0')">받기</button>
<button data-file-nm="사진.zip" data-url="/cmm/FileDown.do?id=F2&amp;sn=0">받기</button>
<button onclick="location.href='/files/plan.pdf'">계획서.pdf</button>
<button type="button">인쇄</button>
<a href="javascript:goDownLoad('F3')">양식.hwpx (Size : 12 KB)</a></div>""")
    found = [(a.name, a.url) for a in find_attachments(root, BASE + "view.do")]
    assert found == [
        ("결과 보고.hwp", ""),
        ("사진.zip", "http://127.0.0.1:9/cmm/FileDown.do?id=F2&sn=0"),
        ("계획서.pdf", "http://127.0.0.1:9/files/plan.pdf"),
        ("양식.hwpx", ""),
    ]


def test_decomposed_hangul_and_invisible_characters_are_normalised():
    import unicodedata

    page = ("<html><head><title>" + unicodedata.normalize("NFD", "한빛시 국화 축제 개막")
            + "\u202e</title></head><body><h1>" + unicodedata.normalize("NFD", "한빛시 국화 축제 개막")
            + "</h1><p>축제가\u200b 열린다.\x00 관람객이 많다. 국화 작품이 전시된다. 셔틀버스도 다닌다.</p>"
            "</body></html>")
    r = parse_article(page, BASE + "a.html")
    assert r.title == "한빛시 국화 축제 개막"  # composed syllables, no bidi override
    assert "\u200b" not in r.body_html and "\x00" not in r.body_html
    assert "축제가 열린다." in r.body_html


def test_undeclared_feed_with_nbsp_in_cdata_is_not_read_as_latin_1():
    # Found by hand on a real feed without an XML declaration: handed to feedparser with no
    # Content-Type, a CDATA description ending in no-break spaces came out as "í•œë¹›ì‹œ".
    from press_scraper.encoding import decode_feed

    feed = ("<rss><channel><item><title><![CDATA[한빛시 국화 축제]]></title>"
            "<link>http://127.0.0.1:9/a</link><description><![CDATA[  한빛시가 국화 축제를 "
            "연다.\xa0\xa0 ]]></description></item></channel></rss>")
    as_bytes = decode_feed(feed.encode("utf-8"))[0]
    for given in (feed, as_bytes):
        (item,) = parse_feed(given, BASE)
        assert item.title == "한빛시 국화 축제"
        assert item.summary == "한빛시가 국화 축제를 연다."


@pytest.mark.parametrize(
    ("name", "department"),
    [
        ("예산과", True),
        ("일자리정책과", True),
        ("의회사무국", True),
        ("기획예산담당관", True),
        ("문화관광과", True),
        ("홍길동", False),
        ("이정국", False),  # a name ending in 국 is still a name
        ("김하늘", False),
        ("Park Seo", False),
    ],
)
def test_departments_are_told_from_people(name: str, department: bool) -> None:
    assert is_department(name) is department


SHORT_RELEASE = """<!doctype html><html><head><meta charset="utf-8">
<title>시민 합창단 송년 공연 : 보도자료 : 가람시청</title></head><body>
<div id="header"><ul id="gnb"><li><a href="/a">보도자료</a></li><li><a href="/b">공지사항</a></li>
<li><a href="/c">시정소식</a></li><li><a href="/d">민원안내</a></li></ul></div>
<div class="sns"><a href="#">페이스북</a> <a href="#">트위터</a> <a href="#">URL복사</a></div>
<div class="board-view"><h3>시민 합창단 송년 공연</h3>
<ul class="info"><li>등록일 <span>2026-11-22 13:00</span></li></ul>
<div class="view-content"><p>가람시 시민 합창단이 다음 달 18일 시민회관에서 송년 공연을 연다.</p>
<p>관람은 무료다.</p></div></div>
<div id="footer">이 페이지 담당부서 홍보담당관 | Copyright ⓒ 가람시청</div></body></html>"""


def test_short_release_on_a_busy_page_keeps_only_its_body():
    # Found on the demo site: a text-density extractor kept menus and share buttons of a
    # two-sentence release; a well-known body container wins when it holds real text.
    r = parse_article(SHORT_RELEASE, BASE + "view.do?nttNo=1", site_names=["가람시청"])
    assert r.title == "시민 합창단 송년 공연"
    assert "송년 공연을 연다" in r.body_html and "관람은 무료다" in r.body_html
    for noise in ("페이스북", "URL복사", "공지사항", "민원안내", "등록일", "Copyright"):
        assert noise not in r.body_html and noise not in r.summary, noise
