"""Source health across runs: catch feeds that die quietly.

A feed that starts answering an empty channel, or a board whose markup changed so the list
selector matches nothing, does not fail: it just stops yielding. Real deployments lose sources
this way for weeks. This module remembers, per source, what each run found and warns loudly.

Public API:
    Health(state_dir, *, warn_after=3)         loads `<state_dir>/health.json` (missing or
                                               unreadable: starts empty, it is only a record)
        .record(source_id, ok, found=0, new=0, error=None, *, at=None) -> None
        .warnings(source_ids=None) -> list[str]  one line per source in trouble
        .get(source_id) -> SourceHealth | None
        .save()                                  atomic write (temporary file + rename)
    record_run(state_dir, report, *, warn_after=3) -> list[str]
        Records every `report.sources` entry (id, error, found, new) of an api.ScrapeReport,
        saves, logs each warning at WARNING level and returns them.
    SourceHealth: last_success, last_failure, last_new_article (ISO 8601, +09:00, or None),
        consecutive_failures, runs_without_items, ever_found, last_error, history (the last
        HISTORY runs: {"at", "ok", "found", "new"}).

Warnings (N = warn_after, the `health_warn_after` setting):
    - failed N runs in a row (the feed or list page could not be read);
    - read fine but yielded no items N runs in a row after having yielded some before;
    - never yielded anything in its first N successful runs (a wrong URL or selector);
    - gave values the scraper refused in its last run (a date far in the future or before
      1995: `notices`, kept until a run without them).
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from newsroom.core.files import atomic_write
from newsroom.core.model import iso_kst, now_kst

logger = logging.getLogger(__name__)

HEALTH_FILE = "health.json"
HISTORY = 30
NOTICES = 5


@dataclass
class SourceHealth:
    """What the runs so far say about one source."""

    last_success: str | None = None
    last_failure: str | None = None
    last_new_article: str | None = None
    consecutive_failures: int = 0
    runs_without_items: int = 0
    ok_runs: int = 0
    ever_found: bool = False
    last_error: str | None = None
    notices: list[str] = field(default_factory=list)  # the last run's refused values
    history: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SourceHealth:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


class Health:
    """Per-source health, loaded from and saved to `<state_dir>/health.json`. Thread-safe."""

    def __init__(self, state_dir: str | Path, *, warn_after: int = 3):
        if warn_after < 1:
            raise ValueError(f"warn_after must be at least 1, got {warn_after}")
        self.path = Path(state_dir) / HEALTH_FILE
        self.warn_after = warn_after
        self._lock = threading.Lock()
        self._sources: dict[str, SourceHealth] = self._load()

    def _load(self) -> dict[str, SourceHealth]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return {sid: SourceHealth.from_dict(entry)
                    for sid, entry in data["sources"].items()}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            logger.warning("%s: unreadable source health, starting afresh (%s)", self.path, exc)
            return {}

    def sources(self) -> dict[str, SourceHealth]:
        """Every known source's health, by id (a copy: the status page reads this)."""
        with self._lock:
            return dict(sorted(self._sources.items()))

    def get(self, source_id: str) -> SourceHealth | None:
        with self._lock:
            return self._sources.get(source_id)

    def record(self, source_id: str, ok: bool, found: int = 0, new: int = 0,
               error: str | None = None, *, at: datetime | None = None,
               notices: list[str] | tuple[str, ...] = ()) -> None:
        """Record one run of one source (in memory; call `save()` after).

        Args:
            source_id: the source's id.
            ok: the feed or list page was read.
            found: items listed this run.
            new: articles written for the first time this run.
            error: why the run failed (when not ok).
            at: when (default now), an aware datetime.
            notices: values refused this run ("url: reason"), kept until a run without any.
        """
        stamp = iso_kst(at or now_kst())
        with self._lock:
            h = self._sources.setdefault(source_id, SourceHealth())
            if ok:
                h.last_success = stamp
                h.ok_runs += 1
                h.consecutive_failures = 0
                h.last_error = None
                if found > 0:
                    h.ever_found = True
                    h.runs_without_items = 0
                else:
                    h.runs_without_items += 1
                if new > 0:
                    h.last_new_article = stamp
                h.notices = list(notices[:NOTICES])
            else:
                h.last_failure = stamp
                h.consecutive_failures += 1
                h.last_error = error or "unknown error"
            h.history.append({"at": stamp, "ok": ok, "found": found, "new": new})
            del h.history[:-HISTORY]

    def warnings(self, source_ids: list[str] | None = None) -> list[str]:
        """Loud one-line warnings for sources in trouble (all known ones, or those given)."""
        n = self.warn_after
        out: list[str] = []
        with self._lock:
            ids = source_ids if source_ids is not None else sorted(self._sources)
            for sid in ids:
                h = self._sources.get(sid)
                if h is None:
                    continue
                if h.consecutive_failures >= n:
                    out.append(f"source {sid!r} failed {h.consecutive_failures} runs in a row "
                               f"(last success: {h.last_success or 'never'}); "
                               f"last error: {h.last_error}")
                elif h.ever_found and h.runs_without_items >= n:
                    last_item = next((r["at"] for r in reversed(h.history) if r["found"]),
                                     "before the kept history")
                    out.append(f"source {sid!r} yielded no items {h.runs_without_items} runs in "
                               f"a row (last items seen {last_item}): its feed may have died "
                               f"or its page markup changed")
                elif not h.ever_found and h.ok_runs >= n:
                    out.append(f"source {sid!r} has yielded no items in any of its {h.ok_runs} "
                               f"runs: check its url and selectors")
                if h.notices:
                    out.append(f"source {sid!r} gave values that were refused in its last run "
                               f"({len(h.notices)} shown), first: {h.notices[0]}")
        return out

    def save(self) -> None:
        with self._lock:
            data = {"version": 1,
                    "sources": {sid: asdict(h) for sid, h in sorted(self._sources.items())}}
            text = json.dumps(data, ensure_ascii=False, indent=1)
        atomic_write(self.path, text.encode("utf-8"))


def record_run(state_dir: str | Path, report: Any, *, warn_after: int = 3) -> list[str]:
    """Record a whole scrape (an api.ScrapeReport) and warn about its sources.

    Args:
        state_dir: the `.state` folder.
        report: has `.sources`, each with `id`, `error`, `found`, `new`.
        warn_after: runs before a warning (ScraperSettings.health_warn_after).

    Returns:
        The warnings for the sources of this run (also logged at WARNING level).
    """
    health = Health(state_dir, warn_after=warn_after)
    ids = []
    for s in report.sources:
        ids.append(s.id)
        health.record(s.id, ok=s.error is None, found=s.found, new=s.new, error=s.error,
                      notices=getattr(s, "notices", ()))
    health.save()
    warnings = health.warnings(ids)
    for line in warnings:
        logger.warning("SOURCE HEALTH: %s", line)
    return warnings
