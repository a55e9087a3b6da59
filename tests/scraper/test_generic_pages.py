"""Generic extraction (no selectors) on page shapes the other fixtures do not cover.

Each fixture under fixtures/generic/ is an invented Korean page; the checks run on
`parse_article` (title and body HTML) and on the Markdown `markdown.body_markdown`
makes of the body, which is what readers get.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from press_scraper import markdown
from press_scraper.article import parse_article
from press_scraper.boilerplate import drop_boilerplate, drop_repeated_captions
from press_scraper.records import Record
from press_scraper.text import html_to_text

FIXTURES = Path(__file__).parent / "fixtures" / "generic"

# fixture, page URL, source name, title, must contain (in this order), must not contain
CASES = [
    (
        "news-related.html", "https://www.purundeul.example/news/articleView.html?idxno=5021",
        "푸른들신문", "푸른들시, 폐교를 마을 도서관으로",
        ["옛 솔밭초등학교를 마을 도서관으로 고쳐", "국비와 시비 18억 원", "어르신 한글 교실"],
        ["관련기사", "솔밭초 폐교 5년", "작은도서관 지원 조례", "사라지는 시골 학교", "많이 본 뉴스",
         "신호 체계", "김장 비용", "자전거길", "sky@purundeul.example", "무단전재"],
    ),
    (
        "comments.html", "https://www.mulbit.example/news/view.php?no=3310",
        "물빛일보", "새벽시장 상인회, 온라인 장보기 시작",
        ["온라인 장보기 서비스를 시작한다", "배달비는 2만 원 이상", "박바다 회장", "상품권 추첨 행사"],
        ["댓글", "로그인", "장보는엄마", "생선도 주문되면", "배달 구역이 어디까지", "꼭 이용해 보겠습니다",
         "답글", "추천 12", "Copyright"],
    ),
    (
        "gallery.html", "https://www.saesol-times.example/news/articleView.html?idxno=881",
        "새솔타임즈", "새솔시 단풍길 걷기 축제 성료",
        ["시민 3천여 명이 참가한", "출발선에 선 참가자들. (사진=새솔시 제공)", "7km 코스",
         "가족 코스를 걷는 어린이들.", "쉼터마다 마련된 도장 찍기 행사장.", "야간 코스를 더할"],
        ["winter@saesol-times.example", "페이스북", "URL복사", "무단전재", "본문 바로가기"],
    ),
    (
        "embed.html", "https://www.gaon-news.example/article/20261112-0007",
        "가온뉴스", "가온구 청소년 영상제 수상작 발표",
        ["수상작 12편을 12일 발표했다", "담담한 시선이 돋보였다", "누구나 무료로 볼 수 있다"],
        ["adSlotId", "googletag", "div-gpt-ad", "광고", "youtube", "iframe", "document.write",
         "trackingPixelLoaded", "All rights reserved"],
    ),
    (
        "table-layout.html", "https://www.hansol.example/board/view.asp?code=press&idx=7",
        "한솔군청", "한솔군, 겨울철 독거노인 안부 확인 강화",
        ["홀로 사는 어르신 1,240명의 안부를", "생활지원사 86명이", "마을회관 42곳을 한파쉼터로",
         "문의: 노인복지과 노인돌봄팀"],
        ["공지사항", "포토뉴스", "행사안내", "군정소식", "분야별정보", "군청로 1", "Copyright", "목록"],
    ),
    (
        "wordpress.html", "https://byeollae.example/2026/10/30/garden/",
        "별내마을 이야기", "별내마을 공동체, 골목 정원 가꾸기 마쳐",
        ["여섯 달 동안 이어 온 골목 정원", "버려진 화분 300개", "마을회관 온실로 옮겨"],
        ["공유하기", "Facebook", "share=", "좋아요", "좋아하기", "불러오는 중", "골목 정원 첫 삽",
         "허브 화단에 나비가", "이전 글", "벼룩시장", "글쓴이", "powered by"],
    ),
    (
        "og-title.html", "https://www.solnae.example/news/view?id=20261121001",
        "솔내신문", "솔내군, 내년부터 어르신 시내버스 요금 전액 지원",
        ["만 70세 이상 군민의 시내버스 요금을", "읍·면 행정복지센터에서 발급", "4억 원가량"],
        ["솔내신문", "무단전재", "중앙로 10"],
    ),
    (
        "bullets.html", "https://www.neulbom.example/board/view.do?nttNo=4410",
        "늘봄시청", "늘봄시, 소상공인 가게 간판 교체 지원",
        ["□ 늘봄시는 오래된 간판", "ㅇ 지원 대상: 시에서 1년 이상", "ㅇ 지원 내용: 간판 제작·설치비의 80%",
         "ㅇ 신청 기간: 2026. 12. 1.(화) ~ 12. 19.(금)", "※ 유흥업소와 프랜차이즈 직영점은",
         "□ 신청은 시 누리집이나", "ㅇ 구비 서류: 신청서", "※ 선정 결과는 2027년 1월 중 개별 통보"],
        ["페이스북", "링크 복사", "만족하십니까", "홍보담당관", "조회수", "Copyright"],
    ),
]
IDS = [c[0].removesuffix(".html") for c in CASES]


def _parse(fixture: str, url: str, source: str) -> tuple[Record, str]:
    html = (FIXTURES / fixture).read_text(encoding="utf-8")
    record = parse_article(html, url, site_names=[source])
    return record, markdown.body_markdown(record.body_html, url)


def _in_order(text: str, parts: list[str]) -> list[str]:
    """The parts missing from `text`, or found out of order."""
    problems, pos = [], 0
    for part in parts:
        at = text.find(part, pos)
        if at < 0:
            problems.append(part if part not in text else f"{part} (out of order)")
        else:
            pos = at + len(part)
    return problems


@pytest.mark.parametrize(("fixture", "url", "source", "title", "must", "must_not"), CASES, ids=IDS)
def test_generic_page(fixture, url, source, title, must, must_not):
    record, md = _parse(fixture, url, source)
    assert record.title == title
    assert source not in record.title
    body_text = html_to_text(record.body_html)
    assert _in_order(body_text, must) == [], body_text
    # Markdown escapes nothing in these sentences but may break lines: compare line-joined.
    md_text = " ".join(md.split())
    assert _in_order(md_text, must) == [], md
    for junk in must_not:
        assert junk not in body_text and junk not in record.body_html, junk
        assert junk not in md, junk
        assert junk not in record.summary, junk


def test_bullets_in_one_paragraph_stay_one_line_each():
    _, md = _parse(*CASES[-1][:3])
    lines = [line.strip() for line in md.splitlines() if line.strip()]
    assert len(lines) == 8, md
    assert [line[0] for line in lines] == ["□", "ㅇ", "ㅇ", "ㅇ", "※", "□", "ㅇ", "※"]


def test_double_line_breaks_in_a_table_cell_become_paragraphs():
    _, md = _parse(*CASES[4][:3])
    paragraphs = [p for p in md.split("\n\n") if p.strip()]
    assert len(paragraphs) == 4, md
    assert paragraphs[1].startswith("생활지원사 86명이") and "  \n" not in md


def test_photo_captions_follow_their_images():
    record, md = _parse(*CASES[2][:3])
    assert len(record.images) == 3
    start = md.index("walk-start.jpg")
    assert md.index("(사진=새솔시 제공)") > start
    assert md.index("(사진=새솔시 제공)") < md.index("walk-family.jpg")


def test_link_box_heading_without_links_is_kept():
    # "관련" as a plain subheading of the text is not a related-articles box.
    body = lxml_body("<h3>관련 법령</h3><p>지방자치법 제9조에 따른 사무다.</p>"
                     "<h3>관련기사</h3><p>이 사업은 시의회 의결을 거쳤다.</p>")
    drop_boilerplate(body)
    text = body.text_content()
    assert "관련 법령" in text and "관련기사" in text and "의결을 거쳤다" in text


def lxml_body(html: str):
    import lxml.html

    return lxml.html.fragment_fromstring(html, create_parent="div")


def test_subtitle_marked_by_class_outside_the_body_is_the_subtitle():
    html = (FIXTURES / "og-title.html").read_text(encoding="utf-8")
    r = parse_article(html, "https://www.solnae.example/news/view?id=20261121001",
                              site_names=["솔내신문"])
    assert r.subtitle == "만 70세 이상 7천여 명 대상…교통카드 발급은 다음 달부터"
    assert r.subtitle not in r.body_html


def test_subtitle_inside_the_body_is_not_repeated_in_it():
    html = """<html><head><title>가온군, 청년 월세 지원 확대 | 가온일보</title></head><body>
