"""Generic extraction (no selectors) on the failure kinds issue 9 found on public benchmark
pages: a malformed link, a Drupal `view-content` headline list, an id rule that matched
<body>, HTML comments mid-sentence. Small invented pages written like those."""

from __future__ import annotations

from press_scraper.article import parse_article
from press_scraper.attachments import find_attachments
from press_scraper.text import clean_href, html_to_text

URL = "https://www.example-daily.test/news/2026/11/30/harbour-lights"
PARAGRAPHS = [
    "The harbour authority switched on the new quay lights on Monday evening, three weeks "
    "earlier than planned, after the last cable was laid on Friday.",
    "The lights use a third of the power of the old lamps and can be dimmed from the control "
    "room when no ship is expected, the authority said in a statement.",
    "Fishermen had asked for brighter lights on the north quay for years; the work cost about "
    "two million and was paid from the port's maintenance budget.",
]


def _page(body: str, *, head: str = "", body_attrs: str = "") -> str:
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Harbour lights switched on"
        f" early - Example Daily</title>{head}</head><body {body_attrs}>"
        "<nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li>"
        "<li><a href='/sport'>Sport</a></li></ul></nav>"
        f"<main><h1>Harbour lights switched on early</h1>{body}</main>"
        "<footer><p>Example Daily, 1 Quay Road. All rights reserved.</p></footer></body></html>"
    )


def _text(record) -> str:
    return html_to_text(record.body_html)


def test_a_malformed_link_costs_that_link_not_the_article():
    # `urlsplit` raises ValueError on "http://[ccpa-preferences]" (an unclosed IPv6 bracket).
    body = "<article>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + (
        "<p><a href='http://[ccpa-preferences]'>Do not sell my data</a> "
        "<a href='http://[ccpa-preferences]/report.pdf'>report.pdf</a></p></article>")
    record = parse_article(_page(body), URL)
    assert PARAGRAPHS[0] in _text(record) and PARAGRAPHS[2] in _text(record)
    assert clean_href("http://[ccpa-preferences]", URL) == ""
    assert clean_href("http://host.test:99999/a", URL) == ""
    assert find_attachments(
        __import__("lxml.html").html.fromstring(
            "<div><a href='http://[x]/a.pdf'>a.pdf</a><a href='/b.hwp'>b.hwp</a></div>"), URL
    )[-1].url == "https://www.example-daily.test/b.hwp"


def test_a_drupal_view_content_list_of_headlines_is_not_the_body():
    related = "".join(
        f"<div class='views-row'><a href='/news/{i}'>Another headline about the port number {i}"
        "</a></div>" for i in range(8))
    body = ("<article><div class='field-body'>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
            + "</div></article>"
            f"<aside><h2>More news</h2><div class='view-content'>{related}</div></aside>")
    text = _text(parse_article(_page(body), URL))
    assert PARAGRAPHS[1] in text
    assert "Another headline about the port" not in text


def test_an_article_body_id_on_the_body_element_does_not_take_the_whole_page():
    body = "<div class='story'>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</div>" + (
        "<div class='promo'><p>Subscribe today and get the first month free of charge, "
        "cancel at any time online.</p></div>")
    record = parse_article(_page(body, body_attrs="id='article_body'"), URL)
    text = _text(record)
    assert PARAGRAPHS[0] in text and PARAGRAPHS[2] in text
    assert "Home News Sport" not in text and "All rights reserved" not in text


def test_html_comments_mid_sentence_keep_the_rest_of_the_sentence():
    # React server rendering writes `<!-- -->` between text pieces of one paragraph; after a
    # link, trafilatura lost everything from the comment on.
    sentence = ("According to the <span><a href='/study'>study</a></span>, published in a "
                "medical journal, the keeper had suffered<!-- --> months of dizziness and "
                "fatigue by the time he visited his local doctor in November.")
    body = "<article>" + f"<p>{sentence}</p>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + (
        "</article>")
    text = " ".join(_text(parse_article(_page(body), URL)).split())
    assert "had suffered months of dizziness and fatigue by the time he visited" in text
    for p in PARAGRAPHS:
        assert p in text, p


def test_a_json_ld_date_published_is_read():
    head = ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": '
            '"NewsArticle", "headline": "Harbour lights switched on early", "datePublished": '
            '"2024-03-05T08:30:00+01:00"}</script>')
    body = "<article>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</article>"
    record = parse_article(_page(body, head=head), URL)
    assert record.date is not None and record.date.strftime("%Y-%m-%d") == "2024-03-05"


