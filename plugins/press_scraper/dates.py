"""Lenient dates as Korean sites write them (the strict header format is
newsroom.core.model.parse_loose_date)."""

from __future__ import annotations

import email.utils
import re
from datetime import datetime

from dateutil import parser as date_parser

from newsroom.core.model import KST

_YMD_RE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[.\-/년]\s*(?P<mo>\d{1,2})\s*[.\-/월]\s*(?P<d>\d{1,2})(?:\s*일)?\.?"
    r"(?:\s*\([월화수목금토일]\))?"
    r"(?:[\sT]+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?)?"
)
_MDY_RE = re.compile(
    r"\b(?P<mo>\d{2})/(?P<d>\d{2})/(?P<y>(?:19|20)\d{2})"
    r"(?:\s+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?)?"
)
_YY_RE = re.compile(
    r"(?<![\d.\-])(?P<y>\d{2})-(?P<mo>\d{2})-(?P<d>\d{2})(?![\d\-])"
    r"(?:\s+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?)?"
)
_ZONED_RE = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})"
)


def _from_match(m: re.Match, two_digit_year: bool = False) -> datetime | None:
    y = int(m["y"]) + (2000 if two_digit_year else 0)
    try:
        return datetime(
            y, int(m["mo"]), int(m["d"]), int(m["h"] or 0), int(m["mi"] or 0), int(m["s"] or 0),
            tzinfo=KST,
        )
    except ValueError:
        return None


def parse_loose_date(text: str | None) -> datetime | None:
    """Read a date as Korean sites write it; a date without a zone is Asia/Seoul.

    Understands ISO 8601 with an offset, RFC 822 (feeds), `2025-12-11`, `2026.01.07 14:11`,
    `2025년 12월 10일`, `26-01-07` and data.go.kr's `05/08/2026 16:51:00` (month first).

    Returns:
        An aware datetime, or None when no date is found.
    """
    if not text:
        return None
    text = text.strip()
    m = _ZONED_RE.search(text)
    if m:
        try:
            return date_parser.isoparse(m.group(0).replace(" ", "T", 1).replace(" ", ""))
        except ValueError:
            pass
    if re.match(r"^[A-Za-z]{3},?\s+\d", text) or re.match(r"^\d{1,2}\s+[A-Za-z]{3}\s+\d{4}", text):
        try:
            dt = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            dt = None
        if dt is not None:
            return dt if dt.tzinfo else dt.replace(tzinfo=KST)
    for regex, short in ((_YMD_RE, False), (_MDY_RE, False), (_YY_RE, True)):
        m = regex.search(text)
        if m:
            dt = _from_match(m, short)
            if dt:
                return dt
    try:
        dt = date_parser.parse(text, fuzzy=False)
    except (ValueError, OverflowError):
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=KST)


# Labels that precede the publication / modification date on Korean pages.
PUBLISHED_LABEL_RE = re.compile(
    r"(?:등록일(?:시|자)?|작성일(?:시|자)?|게시일(?:시|자)?|입력(?:일|일시)?|승인|배포일(?:시)?"
    r"|보도일(?:시)?|등록)\s*[:：]?\s*"
)
MODIFIED_LABEL_RE = re.compile(r"(?:수정일(?:시|자)?|수정|최종\s*수정)\s*[:：]?\s*")
_ANY_DATE_RE = re.compile(
    r"(?:(?:19|20)\d{2}\s*[.\-/년]\s*\d{1,2}\s*[.\-/월]\s*\d{1,2}(?:[^\d\n]{0,8}\d{1,2}:\d{2}(?::\d{2})?)?"
    r"|\d{2}/\d{2}/\d{4}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
    r"|\d{2}-\d{2}-\d{2}(?:\s+\d{1,2}:\d{2})?)"
)


def find_labelled_date(text: str, label: re.Pattern) -> datetime | None:
    """The first date that directly follows one of `label`'s words in `text`."""
    for m in label.finditer(text):
        after = text[m.end(): m.end() + 40]
        d = _ANY_DATE_RE.match(after)
        if d:
            dt = parse_loose_date(d.group(0))
            if dt:
                return dt
    return None
