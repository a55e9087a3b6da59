"""Feed titles are the page's text, exactly.

Pelican's feed writer passes each title through `Markup(title).striptags()`, which treats the
text as HTML: an editor's `<포토> 한빛시장, 현장 방문` lost `<포토>`, and a title whose text is
`&lt;img src=x onerror=…&gt;` (shown as those characters on the page) was unescaped into a
real `<img …>` tag in every RSS and Atom `<title>`. Connected to `feed_generated`, this puts
back the title as the page's `<h1>` shows it; feedgenerator escapes it once for XML, and Atom
titles are `type="text"` by default, so no conforming reader parses them as HTML.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit


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
    for item in feed.items:
        path = _key(item.get("link") or "")
        while path:
            if path in by_url:
                item["title"] = by_url[path]
                break
            path = path.partition("/")[2]
