"""Extra outputs: source (기관별) pages, latest.json, sitemap.xml, the news sitemap, robots.txt.

Registered through `get_generators`, so they run after the articles are read and before
static files are copied, and they work unchanged under `--autoreload`.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from pelican.generators import Generator

from newsroom.core.files import atomic_write
from newsroom.core.model import KST

from .config import build_now, newsroom_settings

logger = logging.getLogger(__name__)

SOURCES_SAVE_AS = "source/index.html"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


class SourcesGenerator(Generator):
    """One paginated page per credited source, and an index of all sources."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        # Queued with every other page (paging.NewsroomWriter.hold): rendered on the
        # machine's cores (parallel.py).
        sources = self.context.get("NEWSROOM_SOURCES", [])
        relative = self.settings.get("RELATIVE_URLS")
        template = self.get_template("source")
        for source, articles in sources:
            writer.write_file(
                source.save_as,
                template,
                self.context,
                relative_urls=relative,
                paginated={"articles": articles},
                template_name="source",
                url=source.url,
                source=source,
                articles=articles,
                page_name=source.url.rstrip("/"),
            )
        writer.write_file(
            SOURCES_SAVE_AS,
            self.get_template("sources"),
            self.context,
            relative_urls=relative,
            sources=sources,
            page_name="source",
        )


class MachinesGenerator(Generator):
    """sitemap.xml (an index of sitemaps/*.xml), news-sitemap.xml (the last N days), robots.txt."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        ns = newsroom_settings(self.settings)
        origin = ns["NEWSROOM_SITE_ORIGIN"]
        now = build_now(ns)
        articles = self.context.get("articles", [])
        pages = self.context.get("pages", [])
        out = self.output_path

        # sitemap.xml is an index: one small sitemap of the fixed pages, one per month of
        # articles. A new article rewrites its month's file and the index, not a list of every
        # URL of the site (incremental publishing, docs/architecture.md).
        fixed = [(f"{origin}/", articles[0].date if articles else None)]
        for s in self.context.get("SECTIONS", []):
            fixed.append((f"{origin}/{s['url']}", None))
        for p in pages:
            fixed.append((f"{origin}/{p.url}", None))
        for source, _items in self.context.get("NEWSROOM_SOURCES", []):
            fixed.append((f"{origin}/{source.url}", None))
        groups: dict[str, list] = {"pages": fixed}
        for a in articles:
            d = a.date.astimezone(KST)  # not strftime: Pelican's dates format slowly
            month = f"{d.year:04d}-{d.month:02d}"
            groups.setdefault(month, []).append(
                (f"{origin}/{a.url}", getattr(a, "modified", None) or a.date))
        index = []
        for name in sorted(groups, key=lambda n: (n != "pages", n)):
            urls = groups[name]
            rel = f"{SITEMAPS_DIR}/{name}.xml"
            _write(out, rel, _sitemap_xml("urlset", "url", urls))
            dated = [d for _loc, d in urls if d]
            index.append((f"{origin}/{rel}", max(dated) if dated else None))
        _write(out, "sitemap.xml", _sitemap_xml("sitemapindex", "sitemap", index))

        since = now - timedelta(days=ns["NEWSROOM_NEWS_SITEMAP_DAYS"])
        sitename = self.settings.get("SITENAME", "")
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="{NEWS_NS}">',
        ]
        for a in articles:
            if not (since <= a.date <= now + timedelta(minutes=5)):
                continue
            lines += [
                f"<url><loc>{escape(origin + '/' + a.url)}</loc>",
                "<news:news><news:publication>",
                f"<news:name>{escape(sitename)}</news:name><news:language>ko</news:language>",
                "</news:publication>",
                f"<news:publication_date>{a.date.isoformat(timespec='seconds')}"
                "</news:publication_date>",
                f"<news:title>{escape(a.title)}</news:title>",
                "</news:news></url>",
            ]
        lines.append("</urlset>")
        _write(out, "news-sitemap.xml", "\n".join(lines) + "\n")

        robots = (
            "User-agent: *\n"
            "Disallow: /drafts/\n"
            "Disallow: /status/\n"
            f"Sitemap: {origin}/sitemap.xml\n"
            f"Sitemap: {origin}/news-sitemap.xml\n"
        )
        _write(out, "robots.txt", robots)


LATEST_SAVE_AS = "latest.json"


def latest_data(sections: list[dict], latest: dict[str, list]) -> dict:
    """What latest-boxes.js shows under every article: per section slug, the latest articles
    as title (plain text), URL relative to the site root (= to latest.json), and date."""
    return {
        "sections": {
            s["slug"]: [
                {
                    "title": a.title,
                    "url": a.url,
                    "date": a.date.strftime("%m.%d"),
                    "datetime": a.date.isoformat(),
                }
                for a in latest.get(s["slug"], [])
            ]
            for s in sections
        }
    }


class LatestGenerator(Generator):
    """latest.json: the section boxes under articles, one small file for all article pages."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        data = latest_data(self.context.get("SECTIONS", []), self.context.get("SECTION_LATEST", {}))
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        _write(self.output_path, LATEST_SAVE_AS, text + "\n")


SITEMAPS_DIR = "sitemaps"


def _sitemap_xml(root: str, entry: str, items: list) -> str:
    """A sitemap (`urlset`/`url`) or a sitemap index (`sitemapindex`/`sitemap`) of
    (absolute URL, lastmod or None) pairs."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for loc, lastmod in items:
        lines.append(f"<{entry}><loc>{escape(loc)}</loc>")
        if lastmod:
            lines.append(f"<lastmod>{lastmod.isoformat(timespec='seconds')}</lastmod>")
        lines.append(f"</{entry}>")
    lines.append(f"</{root}>")
    return "\n".join(lines) + "\n"


def get_generators(pelican):
    """`get_generators`: our extra outputs, run after the articles are read."""
    from .redirects import RedirectsGenerator

    return [SourcesGenerator, LatestGenerator, RedirectsGenerator, MachinesGenerator]


def _write(output_path: str, name: str, text: str) -> None:
    path = os.path.join(output_path, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    atomic_write(Path(path), text.encode("utf-8"))
    logger.info('Writing "%s"', path)
