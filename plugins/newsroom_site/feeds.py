"""Feed titles are the page's text, exactly; and a page for people who open a feed.

The second part (`add_stylesheet`): every feed names theme/static/feed.xsl, so a browser shows
a Korean page explaining how to subscribe instead of raw XML; feed readers skip the
instruction.

Titles:

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

import io
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


# --- the page a browser shows for a feed ------------------------------------------------------

XSL_NAME = "feed.xsl"  # in theme/static, copied to THEME_STATIC_DIR


def stylesheet_href(feed_url: str, origin: str, static_dir: str) -> str:
    """The feed's relative link to feed.xsl, so a release works wherever it is served."""
    path = feed_url[len(origin):] if feed_url.startswith(origin) else urlsplit(feed_url).path
    depth = path.strip("/").count("/")
    return "../" * depth + f"{static_dir.strip('/')}/{XSL_NAME}"


class _AfterDeclaration(io.TextIOBase):
    """A text file that writes `extra` right after the XML declaration (the first write of
    feedgenerator's XML writer), before the root element."""

    def __init__(self, out, extra: str):
        self._out = out
        self._extra = extra

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._out.write(text)
        if self._extra and text.startswith("<?xml"):
            self._out.write(self._extra)
            self._extra = ""
        return len(text)


def add_stylesheet(context, feed) -> None:
    """Make `feed` point browsers to feed.xsl: an `<?xml-stylesheet?>` instruction, which
    feed readers ignore. Connected to `feed_generated` (Pelican writes the feed next)."""
    if getattr(feed, "_newsroom_xsl", False):
        return
    origin = context.get("NEWSROOM_SITE_ORIGIN") or ""
    href = stylesheet_href(str(feed.feed.get("feed_url") or ""), origin,
                           context.get("THEME_STATIC_DIR") or "theme")
    instruction = f'<?xml-stylesheet type="text/xsl" href="{href}"?>'
    original = feed.write

    def write(outfile, encoding):
        original(_AfterDeclaration(outfile, instruction), encoding)

    feed.write = write
    feed._newsroom_xsl = True
