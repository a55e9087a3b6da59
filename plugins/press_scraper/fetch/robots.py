"""robots.txt rules of one origin (RFC 9309), read by protego."""

from __future__ import annotations

import threading
import urllib.robotparser
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlunsplit

try:
    from protego import Protego
except ImportError:  # pragma: no cover - protego is a declared dependency
    Protego = None


ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309: parse at least the first 500 KiB
MAX_CRAWL_DELAY = 60.0


class Robots:
    """The robots.txt rules of one origin, for one User-Agent token.

    Protego reads RFC 9309 as written: the longest matching rule wins, `*` and `$` wildcards,
    fractional Crawl-delay. urllib.robotparser applies the first matching line instead, so
    "Allow: /" above "Disallow: /admin/" would let us into /admin/; it is only a fallback for
    an install that lacks protego.
    """

    def __init__(self, token: str, text: str | None = None, *, allow_all: bool = False,
                 unreachable: str = ""):
        self.token = token
        self.allow_all = allow_all
        self.disallow_all = text is None and not allow_all
        # Why robots.txt could not be read (connection refused, HTTP 503, timeout): the reason
        # a fetch is refused, rather than a "disallow" the site never wrote.
        self.unreachable = unreachable
        self._rules: Any = None
        if text is not None:
            if Protego is not None:
                self._rules = Protego.parse(text)
            else:
                self._rules = urllib.robotparser.RobotFileParser()
                self._rules.parse(text.splitlines())

    def can_fetch(self, url: str) -> bool:
        if self.allow_all:
            return True
        if self.disallow_all:
            return False
        if Protego is not None:
            return self._rules.can_fetch(url, self.token)
        return self._rules.can_fetch(self.token, url)

    def crawl_delay(self) -> float:
        if self._rules is None:
            return 0.0
        value = self._rules.crawl_delay(self.token)
        try:
            return max(0.0, min(float(value), MAX_CRAWL_DELAY)) if value else 0.0
        except (TypeError, ValueError):
            return 0.0


@dataclass
class OriginRobots:
    """Per scheme://host:port robots.txt state."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    robots: Robots | None = None


def origin_of(parts) -> str:
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), "", "", ""))

