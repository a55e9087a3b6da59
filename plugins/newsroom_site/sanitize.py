"""The allow-list sanitizer for rendered HTML of scraped articles (nh3/ammonia)."""

from __future__ import annotations

import nh3

TAGS = {
    "p", "br", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table", "thead", "tbody",
    "tfoot", "tr", "th", "td", "caption", "a", "img", "strong", "em", "b", "i", "u", "s",
    "blockquote", "figure", "figcaption", "hr", "pre", "code", "sup", "sub", "span", "div",
    "dl", "dt", "dd",
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def clean(html: str) -> str:
    """Return html with only allow-listed tags, attributes and URL schemes."""
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
