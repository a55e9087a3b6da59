"""The allow-list sanitizer for the rendered HTML of every article and page (nh3/ammonia).

Scraped and editors' bodies alike (issue 10): an editor's raw `<script>`, `<iframe>`, `<form>`,
event handlers or `<meta http-equiv="refresh">` were blocked on the page by the CSP but went
into the feeds as they were, where no CSP protects a feed reader. What is not listed here is
dropped (docs/editors.md lists what an editor may use)."""

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
    # Footnotes (Markdown's `extra`): the reference and the note link to each other by id.
    "sup": {"id"},
    "li": {"id"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# The classes tables.table_classes gives cells (column alignment, amounts); no other class.
_CELL_CLASSES = {"align-left", "align-right", "align-center", "num"}
CLASSES = {"td": _CELL_CLASSES, "th": _CELL_CLASSES}


def clean(html: str, *, scraped: bool = True) -> str:
    """Return html with only allow-listed tags, attributes and URL schemes.

    Links in scraped text get `rel="noopener noreferrer nofollow"` (we do not vouch for them);
    an editor's links are ours (often to our own pages) and get no `rel`.
    """
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        allowed_classes=CLASSES,
        link_rel="noopener noreferrer nofollow" if scraped else None,
        strip_comments=True,
    )
