"""The content model's pure functions: header parsing, dates, slugs, escaping."""

from __future__ import annotations

from datetime import timedelta

import pytest

from newsroom.core.model import (
    SLUG_RE,
    derive_slug,
    escape_value,
    format_date,
    parse_date,
    parse_header,
)


def test_date_without_offset_is_seoul_time() -> None:
    d = parse_date("2025-12-16 16:30:06")
    assert d.utcoffset() == timedelta(hours=9)
    assert d.isoformat() == "2025-12-16T16:30:06+09:00"


def test_date_with_offset_keeps_it_and_formats_back_to_kst() -> None:
    d = parse_date("2025-12-16 07:30+00:00")
    assert d.utcoffset() == timedelta(0)
    assert format_date(d) == "2025-12-16 16:30:00"


@pytest.mark.parametrize("bad", ["2025.12.16 16:30", "2025-13-01 10:00", "2025-12-16", "어제"])
def test_bad_dates_raise_with_the_value(bad: str) -> None:
    with pytest.raises(ValueError, match=bad.split()[0].replace(".", r"\.")) as raised:
        parse_date(bad, "Date")
    assert str(raised.value).startswith(f"Date {bad!r}")
    assert "고치세요 (예: 2026-12-01 09:00)." in str(raised.value)


def test_derived_slugs_are_ascii_stable_and_distinct() -> None:
    a = derive_slug(None, "articles/대구시 예산.md")
    b = derive_slug(None, "articles/대구시 예산안.md")
    assert SLUG_RE.match(a) and SLUG_RE.match(b)
    assert a == derive_slug(None, "articles/대구시 예산.md")
    assert a != b
    assert derive_slug(None, "articles/daegu-budget.md") == "daegu-budget"
    assert derive_slug("given", "articles/x.md") == "given"


def test_escape_value_keeps_a_scraped_title_on_one_line() -> None:
    value = escape_value("예산 확정\nCategory: 정치\r\n\u2028Slug: ../x")
    assert "\n" not in value and "\r" not in value and "\u2028" not in value
    header = parse_header(f"Title: {value}\nCategory: 경제\n\n본문")
    assert [f.key for f in header.fields] == ["Title", "Category"]
    assert header.value("category") == "경제"


def test_header_ends_at_blank_line_and_keeps_line_numbers() -> None:
    header = parse_header("Title: 제목\nDate: 2025-12-16 16:30\n\nCategory: 본문의 줄\n")
    assert header.get("category") is None
    assert header.get("date").line == 2
    assert header.body_line == 4


def test_escape_value_drops_invisible_characters_that_disguise_text() -> None:
    # U+202E would show "exe.jpg" as "gpj.exe"; zero-width characters hide inside words.
    assert escape_value("사진\u202egpj.exe") == "사진gpj.exe"
    assert escape_value("대\u200b구\ufeff시\u2066청\u2069") == "대구시청"