<h1>가온군, 청년 월세 지원 확대</h1>
<div class="article-body"><p class="subtitle">월 최대 20만 원, 1년간 지원</p>
<p>가온군이 청년 월세 지원 대상을 무주택 청년 전체로 넓힌다고 밝혔다. 신청은 다음 달부터다.</p>
</div></body></html>"""
    r = parse_article(html, "https://gaon.example/news/1", site_names=["가온일보"])
    assert r.subtitle == "월 최대 20만 원, 1년간 지원"
    assert "월 최대 20만 원" not in r.body_html
    assert "청년 월세 지원 대상을" in r.body_html


def test_a_caption_repeated_under_a_photo_series_is_shown_once():
    # A CMS prints one caption under every photo of a series: the reader gets every photo,
    # the caption (with its 사진= credit) once, and the other captions as they are.
    html = (FIXTURES / "photo-series.html").read_text(encoding="utf-8")
    url = "https://haetsal-daily.example/2026/11/02/mum-festival/"
    record = parse_article(html, url, site_names=["햇살일보"])
    md = markdown.body_markdown(record.body_html, url)
    assert len(record.images) == 4
    assert md.count("1일 개막한 햇살군 국화 전시회장 모습. (사진=햇살군 제공)") == 1, md
    assert md.count("국화로 만든 햇살군 상징 조형물. (사진=햇살군 제공)") == 1, md
    assert md.index("mum-1.jpg") < md.index("전시회장 모습") < md.index("30만 송이와")
    assert "입장료는 없다" in md and "농산물 장터도" in md


def test_repeated_lines_that_are_not_captions_stay():
    # A schedule or a meal plan repeats a line on purpose: only captions are deduplicated.
    body = lxml_body("<p>매주 토요일 오전 10시 군청 광장 집결</p><p>1주차: 국화 화분 만들기</p>"
                     "<p>매주 토요일 오전 10시 군청 광장 집결</p><p>2주차: 국화차 만들기</p>")
    drop_repeated_captions(body)
    assert body.text_content().count("매주 토요일 오전 10시 군청 광장 집결") == 2


def test_toggle_labels_left_as_lines_are_dropped():
    body = lxml_body("<p>군은 내년 예산안을 의회에 제출했다.</p><p>더보기</p><p>... more</p><p>less</p>"
                     "<p>more than 300 people came.</p><p>접기</p>")
    drop_boilerplate(body)
    text = body.text_content()
    assert "예산안을" in text and "more than 300 people came." in text
    assert "더보기" not in text and "접기" not in text and "less" not in text
    assert "... more" not in text


def test_more_link_box_headings_are_recognised():
    body = lxml_body(
        "<p>가온군이 청년 월세 지원을 넓힌다.</p>"
        "<h3>함께 볼 기사</h3><ul><li><a href='/a/1'>가온군 청년 정책 설명회</a></li>"
        "<li><a href='/a/2'>가온군 일자리 박람회</a></li></ul>"
        "<p>신청은 다음 달부터다.</p>"
        "<h4>Most read in world news</h4><ul><li><a href='/w/1'>Plague case reported</a></li></ul>"
        "<h4>You may also like...</h4><div><a href='/m/1'>Rock Hall vote opens</a></div>")
    drop_boilerplate(body)
    text = body.text_content()
    assert "월세 지원을" in text and "신청은 다음 달부터다." in text
    for junk in ("함께 볼 기사", "청년 정책 설명회", "Most read", "Plague case", "also like",
                 "Rock Hall"):
        assert junk not in text, junk
