"""Validation of content files, shared by `newsroom check` and the strict build.

`check_content()` reads every Markdown file under the content folder and returns a list of
`Problem`s, each printed as `path:line: message`. It never raises for a bad file: a broken
article is reported, the others are still checked.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from newsroom.core.files import content_files
from newsroom.core.model import (
    EDITOR_KEYS,
    KNOWN_KEYS,
    MAX_LENGTHS,
    PLACEHOLDER,
    SLUG_RE,
    STATUSES,
    canonical_key,
    derive_slug,
    is_scheduled,
    parse_date,
    parse_header,
    parse_other_sources,
)

# `{static}/images/x.jpg` or `{attach}` references in a body, checked like `Image`.
# Code points XML 1.0 forbids (C0 controls but tab and line breaks, U+FFFE, U+FFFF): one of
# them in a title or body makes the site's feeds ill-formed, and the release fails validation.
XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
STATIC_REF_RE = re.compile(r"\{(?:static|attach)\}/?([^)\s\"'>]+)")


@dataclass(frozen=True)
class Problem:
    """One problem in one file, at a 1-based line."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class _Doc:
    """What the cross-file checks need to know of one parsed file."""

    display: str
    kind: str  # "article" or "page"
    slug: str
    slug_line: int
    status: str
    rel: str = ""
    date: datetime | None = None
    mtime: float = 0.0
    warnings: list[Problem] = field(default_factory=list)


def _display(path: Path, base: Path | None) -> str:
    try:
        return str(path.relative_to(base)) if base else str(path)
    except ValueError:
        return str(path)


def _kind(rel: str, page_paths: list[str]) -> str:
    for p in page_paths:
        p = p.strip("/")
        if rel == p or rel.startswith(p + "/"):
            return "page"
    return "article"


