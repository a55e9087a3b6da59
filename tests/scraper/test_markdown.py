"""markdown.py: sanitising, HTML to Markdown, escaping, the header."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import markdown as python_markdown
import pytest

from newsroom.core.model import parse_header
from press_scraper import markdown as md
from press_scraper.records import Attachment, Record
from press_scraper.sources import Source

KST = timezone(timedelta(hours=9))
HOSTILE = """<div><p>□ 사업 개요<br>○ 세부 &lt;script&gt;alert(1)&lt;/script&gt;</p>
<p>[x](javascript:alert(1)) {: onclick="alert(6)"} &lt;img src=x onerror=alert(7)&gt;</p>
<script>alert(1)</script><iframe src="http://127.0.0.1:9/evil"></iframe><style>p{}</style>
<p onclick="alert(2)">클릭 <a href="javascript:alert(3)">링크</a> <a href=" JaVaScRiPt:alert(8)">둘</a>
<a href="/rel?a=1&b=(2)">상대 링크</a></p>
<img src="x.png" onerror="alert(4)" alt='a](javascript:alert(5)) [b'>
<img src="data:image/png;base64,AAAA"><svg onload="alert(9)"></svg>
<div>줄1</div><div>줄2</div>
<table><tr><td>구분</td><td>값|파이프</td></tr><tr><td>a</td><td>b</td></tr></table>
<ul><li>하나</li><li>둘</li></ul><h1>큰 제목</h1><p># 해시 *별* _밑줄_ `코드`</p></div>"""


def render(text: str) -> str:
    conv = python_markdown.Markdown(
        extensions=["markdown.extensions.extra", "markdown.extensions.meta",
                    "markdown.extensions.sane_lists"],
        output_format="html5",
    )
    return conv.convert(text)


def test_hostile_body_renders_no_script():
    body = md.body_markdown(HOSTILE, "http://127.0.0.1:9/x")
    html = render("Title: t\n\n" + body)
    low = html.lower()
    assert "<script" not in low and "<iframe" not in low and "<svg" not in low
    assert "<style" not in low and "javascript:" not in low and "data:" not in low
    assert md.check_rendered(body) is None
    import lxml.html

    root = lxml.html.fragment_fromstring(html, create_parent="div")
    attrs = [a for el in root.iter() for a in el.attrib]
    assert not [a for a in attrs if a.lower().startswith("on")]
    assert set(attrs) <= {"href", "src", "alt"}
    # Text survives, shown literally.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<a href="/rel?a=1&amp;b=%282%29">상대 링크</a>' in html


def test_structure_is_kept():
    body = md.body_markdown(HOSTILE)
    assert "□ 사업 개요  \n○ 세부" in body  # bullet lines stay lines
    assert "| 구분 | 값&#124;파이프 |" in body and "| --- | --- |" in body
    assert "- 하나\n- 둘" in body
    assert "## 큰 제목" in body
    assert "줄1\n\n줄2" in body
    html = render("T: x\n\n" + body)
    assert "<table>" in html and "<li>하나</li>" in html and "<h2>큰 제목</h2>" in html
    assert "<p># 해시 *별* _밑줄_ `코드`</p>" in html


def test_first_body_line_cannot_become_metadata():
    doc = md.build_document([("Title", "제목")], "Category: 정치\n\n본문")
    header = parse_header(doc)
    assert [f.key for f in header.fields] == ["Title"]
    meta = python_markdown.Markdown(extensions=["meta"])
    meta.convert(doc.replace("\n\n", "\n", 1))  # even with the blank line lost
    assert "category" not in meta.Meta


def test_title_with_newlines_and_category_text_stays_one_line():
    fields = [("Title", "가짜 제목\nCategory: 정치\r\n    Status: draft <b>"), ("Date", "x")]
    doc = md.build_document(fields, "본문")
    header = parse_header(doc)
    assert [f.key for f in header.fields] == ["Title", "Date"]
    # plain text: the templates autoescape it (tests/scraper/test_scrape_e2e.py checks the page)
    assert header.value("Title") == "가짜 제목 Category: 정치 Status: draft <b>"


def test_summary_is_markdown_escaped():
    value = md.header_value("Summary", "[x](javascript:alert(1)) <script>")
    assert "<" not in value and "](javascript:" not in value
    assert "javascript:" not in render(value)


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        ("한빛시의회 임시회 개회", "의원들이 조례안을 심사했다", "정치"),
        ("한빛시, 기업 투자 유치", "일자리 300개", "경제"),
        ("국화 축제 개막", "공연과 전시", "문화"),
        ("날씨 안내", "맑음", md.FALLBACK_CATEGORY),
        # 전통시장 is a market, not 시장 (a mayor): found on the demo site, filed under 정치
        ("한빛시, 전통시장 상품권 10% 환급 행사", "전통시장에서 쓴 금액을 돌려준다", "경제"),
        ("시장, 의회 임시회에서 시정 연설", "시장은 내년 시정 방향을 밝혔다", "정치"),
    ],
)
def test_classify(title, text, expected):
    assert md.classify(title, text) == expected


def test_classify_uses_given_table():
    assert md.classify("축제", "", {"경제": ("축제",)}, fallback="문화") == "경제"


SOURCE = Source(id="hanbit", name="한빛시청", kind="rss", url="http://127.0.0.1:9/rss.xml",
                tags=("한빛", "보도자료"), license="공공누리 제1유형")