def test_a_date_written_in_the_text_is_read():
    body = ("<article><p class='dateline'>Published on March 5, 2024</p>"
            + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</article>")
    record = parse_article(_page(body), URL)
    assert record.date is not None and record.date.strftime("%Y-%m-%d") == "2024-03-05"


def test_headlines_lose_the_site_and_section_names():
    from press_scraper.titles import choose_title, site_names_from_url

    cases = [
        # (url, <title>, og:title, h1, expected)
        ("https://www.entermedia.co.kr/news/articleView.html?idxno=1",
         "배우가 무대로 돌아온 이유 - Entermedia", "", "", "배우가 무대로 돌아온 이유"),
        ("https://www.donga.example/news/article/all/20251105/1",
         "한빛시 집값 석 달째 하락 : 뉴스 : 동아닷컴", "", "", "한빛시 집값 석 달째 하락"),
        ("https://www.daejeon-nuri.example/news/1",
         "[대전누리일보] 담빛군 폐교, 청년 창업 공간으로", "", "", "담빛군 폐교, 청년 창업 공간으로"),
        ("https://portal.example/v/1", "담빛군 폐교, 청년 창업 공간으로 - 뉴스누리", "뉴스누리",
         "", "담빛군 폐교, 청년 창업 공간으로"),
        ("https://www.hanbit.example/view.do?nttNo=1", ":: 한빛군청 :: 도정소식", "광주광역시",
         "도정소식", ""),
    ]
    for url, page_title, og_title, h1, expected in cases:
        got = choose_title(page_title=page_title, og_title=og_title, headings=[h1] if h1 else [],
                           site_names=site_names_from_url(url))
        assert got == expected, (page_title, got)


def test_trafilatura_fast_path_failures_are_recognised():
    # On a whole page (no known body container) trafilatura's fast mode runs first; where it
    # returns nothing, a list of headline links, or the page's menus as one-word lines (its
    # baseline fallback on a city hall page), the default mode runs instead.
    from press_scraper.article import _fast_failed

    menu = "<p>" + "\n".join(["열린시장실", "시정소식", "보도자료", "고시공고", "민원안내",
                               "분야별정보", "관광", "문화", "복지", "일자리"] * 3) + "</p>"
    headlines = "".join(f"<p><a href='/news/{n}'>한빛시 주요 소식 {n}호</a></p>" for n in range(8))
    article = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    release = ("<p>□ 한빛시는 12월부터 전통시장 주차장 3곳을 무료로 개방한다.<br>"
               "ㅇ 대상: 중앙시장, 동문시장, 서부시장<br>ㅇ 시간: 오전 9시~오후 9시</p>")
    assert _fast_failed("") and _fast_failed(menu) and _fast_failed(headlines)
    assert not _fast_failed(article) and not _fast_failed(release)


def test_body_candidates_in_one_walk_agree_with_the_xpaths():
    # body_candidates checks the simple rules in one walk of the page; each rule's XPath in
    # LIKELY_BODY_XPATHS is the definition. Both must find the same elements on every
    # fixture page and on pages written to trip the walk (class tokens, ids on <body>).
    from pathlib import Path

    import lxml.etree

    from press_scraper.article import parse_document
    from press_scraper.boilerplate import LIKELY_BODY_XPATHS, body_candidates

    pages = [p.read_text(encoding="utf-8", errors="replace")
             for p in sorted((Path(__file__).parent / "fixtures").rglob("*.html"))]
    pages.append(
        "<html><body id='article_body'><div class='x view-content y'><p>a</p></div>"
        "<div class='view-contents'>b</div><td class='content'>c</td>"
        "<section id='newsContent'><div itemprop='articleBody' class='entry-content'>d</div>"
        "</section><span class='article-body'>not a div</span></body></html>")
    assert len(pages) > 20
    for html in pages:
        root = parse_document(html)
        expected = [lxml.etree.XPath(x)(root) for x in LIKELY_BODY_XPATHS]
        assert body_candidates(root) == expected


RELEASE = [
    "□ 하온시는 청년 창업 공간 세 곳을 새로 열고 입주 기업 스무 곳을 모집한다고 밝혔다. 입주 기업은 "
    "2년 동안 사무 공간과 회의실을 무료로 쓴다.",
    "□ 시는 창업 교육과 투자 상담도 함께 제공하며, 신청은 다음 달 15일까지 시 누리집에서 받는다. "
    "자세한 내용은 일자리경제과로 문의하면 된다.",
]


def _board_page() -> str:
    menu = "".join(f"<li><p>{w}</p></li>" for w in ("열린시장실", "시정소식", "보도자료", "고시공고"))
    side = "".join(f"<p>{w}</p>" for w in ("보도자료", "해명자료", "카드뉴스"))
    paras = "".join(f"<p>{p}</p>" for p in RELEASE)
    return (
        "<!doctype html><html lang='ko'><head><meta charset='utf-8'><title>하온시, 청년 창업 공간"
        " 세 곳 개소 : 보도자료 : 하온시청</title></head><body>"
        f"<div id='header'><ul class='gnb'>{menu}</ul></div><div class='lnb_wrap'>{side}</div>"
        "<div class='board-view'><h3>하온시, 청년 창업 공간 세 곳 개소</h3>"
        f"<div class='cont-area'>{paras}</div></div>"
        "<div id='footer'><p>하온시청 주소 하온시 중앙로 1 대표전화 061-000-0000</p></div>"
        "</body></html>"
    )


def test_menus_and_footer_are_not_given_to_trafilatura(monkeypatch):
    """trafilatura weighs every element of the page it gets and throws the menus away; they
    are removed before (boilerplate.drop_menus), and the release comes out whole."""
    import press_scraper.article as article

    given = []
    real = article._trafilatura_html

    def spy(tree, url, *, fast=True):
        given.append(tree.xpath("string(//body)"))
        return real(tree, url, fast=fast)

    monkeypatch.setattr(article, "_trafilatura_html", spy)
    record = parse_article(_board_page(), "https://www.haon.go.kr/news/view.do?id=1")
    assert given and not any(w in given[0] for w in ("열린시장실", "해명자료", "대표전화"))
    text = html_to_text(record.body_html)
    assert all(p[2:20] in text for p in RELEASE), text
    assert "열린시장실" not in text and "대표전화" not in text


def test_menus_holding_the_article_are_kept():
    import lxml.html

    from press_scraper.boilerplate import body_candidates, drop_menus

    root = lxml.html.document_fromstring(
        "<html><body><div class='gnb'><a href='/'>홈</a></div>"
        "<div class='wrap-footer'><h1>제목</h1><p>본문 첫 문단</p></div>"
        "<div id='lnb'><div itemprop='articleBody'><p>" + RELEASE[0] + "</p></div></div>"
        "<div class='footnav'><p>남는 줄</p></div><div class='site_footer'><p>주소</p></div>"
        "</body></html>")
    drop_menus(root, body_candidates(root))
    text = root.text_content()
    assert "홈" not in text and "주소" not in text  # gnb, site_footer: gone
    assert "제목" in text and "본문 첫 문단" in text  # holds the h1
    assert RELEASE[0] in text  # holds a known body container
    assert "남는 줄" in text  # `footnav` is not a menu token


def test_a_layout_wrapper_named_after_its_menu_keeps_the_article():
    """A page titled in an h3 (no h1, no known body container) inside a wrapper whose class
    mentions the menu: the wrapper holds most paragraphs, so it is not a menu."""
    import lxml.html

    from press_scraper.boilerplate import body_candidates, drop_menus

    paras = "".join(f"<p>{p}</p>" for p in RELEASE)
    root = lxml.html.document_fromstring(
        "<html><body><div class='sub_lnb_layout'><ul class='lnb'><li>시정소식</li></ul>"
        f"<h3>하온시, 청년 창업 공간 세 곳 개소</h3>{paras}</div>"
        "<div id='footer'><p>하온시청 대표전화 061-000-0000</p></div></body></html>")
    drop_menus(root, body_candidates(root))
    text = root.text_content()
    assert all(p in text for p in RELEASE) and "하온시, 청년 창업" in text
    assert "시정소식" not in text and "대표전화" not in text  # the menu inside, the footer: gone


def test_norm_collapses_exactly_what_the_regex_did():
    """text.norm uses str.split (faster); it must treat as whitespace exactly what `\\s+`
    does, over all of Unicode, or text would change between runs of the same page."""
    import re
    import sys

    from press_scraper.text import norm

    ws = re.compile(r"\s")
    assert [c for c in range(sys.maxunicode + 1)
            if bool(ws.fullmatch(chr(c))) != chr(c).isspace()] == []
    sample = "\u3000 가\t\u00a0나 \u2028다\x1c라\n\n " + "".join(map(chr, range(0, 0x3100, 7)))
    assert norm(sample) == re.sub(r"\s+", " ", sample).strip()
    assert norm(None) == "" and norm("") == ""
