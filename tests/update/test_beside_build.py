"""What the update job reads while the build runs (newsroom/update.py, `beside`): validation
prepared before the release exists gives the verdict validation alone gives, and work that
failed beside the build is redone by the step that needs it."""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

from newsroom import update, validate


def _settings(project):
    args = SimpleNamespace(settings=project.root / "publishconf.py",
                           content=project.root / "content")
    cwd = os.getcwd()
    os.chdir(project.root)
    try:
        return update.read_settings(args)
    finally:
        os.chdir(cwd)


def test_validation_prepared_beside_the_build_gives_the_same_verdict(published, tmp_path):
    project = published
    settings, resolved = _settings(project)
    release = project.output.resolve()
    staged = project.root / ".state" / "stage" / "content"
    # Break a link in a page of a copy, so that the verdict has something to say.
    copy = tmp_path / "release"
    shutil.copytree(release, copy, symlinks=True)
    page = copy / "news" / "politics-council.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "</main>", '<a href="/news/no-such-story.html">x</a></main>'), encoding="utf-8")

    alone = validate.validate_release(copy, staged, settings, resolved,
                                      state=tmp_path / "alone")
    (tmp_path / "beside").mkdir()
    with ThreadPoolExecutor(1) as later:
        ready = later.submit(validate.prepare, staged, settings, resolved,
                             state=tmp_path / "beside").result()
        beside = validate.validate_release(copy, staged, settings, resolved,
                                           state=tmp_path / "beside", prepared=ready,
                                           later=later)
    assert [str(p) for p in beside.problems] == [str(p) for p in alone.problems]
    assert any("no-such-story" in str(p) for p in alone.problems)
    assert (beside.pages, beside.links, beside.feeds, beside.articles) == \
        (alone.pages, alone.links, alone.feeds, alone.articles)
    # The memos were saved by the executor, as validation alone saves them.
    assert sorted(p.name for p in (tmp_path / "beside").iterdir()) == \
        sorted(p.name for p in (tmp_path / "alone").iterdir())


def test_work_that_failed_beside_the_build_is_left_to_the_step():
    def broken():
        raise OSError("disk went away")

    with ThreadPoolExecutor(1) as beside:
        assert update._result(beside.submit(broken)) is None
        assert update._result(beside.submit(lambda: 42)) == 42
    assert update._result(None) is None
