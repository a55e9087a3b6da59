"""Validation of content files, shared by `newsroom check` and the strict build.

`check_content()` reads every Markdown file under the content folder and returns a list of
`Problem`s, each printed as `path:line: message`. It never raises for a bad file: a broken
article is reported, the others are still checked.

Messages are for editors, so they are Korean: each says what is wrong and the fix to make, and
keeps what an editor types (key names such as `Date`, values, file names) as written. The
`path:line: ` prefix stays machine-readable (editors' tools jump to it); a warning's message
starts with `warning: `. Logs meant for operators and developers stay English.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import pickle
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from newsroom.core.files import atomic_write, content_entries
from newsroom.core.model import (
    DATE_EXAMPLE,
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
    statics: list | None = None,
) -> tuple[list[Problem], _Doc | None]:
    """Check one file on its own; return its problems and what cross-file checks need.
    `statics`: the files it refers to ({static}, Image) are added to it."""
    display = display or str(path)
    problems: list[Problem] = []

    def bad(line: int, message: str) -> None:
        problems.append(Problem(display, line, message))

    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        bad(line, f"UTF-8이 아닌 바이트(0x{raw[e.start]:02x})가 있습니다. EUC-KR(CP949) 같은 "
                  "다른 인코딩으로 저장된 파일입니다: 편집기에서 인코딩을 UTF-8로 바꿔 다시 "
                  "저장하세요.")
        return problems, None
    text = text.removeprefix("\ufeff")
    for lineno, line in enumerate(text.split("\n"), 1):
        m = XML_ILLEGAL_RE.search(line)
        if m:
            bad(lineno, f"{m.start() + 1}번째 글자가 보이지 않는 문자(U+{ord(m.group(0)):04X})"
                        "라서 피드에 실을 수 없습니다. 그 문자를 지우세요.")
    header = parse_header(text)

    first: dict[str, int] = {}
    for f in header.fields:
        key = canonical_key(f.key)
        if key not in KNOWN_KEYS:
            bad(f.line, _unknown_key(f.key))
        elif key.lower() in first:
            bad(f.line, f"{key} 키가 두 번 있습니다 (처음은 {first[key.lower()]}번 줄). "
                        "하나만 남기고 이 줄을 지우세요.")
        else:
            first[key.lower()] = f.line
        for cont in f.continued:
            bad(cont, f"들여 쓴 이 줄이 앞 줄 {key} 키의 값에 이어 붙습니다. 값은 한 줄이어야 "
                      "합니다: 앞 줄에 합치거나, 새 키라면 줄 앞의 공백을 지우세요.")

    warnings: list[Problem] = []
    for f in header.fields:
        limit = MAX_LENGTHS.get(canonical_key(f.key))
        if limit and len(f.value) > limit:
            warnings.append(Problem(display, f.line, f"warning: {canonical_key(f.key)} 값이 "
                                                     f"{len(f.value)}자입니다. 목록에는 "
                                                     f"{limit}자쯤까지만 보이니 줄이세요."))

    title = header.get("title")
    if title is None:
        bad(1, "Title 키가 없습니다. 머리말에 'Title: 기사 제목' 줄을 넣으세요.")
    elif not title.value:
        bad(title.line, "Title 값이 비어 있습니다. 'Title:' 뒤에 기사 제목을 쓰세요.")

    status_f = header.get("status")
    status = (status_f.value.lower() if status_f else "published") or "published"
    if status_f and status not in STATUSES:
        bad(status_f.line, f"Status 값이 틀렸습니다: {status_f.value!r}. published(게시), "
                           "draft(초안), hidden(숨김) 가운데 하나로 고치세요.")

    date = None
    if kind == "article":
        date_f = header.get("date")
        if date_f is None:
            bad(1, f"Date 키가 없습니다. 머리말에 'Date: {DATE_EXAMPLE}'처럼 등록 시각을 "
                   "'YYYY-MM-DD HH:MM' 형식으로 넣으세요.")
        else:
            try:
                date = parse_date(date_f.value, "Date")
            except ValueError as e:
                bad(date_f.line, str(e))
        cat = header.get("category")
        if cat is None:
            example = sections[0] if sections else "경제"
            bad(1, f"Category 키가 없습니다. 머리말에 'Category: {example}'처럼 분야를 "
                   f"넣으세요 (분야: {', '.join(sections)}).")
        elif cat.value not in sections:
            bad(cat.line, f"설정에 없는 분야입니다: {cat.value!r}. {', '.join(sections)} 가운데 "
                          "하나로 고치세요 (분야는 pelicanconf.py의 NEWSROOM_SECTIONS에서 정합니다).")
    mod = header.get("modified")
    if mod is not None:
        try:
            modified = parse_date(mod.value, "Modified")
            if date and modified < date:
                bad(mod.line, "Modified(수정 시각)가 Date(등록 시각)보다 이릅니다. Modified를 "
                              "Date와 같거나 더 늦은 시각으로 고치세요.")
        except ValueError as e:
            bad(mod.line, str(e))

    slug_f = header.get("slug")
    if slug_f is not None and not SLUG_RE.match(slug_f.value):
        bad(slug_f.line, f"Slug 값에 쓸 수 없는 글자가 있습니다: {slug_f.value!r}. 영어 소문자"
                         "(a-z), 숫자(0-9), 하이픈(-)만 쓰세요. 하이픈은 낱말 사이에 하나씩 "
                         "씁니다 (예: daegu-budget-2026).")

    url = header.get("source_url")
    if url is not None:
        parts = urlsplit(url.value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            bad(url.line, f"Source_URL 값이 웹 주소가 아닙니다: {url.value!r}. http:// 또는 "
                          "https://로 시작하는 원문 주소로 고치세요.")
    others = header.get("other_sources")
    if others is not None:
        try:
            parse_other_sources(others.value)
        except ValueError as e:
            bad(others.line, str(e))
    dedupe = header.get("dedupe")
    if dedupe is not None and dedupe.value.strip().lower() not in ("off", "on"):
        bad(dedupe.line, f"Dedupe 값이 틀렸습니다: {dedupe.value!r}. off(이 기사에 다른 출처를 "
                         "합치지 않음)나 on으로 고치세요.")
    merge_into = header.get("merge_into")
    if merge_into is not None and not SLUG_RE.match(merge_into.value):
        bad(merge_into.line, f"Merge_Into 값이 Slug 형식이 아닙니다: {merge_into.value!r}. "
                             "이 기사와 같은 보도자료인 기사의 Slug를 그대로 쓰세요 "
                             "(예: daegu-0123456789).")

    image = header.get("image")
    if image is not None and image.value:
        _check_static(image.value, image.line, content_dir, bad, "Image 값이", statics)
    for lineno, line in enumerate(text.splitlines()[header.body_line - 1 :], header.body_line):
        for m in STATIC_REF_RE.finditer(line):
            _check_static(m.group(1), lineno, content_dir, bad, "본문의 {static} 경로가",
                          statics)

    rel = path.relative_to(content_dir).as_posix() if path.is_relative_to(content_dir) else path.name
    slug = derive_slug(slug_f.value if slug_f else None, rel)
    _check_body(text.splitlines(), header.body_line, status, bad)
    doc = _Doc(display, kind, slug, slug_f.line if slug_f else 1, status, rel, date,
               path.stat().st_mtime, warnings)
    return problems, doc


def _unknown_key(key: str) -> str:
    """The message for a key no reader knows, with the nearest known key as the likely fix."""
    near = difflib.get_close_matches(key.lower(), list(_LOWER_KEYS), n=1, cutoff=0.6)
    fix = (f"{_LOWER_KEYS[near[0]]}의 오타라면 고치고, 아니면 이 줄을 지우세요"
           if near else "오타를 고치거나 이 줄을 지우세요")
    return f"모르는 키입니다: {key!r}. {fix} (쓸 수 있는 키: {', '.join(EDITOR_KEYS)})."


_LOWER_KEYS = {k.lower(): k for k in EDITOR_KEYS}
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
        bad(first, f"본문에 자리표시 문장 '{PLACEHOLDER}'가 남아 있습니다. 이 줄을 지우고 "
                   "기사를 쓰거나, 다 쓸 때까지 Status: draft로 두세요.")
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
            bad(lineno, "이 문단은 탭이나 공백 네 칸으로 시작해서 회색 코드 상자로 보입니다. "
                        "줄 앞의 들여쓰기를 지우세요.")
        previous_blank = False


def _check_static(ref: str, line: int, content_dir: Path, bad, what: str,
                  seen: list | None = None) -> None:
    """`what`: the reference as the subject of the message, particle included ("Image 값이").
    `seen`: the references checked are added to it (CheckMemo re-tests them)."""
    ref = ref.strip()
    if seen is not None:
        seen.append(ref)
    if re.match(r"^[a-z]+://", ref):
        bad(line, f"{what} 웹 주소입니다: {ref!r}. 그림을 content/images/ 아래에 저장하고 "
                  "그 경로를 쓰세요 (예: images/editors/photo.jpg).")
        return
    rel = ref.removeprefix("{static}").lstrip("/")
    target = (content_dir / rel).resolve()
    if not target.is_relative_to(content_dir.resolve()):
        bad(line, f"{what} content/ 밖을 가리킵니다: {ref!r}. 파일을 content/images/ 아래에 "
                  "두고 그 경로를 쓰세요 (예: images/editors/photo.jpg).")
    elif not target.is_file():
        bad(line, f"{what} 가리키는 파일이 없습니다: content/{rel}. 경로(대소문자 포함)를 "
                  "고치거나 그 자리에 파일을 넣으세요.")


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


class CheckMemo:
    """`check_file`'s results kept between runs of the update job, for files that did not
    change: a file is read and checked again when its size, modification or change time or
    inode moved, when a file it refers to appeared or went, or when the checker's code
    changed. At 10,000 articles this saves reading and parsing every file on every run.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.version = _checker_version()
        self.entries: dict[str, tuple] = {}
        self.fresh: dict[str, tuple] = {}
        if path is not None:
            try:
                with open(path, "rb") as f:
                    data = pickle.load(f)
                if data.get("version") == self.version:
                    self.entries = data["entries"]
            except (OSError, EOFError, pickle.UnpicklingError, AttributeError, KeyError,
                    TypeError, ValueError, ImportError, IndexError):
                self.entries = {}  # a cache only: start over

    @staticmethod
    def _stamp(path: Path | str) -> tuple:
        st = os.stat(path)
        return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)

    @staticmethod
    def _statics(refs: list, content_dir: Path) -> tuple:
        state = []
        for ref in refs:
            said: list[str] = []
            _check_static(ref, 0, content_dir, lambda _line, message, out=said: out.append(message), "")
            state.append(tuple(said))
        return tuple(state)

    def get(self, path: Path | str, key: tuple, content_dir: Path):
        path = os.fspath(path)
        entry = self.entries.get(path)
        if entry is None:
            return None
        stamp, old_key, refs, statics, found, doc = entry
        try:
            if stamp != self._stamp(path) or old_key != key:
                return None
        except OSError:
            return None
        if refs and self._statics(refs, content_dir) != statics:
            return None
        self.fresh[path] = entry
        return [Problem(*p) for p in found], _Doc(*doc[:8], [Problem(*w) for w in doc[8]]) \
            if doc is not None else None

    def put(self, path: Path | str, key: tuple, content_dir: Path, found, doc,
            refs: list) -> None:
        path = os.fspath(path)
        try:
            stamp = self._stamp(path)
        except OSError:
            return
        # Plain tuples: unpickling 10,000 dataclass objects costs a tenth of a second.
        flat = None if doc is None else (
            doc.display, doc.kind, doc.slug, doc.slug_line, doc.status, doc.rel, doc.date,
            doc.mtime, tuple((w.path, w.line, w.message) for w in doc.warnings))
        self.fresh[path] = (stamp, key, tuple(refs), self._statics(refs, content_dir),
                            tuple((p.path, p.line, p.message) for p in found), flat)

    def restamp(self) -> int:
        """Take the change time each file has now when nothing else moved (size, modification
        time, inode): the update job's stage hard-links new files after the check, and a new
        link changes a file's change time. Without this the run after a first publish found
        every memo entry stale and checked all 10,000 files again (about 0.9 s). Returns how
        many entries were restamped."""
        count = 0
        for path, entry in self.fresh.items():
            stamp = entry[0]
            try:
                now = self._stamp(path)
            except OSError:
                continue
            if now != stamp and (now[0], now[1], now[3]) == (stamp[0], stamp[1], stamp[3]):
                self.fresh[path] = (now,) + entry[1:]
                count += 1
        return count

    def save(self) -> None:
        """Keep the entries of this run's files (removed files drop out)."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"version": self.version, "entries": self.fresh}
        atomic_write(self.path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL),
                     sync=False)


def _checker_version() -> str:
    """A digest of the code whose output the memo keeps (this module and the model)."""
    h = hashlib.blake2b(digest_size=16)
    here = Path(__file__).resolve().parent
    for name in ("check.py", "model.py", "settings.py"):
        try:
            h.update((here / name).read_bytes())
        except OSError:
            h.update(name.encode())
    return h.hexdigest()


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
    memo: CheckMemo | None = None,
) -> Scan:
    """Check every Markdown file under content_dir, reading each once.

    `published`: paths (relative to content_dir) of files that are live; when two files share
    a slug, `slug_age` decides which keeps it. `now`: articles (not drafts, not pages) dated
    after it are listed as scheduled; without it none are. `memo`: results of files that did
    not change since it was saved are taken from it (the update job's).
    """
    content_dir = Path(content_dir)
    resolved_dir = str(content_dir.resolve())
    # How content_files' Paths print: "content/articles/a.md" ("a.md" for ".").
    shown = "" if str(content_dir) == "." else f"{content_dir}/"
    problems: list[Problem] = [
        Problem(_display(link, base), 1, f"content/ 밖(또는 없는 파일)을 가리키는 심볼릭 "
                                         f"링크입니다: {target!r}. 게시되지 않으니 링크를 "
                                         "지우고 파일 자체를 content/ 안에 복사하세요.")
        for link, target in outside_links(content_dir)
    ]
    docs: list[_Doc] = []
    page_paths, sections_key = list(page_paths), tuple(sections)
    for rel, entry in content_entries(content_dir):
        kind = _kind(rel, page_paths)
        display = shown + rel if base is None else _display(Path(entry.path), base)
        key = (resolved_dir, sections_key, kind, display)
        hit = memo.get(entry.path, key, content_dir) if memo is not None else None
        if hit is not None:
            found, doc = hit
        else:
            path = Path(entry.path)
            statics: list = []
            found, doc = check_file(path, content_dir, sections, kind=kind, display=display,
                                    statics=statics)
            if memo is not None:
                memo.put(entry.path, key, content_dir, found, doc, statics)
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
                    f"slug {doc.slug!r} 중복: {other.display} 파일이 이미 이 주소를 씁니다. "
                    f"이 파일의 머리말에 다른 Slug를 쓰세요 (예: Slug: {doc.slug}-2).",
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
