"""The status page reads source health through press_scraper.health, the file's one reader."""

from __future__ import annotations

from datetime import datetime

import pytest

from newsroom import status
from newsroom.core.model import KST

health = pytest.importorskip("press_scraper.health")

STATUS = {"started": "2026-11-26T06:40:36+09:00", "finished": "2026-11-26T06:40:43+09:00",
          "exit_code": 3, "result": "no changes", "new_articles": 0, "updated_articles": 0,
          "built": False, "live_release": None, "sources": {"per_source": []}}


def test_health_recorded_by_the_scraper_becomes_one_row_per_source(tmp_path):
    state = tmp_path / ".state"
    h = health.Health(state)
    at = datetime(2026, 11, 26, 6, 40, 43, tzinfo=KST)
    h.record("hanbit-news", ok=True, found=2, new=1, at=at)
    h.record("hanbit-council", ok=False, error="connection refused", at=at)
    h.save()
    status.write(STATUS, tmp_path / "status.json", tmp_path / "status.html", state)
    page = (tmp_path / "status.html").read_text(encoding="utf-8")
    table = page.split("출처 상태 (누적)")[1]
    assert '<tr class="bad">\n<td>hanbit-council</td>' in table
    assert '<tr class="">\n<td>hanbit-news</td>' in table
    assert "<th>마지막 성공</th><th>마지막 새 기사</th>" in table
    assert "2026.11.26 06:40:43" in table and "connection refused" in table
    assert "history" not in table  # the run history does not fit a cell


def test_no_health_recorded_yet_names_the_file(tmp_path):
    status.write(STATUS, tmp_path / "status.json", tmp_path / "status.html", tmp_path / "st")
    page = (tmp_path / "status.html").read_text(encoding="utf-8")
    assert "출처 상태 기록(<code>" in page and "health.json</code>)이 아직 없습니다" in page
