"""The published build refuses bad files; the preview builds anyway and shows why.

Pelican alone logs and skips a file it cannot read, so an article silently disappears. The
strict build (publishconf.py, NEWSROOM_STRICT) must stop with `path:line: message` on stderr,
exit non-zero and leave no site behind; the preview (pelicanconf.py) must still build and put
the same messages in a banner on the home page (NEWSROOM_PROBLEMS).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import (
    PROJECT_ROOT,
    build_ok,
    build_site,
    html_files,
    parse_html,
    text_of,
    write_article,
)

GOOD = {
    "Title": "시험용 정상 기사",
    "Date": "2026-11-20 10:00:00",
    "Category": "경제",
    "Tags": "시험지역",
    "Authors": "시험기자",
}

# name -> (header lines as written, line the problem must be reported at, words of the message)
BAD = {
    "missing-title": (["Date: 2026-11-20 11:00", "Category: 정치"], 1, ["title"]),
    "bad-date": (["Title: 날짜가 틀린 기사", "Date: 2025.13.45", "Category: 경제"], 2, ["2025.13.45"]),
    "unknown-section": (
        ["Title: 없는 분야 기사", "Date: 2026-11-20 12:00", "Category: 스포츠"], 3, ["스포츠"],
    ),
}


def _content(root: Path, bad: list[str]) -> Path:
    content = root / "content"
    write_article(content / "articles", "good-story", "정상 기사 본문입니다.", **GOOD)
    for name in bad:
        lines, _, _ = BAD[name]
        path = content / "articles" / f"{name}.md"
        path.write_text("\n".join(lines) + "\n\n잘못된 기사의 본문입니다.\n", encoding="utf-8")
    pages = PROJECT_ROOT / "content" / "pages"
    if pages.is_dir():
        (content / "pages").mkdir()
        for p in pages.glob("*.md"):
            (content / "pages" / p.name).write_text(p.read_text(encoding="utf-8"), "utf-8")
    return content


def _reported(text: str, name: str) -> list[tuple[str, int, str]]:
    """(path, line, message) of every `path:line: message` naming articles/<name>.md."""
    pattern = re.compile(rf"(\S*articles/{re.escape(name)}\.md):(\d+): (.+)")
    return [(m[1], int(m[2]), m[3]) for m in pattern.finditer(text)]


@pytest.mark.parametrize("name", sorted(BAD))
def test_strict_build_refuses_a_bad_file(tmp_path, name):
    content = _content(tmp_path, [name])
    out = tmp_path / "output"
    result = build_site(content, out, PROJECT_ROOT / "publishconf.py")
    assert result.returncode != 0, f"strict build accepted {name}.md:\n{result.log[-3000:]}"
    reports = _reported(result.stderr, name)
    assert reports, (
        f"stderr has no 'path:line: message' for articles/{name}.md\n"
        f"--- stderr ---\n{result.stderr[-3000:]}\n--- stdout ---\n{result.stdout[-3000:]}"
    )
    _, line, words = BAD[name]
    path, got_line, message = reports[0]
    assert got_line == line, f"{name}: reported line {got_line}, expected {line}: {reports}"
    for word in words:
        assert word.lower() in message.lower(), f"{name}: message {message!r} lacks {word!r}"
    opened = Path(path) if Path(path).is_absolute() else PROJECT_ROOT / path
    assert opened.resolve() == (content / "articles" / f"{name}.md").resolve(), (
        f"reported path {path!r} does not open the file (relative to {PROJECT_ROOT})"
    )
    written = [p.relative_to(out).as_posix() for p in html_files(out)] if out.exists() else []
    assert not written, f"a refused build left pages behind: {written[:10]}"
    assert "Done: Processed" not in result.log, "a refused build claims success"


def test_strict_build_reports_every_bad_file_at_once(tmp_path):
    content = _content(tmp_path, sorted(BAD))
    result = build_site(content, tmp_path / "output", PROJECT_ROOT / "publishconf.py")
    assert result.returncode != 0
    missing = [name for name in BAD if not _reported(result.stderr, name)]
    assert not missing, f"not reported: {missing}\n{result.stderr[-3000:]}"


def test_preview_builds_and_shows_the_problems_on_the_home_page(tmp_path):
    content = _content(tmp_path, sorted(BAD))
    out = tmp_path / "output"
    build_ok(content, out, "pelicanconf.py")
    assert (out / "news" / "good-story.html").is_file(), "the good article was not built"
    home = out / "index.html"
    assert home.is_file(), "preview wrote no home page"
    text = text_of(parse_html(home))
    for name, (_, line, _words) in BAD.items():
        shown = _reported(text, name)
        assert shown, f"home page banner does not show articles/{name}.md:{line}: ..."
        assert shown[0][1] == line, f"banner shows {shown[0]} for {name}, expected line {line}"
    # Only the preview shows the banner; the published build of good content has none.
    good_only = _content(tmp_path / "good", [])
    build_ok(good_only, tmp_path / "good-out")
    published_home = text_of(parse_html(tmp_path / "good-out" / "index.html"))
    assert ".md:" not in published_home, "the published home page shows a problem banner"
