"""What a run reports: per source (SourceReport) and in all (ScrapeReport, the JSON report)."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from typing import Any

logger = logging.getLogger("press_scraper.pipeline")


@dataclass
class SourceReport:
    """What happened to one source."""

    id: str
    name: str
    url: str
    found: int = 0
    new: int = 0
    updated: int = 0
    merged: int = 0  # copies of a release already on the site, joined to that article
    skipped: int = 0
    deferred: int = 0  # over --limit, left for the next run
    failed: int = 0
    error: str | None = None
    problems: list[dict[str, str]] = field(default_factory=list)
    # Problems source health keeps (a value the date policy refused): "url: reason" lines.
    notices: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def problem(self, url: str, reason: str, *, failed: bool = True,
                notice: bool = False) -> None:
        self.problems.append({"url": url, "reason": reason})
        if notice:
            self.notices.append(f"{url}: {reason}")
        if failed:
            self.failed += 1
            logger.warning("%s: %s: %s", self.id, url, reason)
        else:
            logger.info("%s: %s: %s", self.id, url, reason)


@dataclass
class ScrapeReport:
    """The result of a run; `to_json()` is what `--report` writes."""

    sources: list[SourceReport] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    dry_run: bool = False
    started: str = ""
    finished: str = ""
    fetch_stats: dict[str, int] = field(default_factory=dict)
    health_warnings: list[str] = field(default_factory=list)
    # Copies of a release joined to an article already on the site (issue 12): copy URL and
    # source, the article's path, the similarity and what happened (credited, switched, held…).
    merges: list[dict[str, Any]] = field(default_factory=list)

    @property
    def failed_sources(self) -> list[str]:
        """Ids of sources whose feed or list could not be read."""
        return [s.id for s in self.sources if s.error]

    def totals(self) -> dict[str, int]:
        keys = ("found", "new", "updated", "merged", "skipped", "deferred", "failed")
        return {k: sum(getattr(s, k) for s in self.sources) for k in keys}

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": 1,
            "started": self.started,
            "finished": self.finished,
            "dry_run": self.dry_run,
            "totals": self.totals(),
            "failed_sources": self.failed_sources,
            "written": self.written,
            "fetch": self.fetch_stats,
            "health_warnings": self.health_warnings,
            "merges": self.merges,
            "sources": [asdict(s) for s in self.sources],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)
