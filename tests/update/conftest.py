"""Fixtures for the update job's tests: a small real project in a tmp folder, run as a process.

`project` copies the repository's pelicanconf.py, publishconf.py, theme/ and plugins/ into a
tmp folder with a few articles of its own, so each test runs the real `newsroom update`
(a subprocess, with its lock, Pelican build and symlink switch) on files it may break.
The sources (test_update_sources.py) are served by the scraper suite's real HTTP server on
127.0.0.1, tests/scraper/server.py.
"""

from __future__ import annotations

import pytest
from jobsite import Project, make_project

__all__ = ["Project", "make_project"]


@pytest.fixture
def project(tmp_path) -> Project:
    return make_project(tmp_path / "site")


@pytest.fixture
def project_with(tmp_path):
    """`project_with(sections=[...])`: a project with its own settings."""
    return lambda **settings: make_project(tmp_path / "site", **settings)


@pytest.fixture
def published(project) -> Project:
    """A project whose first update has run and made a release live."""
    result = project.update()
    assert result.code == 0, result.output
    assert project.live(), result.output
    return project

