"""Summaries in lists: lead sentences, without the bullets, contact lines and notices of a
press release, cut at a sentence end."""

from __future__ import annotations

from helpers import build_ok, new_content, parse_html, write_article

from newsroom_site.summaries import list_summary

RELEASE = """<보도일시> 2026. 11. 24.(화) 14:00 이후 보도해 주시기 바랍니다.

□ 한빛시는 12월 1일부터 14일까지 관내 전통시장 7곳에서 '연말 장보기 환급 행사'를 연다고 24일 밝혔다.

ㅇ 행사 기간 참여 시장에서 국산 농축수산물을 3만 4천 원 이상 사면 1만 원을 온누리상품권으로 돌려받는다.

○ 환급 창구는 시장마다 고객지원센터 한 곳에 둔다.

- 전통시장: 중앙시장, 남부시장
- 문의: 한빛시 일자리경제과

※ 예산 소진 시 조기 종료

**담당 부서** 한빛시 일자리경제과<br>
**책임자** 과장 홍길동 (063-000-2841)<br>
**담당자** 주무관 김영희 (063-000-2846)

이 자료는 공공누리 제1유형 조건에 따라 이용할 수 있습니다.
"""


def test_lead_sentences_without_bullets_contacts_or_notice():
    html = (
        "<p>&lt;보도일시&gt; 2026. 11. 24.(화) 14:00 이후 보도해 주시기 바랍니다.</p>"
        "<p>□ 한빛시는 장보기 환급 행사를 연다고 24일 밝혔다.</p>"
        "<p>ㅇ 참여 시장은 7곳이다.</p>"
        "<ul><li>○ 목록은 요약에 들지 않는다.</li></ul>"
        "<p><strong>담당 부서</strong> 한빛시 일자리경제과<br><strong>책임자</strong> 과장</p>"
        "<p>이 자료는 공공누리 제1유형 조건에 따라 이용할 수 있습니다.</p>"
    )
    assert list_summary(html) == "한빛시는 장보기 환급 행사를 연다고 24일 밝혔다. 참여 시장은 7곳이다."
    # Cut at a sentence end: the second sentence would pass the limit, so it is left out.
    assert list_summary(html, limit=30) == "한빛시는 장보기 환급 행사를 연다고 24일 밝혔다."
    # The editor's Summary wins; decimals are not sentence ends.
    assert list_summary(html, "거리 1.2km를 늘렸다. 둘째 문장.") == "거리 1.2km를 늘렸다. 둘째 문장."
    # One sentence longer than the limit: cut at a space, marked with …
    long = "<p>○ " + "아주 긴 문장의 낱말 " * 20 + "끝났다.</p>"
    cut = list_summary(long, limit=40)
    assert cut.endswith("…") and len(cut) <= 40 and not cut.startswith("○")
    assert list_summary("<p>담당자: 김영희</p>") == ""
    assert list_summary("<p>ㅇㅇ시는 새 청사를 열었다.</p>") == "ㅇㅇ시는 새 청사를 열었다."


def test_cards_show_the_lead_of_a_release_without_summary(tmp_path):
    content = new_content(tmp_path / "content")
    write_article(content / "articles", "market", RELEASE, title="한빛시, 연말 장보기 환급",
                  date="2026-11-24 14:00", category="경제", slug="market")
    build_ok(content, tmp_path / "out")
    for page in ("index.html", "section/economy/index.html"):
        card = parse_html(tmp_path / "out" / page).select_one(".card__summary").get_text()
        assert card.startswith("한빛시는 12월 1일부터 14일까지"), card
        assert card.endswith("밝혔다.") or card.endswith("돌려받는다."), card
        for leak in ("□", "ㅇ ", "○", "담당", "공공누리", "보도일시", "※"):
            assert leak not in card, (leak, card)


def test_a_scraped_summary_run_together_loses_bullets_contacts_and_captions():
    """The scraper's Summary is flat text: items, a photo caption and the contact line run on."""
    given = ("한빛천 둔치에서 열린 국화 축제에 11만 명이 다녀갔다. 지난해보다 15% 늘었다. "
             "○ 작품 2천여 점 전시가 호응을 얻었다. 국화 축제 전경 담당 부서: 관광과 (000-000-1234)")
    assert list_summary("", given) == (
        "한빛천 둔치에서 열린 국화 축제에 11만 명이 다녀갔다. 지난해보다 15% 늘었다. "
        "작품 2천여 점 전시가 호응을 얻었다.")
    assert list_summary("", "관람은 무료다. 담당 부서: 문화예술과") == "관람은 무료다."
