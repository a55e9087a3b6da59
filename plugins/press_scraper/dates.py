"""Lenient dates as Korean sites write them (the strict header format is
newsroom.core.model.parse_loose_date)."""

from __future__ import annotations

import email.utils
import re
from datetime import datetime

from dateutil import parser as date_parser
from htmldate import find_date

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
    except (ValueError, OverflowError, TypeError, LookupError):
        return None  # a malformed date costs that date only
    return dt if dt.tzinfo else dt.replace(tzinfo=KST)


# Labels that precede the publication / modification date on Korean pages.
PUBLISHED_LABEL_RE = re.compile(
    r"(?:등록일(?:시|자)?|작성일(?:시|자)?|게시일(?:시|자)?|입력(?:일|일시)?|승인|배포일(?:시)?"
    r"|보도일(?:시|자)?|배포일자|등록)\s*[:：]?\s*"
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


# Board view pages put the date in a detail table: <th>등록일</th><td>2025.12.10</td>, or a
# <dt>/<dd> pair, or a <span class="label">작성일</span><span>…</span> line.
_DATE_CELL_LABELS = ("등록일", "등록일시", "등록일자", "작성일", "작성일시", "작성일자", "게시일",
                     "게시일시", "게시일자", "입력일", "입력", "등록", "작성", "보도일", "보도일자",
                     "보도일시", "배포일", "배포일시", "배포일자", "날짜", "일자")
_DATE_CELL_TAGS = ("th", "dt", "td", "span", "strong", "em")
# Every label above has one of these; a cell without any is not read further.
_DATE_CELL_LABEL_CHARS_RE = re.compile(
    "[" + "".join(sorted({c for w in _DATE_CELL_LABELS for c in w})) + "]")


def find_date_cell(root, keep=lambda el: True) -> datetime | None:
    """The date in the cell next to a 등록일/작성일/… label of a board's detail table (only
    labels for which `keep(label)` is true: not the footer's or the menu page's).

    `root`: the page's root element. Labels are a `th`, `dt`, `span`, `strong` or `em`, or a
    `td` with a `td` after it, in document order."""
    for label in root.iter(_DATE_CELL_TAGS):
        text = label.text_content()
        if not _DATE_CELL_LABEL_CHARS_RE.search(text) or re.sub(
                r"\s+", "", text).strip(":：") not in _DATE_CELL_LABELS:
            continue
        if label.tag == "td" and next(label.itersiblings("td"), None) is None:
            continue
        cell = label.getnext()
        if cell is not None and keep(label) and _ANY_DATE_RE.search(cell.text_content() or ""):
            dt = parse_loose_date(cell.text_content())
            if dt:
                return dt
    return None


# What htmldate does to a page's text before parsing it (htmldate.utils.repair_faulty_html):
# a first line `<!DOCTYPE …/>` is cut up to its first `/>` (on a one-line page, much of the
# head), and `<html …/>` in the first four lines loses its slash. Pages it repairs, or that do
# not start as a whole document (lxml.html.fromstring then returns a fragment), it parses into
# another tree than ours.
_REPAIRED_DOCTYPE_RE = re.compile(r"^< ?! ?DOCTYPE.+?/ ?>", re.I)
_WHOLE_DOCUMENT_RE = re.compile(r"^\s*<(?:html|!doctype)", re.I)


def htmldate_reads_alike(html: str) -> bool:
    """Whether htmldate, given the page's text, would parse the tree we parse (with comments):
    then it can be handed that tree and save its own parse (about 2 ms a page)."""
    if not _WHOLE_DOCUMENT_RE.match(html):
        return False
    if "doctype" in html[:50].lower() and _REPAIRED_DOCTYPE_RE.match(html.partition("\n")[0]):
        return False
    return not any("<html" in line and line.rstrip("\r").endswith("/>")
                   for line in html.split("\n", 4)[:4])


class _NotRead:
    def __repr__(self) -> str:
        return "NOT_READ"


NOT_READ = _NotRead()  # find_page_date's `day` when htmldate has not read the page yet


def htmldate_day(page) -> datetime | None:
    """htmldate's day for `page`: its HTML text, or the tree we parsed from it with comments
    kept, when htmldate_reads_alike(text) (htmldate copies a tree before editing it).

    Not our tree without comments: some pages keep their date in a comment, and given that
    tree htmldate lost 2 of the 443 pages of shared/benchmarks/dates (0.903 -> 0.898)."""
    try:
        day = find_date(page, original_date=True)
    except Exception:  # noqa: BLE001 - a library's bug on odd markup costs the date only
        return None
    if not day:
        return None
    try:
        return datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=KST)
    except ValueError:
        return None


def _with_time(day: datetime, precise: list[datetime | None]) -> datetime:
    """`day` (midnight) with the time of day of the first of `precise` that falls on it."""
    for dt in precise:
        if dt is not None and dt.date() == day.date():  # the day as the page states it
            return dt
    return day


def find_page_date(
    page, *, labelled: datetime | None = None, meta_date: datetime | None = None,
    day=NOT_READ,
) -> datetime | None:
    """The page's publication date when the source has no date selector. `page`: its HTML
    text (see htmldate_day); `day`: htmldate's day when it has read the page already.

    1. `labelled`: the date a Korean page writes beside 등록일, 작성일, 게시일, 입력 or 등록, in
       a board's detail-table cell or in the text (see find_date_cell, find_labelled_date;
       footers and the menu page's manager box excluded). It wins over htmldate: on board
       pages htmldate falls back to the first date it sees, often the manager box's or a
       list's.
    2. htmldate (`original_date=True`, with its text search): meta tags, JSON-LD
       `datePublished`, `<time>`, the URL, then dates written in the page. A day from htmldate
       takes its time of day from `meta_date` (a meta tag or `<time>` we read) when that
       falls on the same day as the page states it; otherwise it is midnight KST.
    """
    if labelled is not None:
        return labelled
    if day is NOT_READ:
        day = htmldate_day(page)
    return _with_time(day, [meta_date]) if day is not None else None
