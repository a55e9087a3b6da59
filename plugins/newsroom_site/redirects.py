"""Redirect pages: the old URL of a moved article sends readers to its current page.

`redirects.toml` (newsroom.core.redirects, written by the update job) names each old URL and
the article's file; this generator writes, at each old URL, a small page with a meta
refresh, a link and rel=canonical to wherever that article is now. An old URL that a page
of the site uses again, or whose article is no longer published, gets no redirect page.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pelican.generators import Generator

from newsroom.core import redirects

logger = logging.getLogger(__name__)


class RedirectsGenerator(Generator):
    def generate_context(self):
        pass

    def generate_output(self, writer):
        path = self.settings.get("NEWSROOM_REDIRECTS")
        if not path:
            return
        try:
            items = redirects.read(Path(path))
        except redirects.RedirectError as e:
            logger.error("redirects: %s", e)
            return
        if not items:
            return
        articles = list(self.context.get("articles", [])) + list(
            self.context.get("hidden_articles", []))
        by_source = {a.relative_source_path: a for a in articles}
        taken = {a.save_as for a in articles} | {
            p.save_as for p in self.context.get("pages", [])}
        template = self.get_template("redirect")
        for r in items:
            article = by_source.get(r.source)
            if article is None or r.old in taken or r.old == article.save_as:
                continue
            writer.write_file(r.old, template, self.context,
                              relative_urls=self.settings.get("RELATIVE_URLS"),
                              target=article, page_name=r.old)