def check_file(
    path: Path,
    content_dir: Path,
    sections: list[str],
    *,
    kind: str = "article",
    display: str | None = None,
) -> tuple[list[Problem], _Doc | None]:
    """Check one file on its own; return its problems and what cross-file checks need."""
    display = display or str(path)
    problems: list[Problem] = []

    def bad(line: int, message: str) -> None:
        problems.append(Problem(display, line, message))

    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        bad(line, f"not valid UTF-8 (byte 0x{raw[e.start]:02x}); save the file as UTF-8")
        return problems, None
    text = text.removeprefix("\ufeff")
    for lineno, line in enumerate(text.split("\n"), 1):
        m = XML_ILLEGAL_RE.search(line)
        if m:
            bad(lineno, f"column {m.start() + 1} holds the invisible character "
                        f"U+{ord(m.group(0)):04X}, which feeds cannot carry: delete it")
    header = parse_header(text)

    first: dict[str, int] = {}
    for f in header.fields:
        key = canonical_key(f.key)
        if key not in KNOWN_KEYS:
            bad(f.line, f"unknown key {f.key!r} (known keys: {', '.join(EDITOR_KEYS)})")
        elif key.lower() in first:
            bad(f.line, f"duplicate key {key} (first on line {first[key.lower()]})")
        else:
            first[key.lower()] = f.line
        for cont in f.continued:
            bad(cont, f"{key} continues on an indented line: a value must be on one line")

    warnings: list[Problem] = []
    for f in header.fields:
        limit = MAX_LENGTHS.get(canonical_key(f.key))
        if limit and len(f.value) > limit:
            warnings.append(Problem(display, f.line, f"warning: {canonical_key(f.key)} is "
                                                     f"{len(f.value)} characters long; readers "
                                                     f"see at most about {limit} on a list"))

    title = header.get("title")
    if title is None:
        bad(1, "missing required key Title")
    elif not title.value:
        bad(title.line, "Title is empty")

    status_f = header.get("status")
    status = (status_f.value.lower() if status_f else "published") or "published"
    if status_f and status not in STATUSES:
        bad(status_f.line, f"Status {status_f.value!r} is not one of {', '.join(STATUSES)}")

    date = None
    if kind == "article":
        date_f = header.get("date")
        if date_f is None:
            bad(1, "missing required key Date (YYYY-MM-DD HH:MM[:SS])")
        else:
            try:
                date = parse_date(date_f.value)
            except ValueError as e:
                bad(date_f.line, str(e))
        cat = header.get("category")
        if cat is None:
            bad(1, f"missing required key Category (one of {', '.join(sections)})")
        elif cat.value not in sections:
            bad(cat.line, f"unknown section {cat.value!r} (one of {', '.join(sections)})")
    mod = header.get("modified")
    if mod is not None:
        try:
            modified = parse_date(mod.value)
            if date and modified < date:
                bad(mod.line, "Modified is earlier than Date")
        except ValueError as e:
            bad(mod.line, str(e).replace("date", "Modified", 1))

    slug_f = header.get("slug")
    if slug_f is not None and not SLUG_RE.match(slug_f.value):
        bad(slug_f.line, f"Slug {slug_f.value!r} must be ASCII: a-z, 0-9 and single hyphens")

    url = header.get("source_url")
    if url is not None:
        parts = urlsplit(url.value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            bad(url.line, f"Source_URL {url.value!r} must be an http:// or https:// address")
    others = header.get("other_sources")
    if others is not None:
        try:
            parse_other_sources(others.value)
        except ValueError as e:
            bad(others.line, str(e))
    dedupe = header.get("dedupe")
    if dedupe is not None and dedupe.value.strip().lower() not in ("off", "on"):
        bad(dedupe.line, f"Dedupe {dedupe.value!r} must be 'off' (never merge this article) or 'on'")
    merge_into = header.get("merge_into")
    if merge_into is not None and not SLUG_RE.match(merge_into.value):
        bad(merge_into.line, f"Merge_Into {merge_into.value!r} must be the Slug of the article "
                             "this one duplicates")

    image = header.get("image")
    if image is not None and image.value:
        _check_static(image.value, image.line, content_dir, bad, "Image")
    for lineno, line in enumerate(text.splitlines()[header.body_line - 1 :], header.body_line):
        for m in STATIC_REF_RE.finditer(line):
            _check_static(m.group(1), lineno, content_dir, bad, "image or file")

    rel = path.relative_to(content_dir).as_posix() if path.is_relative_to(content_dir) else path.name
    slug = derive_slug(slug_f.value if slug_f else None, rel)
    _check_body(text.splitlines(), header.body_line, status, bad)
    doc = _Doc(display, kind, slug, slug_f.line if slug_f else 1, status, rel, date,
               path.stat().st_mtime, warnings)
    return problems, doc


_FENCE_RE = re.compile(r"^\s*(```|~~~)")
_LIST_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")


def _check_body(lines: list[str], body_line: int, status: str, bad) -> None:
    """Body mistakes that publish wrongly: the placeholder, and accidental code blocks.

    Markdown turns a paragraph that starts with a tab or four spaces into a grey code box;
    on a news page that is always a slip of the keyboard. Lines inside fenced blocks and
    list continuations are left alone.
    """
    body = lines[body_line - 1 :]
    if status != "draft" and any(PLACEHOLDER in line for line in body):  # hidden has a page too
        first = next(i for i, line in enumerate(body, body_line) if PLACEHOLDER in line)
        bad(first, f"the body still holds the placeholder {PLACEHOLDER!r}: write the article "
                   "or keep Status: draft")
    fenced = False
    previous_blank, in_list = True, False
    for lineno, line in enumerate(body, body_line):
        if _FENCE_RE.match(line):
            fenced = not fenced
        if fenced:
            continue
        if not line.strip():
            previous_blank = True
            continue
        if _LIST_RE.match(line):
            in_list = True
        elif previous_blank and not line.startswith((" ", "\t")):
            in_list = False
        if previous_blank and not in_list and (line.startswith("\t") or line.startswith("    ")):
            bad(lineno, "this paragraph starts with a tab or four spaces, so it would show as a "
                        "grey code box: remove the indentation at the start of the line")
        previous_blank = False


def _check_static(ref: str, line: int, content_dir: Path, bad, what: str) -> None:
    ref = ref.strip()
    if re.match(r"^[a-z]+://", ref):
        bad(line, f"{what} {ref!r} must be a file under content/ (for example images/x.jpg)")
        return
    target = (content_dir / ref.removeprefix("{static}").lstrip("/")).resolve()
    if not target.is_relative_to(content_dir.resolve()):
        bad(line, f"{what} {ref!r} points outside content/")
    elif not target.is_file():
        bad(line, f"{what} {ref!r} does not exist under content/")


def outside_links(content_dir: Path) -> list[tuple[Path, str]]:
    """Symbolic links under content_dir whose target is outside it (or missing): (link, target).

    Git keeps symlinks, so anyone who can commit content could otherwise publish any file the
    build user can read (`images/passwd.png -> /etc/passwd`). Links are not followed while
    walking, so a link to a parent folder cannot loop.
    """
    root = Path(content_dir).resolve()
    found: list[tuple[Path, str]] = []
    stack = [Path(content_dir)]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.is_symlink():
                path = Path(entry.path)
                target = path.resolve()
                if not target.is_relative_to(root) or not target.exists():
                    found.append((path, os.readlink(path)))
            elif entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
    return sorted(found)


@dataclass
class Scan:
    """What one pass over content/ found: the problems, and the articles scheduled for later."""

    problems: list[Problem]
    scheduled: list[tuple[str, datetime]]  # (path relative to content/, Date), earliest first
    warnings: list[Problem] = field(default_factory=list)  # worth a look, never held back


def slug_age(date: datetime | None, mtime: float, path: str, *, live: bool = False) -> tuple:
    """Sort key deciding which of two files with one slug keeps it: the smaller key.

    The live file first, then the older by Date, then by modification time, then the path; so
    an editor who follows the message never changes a live URL. The preview's duplicate-slug
    rule (newsroom_site.strict) uses the same key.
    """
    return (not live, date.timestamp() if date else float("inf"), mtime, path)


def check_content(content_dir: Path | str, sections: list[str], **kwargs) -> list[Problem]:
    """Check every Markdown file under content_dir; return all problems, sorted by path."""
    return scan_content(content_dir, sections, **kwargs).problems


def scan_content(
    content_dir: Path | str,
    sections: list[str],
    *,
    page_paths: list[str] = ("pages",),
    base: Path | None = None,
    published: set[str] | frozenset[str] = frozenset(),
    now: datetime | None = None,
) -> Scan:
    """Check every Markdown file under content_dir, reading each once.

    `published`: paths (relative to content_dir) of files that are live; when two files share
    a slug, `slug_age` decides which keeps it. `now`: articles (not drafts, not pages) dated
    after it are listed as scheduled; without it none are.
    """
    content_dir = Path(content_dir)
    problems: list[Problem] = [
        Problem(_display(link, base), 1, f"a symbolic link to {target!r}, outside content/ "
                                         "(or missing): it is never published; copy the file "
                                         "into content/ instead")
        for link, target in outside_links(content_dir)
    ]
    docs: list[_Doc] = []
    for path in content_files(content_dir):
        rel = path.relative_to(content_dir).as_posix()
        found, doc = check_file(
            path,
            content_dir,
            sections,
            kind=_kind(rel, list(page_paths)),
            display=_display(path, base),
        )
        problems.extend(found)
        if doc:
            docs.append(doc)

    seen: dict[tuple[str, str], _Doc] = {}
    for doc in sorted(docs, key=lambda d: slug_age(d.date, d.mtime, d.display,
                                                     live=d.rel in published)):
        key = (doc.kind, doc.slug)
        if key in seen:
            other = seen[key]
            problems.append(
                Problem(
                    doc.display,
                    doc.slug_line,
                    f"duplicate slug {doc.slug!r}: {other.display} already uses it; "
                    "give this file another Slug",
                )
            )
        else:
            seen[key] = doc
    scheduled = sorted(
        ((d.rel, d.date) for d in docs
         if now and d.kind == "article" and d.status != "draft" and d.date
         and is_scheduled(d.date, now)),
        key=lambda item: (item[1], item[0]),
    )
    warnings = [w for d in docs for w in d.warnings]
    return Scan(sorted(problems, key=lambda p: (p.path, p.line)), scheduled, warnings)
