"""Source health: a source that dies quietly is reported loudly."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from press_scraper.health import HEALTH_FILE, HISTORY, Health, record_run

KST = timezone(timedelta(hours=9))
T0 = datetime(2026, 1, 7, 6, 0, tzinfo=KST)


def at(hours):
    return T0 + timedelta(hours=hours)


def test_success_and_new_articles_are_remembered(tmp_path):
    health = Health(tmp_path)
    health.record("haneul", ok=True, found=5, new=2, at=at(0))
    health.record("haneul", ok=True, found=5, new=0, at=at(1))
    health.save()
    again = Health(tmp_path).get("haneul")
    assert again.last_success == "2026-01-07T07:00:00+09:00"
    assert again.last_new_article == "2026-01-07T06:00:00+09:00"
    assert again.consecutive_failures == 0 and again.runs_without_items == 0
    assert [r["new"] for r in again.history] == [2, 0]
    assert Health(tmp_path).warnings() == []


def test_feed_that_stops_yielding_warns_after_n_runs(tmp_path):
    health = Health(tmp_path, warn_after=3)
    health.record("haneul", ok=True, found=4, new=4, at=at(0))
    health.record("haneul", ok=True, found=0, at=at(1))
    health.record("haneul", ok=True, found=0, at=at(2))
    assert health.warnings() == []
    health.record("haneul", ok=True, found=0, at=at(3))
    (warning,) = health.warnings()
    assert "'haneul' yielded no items 3 runs in a row" in warning
    assert "last items seen 2026-01-07T06:00:00+09:00" in warning
    health.record("haneul", ok=True, found=1, at=at(4))
    assert health.warnings() == []


def test_repeated_failures_warn_with_the_last_error(tmp_path):
    health = Health(tmp_path, warn_after=2)
    health.record("bada", ok=True, found=3, new=1, at=at(0))
    health.record("bada", ok=False, error="http://bada.example/rss: HTTP 503", at=at(1))
    assert health.warnings() == []
    health.record("bada", ok=False, error="http://bada.example/rss: timeout", at=at(2))
    (warning,) = health.warnings()
    assert "'bada' failed 2 runs in a row" in warning
    assert "last success: 2026-01-07T06:00:00+09:00" in warning
    assert warning.endswith("last error: http://bada.example/rss: timeout")
    # a failure is not a run without items: the feed may be fine once it answers again
    assert health.get("bada").runs_without_items == 0
    health.record("bada", ok=True, found=3, at=at(3))
    assert health.warnings() == [] and health.get("bada").last_error is None


def test_source_that_never_yielded_is_flagged(tmp_path):
    health = Health(tmp_path, warn_after=2)
    health.record("san", ok=True, found=0, at=at(0))
    health.record("san", ok=True, found=0, at=at(1))
    (warning,) = health.warnings()
    assert "'san' has yielded no items in any of its 2 runs" in warning


def test_warnings_for_given_sources_only(tmp_path):
    health = Health(tmp_path, warn_after=1)
    health.record("a", ok=False, error="x")
    health.record("b", ok=False, error="y")
    assert len(health.warnings()) == 2
    assert len(health.warnings(["b", "gone"])) == 1


def test_history_is_bounded(tmp_path):
    health = Health(tmp_path)
    for i in range(HISTORY + 10):
        health.record("a", ok=True, found=1, at=at(i))
    assert len(health.get("a").history) == HISTORY
    assert health.get("a").history[-1]["at"] == at(HISTORY + 9).isoformat()


def test_file_is_written_atomically_and_a_bad_file_starts_afresh(tmp_path, caplog):
    health = Health(tmp_path)
    health.record("a", ok=True, found=1)
    health.save()
    assert [p.name for p in tmp_path.iterdir()] == [HEALTH_FILE]
    assert json.loads((tmp_path / HEALTH_FILE).read_text(encoding="utf-8"))["sources"]["a"]
    (tmp_path / HEALTH_FILE).write_text("[1, 2", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert Health(tmp_path).get("a") is None
    assert HEALTH_FILE in caplog.text


def test_warn_after_must_be_positive(tmp_path):
    with pytest.raises(ValueError):
        Health(tmp_path, warn_after=0)


@dataclass
class FakeSourceReport:  # the fields of api.SourceReport that health reads
    id: str
    found: int = 0
    new: int = 0
    error: str | None = None


@dataclass
class FakeReport:
    sources: list


def test_record_run_logs_loud_warnings(tmp_path, caplog):
    good = FakeReport([FakeSourceReport("haneul", found=3, new=3)])
    empty = FakeReport([FakeSourceReport("haneul", found=0)])
    broken = FakeReport([FakeSourceReport("haneul", error="http://h.example/rss: HTTP 404")])
    assert record_run(tmp_path, good, warn_after=2) == []
    assert record_run(tmp_path, empty, warn_after=2) == []
    with caplog.at_level(logging.WARNING):
        (warning,) = record_run(tmp_path, empty, warn_after=2)
    assert "yielded no items 2 runs in a row" in warning
    assert "SOURCE HEALTH: source 'haneul'" in caplog.text
    record_run(tmp_path, broken, warn_after=2)
    (warning,) = record_run(tmp_path, broken, warn_after=2)
    assert "failed 2 runs in a row" in warning and "HTTP 404" in warning
