"""Scheduled (embargoed) articles: a Date later than "now" is not published yet.

The build holds such an article back (newsroom_site's `embargo` module); `newsroom check` and
the update job call `scheduled` to list them and to know when to build again. Pure: reads
only the files' headers, with the same content model and file walker as the checker.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path, PurePosixPath

from .files import content_files
from .model import KST, parse_date, parse_header


def is_scheduled(date: datetime, now: datetime) -> bool:
    """True when an article dated `date` is not yet to be published at `now`.

    A naive datetime means Korea time (as a Date without an offset does).
    """
    if date.tzinfo is None:
        date = date.replace(tzinfo=KST)
    if now.tzinfo is None:
        now = now.replace(tzinfo=KST)
    return date > now


def scheduled(
    content_dir: Path | str, now: datetime, *, page_paths: tuple[str, ...] = ("pages",)
) -> list[tuple[str, datetime]]:
    """(path relative to content_dir with forward slashes, Date) of every article dated after
    `now`, earliest first (then by path).

    Drafts are left out (they are not published whatever their date), and so are pages and
    files whose header cannot be read or whose Date is missing or invalid: `newsroom check`
    reports those.
    """
    content_dir = Path(content_dir)
    found = []
    for path in content_files(content_dir):
        rel = path.relative_to(content_dir).as_posix()
        if PurePosixPath(rel).parts[0] in page_paths:
            continue
        try:
            text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
        except (OSError, UnicodeDecodeError):
            continue
        header = parse_header(text)
        if header.value("Status").strip().lower() == "draft":
            continue
        try:
            date = parse_date(header.value("Date"))
        except ValueError:
            continue
        if is_scheduled(date, now):
            found.append((rel, date))
    found.sort(key=lambda item: (item[1], item[0]))
    return found
