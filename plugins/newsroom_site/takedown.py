"""Takedowns (newsroom.core.takedowns): a taken-down article has no page, is in no list,
box, feed, sitemap or search index, and its images are not copied.

- `article_generator_pretaxonomy`: Pelican has sorted the articles into published, hidden
  and drafts and builds every list from them right after, so removing them here removes
  them everywhere (as embargo.py does for scheduled articles).
- `static_generator_finalized`: the images the takedown names are not copied.

A takedowns file that cannot be read stops the build: building without it could put a
taken-down page back online.
"""

from __future__ import annotations

import logging
from pathlib import Path

from newsroom.core import takedowns

logger = logging.getLogger(__name__)


def _taken_down(settings: dict) -> list[takedowns.Takedown]:
    path = settings.get("NEWSROOM_TAKEDOWNS")
    if not path:
        return []
    try:
        return takedowns.read(Path(path))
    except takedowns.TakedownError as e:
        logger.critical("takedowns: %s", e)
        raise


def hold_taken_down(generator) -> None:
    """Take articles whose URL is taken down out of this build, published or not."""
    urls = {t.url for t in _taken_down(generator.settings)}
    if not urls:
        return
    removed = []

    def keep(items: list) -> list:
        kept = []
        for a in items:
            (removed if a.url in urls else kept).append(a)
        return kept

    for name in ("articles", "translations", "hidden_articles", "hidden_translations",
                 "drafts", "drafts_translations"):
        if hasattr(generator, name):
            setattr(generator, name, keep(getattr(generator, name)))
    for a in removed:
        logger.info("takedown: %s (%s) is not published", a.url, a.source_path)


def drop_taken_down_images(generator) -> None:
    """Leave the images of taken-down articles out of the static files."""
    images = {img.lstrip("/") for t in _taken_down(generator.settings) for img in t.images}
    if not images:
        return
    kept = [s for s in generator.staticfiles if s.save_as not in images]
    generator.staticfiles[:] = kept