RECORD = Record(
    url="http://127.0.0.1:9/view.do?nttNo=1", title="한빛시, 청년 창업 지원",
    body_html="<p>본문 <b>굵게</b></p><p><img src='http://127.0.0.1:9/a.jpg' alt='사진'></p>",
    subtitle="부제", date=datetime(2026, 1, 7, 14, 11, tzinfo=KST), author="일자리정책과",
    summary="청년 창업을 지원한다.", images=("http://127.0.0.1:9/a.jpg",),
    attachments=(Attachment("계획 (최종).hwp", "http://127.0.0.1:9/down.do?id=1&n=(1)"),),
)


def test_article_body_with_attachments_and_rewritten_images():
    html = md.rewrite_images(RECORD.body_html, {"http://127.0.0.1:9/a.jpg": "images/hanbit/a.jpg"})
    rec = Record(**{**RECORD.__dict__, "body_html": html})
    body = md.render_body(rec, source_name="한빛시청", excerpt_only=False)
    assert "**굵게**" in body
    assert "![사진]({static}/images/hanbit/a.jpg)" in body
    assert "## 첨부파일\n\n- [계획 (최종).hwp](http://127.0.0.1:9/down.do?id=1&n=%281%29)" in body
    dropped = md.rewrite_images(RECORD.body_html, {})
    assert "<img" not in dropped and "사진" in dropped


def test_excerpt_only_never_has_full_text():
    rec = Record(**{**RECORD.__dict__, "body_html": "<p>" + "전문 " * 500 + "</p>",
                    "summary": "요약 " * 150})
    body = md.render_body(rec, source_name="한빛일보", excerpt_only=True)
    assert "전문" not in body
    assert "[한빛일보에서 기사 원문 보기](http://127.0.0.1:9/view.do?nttNo=1)" in body
    assert len(body.split("\n\n")[0]) <= 200


def test_fields_and_hash():
    fields = md.article_fields(RECORD, source=SOURCE, identity="hanbit http://x/", slug="hanbit-1",
                               category="경제", date=RECORD.date, image="images/hanbit/a.jpg")
    doc = md.build_document(fields, "본문")
    header = parse_header(doc)
    assert header.value("Date") == "2026-01-07 14:11:00"
    assert header.value("Tags") == "한빛, 보도자료"
    assert header.value("License") == "공공누리 제1유형"
    assert header.value("Source") == "한빛시청"
    assert header.get("Modified") is None and header.get("Excerpt_Only") is None
    h = md.content_hash(doc)
    assert md.content_hash(doc.replace("Date:", "Modified: 2026-02-01 00:00\nDate:")) == h
    assert md.content_hash(doc.replace("본문", "본문 수정")) != h
    assert md.content_hash(doc.replace("경제", "정치")) != h


# Pieces of Markdown that Python-Markdown turns into markup check_rendered flags (or nearly
# does), spelled the ways an attacker would: entities, escapes, controls, case.
_TRICKY = [
    "[x](javascript:alert(1))", "[x](&#106;avascript:alert(1))", "[x](java&Tab;script:go)",
    "[x](jav\\ascript:go)", "[x](JaVaScRiPt:go)", "[x]( vbscript:go)", "![a](data:image/png,AA)",
    "[x][r]\n\n[r]: javascript:alert(1)", "<javascript:alert(1)>", "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>", "text {: onclick=\"alert(1)\" }", "# 제목 {: onmouseover=x }",
    "![a onerror=alert(1)](http://x/y.png)", "[x](http://x/ \"t onclick=alert(1)\")",
    "![a &#111;nerror=1](http://x/y.png)", "[x](&#x6A;avascript&#58;go)", "[x](livescript:go)",
    "[x](https://example.go.kr/javascript:go)", "&lt;script&gt;", "\\{: onclick=x \\}",
    "&amp;#106;avascript:", "<svg onload=alert(1)>", "[x](data&colon;text/html,hi)",
    "| a | b |\n| --- | --- |\n| [c](javascript:d) | e |", "*[HTML]: on click=x", "[^1]\n\n[^1]: 주석",
]
_PLAIN = ["□ 한빛시는 사업을 추진한다.", "[붙임](http://www.example.go.kr/down.do?id=1&sn=2)",
          "- 하나\n- 둘", "**강조** 문장", "| 구분 | 내용 |\n| --- | --- |\n| 기간 | 2027년 |",
          "![사진](http://www.example.go.kr/a.jpg)", "on", "data", "javascript", "="]


def test_the_render_is_skipped_only_where_it_could_find_nothing():
    """check_rendered skips Python-Markdown when the Markdown cannot render into anything it
    flags (_renders_inert). Whatever the full render flags must never be skipped: every
    tricky piece alone and in combinations with ordinary lines."""
    import random

    rng = random.Random(12)
    cases = [*_TRICKY, *_PLAIN]
    for _ in range(600):
        cases.append("\n\n".join(rng.sample(_TRICKY + _PLAIN * 2, rng.randint(1, 4))))
        cases.append(rng.choice(_PLAIN) + " " + rng.choice(_TRICKY) + " " + rng.choice(_PLAIN))
    flagged = 0
    for case in cases:
        if md._rendered_danger(case):
            flagged += 1
            assert not md._renders_inert(case), case
            assert md.check_rendered(case), case
    assert flagged > 300  # the pieces do trip the full check
    # Ordinary release Markdown skips the render.
    ordinary = md.body_markdown("<p>□ 한빛시는 <b>사업</b>을 추진한다.</p><table><tr><th>구분</th>"
                                "<th>내용</th></tr><tr><td>기간</td><td>2027년</td></tr></table>"
                                '<p><a href="http://www.example.go.kr/d.do?id=1&amp;sn=2">붙임</a>'
                                "</p>", "http://www.example.go.kr/")
    assert md._renders_inert(ordinary), ordinary
