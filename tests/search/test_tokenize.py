"""The terms of the index and of queries (plugins/newsroom_search/tokenize.py)."""

from __future__ import annotations

from newsroom_search.tokenize import hangul_bigrams, query_words, strip_particle, text_terms


def test_hangul_runs_become_overlapping_bigrams():
    assert hangul_bigrams("온누리상품권을") == ["온누", "누리", "리상", "상품", "품권", "권을"]
    assert {"상품", "품권"} <= text_terms("온누리상품권을 드립니다")


def test_bigrams_cross_a_space_so_spacing_does_not_matter():
    assert "년창" in text_terms("청년 창업 기업")
    assert "년창" in text_terms("청년창업지원금")
    # ...but not across punctuation, a line of its own or Latin text.
    assert "년창" not in text_terms("청년, 창업")


def test_ascii_words_are_lower_cased_whole_terms_and_single_letters_dropped():
    terms = text_terms("AI 기업 K-패스 2027년 5천만")
    assert {"ai", "2027", "패스"} <= terms
    assert "k" not in terms and "5" not in terms


def test_full_width_and_compatibility_forms_are_normalized():
    assert "ai" in text_terms("ＡＩ 채용")


def test_particles_are_trimmed_from_query_words_only_when_two_syllables_remain():
    assert strip_particle("서울시는") == "서울시"
    assert strip_particle("서울은") == "서울"
    assert strip_particle("도서관에서") == "도서관"
    assert strip_particle("상품권을") == "상품권"
    # Two syllables: 물가 and 평가 are words, not 물 + 가.
    assert strip_particle("물가") == "물가"
    assert strip_particle("시의회") == "시의회"


def test_query_words_keep_order_drop_duplicates_and_one_syllable_words():
    words = query_words("교통 협의체 교통 및 AI")
    assert [w for w, _t in words] == ["교통", "협의체", "ai"]
    assert dict(words)["협의체"] == ["협의", "의체"]
    assert query_words("시") == []
    assert query_words("  ") == []
