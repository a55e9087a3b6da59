"""Redirects: old URLs keep working, as pages for any static host and as a map for nginx.

Two kinds of old URL:
- an article that moved: `redirects.toml` (newsroom.core.redirects, written by the update
  job) names each old URL and the article's file; the redirect leads to wherever that
  article is now;
- a tag, reporter or source (기관별) page whose slug changed from Pelican's unidecode
  romanization to the Revised Romanization (slugs.py): computed at every build from each
  name's `legacy_slug`, so no list needs keeping. The first page and every block page
  (`tag/<old>/3/`) lead to the same page under the new slug.

At each old URL this generator writes a small page (meta refresh, a link, rel=canonical,
noindex), and it writes every redirect into one machine-readable file in the release,
`.redirects.map` (nginx map syntax; a dot file, so nginx never serves it and deploys do not
upload it), from which nginx answers the old URLs with a real 301 (deploy/nginx/,
docs/operations.md). An old URL that a page of the site uses again, or whose article is no
longer published, gets neither.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pelican.generators import Generator

from newsroom.core import redirects
from newsroom.core.files import atomic_write

from .paging import StablePaginator

logger = logging.getLogger(__name__)

HEADINGS = {
    "article": "기사 주소가 바뀌었습니다",
    "tag": "태그 페이지 주소가 바뀌었습니다",
    "author": "기자 페이지 주소가 바뀌었습니다",
    "source": "기관별 페이지 주소가 바뀌었습니다",
}


class RedirectsGenerator(Generator):
    def generate_context(self):
        pass

    def generate_output(self, writer):
        pages = self._article_redirects() + self._taxonomy_redirects()
        template = self.get_template("redirect")
        # Queued with every other page (paging.NewsroomWriter.hold): rendered or linked on
        # the machine's cores.
        for old, url, title, kind in pages:
            writer.write_file(old, template, self.context,
                              relative_urls=self.settings.get("RELATIVE_URLS"),
                              redirect_url=url, redirect_title=title,
                              redirect_heading=HEADINGS[kind], page_name=old)
        text = redirects.nginx_map([(_url_of(old), url) for old, url, _t, _k in pages])
        out = Path(self.output_path) / redirects.MAP_FILE
        atomic_write(out, text.encode("utf-8"), sync=False)

    def _taken(self) -> set[str]:
        ctx = self.context
        articles = list(ctx.get("articles", [])) + list(ctx.get("hidden_articles", []))
        return {a.save_as for a in articles} | {p.save_as for p in ctx.get("pages", [])}

    def _article_redirects(self) -> list[tuple[str, str, str, str]]:
        path = self.settings.get("NEWSROOM_REDIRECTS")
        if not path:
            return []
        try:
            items = redirects.read(Path(path))
        except redirects.RedirectError as e:
            logger.error("redirects: %s", e)
            return []
        articles = list(self.context.get("articles", [])) + list(
            self.context.get("hidden_articles", []))
        by_source = {a.relative_source_path: a for a in articles}
        taken = self._taken()
        out = []
        for r in items:
            article = by_source.get(r.source)
            if article is None or r.old in taken or r.old == article.save_as:
                continue
            out.append((r.old, article.url, article.title, "article"))
        return out

    def _taxonomy_redirects(self) -> list[tuple[str, str, str, str]]:
        """(old save_as, new URL, name, kind) for every list page whose slug changed."""
        ctx, settings = self.context, self.settings
        groups = []  # (kind, wrapper, articles, url pattern, save_as pattern)
        if settings.get("TAG_SAVE_AS"):
            groups += [("tag", t, items, settings["TAG_URL"], settings["TAG_SAVE_AS"])
                       for t, items in dict(ctx.get("tags") or {}).items()]
        if settings.get("AUTHOR_SAVE_AS"):
            groups += [("author", a, items, settings["AUTHOR_URL"], settings["AUTHOR_SAVE_AS"])
                       for a, items in ctx.get("authors") or []]
        from .context import SOURCE_SAVE_AS, SOURCE_URL

        groups += [("source", s, items, SOURCE_URL, SOURCE_SAVE_AS)
                   for s, items in ctx.get("NEWSROOM_SOURCES") or []]
        per_page = settings.get("DEFAULT_PAGINATION") or 0

        def per_page_of(kind):
            return (settings.get("PAGINATED_TEMPLATES") or {}).get(kind) or per_page

        candidates: dict[str, tuple] = {}  # old save_as -> (rank, new url, name, kind)
        for kind, wrapper, items, url_as, save_as in groups:
            old = getattr(wrapper, "legacy_slug", None)
            if not old or old == wrapper.slug:
                continue
            per = per_page_of(kind)
            new_pages = _list_pages(url_as, save_as, wrapper.slug, items, settings, per)
            old_pages = _list_pages(url_as, save_as, old, items, settings, per)
            for (_new_save, new_url), (old_save, _old_url) in zip(new_pages, old_pages,
                                                                  strict=True):
                # Two names that unidecode alike shared one page before: the one with more
                # articles keeps the old URL, then the first name.
                rank = (-len(items), wrapper.name)
                if old_save not in candidates or rank < candidates[old_save][0]:
                    candidates[old_save] = (rank, new_url, wrapper.name, kind)
        if not candidates:
            return []
        # Never a redirect over a page this build writes: every list page of every group.
        taken = self._taken()
        for kind, wrapper, items, url_as, save_as in groups:
            taken.update(save for save, _url in _list_pages(url_as, save_as, wrapper.slug, items,
                                                            settings, per_page_of(kind)))
        return [(old, url, name, kind)
                for old, (_rank, url, name, kind) in sorted(candidates.items())
                if old not in taken]


def _list_pages(url_as: str, save_as: str, slug: str, items, settings,
                per_page: int) -> list[tuple[str, str]]:
    """(save_as, url) of a list's first page and its block pages, as the writer makes them."""
    paginator = StablePaginator(save_as.format(slug=slug), url_as.format(slug=slug),
                                items, settings, per_page)
    return [(page.save_as, page.url) for page, _newer, _older in paginator.pages()]


def _url_of(save_as: str) -> str:
    """The URL a reader types for a file: `tag/x/index.html` -> `tag/x/`."""
    return save_as[: -len("index.html")] if save_as.endswith("/index.html") else save_as
