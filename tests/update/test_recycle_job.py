"""The real job recycling the release pruning would delete (newsroom/recycle.py): through a
run of edits, each live release is file for file and byte for byte the release the job makes
in a new folder, and the releases kept for rollback never change."""

from __future__ import annotations

import os

from jobsite import make_project

NOW = {"NEWSROOM_NOW": "2025-11-30 12:00:00"}

EDITS = [
    ("add", "articles/arrival-one.md",
     "Title: 새로 들어온 보도자료\nDate: 2025-11-24 09:00\nCategory: 정치\nTags: 대구, 예산\n"
     "Authors: 김기자\n\n새로 들어온 보도자료 본문.\n"),
    ("edit", "articles/politics-council.md",
     "Title: 시의회, 예산안 심사 마무리\nDate: 2025-11-20 10:00\nCategory: 정치\n"
     "Tags: 대구, 의회\nAuthors: 김기자\nSummary: 심사를 마쳤다.\n\n대구시의회가 심사를 마쳤다.\n"),
    ("edit", "articles/economy-market.md",
     "Title: 전통시장 매출 회복세\nDate: 2025-11-21 09:30\nCategory: 문화\n"
     "Tags: 부산, 시장\nAuthors: 이기자\nSummary: 전통시장 매출이 늘었다.\n\n"
     "부산 전통시장 매출이 석 달 연속 늘었다. 둘째 문장.\n"),
    ("remove", "articles/culture-festival.md", None),
    ("add", "articles/morning-story.md",
     "Title: 아침 기사\nDate: 2025-11-19 07:00\nCategory: 경제\nTags: 부산\n\n아침 기사 본문.\n"),
]


def _snapshot(root) -> dict[str, dict[str, bytes]]:
    """Every release's files and bytes, by release id."""
    out = {}
    if not (root / "releases").is_dir():
        return out
    for rel in sorted((root / "releases").iterdir()):
        if rel.is_dir() and rel.name[0].isdigit():
            out[rel.name] = {p.relative_to(rel).as_posix(): p.read_bytes()
                             for p in sorted(rel.rglob("*")) if p.is_file()}
    return out


def _apply(project, edit) -> None:
    kind, rel, text = edit
    if kind == "remove":
        (project.content / rel).unlink()
    else:
        project.write(rel, text)


def test_recycled_releases_equal_new_folders_and_rollbacks_stay_untouched(tmp_path):
    recycling = make_project(tmp_path / "recycling")
    plain = make_project(tmp_path / "plain")
    runs = []
    for step, edit in enumerate([None, *EDITS]):
        if edit is not None:
            _apply(recycling, edit)
            _apply(plain, edit)
        before = _snapshot(recycling.root)
        a = recycling.run("update", "-v", "--keep", "2", env=NOW)
        b = plain.run("update", "-v", "--keep", "2", env={**NOW, "NEWSROOM_RECYCLE": "0"})
        assert a.code == 0 and b.code == 0, a.output + b.output
        runs.append(a.output)
        assert "release folder:" not in b.output
        # What readers get: the same files with the same bytes, .gz files included.
        assert recycling.live_files() == plain.live_files(), f"step {step}: {edit}"
        # The releases kept for rollback share inodes with the recycled one: not one byte
        # of them changed.
        after = _snapshot(recycling.root)
        for rid, files in after.items():
            if rid in before:
                assert files == before[rid], f"step {step}: release {rid} changed"
        assert len(after) <= 2
        leftovers = [p.name for p in (recycling.root / "releases").iterdir()
                     if p.name.startswith(".build-")]
        assert leftovers == []
    # From the third run on there is a release to recycle, and one is.
    assert ["recycling release" in out for out in runs] == [False, False] + [True] * (len(runs) - 2)
    assert all("release folder:" in out for out in runs[2:])


def test_a_failed_build_drops_the_recycled_release_and_the_next_run_recovers(tmp_path):
    project = make_project(tmp_path / "site")
    for i in range(2):
        project.write(f"articles/n{i}.md", f"Title: 기사 {i}\nDate: 2025-11-2{i} 09:00\n"
                      f"Category: 정치\nTags: 대구\n\n본문 {i}.\n")
        assert project.run("update", "-v", "--keep", "2", env=NOW).code == 0
    live = project.live()
    kept = project.releases()
    template = project.root / "theme" / "templates" / "article.html"
    good = template.read_text(encoding="utf-8")
    template.write_text(good + "{% if %}\n", encoding="utf-8")  # a template that cannot load
    project.write("articles/n9.md", "Title: 기사 9\nDate: 2025-11-25 09:00\nCategory: 정치\n\n본문.\n")
    failed = project.run("update", "-v", "--keep", "2", env=NOW)
    assert failed.code != 0
    assert "recycling release" in failed.output
    assert project.live() == live  # the live release stays
    # The recycled release is gone (pruning would have removed it), the live one is kept.
    assert project.releases() == [os.path.basename(live)]
    assert len(kept) == 2
    assert not [p for p in (project.root / "releases").iterdir() if p.name.startswith(".build-")]

    template.write_text(good, encoding="utf-8")
    again = project.run("update", "-v", "--keep", "2", env=NOW)
    assert again.code == 0, again.output
    news = project.output.resolve() / "news"
    assert sorted(p.name for p in news.glob("n*.html")) == ["n0.html", "n1.html", "n9.html"]
    assert len(project.releases()) == 2
