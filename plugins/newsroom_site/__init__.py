"""Pelican plugin for the news site: this module only connects Pelican's signals.

Signals used, and why:
- `initialized`: validate NEWSROOM_* settings once (no I/O beyond the settings)
  (`config.on_initialized`).
- `readers_init`: Markdown files are read with one converter per build, reset between
  files, instead of one made per file (`readers.use_shared_reader`).
- `generator_init`: the menu, the validated origin and the per-build `fragment` cache on
  every generator's template context (`context.prepare`).
- `article_generator_init`: check every content file before Pelican reads any, so the
  strict (published) build refuses a bad file with `path:line: message` instead of Pelican's
  default of logging and skipping it; the preview lists the problems on a banner instead.
  (Not `article_generator_preread`: Pelican sends that before *each* file, which made a
  whole-folder check quadratic: 1,000 articles took 250 s.) Generators are created anew for
  every build, so autoreload checks again after each change (`strict.check_before_reading`).
  Then, when many files are not in Pelican's content cache (a first publish), they are
  read on the machine's cores and put into that cache (`preread.read_in_shares`).
- `article_generator_pretaxonomy`: hold back articles dated after the build's "now"
  (scheduled publishing): no page in the published build, drafts in the preview
  (`embargo.hold_scheduled`). Then, in the preview, one article per output page: the later
  file of a duplicate slug is skipped (`strict.skip_duplicate_slugs`; the check put it on the
  banner), else Pelican's writer raises and `pelican -r` rebuilds in a busy loop.
- `article_generator_pretaxonomy` and `static_generator_finalized` also: articles taken
  down (takedowns.toml, `newsroom takedown`) and their images are left out
  (`takedown.hold_taken_down`, `takedown.drop_taken_down_images`). Last, each article's
  URLs are kept (`speedups.freeze_urls`) and, in a build that keeps page signatures, its own
  fields are fingerprinted once (`incremental.seal_articles`), before Pelican pickles the
  articles into its content cache.
- `content_object_init`: ASCII slugs and section slugs, sanitised scraped HTML, lead-image
  sizes, table classes (`content.prepare_content`).
- `article_generator_finalized`: after Pelican grouped the articles and before it writes:
  an empty category for each configured section without articles, so its page and feeds
  exist (`sections.add_empty_sections`); section boxes, neighbours, related, JSON-LD, once
  each (`context.attach`). The two are independent of each other's order.
- `feed_generated`: an empty section feed dated with the build's "now" in Seoul time
  (`sections.date_empty_feed`); each item's title as the page's `<h1>` text, not Pelican's
  `striptags()` of it (`feeds.exact_titles`); an `<?xml-stylesheet?>` pointing to
  feed.xsl, the page a browser shows for a feed (`feeds.add_stylesheet`).
- `get_generators`: source pages, latest.json, sitemaps and robots.txt
  (`generators.get_generators`).
- at registration: Pelican's content cache is loaded and saved as a base and a delta of
  what changed, each written atomically (`cachefile.install`); the content hashes that
  validate its entries are remembered by file identity (`stamps.install`; saved at
  `finalized`, `stamps.save`); and a few of Pelican's per-article steps are made linear or
  done once (`speedups.install`).
- `get_writer`: Pelican's writer with list pages that do not move when news arrives
  (`paging.get_writer`), rendering only pages whose inputs changed since the previous
  release (`incremental.py`), every generator's pages held and rendered together on the
  machine's cores, before the static files are copied (`paging.install`); `finalized`:
  keep the page signatures (`paging.save_memo`).
"""

from __future__ import annotations

from pelican import signals

from . import (
    cachefile,
    config,
    content,
    context,
    embargo,
    feeds,
    generators,
    incremental,
    paging,
    preread,
    readers,
    sections,
    speedups,
    stamps,
    strict,
    takedown,
)


def register() -> None:
    speedups.install()
    cachefile.install()
    stamps.install()
    paging.install()
    signals.initialized.connect(config.on_initialized)
    signals.readers_init.connect(readers.use_shared_reader)
    signals.initialized.connect(speedups.forget_dates)
    signals.initialized.connect(content.forget_shared)
    signals.generator_init.connect(context.prepare)
    signals.article_generator_init.connect(strict.check_before_reading)
    signals.article_generator_init.connect(preread.read_in_shares)
    signals.content_object_init.connect(content.prepare_content)
    signals.article_generator_pretaxonomy.connect(embargo.hold_scheduled)
    signals.article_generator_pretaxonomy.connect(takedown.hold_taken_down)
    signals.static_generator_finalized.connect(takedown.drop_taken_down_images)
    signals.article_generator_pretaxonomy.connect(strict.skip_duplicate_slugs)
    signals.article_generator_pretaxonomy.connect(speedups.freeze_urls)
    signals.article_generator_pretaxonomy.connect(incremental.seal_articles)
    signals.article_generator_finalized.connect(sections.add_empty_sections)
    signals.article_generator_finalized.connect(context.attach)
    signals.feed_generated.connect(sections.date_empty_feed)
    signals.feed_generated.connect(feeds.exact_titles)
    signals.feed_generated.connect(feeds.add_stylesheet)
    signals.get_generators.connect(generators.get_generators)
    signals.get_writer.connect(paging.get_writer)
    signals.finalized.connect(paging.save_memo)
    signals.finalized.connect(stamps.save)
