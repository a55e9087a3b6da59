"""`newsroom check`: validate every content file.

Prints `path:line: message` per problem (in Korean, with the fix: newsroom.core.check) and
exits 1 when there is any, 0 otherwise.
Warnings (`path:line: warning: …`, a title longer than a list shows) go to stderr and never
change the exit code.
The same checks decide what the update job holds back (newsroom/holdback.py). Articles
scheduled for later (a Date after now) are listed on stderr; they are not problems.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from newsroom.common import add_project_arguments
from newsroom.core import exits
from newsroom.core.check import scan_content
from newsroom.core.model import format_date, now_kst
from newsroom.core.settings import SettingsError, find_root, read_settings, resolve


def add_arguments(parser) -> None:
    parser.add_argument(
        "paths", nargs="*", help="content folder (default: the project's content/)"
    )
    add_project_arguments(parser, content=False, state=False)


def _published(root: Path) -> set[str]:
    """Files that are live, as the update job last recorded them (empty without its state)."""
    try:
        return set(json.loads((root / ".state" / "last-good" / "index.json").read_text("utf-8")))
    except (OSError, ValueError):
        return set()


def _moves(root: Path, content: Path, settings: dict) -> list[str]:
    """Warnings for published articles whose URL the current files change (the update job
    then keeps the old URL as a redirect: newsroom.core.redirects)."""
    from newsroom.core.redirects import moves

    last_good = root / ".state" / "last-good"
    try:
        published = json.loads((last_good / "index.json").read_text("utf-8"))
    except (OSError, ValueError):
        return []
    article_as = settings.get("ARTICLE_SAVE_AS") or "{slug}.html"
    here = Path.cwd().resolve()
    shown = content.resolve().relative_to(here) if content.resolve().is_relative_to(
        here) else content
    return [f"{shown / m.source}:{m.line}: warning: 발행된 기사의 주소가 바뀝니다: "
            f"{m.old_url} → {m.new_url}. 옛 주소는 새 주소로 넘겨 줍니다(redirects.toml)"
            for m in moves(content, last_good, published, article_as)]


def run(args) -> int:
    root = find_root()
    settings = read_settings(root, args.settings)
    try:
        resolved = resolve(settings)
        names = resolved.section_names
    except SettingsError as e:
        print(f"{root / args.settings}: {e}", file=sys.stderr)
        return exits.USAGE
    content = Path(args.paths[0]) if args.paths else Path(settings.get("PATH") or root / "content")
    if not content.is_dir():
        print(f"{content}: content 폴더가 없습니다. 프로젝트 폴더(pelicanconf.py가 있는 곳)에서 "
              "실행하거나 content 폴더의 경로를 주세요.", file=sys.stderr)
        return exits.USAGE
    scan = scan_content(
        content,
        names,
        page_paths=settings.get("PAGE_PATHS", ["pages"]),
        base=Path.cwd() if content.resolve().is_relative_to(Path.cwd()) else None,
        published=_published(root),
        now=resolved.now or now_kst(),
    )
    problems = scan.problems
    for p in problems:
        print(p)
    for w in scan.warnings:
        print(w, file=sys.stderr)
    for w in _moves(root, content, settings):
        print(w, file=sys.stderr)
    for rel, when in scan.scheduled:
        print(f"{rel}: 예약 기사: {format_date(when)}에 공개됩니다.", file=sys.stderr)
    if problems:
        files = len({p.path for p in problems})
        print(f"문제 {len(problems)}건 (파일 {files}개). 고친 뒤 newsroom check로 다시 "
              "확인하세요.", file=sys.stderr)
        return exits.FAILED
    if sys.stdout.isatty():  # one line for a person; scripts and cron get nothing on success
        from newsroom.core.files import content_files

        count = sum(1 for _ in content_files(content))
        extra = [f"경고 {len(scan.warnings)}건"] if scan.warnings else []
        extra += [f"예약 {len(scan.scheduled)}건"] if scan.scheduled else []
        print(f"확인 완료: 파일 {count}개, 문제 없음" + (f" ({', '.join(extra)})" if extra else ""))
    return exits.OK
