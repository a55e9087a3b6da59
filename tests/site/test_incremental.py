"""Incremental publishing: a build that takes unchanged pages from the previous release must
give the same bytes as a clean build of the same content, whatever changed in between.

Each case builds a 50-article site (release A, signatures kept), changes one thing, builds
again with A as the base (B: unchanged pages hard-linked from A), and builds the changed
site from scratch (C). B and C must hold the same files with the same bytes. The cases are
the ones a newsroom makes every day (title, section, tags, date, body, added and removed
articles, hiding one) and the ones that must drop the signatures (a template, a setting).
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from helpers import PROJECT_ROOT, build_ok, write_article

from newsroom.core import model

NOW = model.parse_date("2026-11-25 18:00:00")
SECTIONS = ["정치", "경제", "문화"]
TAGS = ["교통", "복지", "청년", "축제", "예산", "환경", "안전"]
SOURCES = ["한빛시청", "한빛시의회", "한빛교육청"]


def _write_site(content: Path) -> None:
    for i in range(50):
        tags = ", ".join(TAGS[(i + k) % len(TAGS)] for k in range(1 + i % 3))
        write_article(
            content / "articles", f"story-{i:02d}",
            f"{i}번 기사의 첫 문단입니다.\n\n두 번째 문단, 표식 {i}.",
            Title=f"한빛시 시험 기사 {i:02d}호", Category=SECTIONS[i % 3],
            Date=model.format_date(NOW - timedelta(hours=3 * i + (i % 4), minutes=10)), Tags=tags,
            Authors=["김기자", "이기자", "박기자"][i % 3], Source=SOURCES[i % 3],
            Summary=f"{i}번 기사 요약",
        )
    # Two articles at the same minute: their order must not depend on the build.
    for stem in ("tie-b", "tie-a"):
        write_article(content / "articles", stem, "같은 시각의 기사.", Title=f"동시각 {stem}",
                      Category="정치", Date=model.format_date(NOW - timedelta(hours=7)))
    shutil.copytree(PROJECT_ROOT / "content" / "pages", content / "pages")


def _files(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}


def _render_env(state: Path, build_id: str, base: tuple[str, Path] | None = None) -> dict:
    env = {"NEWSROOM_RENDER_STATE": str(state), "NEWSROOM_RENDER_ID": build_id}
    if base:
        env["NEWSROOM_RENDER_BASE"], env["NEWSROOM_RENDER_FROM"] = base[0], str(base[1])
    return env


def _set_meta(path: Path, key: str, value: str | None) -> None:
    head, body = path.read_text(encoding="utf-8").split("\n\n", 1)
    lines = [ln for ln in head.splitlines() if not ln.startswith(f"{key}:")]
    if value is not None:
        lines.append(f"{key}: {value}")
    path.write_text("\n".join(lines) + "\n\n" + body, encoding="utf-8")


def _replace_body(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _theme_with_changed_footer(root: Path) -> dict:
    theme = root / "theme"
    shutil.copytree(PROJECT_ROOT / "theme", theme)
    footer = theme / "templates" / "partials" / "footer.html"
    footer.write_text(footer.read_text(encoding="utf-8") + "\n<!-- 바뀐 바닥글 -->\n",
                      encoding="utf-8")
    return {"THEME": str(theme)}


CASES = {
    "title": lambda c, r: (_set_meta(c / "articles/story-30.md", "Title", "바뀐 제목 <특보> & 속보"), {}),
    "section": lambda c, r: (_set_meta(c / "articles/story-12.md", "Category", "문화"), {}),
    "tags": lambda c, r: (_set_meta(c / "articles/story-20.md", "Tags", "새태그, 교통"), {}),
    "date": lambda c, r: (_set_meta(c / "articles/story-40.md", "Date",
                                    model.format_date(NOW - timedelta(minutes=5))), {}),
    "body": lambda c, r: (_replace_body(c / "articles/story-25.md", "표식 25", "고친 표식"), {}),
    "added": lambda c, r: (write_article(
        c / "articles", "fresh", "새로 들어온 기사.", Title="새 기사", Category="경제",
        Date=model.format_date(NOW - timedelta(minutes=1)), Tags="교통, 신규",
        Authors="최기자", Source="새기관"), {}),
    "removed": lambda c, r: ((c / "articles/story-07.md").unlink(), {}),
    "hidden": lambda c, r: (_set_meta(c / "articles/story-03.md", "Status", "hidden"), {}),
    "template": lambda c, r: (None, _theme_with_changed_footer(r)),
    "setting": lambda c, r: (None, {"NEWSROOM_BOX_SIZE": 3, "SITENAME": "바뀐고장뉴스"}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_increment_equals_a_clean_build(tmp_path, case):
    content = tmp_path / "content"
    _write_site(content)
    state = tmp_path / "render"
    a = build_ok(content, tmp_path / "a", env=_render_env(state, "a")).output
    _mutated, settings = CASES[case](content, tmp_path)
    b = build_ok(content, tmp_path / "b", env=_render_env(state, "b", ("a", a)),
                 extra_settings=settings).output
    c = build_ok(content, tmp_path / "c", extra_settings=settings).output

    files_b, files_c = _files(b), _files(c)
    assert sorted(files_b) == sorted(files_c), (
        f"{case}: only in the increment {sorted(set(files_b) - set(files_c))[:10]}, "
        f"only in the clean build {sorted(set(files_c) - set(files_b))[:10]}")
    stale = [n for n in files_c if files_b[n].read_bytes() != files_c[n].read_bytes()]
    assert not stale, f"{case}: the increment differs from a clean build in {stale[:10]}"

    linked = [n for n, p in files_b.items() if n.endswith(".html") and p.stat().st_nlink > 1]
    if case in ("template", "setting"):
        assert not linked, f"{case}: pages reused across a {case} change: {linked[:10]}"
    else:
        # The point of it: most pages were not rendered again.
        pages = [n for n in files_b if n.endswith(".html")]
        assert len(linked) > len(pages) // 2, f"{case}: only {len(linked)}/{len(pages)} reused"


def test_a_build_with_nothing_changed_renders_only_what_links_other_content(tmp_path):
    content = tmp_path / "content"
    _write_site(content)
    state = tmp_path / "render"
    a = build_ok(content, tmp_path / "a", env=_render_env(state, "a")).output
    b = build_ok(content, tmp_path / "b", env=_render_env(state, "b", ("a", a))).output
    rendered = sorted(p.relative_to(b).as_posix() for p in b.rglob("*.html")
                      if p.stat().st_nlink == 1)
    # about.html and terms.html link other content with {filename}: always rendered.
    assert rendered == ["about.html", "terms.html"], rendered


def test_a_page_gone_from_the_base_release_is_rendered_again(tmp_path):
    """The writer links unchanged pages without checking first that the base has them: a
    page removed from the base by hand must come back rendered, the same bytes."""
    content = tmp_path / "content"
    _write_site(content)
    state = tmp_path / "render"
    a = build_ok(content, tmp_path / "a", env=_render_env(state, "a")).output
    gone = ["news/" + sorted(p.name for p in (a / "news").glob("*.html"))[3], "index.html"]
    for name in gone:
        (a / name).unlink()
    (a / "tag").rename(tmp_path / "tags-moved-away")  # a whole folder too
    b = build_ok(content, tmp_path / "b", env=_render_env(state, "b", ("a", a))).output
    c = build_ok(content, tmp_path / "c").output
    files_b, files_c = _files(b), _files(c)
    assert sorted(files_b) == sorted(files_c)
    assert all(files_b[n].read_bytes() == files_c[n].read_bytes() for n in files_c)
    for name in gone + [n for n in files_b if n.startswith("tag/")]:
        assert files_b[name].stat().st_nlink == 1, f"{name} should have been rendered"


def test_new_article_changes_few_pages(tmp_path):
    """Pages that do not move: one arrival rewrites its own page, its older neighbour, the
    first pages of its lists, and no block page or unrelated article page."""
    content = tmp_path / "content"
    _write_site(content)
    state = tmp_path / "render"
    a = build_ok(content, tmp_path / "a", env=_render_env(state, "a")).output
    CASES["added"](content, tmp_path)
    b = build_ok(content, tmp_path / "b", env=_render_env(state, "b", ("a", a))).output
    rendered = sorted(p.relative_to(b).as_posix() for p in b.rglob("*.html")
                      if p.stat().st_nlink == 1)
    articles = [n for n in rendered if n.startswith("news/")]
    assert "news/fresh.html" in articles and len(articles) <= 2, articles
    blocks = [n for n in rendered
              if not n.startswith("archive/") and "/" in n and n.split("/")[-2].isdigit()]
    assert blocks == [], f"fixed list blocks rewritten: {blocks}"
    assert len(rendered) <= 20, rendered


def test_epoch_changes_with_versions_settings_and_theme(monkeypatch, tmp_path):
    import pelican

    from newsroom_site.incremental import epoch

    theme = tmp_path / "theme"
    shutil.copytree(PROJECT_ROOT / "theme", theme)
    settings = {"THEME": str(theme), "PLUGIN_PATHS": [str(PROJECT_ROOT / "plugins")],
                "SITENAME": "우리고장뉴스", "OUTPUT_PATH": "/x"}
    first = epoch(settings)
    assert epoch(dict(settings, OUTPUT_PATH="/y")) == first  # where it is written: no input
    assert epoch(dict(settings, SITENAME="다른이름")) != first
    (theme / "static" / "css" / "site.css").write_text("body{}", encoding="utf-8")
    second = epoch(settings)
    assert second != first
    monkeypatch.setattr(pelican, "__version__", "9.9.9")
    assert epoch(settings) != second
