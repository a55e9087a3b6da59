"""What discovery hands on: a Candidate per listed item, and the helpers every kind uses
(decoding, the listing signature, a form request as a URL)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from . import encoding
from .records import FeedItem
from .store import normalise_url

if TYPE_CHECKING:
    from .fetch import FetchResult, FormPost
    from .sources import Source


@dataclass
class Candidate:
    """An item found in a listing, before its page is fetched."""

    source: Source
    url: str
    identity: str
    title: str = ""
    signature: str = ""
    # The feed's own facts (dates, summary, categories): they win over the page's.
    feed_item: FeedItem | None = None
    # What to fetch for the page when it is not a GET of `url` (a POST board's detail form).
    request: str | FormPost | None = None
    # The reader's link to the original (Source_URL) when it is not `url`; "" for none.
    link: str | None = None
    # The kind's own item, for its `direct_record` (an API's NewsItem).
    item: Any = None


def decode(result: FetchResult, kind: str) -> str | bytes:
    """Text of a fetched page, or a feed re-encoded as UTF-8 (see encoding.py).

    Raises:
        encoding.EncodingError (a ValueError): the bytes fit no encoding.
    """
    if kind == "feed":
        return encoding.decode_feed(result.content, result.headers)[0]
    return encoding.decode_html(result.content, result.headers)[0]


def selectors_of(source: Source) -> dict[str, str]:
    return {k: v for k, v in asdict(source.selectors).items() if v}


def signature(*parts: Any) -> str:
    """What a listing says of an item; an unchanged signature means no refetch."""
    data = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(data.encode("utf-8")).hexdigest()[:16]


def form_url(url: str, form: Sequence[tuple[str, str]]) -> str:
    """The canonical URL-like string of a form request: `url` with the form's fields merged
    into its query, sorted. It names the article in its identity (stable whatever order the
    fields come in) and is what a GET of the same request would ask for."""
    parts = urlsplit(url)
    pairs = sorted([*parse_qsl(parts.query, keep_blank_values=True), *form])
    return normalise_url(urlunsplit((parts.scheme, parts.netloc, parts.path,
                                     urlencode(pairs, safe="/:"), "")))
