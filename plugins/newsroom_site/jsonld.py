"""JSON-LD `NewsArticle` data, built once per article from its metadata.

Rendered by the article template as-is; never produced by re-parsing written pages.
"""

from __future__ import annotations

import json
import re

from markupsafe import Markup


def _text(html: str) -> str:
    """Plain text of a short HTML fragment (summaries are rendered Markdown)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html or "")).strip()


def article_data(article, origin: str, sitename: str, publisher: str):
    """Return the JSON-LD dict of one article (absolute URLs, dates with offsets)."""
    url = f"{origin}/{article.url}"
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "datePublished": article.date.isoformat(),
        "dateModified": getattr(article, "modified", article.date).isoformat(),
        "inLanguage": "ko",
        "articleSection": article.category.name,
        "publisher": {"@type": "Organization", "name": publisher or sitename},
    }
    authors = [a.name for a in getattr(article, "authors", []) or []]
    data["author"] = (
        [{"@type": "Person", "name": a} for a in authors]
        if authors
        else [{"@type": "Organization", "name": sitename}]
    )
    summary = _text(getattr(article, "summary", "") or "")
    if summary:
        data["description"] = summary[:300]
    image = getattr(article, "image", None)
    if image:
        data["image"] = [f"{origin}/{image.lstrip('/')}"]
    tags = [t.name for t in getattr(article, "tags", []) or []]
    if tags:
        data["keywords"] = tags
    source = getattr(article, "source", None)
    if source:
        data["sourceOrganization"] = {"@type": "Organization", "name": source}
    source_url = getattr(article, "source_url", None)
    if source_url:
        data["isBasedOn"] = source_url
    return data


def dumps(data: dict) -> Markup:
    """Serialise for a <script type="application/ld+json"> block.

    `<`, `>` and `&` are escaped as \\u003c etc., so a scraped title holding `</script>` cannot
    close the block early; the result is marked safe for the (autoescaping) template.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)
