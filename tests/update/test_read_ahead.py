"""The builder reads the content cache while the job checks the content
(newsroom/core/preload.py, builder.Zygote.warm): the build takes it only when the file is
still the one read, and never when the job drops the cache."""

from __future__ import annotations

import os
import pickle

from newsroom.core import preload

READ_AHEAD = "read ahead while the content was checked"


def test_a_cache_is_taken_once_and_only_while_the_file_is_the_one_read(tmp_path):
    path = tmp_path / "ArticlesGenerator"
    path.write_bytes(pickle.dumps({"a.md": 1}))
    assert preload.load(str(path))
    assert preload.take(str(tmp_path / "." / "ArticlesGenerator")) == {"a.md": 1}
    assert preload.take(str(path)) is None  # taken already

    assert preload.load(str(path))
    new = tmp_path / "new"
    new.write_bytes(pickle.dumps({"b.md": 2}))
    os.replace(new, path)  # the job (or a build) replaced the cache meanwhile
    assert preload.take(str(path)) is None

    assert preload.load(str(path))
    path.unlink()  # the job dropped the cache
    assert preload.take(str(path)) is None

    path.write_bytes(b"not a pickle")
    assert not preload.load(str(path))  # left to the build, which reports it
    assert preload.take(str(path)) is None


def _build_log(project) -> str:
    live = project.output.resolve()
    return (live.parent / f"{live.name}.log").read_text(encoding="utf-8")


def test_an_arrival_builds_from_the_cache_read_ahead_and_a_settings_change_does_not(published):
    project = published
    project.write("articles/arrival.md", "Title: 새 기사\nDate: 2025-11-24 09:00\nCategory: 정치\n"
                  "Tags: 대구\n\n새 기사 본문.\n")
    result = project.update()
    assert result.code == 0, result.output
    assert READ_AHEAD in _build_log(project)
    assert (project.output.resolve() / "news" / "arrival.html").is_file()

    # A settings change drops the content cache: the builder must not read it ahead.
    with open(project.root / "pelicanconf.py", "a", encoding="utf-8") as f:
        f.write('\nSITESUBTITLE = "설정이 바뀌었습니다"\n')
    project.write("articles/second.md", "Title: 두 번째\nDate: 2025-11-24 10:00\nCategory: 경제\n"
                  "Tags: 부산\n\n두 번째 본문.\n")
    result = project.update()
    assert result.code == 0, result.output
    assert READ_AHEAD not in _build_log(project)
    assert "dropping Pelican's reader cache" in result.output  # the job dropped it
