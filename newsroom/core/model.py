"""The content model: metadata keys, the header format, slugs and dates.

Pure functions shared by `newsroom check`, `newsroom new`, the strict build and the scraper's
writer, so that all of them agree on what a valid article is. `render_document` is the one
header writer: `newsroom new` and the scraper both write files through it.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import PurePosixPath

KST = timezone(timedelta(hours=9), "KST")
# The largest UTC offset in use (Kiribati, +14:00); a larger one is a typo or an attack.
MAX_OFFSET = timedelta(hours=14)

# Keys an editor may write, then keys only the scraper writes. Pelican lower-cases them.
EDITOR_KEYS = (
    "Title", "Date", "Category", "Tags", "Slug", "Authors", "Summary", "Subtitle",
    "Source", "Source_URL", "Modified", "Image", "Status", "Department",
    "Image_Caption", "Image_Credit", "Dedupe", "Merge_Into",
)
SCRAPER_KEYS = ("Source_ID", "Identity", "Content_Hash", "License", "Excerpt_Only",
                "Other_Sources")
KNOWN_KEYS = EDITOR_KEYS + SCRAPER_KEYS
_CANONICAL = {k.lower(): k for k in KNOWN_KEYS}
# Keys that may hold a comma-separated list; every other key is one value on one line.
LIST_KEYS = frozenset({"tags", "authors"})
STATUSES = ("published", "draft", "hidden")

# Longest value a newsroom would print, per key (in characters). The scraper clips longer
# values (a feed's 100,000-character title reached every page that lists it: the home page grew
# from 7 KB to 910 KB); `newsroom check` warns an editor who writes longer ones.
MAX_LENGTHS = {
    "Title": 150, "Subtitle": 200, "Summary": 300, "Authors": 100, "Department": 60,
    "Source": 100, "Image_Caption": 300, "Image_Credit": 100, "Tags": 300,
}

# The body `newsroom new` writes; `newsroom check` refuses it in a published article.
PLACEHOLDER = "여기에 기사 본문을 작성하세요."

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_RE = re.compile(
    r"^(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})[ T](?P<h>\d{2}):(?P<mi>\d{2})"
    r"(?::(?P<s>\d{2}))?(?P<tz>[+-]\d{2}:\d{2})?$"
)
# Python-Markdown's meta extension: a key line, then lines indented 4+ spaces continue it.
# The first line that is neither ends the header.
META_KEY_RE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
META_MORE_RE = re.compile(r"^[ ]{4,}(?P<value>.*)$")


@dataclass
class Field:
    """One metadata key as written: its canonical name, value and 1-based line."""

    key: str
    value: str
    line: int
    continued: list[int] = field(default_factory=list)


@dataclass
class Header:
    """The parsed metadata header of a Markdown file."""

    fields: list[Field]
    body_line: int  # first line of the body (1-based)

    def get(self, key: str) -> Field | None:
        key = key.lower()
        for f in self.fields:
            if f.key.lower() == key:
                return f
        return None

    def value(self, key: str, default: str = "") -> str:
        f = self.get(key)
        return f.value if f else default


def canonical_key(key: str) -> str:
    """Return the documented spelling of a key (Source_URL for source_url)."""
    return _CANONICAL.get(key.lower(), key)


def parse_header(text: str) -> Header:
    """Parse the `Key: value` header the way Python-Markdown's meta extension does.

    Continuation lines are kept apart (in `Field.continued`) so a checker can report them:
    a title with an injected newline is the bug this project guards against.
    """
    fields: list[Field] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            break
        m = META_KEY_RE.match(line)
        if m:
            fields.append(Field(m.group("key"), m.group("value").strip(), i + 1))
            i += 1
            continue
        m = META_MORE_RE.match(line)
        if m and fields:
            fields[-1].continued.append(i + 1)
            fields[-1].value = (fields[-1].value + " " + m.group("value").strip()).strip()
            i += 1
            continue
        break
    return Header(fields, i + 1)


def parse_date(value: str, key: str = "날짜") -> datetime:
    """Parse `YYYY-MM-DD HH:MM[:SS][+HH:MM]`; no offset means Asia/Seoul.

    Raises ValueError with a Korean message fit for an editor, naming `key` (the metadata key
    as written, `Date` or `Modified`) and saying how to fix the value.
    """
    m = DATE_RE.match(value.strip())
    if not m:
        raise ValueError(
            f"{key} {value!r}의 형식이 틀렸습니다. 'YYYY-MM-DD HH:MM' 또는 'YYYY-MM-DD HH:MM:SS' "
            f"형식으로 고치세요 (예: {DATE_EXAMPLE})."
        )
    try:
        naive = datetime(
            int(m["y"]), int(m["mo"]), int(m["d"]), int(m["h"]), int(m["mi"]), int(m["s"] or 0)
        )
    except ValueError:
        raise ValueError(f"{key} {value!r}: {_impossible(m)} 실제 있는 날짜와 시각으로 고치세요 "
                         f"(예: {DATE_EXAMPLE}).") from None
    if m["tz"]:
        sign = 1 if m["tz"][0] == "+" else -1
        hh, mm = m["tz"][1:].split(":")
        offset = timedelta(hours=int(hh), minutes=int(mm))
        if offset > MAX_OFFSET or int(mm) >= 60:
            raise ValueError(f"{key} {value!r}의 시차({m['tz']})는 있을 수 없는 값입니다 (실제 "
                             "시차는 ±14:00 안, 한국은 +09:00). 한국 시간이면 시차를 지우세요.")
        dt = naive.replace(tzinfo=timezone(sign * offset))
    else:
        dt = naive.replace(tzinfo=KST)
    try:
        dt.astimezone(KST)
    except OverflowError:
        raise ValueError(f"{key} {value!r}: 한국 시간으로 옮기면 달력의 범위(1~9999년)를 "
                         f"벗어납니다. 실제 날짜로 고치세요 (예: {DATE_EXAMPLE}).") from None
    return dt


# The example date every date message shows: the form `newsroom new` writes, minus seconds.
DATE_EXAMPLE = "2026-12-01 09:00"


def _impossible(m: re.Match) -> str:
    """Which part of a well-formed but impossible date is wrong, in Korean."""
    year, month, day = int(m["y"]), int(m["mo"]), int(m["d"])
    if year < 1:
        return "0년은 없습니다."
    if not 1 <= month <= 12:
        return f"{month}월은 없습니다."
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return f"{year}년 {month}월에는 {day}일이 없습니다."
    clock = f"{m['h']}:{m['mi']}" + (f":{m['s']}" if m["s"] else "")
    return f"없는 시각입니다: {clock} (시각은 00:00부터 23:59:59까지)."


def format_date(dt: datetime) -> str:
    """Format a datetime for a `Date:` line, in Korea time, without an offset."""
    return dt.astimezone(KST).strftime("%Y-%m-%d %H:%M:%S")


def is_scheduled(date: datetime, now: datetime) -> bool:
    """True when an article dated `date` is not yet to be published at `now` (an embargo).

    A naive datetime means Korea time (as a Date without an offset does).
    """
    if date.tzinfo is None:
        date = date.replace(tzinfo=KST)
    if now.tzinfo is None:
        now = now.replace(tzinfo=KST)
    return date > now


def iso_kst(dt: datetime) -> str:
    """ISO 8601 in Korea time to the second (`2026-11-30T17:00:00+09:00`): logs and state."""
    return dt.astimezone(KST).isoformat(timespec="seconds")


def now_kst() -> datetime:
    """The clock, in Korea time."""
    return datetime.now(KST)


def render_header(fields: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> str:
    """`Key: value` lines for the given pairs, empty values left out.

    Values must already be one line (see `escape_value`); a value that is not is a bug in
    the caller, refused here so that no writer can ever add a key through a value.
    """
    out = []
    for key, value in fields:
        if not value:
            continue
        if not META_KEY_RE.match(f"{key}: x") or "\n" in value or "\r" in value:
            raise ValueError(f"header {key!r}: not a one-line value: {value!r}")
        out.append(f"{key}: {value}\n")
    return "".join(out)


def render_document(fields, body: str) -> str:
    """A whole article file: the header, a blank line, the body, a final newline."""
    return f"{render_header(fields)}\n{body}\n"


def derive_slug(explicit: str | None, relpath: str) -> str:
    """The article's URL slug.

    The explicit `Slug` wins; else the file's stem when it is already an ASCII slug; else
    `article-<10 hex of sha1(path relative to content/)>`, which is stable as long as the file
    stays where it is, and is never empty, percent-encoded or derived from Korean text.
    """
    if explicit:
        return explicit.strip()
    stem = PurePosixPath(relpath.replace("\\", "/")).stem.lower()
    if SLUG_RE.match(stem):
        return stem
    digest = hashlib.sha1(relpath.replace("\\", "/").encode("utf-8")).hexdigest()[:10]
    return f"article-{digest}"


def clip(value: str, limit: int | None) -> str:
    """`value` cut to at most `limit` characters, at a space when one is near, with "…"."""
    if limit is None or len(value) <= limit:
        return value
    cut = value[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,") + "…"


def split_list(value: str) -> list[str]:
    """Split a comma-separated metadata value, dropping empty items."""
    return [v.strip() for v in value.split(",") if v.strip()]


def escape_value(value: str) -> str:
    """Normalise text to a single safe header value.

    Collapses every kind of line break and control character into one space, so a scraped
    title such as "x\\nCategory: 정치" stays one `Title:` line and cannot add a key.
    """
    value = re.sub(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+", " ", value)
    # Invisible characters that can disguise a value: bidi overrides (U+202E turns "gpj.exe"
    # around), zero-width spaces and joiners, the BOM.
    value = INVISIBLE_RE.sub("", value)
    return re.sub(r"\s+", " ", value).strip()


INVISIBLE_RE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


# Other_Sources (issue 12): the other outlets that carried the same release, one line,
# entries separated by " | ", each `<source-id> <url> <name>` (the name may hold spaces).
OTHER_SOURCES_SEP = " | "
_OTHER_RE = re.compile(r"^(?P<id>[a-z0-9]+(?:-[a-z0-9]+)*) (?P<url>https?://\S+)(?: (?P<name>.+))?$")


@dataclass(frozen=True)
class OtherSource:
    """One more outlet of an article: its source id, its link and its shown name."""

    source_id: str
    url: str
    name: str

    @property
    def identity(self) -> str:
        return f"{self.source_id} {self.url}"


def parse_other_sources(value: str) -> list[OtherSource]:
    """The entries of an `Other_Sources` value; ValueError names the first bad entry."""
    out = []
    for raw in value.split("|"):
        raw = raw.strip()
        if not raw:
            continue
        m = _OTHER_RE.match(raw)
        if not m:
            raise ValueError(f"Other_Sources의 항목 {raw!r}의 형식이 틀렸습니다. 항목마다 "
                             "'<출처 id> <http(s) 주소> <이름>'으로 쓰고, 항목 사이는 ' | '로 "
                             "나누세요 (예: yeongnam https://example.kr/news/1 영남일보).")
        out.append(OtherSource(m["id"], m["url"], (m["name"] or m["id"]).strip()))
    return out


def format_other_sources(entries) -> str:
    """One `Other_Sources` value; names lose `|` and line breaks, duplicates (by URL) go."""
    seen: set[str] = set()
    parts = []
    for e in entries:
        if e.url in seen or not SLUG_RE.match(e.source_id) or not e.url.startswith(
                ("http://", "https://")) or any(c.isspace() for c in e.url):
            continue
        seen.add(e.url)
        name = escape_value(e.name).replace("|", "/") or e.source_id
        parts.append(f"{e.source_id} {e.url} {name}")
    return OTHER_SOURCES_SEP.join(parts)
