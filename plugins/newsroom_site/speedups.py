"""Pelican's tag, section and author pages at archive scale.

For every tag, section and author, Pelican 4.12 builds the page's `dates` list by walking
every article of the site (`[a for a in self.dates if a in articles]`): 10,000 articles and
271 authors make 2.7 million steps, about 3 s of every build, a build of one new article
included. The methods below write the same pages with the same template context, but order
each group's articles by their rank in `dates` (one dictionary for the whole site), so the cost
follows the size of the groups.

`install()` replaces the three methods of `ArticlesGenerator` once, when the plugin is
registered; tests/site/test_build.py compares the pages with Pelican's own.
"""

from __future__ import annotations

import logging

from pelican.generators import ArticlesGenerator
from pelican.writers import FileOverwriteFailedError

logger = logging.getLogger(__name__)


def dated(generator, articles) -> list:
    """`articles` in the order of `generator.dates`: what Pelican's list comprehension gives."""
    dates = generator.dates
    memo = generator.__dict__.get("_newsroom_date_rank")
    if memo is None or memo[0] is not dates or memo[1] != len(dates):
        memo = (dates, len(dates), {id(a): i for i, a in enumerate(dates)})
        generator._newsroom_date_rank = memo
    rank = memo[2]
    return sorted((a for a in articles if id(a) in rank), key=lambda a: rank[id(a)])


def _write_groups(generator, write, kind: str, groups) -> None:
    template = generator.get_template(kind)
    for wrapper, articles in groups:
        try:
            write(
                wrapper.save_as,
                template,
                generator.context,
                url=wrapper.url,
                articles=articles,
                dates=dated(generator, articles),
                template_name=kind,
                blog=True,
                page_name=wrapper.page_name,
                all_articles=generator.articles,
                **{kind: wrapper},
            )
        except FileOverwriteFailedError:
            if not wrapper.slug:
                logger.info('%s "%s" has an invalid slug; skipping its page', kind, wrapper)
                continue
            logger.error('Failed to write %s page for "%s".', kind, wrapper)
            raise


def generate_tags(self, write):
    """Tag pages (Pelican's `generate_tags`, with `dates` by rank)."""
    _write_groups(self, write, "tag", self.tags.items())


def generate_categories(self, write):
    """Section pages (Pelican's `generate_categories`, with `dates` by rank)."""
    _write_groups(self, write, "category", self.categories)


def generate_authors(self, write):
    """Author pages (Pelican's `generate_authors`, with `dates` by rank)."""
    _write_groups(self, write, "author", self.authors)


def install() -> None:
    ArticlesGenerator.generate_tags = generate_tags
    ArticlesGenerator.generate_categories = generate_categories
    ArticlesGenerator.generate_authors = generate_authors
