"""The configured sections (NEWSROOM_SECTIONS): the menu, and a page and two feeds for each.

Every page links each configured section and its feeds (menu, header, sitemap), but Pelican
writes a category page and category feeds only for a category that has articles. A section
without articles yet (a new 사회 section, say) gets an empty category here, so Pelican writes
its page ("아직 기사가 없습니다") and its feeds through its own code paths, like any other.
"""

from __future__ import annotations

from pelican.urlwrappers import Category

from .config import KEY, build_now, newsroom_settings


def section_list(settings: dict, ns: dict) -> list[dict]:
    """The menu: one dict per configured section, in order."""
    out = []
    for name, slug in ns["NEWSROOM_SECTIONS"]:
        out.append(
            {
                "name": name,
                "slug": slug,
                "url": settings["CATEGORY_URL"].format(slug=slug),
                "feed_atom": (settings.get("CATEGORY_FEED_ATOM") or "").format(slug=slug) or None,
                "feed_rss": (settings.get("CATEGORY_FEED_RSS") or "").format(slug=slug) or None,
            }
        )
    return out


def add_empty_sections(generator) -> None:
    """Give each configured section without articles an empty category.

    Run at `article_generator_finalized`: Pelican has grouped the articles into
    `generator.categories` (the same list object as the context's `categories`) and writes
    category pages and feeds from it afterwards. The list is extended and re-sorted in place,
    as Pelican sorts it, so a build whose sections all have articles is unchanged.
    """
    ns = newsroom_settings(generator.settings)
    have = {cat.name for cat, _articles in generator.categories}
    missing = [(name, slug) for name, slug in ns["NEWSROOM_SECTIONS"] if name not in have]
    if not missing:
        return
    for name, slug in missing:
        category = Category(name, generator.settings)
        category.slug = slug
        generator.categories.append((category, []))
    generator.categories.sort(reverse=generator.settings["REVERSE_CATEGORY_ORDER"])


def date_empty_feed(context, feed) -> None:
    """An empty feed carries the build's "now" in Seoul time as its own date.

    Connected to `feed_generated`. A feed with items is dated by its newest item; one without
    would take the clock in UTC, so two builds of the same content would differ and its date
    would be the only one of the site not in +09:00.
    """
    if feed.items or not context.get(KEY):
        return
    now = build_now(context[KEY])
    feed.latest_post_date = lambda: now
