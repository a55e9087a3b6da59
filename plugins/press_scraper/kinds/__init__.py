"""The source kinds, in ONE table: `kind = "…"` in sources.toml names a module here.

A kind module owns everything particular to its sources:

    TABLE: str | None          its `[sources.<TABLE>]` table (None: it has none)
    parse_config(raw, fail)    validate that table (`raw` is None when absent) -> its spec
                               (Source.spec) or None; `fail(key, message)` makes the
                               SourcesError to raise
    check_selectors(sel, fail) refuse `[sources.selectors]` keys that mean nothing to it
    discover(source, fetcher, add)
                               list the items: `add(url, title=…, signature=…, …)` per item
                               (the Candidate fields); raise FetchError or ValueError when the
                               listing cannot be read
    direct_record(candidate)   the Record when the listing carries the article (a feed's full
                               text, an API item), else None: the page is fetched and read by
                               article.parse_article

A new kind is one new module and one line in KINDS.
"""

from __future__ import annotations

from . import board, feed, govkr_api, post_board

KINDS = {"rss": feed, "html": board, "post": post_board, "api": govkr_api}
