"""Feed titles are the page's text, exactly.

Pelican's feed writer passes each title through `Markup(title).striptags()`, which treats the
text as HTML: an editor's `<포토> 한빛시장, 현장 방문` lost `<포토>`, and a title whose text is
`&lt;img src=x onerror=…&gt;` (shown as those characters on the page) was unescaped into a
real `<img …>` tag in every RSS and Atom `<title>`. Connected to `feed_generated`, this puts
back the title as the page's `<h1>` shows it. Atom titles are `type="text"` by default, so no
conforming reader parses them as HTML. RSS has no such flag and readers differ; its titles
write `&`, `<` and `>` as the hexadecimal references `&#x26;`, `&#x3C;`, `&#x3E;`, the RSS
Advisory Board's recommendation for plain text ("the form of encoding that works in the
widest number of aggregators"). An XML parser reads the same text either way.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from feedgenerator import Rss201rev2Feed


def _key(link: str) -> str:
    return unquote(urlsplit(link).path).lstrip("/")


def exact_titles(context, feed) -> None:
    """Give every item of `feed` its article's title as plain text (see the module doc)."""
    if not feed.items:
        return
    titles = context.get("_newsroom_feed_titles")
    articles = context.get("articles") or []
    if titles is None or titles[0] != len(articles):
        # Built once per build (every feed of the build shares the context).
        titles = (len(articles), {str(a.url): str(a.title) for a in articles})
        context["_newsroom_feed_titles"] = titles
    by_url = titles[1]
    if isinstance(feed, Rss201rev2Feed):
        _hex_titles(feed)
    for item in feed.items:
        path = _key(item.get("link") or "")
        while path:
            if path in by_url:
                item["title"] = by_url[path]
                break
            path = path.partition("/")[2]


class _HexTitle:
    """A feedgenerator XML handler that writes `<title>` text with hexadecimal references."""

    def __init__(self, handler):
        self._handler = handler

    def __getattr__(self, name):
        return getattr(self._handler, name)

    def addQuickElement(self, name, contents=None, attrs=None):  # noqa: N802 - its API
        if name != "title" or contents is None:
            return self._handler.addQuickElement(name, contents, attrs)
        text = str(contents).replace("&", "&#x26;").replace("<", "&#x3C;").replace(">", "&#x3E;")
        self._handler.startElement(name, attrs or {})
        self._handler.ignorableWhitespace(text)  # written as is: already escaped above
        self._handler.endElement(name)
        return None


def _hex_titles(feed) -> None:
    """Make this RSS feed write its item titles through `_HexTitle` (once per feed)."""
    if getattr(feed, "_newsroom_hex_titles", False):
        return
    original = feed.add_item_elements

    def add_item_elements(handler, item):
        original(_HexTitle(handler), item)

    feed.add_item_elements = add_item_elements
    feed._newsroom_hex_titles = True
