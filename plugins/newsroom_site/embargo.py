"""Scheduled publishing: an article dated after the build's "now" is held back.

Run at `article_generator_pretaxonomy`: Pelican has read every article and sorted it into
published, hidden and drafts, and builds tags, categories, authors and archives from the
published list right after this signal, so an article removed here is in no list, box,
feed, sitemap, tag, author, source or archive page. The published build writes no page for
it; the preview (NEWSROOM_STRICT False) shows it under drafts/ and names it on the banner
("예약: <path> — <date>에 공개").

The same rule without Pelican, for `newsroom check` and the update job, is
`newsroom.core.check.scan_content(...).scheduled` (with `newsroom.core.model.is_scheduled`).
"""

from __future__ import annotations

import copy
import os
from pathlib import Path

from pelican.utils import order_content

from newsroom.core.model import KST, is_scheduled

from .config import build_now, newsroom_settings


def hold_scheduled(generator) -> None:
    """Take articles dated after "now" out of this build (drafts in the preview)."""
    ns = newsroom_settings(generator.settings)
    now = build_now(ns)
    held = []

    def keep(items: list) -> list:
        kept = []
        for a in items:
            (held if is_scheduled(a.date, now) else kept).append(a)
        return kept

    generator.articles = keep(generator.articles)
    generator.translations = keep(generator.translations)
    generator.hidden_articles = keep(generator.hidden_articles)
    generator.hidden_translations = keep(generator.hidden_translations)

    held.sort(key=lambda a: (a.date, a.relative_source_path or ""))
    if ns["NEWSROOM_STRICT"] or not held:
        return
    # The banner (partials/problems.html) is the preview's only: published pages never name
    # an embargoed article.
    generator.context["NEWSROOM_SCHEDULED"] = [
        f"{_display(a.source_path)} — {a.date.astimezone(KST):%Y-%m-%d %H:%M}에 공개"
        for a in held
    ]
    # The preview shows them as drafts. Copies: with the reader cache on, Pelican saves the
    # articles it read after the build, and a cached "draft" would never be published.
    for a in held:
        draft = copy.copy(a)
        draft.status = "draft"
        generator.drafts.append(draft)
    generator.drafts = order_content(generator.drafts, generator.settings["ARTICLE_ORDER_BY"])


def _display(source_path: str) -> str:
    """The path as the person running the build can open it (as the problems banner shows)."""
    try:
        return os.path.relpath(source_path) if Path(source_path).resolve().is_relative_to(
            Path.cwd()
        ) else source_path
    except ValueError:
        return source_path
