"""Polite HTTP for the scraper: robots.txt, per-host spacing, timeouts, caps, retries, caching.

Public API:
    Fetcher(settings: ScraperSettings, state_dir: Path | None, *, sources=(), public_only=False)
        -> context manager
        .get(url, *, kind="page", conditional=False, secret_query=(), error_body=False)
            -> FetchResult      (raises FetchError)
        .post(url, form, *, kind="page", idempotent=False) -> FetchResult  (raises FetchError)
        .request(target, *, kind) -> FetchResult: a URL string (GET) or a FormPost
        .fetch_many(urls, kind="page", *, conditional=False)
            -> Iterator[tuple[str, FetchResult | FetchError]]
            Fetches unique URLs (or FormPost requests), hosts in parallel (`settings.concurrency` threads), each host one
            request at a time spaced by its delay; yields in completion order while fetching goes
            on in the background. Closing the iterator early stops the remaining work.
        .set_host_delay(url, seconds)   slower spacing for one host (a source's `delay`);
            `sources` passed to the constructor are applied this way.
        .allowed(url) -> bool           robots.txt verdict (fetches robots.txt once per origin)
        .stats -> dict                  requests, retries, bytes, not_modified, robots_fetches
        .close()
    FetchResult(url, final_url, status, headers, content: bytes, not_modified: bool)
        .content_type -> "text/html" (media type, lower case, no parameters)
        On a 304 to a conditional GET, `content` is the body cached from the last 200 and
        `not_modified` is True: the caller may skip the work, or redo it safely.
    FormPost(url, form, idempotent=False): a form POST, hashable, usable in fetch_many.
    FetchError(url, reason, status=None, body=b""): reason says what happened, e.g. "timeout: no answer
        within 10s", "too large: more than 10485760 bytes", "too many redirects (more than 5)",
        "redirect loop: ...", "HTTP 404", "HTTP 503 (after 3 retries)", "robots.txt disallow",
        "non-http scheme 'ftp'". str(error) is "<url>: <reason>".
    KINDS: "page", "feed", "list", "image", "robots". Images are capped at
        settings.max_image_bytes, robots.txt at 512 KiB (truncated, per RFC 9309), the rest at
        settings.max_bytes.

Policy (issue 3, "Politeness"):
    - User-Agent: settings.user_agent_header ("Token/1.0 (+contact URL)"); robots.txt groups are
      matched on the token.
    - robots.txt per origin, fetched once per Fetcher (per run), read by protego (RFC 9309:
      longest match wins, wildcards; urllib.robotparser only as a fallback); 2xx parsed;
      4xx (404, 403, ...) means no rules, everything allowed; 5xx after retries, a timeout or a
      refused connection mean "unreachable", so the whole origin is disallowed for this run
      (the RFC's rule: a server in trouble must not be crawled). Crawl-delay is honoured (capped
      at 60 s) by slowing that host.
    - Per host (host:port) one request at a time, the next one starting `delay` seconds after the
      previous one ended; delay = max(settings.delay, source delay, robots Crawl-delay).
    - Timeouts: `timeout` for connecting and for each silence while reading; `deadline` for the
      whole body, so a server trickling bytes stays bounded. (A server trickling its *headers*
      byte by byte is bounded only by `timeout` per byte; requests offers no hook there.)
    - Form POSTs (boards read by `searchDetail('N')`): same robots.txt, delay, timeouts, size
      cap and redirect checks as GET, never cached. A POST may change something on the server,
      so only 429 (the server refused it unprocessed, RFC 6585) is retried; 5xx and dropped
      connections are retried only when the source declares its POSTs idempotent. A 301/302/303
      answer is followed with a GET (as browsers do), 307/308 with the same POST.
    - Secret query parameters (an API's service key): added to the request line only, never
      to a URL we log, report or cache; a redirect is not followed (the key would travel to
      wherever it points), error reasons are scrubbed of the value, and urllib3's debug
      lines (which print request lines) are redacted while the key is registered.
    - Retries: 429 and 5xx (not 501/505) and dropped connections, `retries` times, waiting
      `backoff * 2**n` or the Retry-After (seconds or HTTP date), never more than
      `retry_after_cap`. The host stays reserved while waiting, so nothing else hits it.
      Timeouts are not retried: a server that hung once will likely hang again.
    - Size: Content-Length above the cap fails at once; otherwise the body is streamed and
      dropped as soon as it passes the cap (after decompression, so a gzip bomb is cut too).
    - Redirects followed by hand (at most `max_redirects`, loops detected) so every hop is
      checked: http/https only, robots.txt of the hop's origin.
    - Conditional GET for kinds "feed" and "list" when asked: ETag/Last-Modified kept in
      `<state_dir>/http-cache.json` (atomic writes), bodies beside it in `http-cache/`. Deleting
      either only costs a full refetch.
    - With `public_only` (what `api.scrape` uses): loopback, private, link-local and reserved
      addresses are refused unless a source names that host:port, on every redirect hop too.
    - TLS certificates are always verified.

Why requests (not httpx): it is installed already, its streaming API makes the size cap and
deadline simple, and a per-thread Session gives each worker its own keep-alive pool without
locking. httpx would add a dependency and its sync client gives nothing more here.
"""

from __future__ import annotations

import email.utils
import hashlib
import ipaddress
import json
import logging
import queue
import socket
import threading
import time
import urllib.robotparser
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus, urlencode, urljoin, urlsplit, urlunsplit

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

try:
    from protego import Protego
except ImportError:  # pragma: no cover - protego is a declared dependency
    Protego = None

from newsroom.core.files import atomic_write

from .sources import ScraperSettings, Source

logger = logging.getLogger(__name__)

KINDS = ("page", "feed", "list", "image", "robots")
CONDITIONAL_KINDS = ("feed", "list")
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309: parse at least the first 500 KiB
MAX_CRAWL_DELAY = 60.0
CHUNK = 64 * 1024
_ACCEPT = {
    "page": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
    "list": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
    "feed": "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,"
            "*/*;q=0.8",
    "image": "image/avif,image/webp,image/png,image/jpeg,image/gif,image/*;q=0.8",
    "robots": "text/plain,*/*;q=0.5",
}


class FetchError(Exception):
    """A URL that could not be fetched; `reason` says why in a few words."""

    def __init__(self, url: str, reason: str, *, status: int | None = None, body: bytes = b""):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status
        self.body = body  # the error page, only when asked for (error_body=True), capped


ERROR_BODY_MAX = 64 * 1024


@dataclass(frozen=True)
class FormPost:
    """A form POST to `url` (fields in a fixed order, so equal requests compare equal)."""

    url: str
    form: tuple[tuple[str, str], ...]
    idempotent: bool = False


class _Redactor(logging.Filter):
    """Replaces registered secrets in urllib3's log records (it logs full request lines)."""

    def __init__(self):
        super().__init__()
        self.secrets: set[str] = set()
        self.lock = threading.Lock()

    def scrub(self, text: str) -> str:
        with self.lock:
            secrets = sorted(self.secrets, key=len, reverse=True)
        for secret in secrets:
            text = text.replace(secret, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            record.msg = self.scrub(record.getMessage())
            record.args = ()
        return True


_REDACTOR = _Redactor()
for _name in ("urllib3.connectionpool", "urllib3.connection", "requests"):
    logging.getLogger(_name).addFilter(_REDACTOR)


def _secret_forms(value: str) -> set[str]:
    """A secret as it may appear: raw, and percent-encoded as in a query string."""
    return {v for v in (value, quote(value, safe=""), quote_plus(value)) if len(v) >= 4}


@dataclass(frozen=True)
class FetchResult:
    """A successful answer (2xx, or 304 to a conditional GET)."""

    url: str
    final_url: str
    status: int
    headers: Mapping[str, str]
    content: bytes = field(repr=False)
    not_modified: bool = False

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()


class _Retryable(Exception):
    """A failed attempt worth another try (dropped connection)."""


@dataclass
class _Host:
    """Per host:port politeness state."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    last_end: float = float("-inf")
    delay: float = 0.0


class _Robots:
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
class _Origin:
    """Per scheme://host:port robots.txt state."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    robots: _Robots | None = None


def _origin(parts) -> str:
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), "", "", ""))


def _host_key(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    return f"{(parts.hostname or '').lower()}:{port}"


def _source_urls(source) -> tuple[str, ...]:
    """The URLs a source names (its list or feed, a POST board's detail URL)."""
    return tuple(getattr(source, "hosts", None) or (source.url,))


def _check_scheme(url: str) -> str | None:
    """Why `url` cannot be fetched, or None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        return f"invalid URL ({exc})"
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return f"non-http scheme {scheme or '(none)'!r}"
    if not parts.hostname:
        return "invalid URL (no host)"
    return None


def _non_public(host: str) -> str | None:
    """Why `host` is not a public Internet address (resolving names), or None.

    Every address the name resolves to must be global. (A name that resolves differently a
    moment later, DNS rebinding, is not caught: that needs pinning the address in the
    connection, which requests does not offer.)
    """
    try:
        addresses = {ipaddress.ip_address(host.strip("[]"))}
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError) as exc:
            return f"cannot resolve {host!r} ({exc})"
        addresses = {ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos}
    for address in sorted(addresses, key=str):
        mapped = getattr(address, "ipv4_mapped", None) or address
        if not mapped.is_global or mapped.is_multicast:
            return f"refusing a non-public address ({address}) not named by any source"
    return None


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _retryable_status(status: int) -> bool:
    return status == 429 or (500 <= status < 600 and status not in (501, 505))


class HttpCache:
    """ETag/Last-Modified validators and the matching bodies, kept in state_dir."""

    def __init__(self, state_dir: Path):
        self.path = state_dir / "http-cache.json"
        self.bodies = state_dir / "http-cache"
        self._lock = threading.Lock()
        self._entries: dict[str, dict[str, Any]] = self._load()

    def _load(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            entries = data["entries"]
            if not isinstance(entries, dict):
                raise TypeError("entries is not an object")
            return entries
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            logger.warning("%s: unreadable HTTP cache, starting empty (%s)", self.path, exc)
            return {}

    def _body_path(self, url: str) -> Path:
        return self.bodies / (hashlib.sha256(url.encode("utf-8")).hexdigest()[:32] + ".body")

    def validators(self, url: str) -> dict[str, str]:
        """Conditional request headers for `url`; empty unless the cached body is there too."""
        with self._lock:
            entry = self._entries.get(url)
        if not entry or not self._body_path(url).is_file():
            return {}
        headers = {}
        if entry.get("etag"):
            headers["If-None-Match"] = entry["etag"]
        if entry.get("last_modified"):
            headers["If-Modified-Since"] = entry["last_modified"]
        return headers

    def body(self, url: str) -> bytes | None:
        try:
            return self._body_path(url).read_bytes()
        except OSError:
            return None

    def store(self, url: str, headers: Mapping[str, str], content: bytes) -> None:
        etag = headers.get("ETag")
        last_modified = headers.get("Last-Modified")
        with self._lock:
            if not etag and not last_modified:
                if self._entries.pop(url, None) is None:
                    return
            else:
                atomic_write(self._body_path(url), content)
                self._entries[url] = {"etag": etag, "last_modified": last_modified,
                                      "stored": time.time()}
            data = json.dumps({"version": 1, "entries": self._entries}, ensure_ascii=False,
                              indent=1, sort_keys=True)
            atomic_write(self.path, data.encode("utf-8"))


class Fetcher:
    """The scraper's only way to the network. Thread-safe; use as a context manager."""

    def __init__(self, settings: ScraperSettings, state_dir: str | Path | None = None, *,
                 sources: Iterable[Source] = (), public_only: bool = False):
        self.settings = settings
        # With public_only, a URL on a loopback, private, link-local or reserved address is
        # refused unless its host:port is one a source names (the operator chose those; a
        # feed item or an image must not steer us to 127.0.0.1:6379 or 169.254.169.254).
        self.public_only = public_only
        sources = list(sources)
        self._trusted_hosts = {_host_key(u) for s in sources for u in _source_urls(s)}
        self._address_cache: dict[str, str | None] = {}
        self.cache = HttpCache(Path(state_dir)) if state_dir is not None else None
        self._hosts: dict[str, _Host] = {}
        self._origins: dict[str, _Origin] = {}
        self._host_delays: dict[str, float] = {}
        self._registry_lock = threading.Lock()
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._stats = {"requests": 0, "retries": 0, "bytes": 0, "not_modified": 0,
                       "robots_fetches": 0}
        self._secrets: set[str] = set()
        for source in sources:
            if source.delay is not None:
                for url in _source_urls(source):
                    self.set_host_delay(url, source.delay)

    # --- lifecycle -----------------------------------------------------------
    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        with self._registry_lock:
            sessions, self._sessions = self._sessions, []
        with _REDACTOR.lock:
            _REDACTOR.secrets -= self._secrets
        self._secrets = set()
        for session in sessions:
            session.close()

    @property
    def stats(self) -> dict[str, int]:
        with self._registry_lock:
            return dict(self._stats)

    def _count(self, key: str, n: int = 1) -> None:
        with self._registry_lock:
            self._stats[key] += n

    def _session(self) -> requests.Session:
        """One Session per thread: its own keep-alive pool, no locking between workers."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=8, pool_maxsize=4, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.headers.update({
                "User-Agent": self.settings.user_agent_header,
                "Accept-Language": "ko-KR,ko;q=0.9,en;q=0.5",
            })
            self._local.session = session
            with self._registry_lock:
                self._sessions.append(session)
        return session

    # --- politeness state ------------------------------------------------------
    def _host(self, url: str) -> _Host:
        key = _host_key(url)
        with self._registry_lock:
            host = self._hosts.get(key)
            if host is None:
                host = self._hosts[key] = _Host(
                    delay=max(self.settings.delay, self._host_delays.get(key, 0.0)))
            return host

    def set_host_delay(self, url: str, seconds: float) -> None:
        """Space requests to `url`'s host by at least `seconds` (never below settings.delay)."""
        key = _host_key(url)
        with self._registry_lock:
            self._host_delays[key] = max(self._host_delays.get(key, 0.0), float(seconds))
            if key in self._hosts:
                self._hosts[key].delay = max(self._hosts[key].delay, float(seconds))

    def allowed(self, url: str) -> bool:
        """True when robots.txt of `url`'s origin lets our User-Agent fetch it."""
        return self._robots(url).can_fetch(url)

    def _robots(self, url: str) -> _Robots:
        origin = _origin(urlsplit(url))
        with self._registry_lock:
            state = self._origins.setdefault(origin, _Origin())
        with state.lock:  # others asking for the same origin wait for this one fetch
            if state.robots is None:
                state.robots = self._load_robots(origin)
            return state.robots

    def _load_robots(self, origin: str) -> _Robots:
        robots_url = origin + "/robots.txt"
        token = self.settings.robots_token
        self._count("robots_fetches")
        try:
            result = self.get(robots_url, kind="robots")
        except FetchError as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                logger.debug("%s: %s, no rules (everything allowed)", robots_url, exc.reason)
                return _Robots(token, allow_all=True)
            logger.warning("%s: %s; treating %s as unreachable, nothing will be fetched "
                           "from it this run (RFC 9309)", robots_url, exc.reason, origin)
            return _Robots(token, unreachable=exc.reason)
        robots = _Robots(token, result.content.decode("utf-8", errors="replace"))
        seconds = robots.crawl_delay()
        if seconds > 0:
            logger.info("%s: Crawl-delay %g s honoured", robots_url, seconds)
            self.set_host_delay(origin, seconds)
        return robots

    # --- fetching ---------------------------------------------------------------
    def get(self, url: str, *, kind: str = "page", conditional: bool = False,
            secret_query: tuple[tuple[str, str], ...] = (), error_body: bool = False,
            ) -> FetchResult:
        """Fetch one URL politely.

        Args:
            url: absolute http(s) URL.
            kind: "page", "feed", "list", "image" or "robots" (size cap, Accept header).
            conditional: for "feed" and "list", send the cached ETag/Last-Modified.
            secret_query: query parameters sent but never shown (an API key): not in `url`,
                errors, logs or the cache; with them, redirects are not followed.
            error_body: keep the body of a 4xx/5xx answer (capped) in FetchError.body.

        Returns:
            FetchResult; on 304 `not_modified` is True and `content` the cached body.

        Raises:
            FetchError with the reason.
        """
        if not secret_query:
            return self._fetch(url, kind, conditional=conditional, error_body=error_body)
        values = set()
        for _, value in secret_query:
            values |= _secret_forms(value)
        with self._registry_lock:
            self._secrets |= values
        with _REDACTOR.lock:
            _REDACTOR.secrets |= values
        try:
            return self._fetch(url, kind, secret_query=secret_query, error_body=error_body)
        except FetchError as exc:
            reason = exc.reason
            for value in sorted(values, key=len, reverse=True):
                reason = reason.replace(value, "***")
            raise FetchError(url, reason, status=exc.status, body=exc.body) from None

    def post(self, url: str, form: tuple[tuple[str, str], ...] | Mapping[str, str], *,
             kind: str = "page", idempotent: bool = False) -> FetchResult:
        """POST a form politely (robots.txt, delay, caps as `get`; never cached).

        Args:
            url: absolute http(s) URL the form is sent to.
            form: field name and value pairs.
            kind: "page" or "list" (size cap, Accept header).
            idempotent: the source declared this POST safe to repeat: retry it on 5xx and
                dropped connections like a GET. Otherwise only 429 is retried.

        Raises:
            FetchError with the reason.
        """
        pairs = tuple(form.items()) if isinstance(form, Mapping) else tuple(form)
        return self._fetch(url, kind, form=pairs, idempotent=idempotent)

    def request(self, target: str | FormPost, *, kind: str = "page",
                conditional: bool = False) -> FetchResult:
        """`get` for a URL string, `post` for a FormPost."""
        if isinstance(target, FormPost):
            return self.post(target.url, target.form, kind=kind, idempotent=target.idempotent)
        return self.get(target, kind=kind, conditional=conditional)

    def _fetch(self, url: str, kind: str, *, conditional: bool = False,
               form: tuple[tuple[str, str], ...] | None = None, idempotent: bool = True,
               secret_query: tuple[tuple[str, str], ...] = (), error_body: bool = False,
               ) -> FetchResult:
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; expected one of {KINDS}")
        problem = _check_scheme(url)
        if problem:
            raise FetchError(url, problem)
        use_cache = (conditional and kind in CONDITIONAL_KINDS and self.cache is not None
                     and form is None and not secret_query)
        extra = {"Accept": _ACCEPT[kind]}
        if use_cache:
            extra.update(self.cache.validators(url))
        method = "POST" if form is not None else "GET"
        body = urlencode(form).encode("ascii") if form is not None else None
        if body is not None:
            extra["Content-Type"] = "application/x-www-form-urlencoded"

        current, seen, hops = url, {url}, 0
        while True:
            problem = self._address_problem(current)
            if problem:
                raise FetchError(url, problem + ("" if current == url
                                                 else f" (redirected to {current})"))
            if kind != "robots" and not self.allowed(current):
                why = self._robots(current).unreachable
                reason = (f"site unreachable: robots.txt could not be read ({why})" if why
                          else "robots.txt disallow")
                raise FetchError(url, reason
                                 + ("" if current == url else f" (redirected to {current})"))
            send = current
            if secret_query:
                send += ("&" if urlsplit(current).query else "?") + _encode_secret(secret_query)
            status, headers, content = self._exchange(
                url, current, kind, extra, method=method, body=body,
                retry_unsafe=method == "GET" or idempotent, send_url=send,
                error_body=error_body)
            location = headers.get("Location")
            if status not in REDIRECT_STATUSES or not location:
                break
            if secret_query:
                raise FetchError(url, f"HTTP {status} redirect not followed (the service key is "
                                      f"sent only to the configured URL)", status=status)
            hops += 1
            target = urljoin(current, location.strip())
            if hops > self.settings.max_redirects:
                raise FetchError(url, f"too many redirects (more than "
                                      f"{self.settings.max_redirects})", status=status)
            problem = _check_scheme(target)
            if problem:
                raise FetchError(url, f"redirect to {target!r}: {problem}", status=status)
            if target in seen and method == "GET":
                raise FetchError(url, f"redirect loop: {current} -> {target}", status=status)
            seen.add(target)
            current = target
            if method == "POST" and status in (301, 302, 303):
                # What browsers do: the form is not sent again, the new address is read.
                method, body = "GET", None
                extra = {k: v for k, v in extra.items() if k != "Content-Type"}

        if status == 304 and use_cache:
            cached = self.cache.body(url)
            if cached is not None:
                self._count("not_modified")
                return FetchResult(url, current, status, headers, cached, not_modified=True)
            raise FetchError(url, "HTTP 304 but the cached body is gone", status=status)
        if not 200 <= status < 300:
            raise FetchError(url, f"HTTP {status}", status=status, body=content)
        if use_cache:
            self.cache.store(url, headers, content)
        return FetchResult(url, current, status, headers, content)

    def _address_problem(self, url: str) -> str | None:
        """Why `url` must not be fetched under `public_only`, or None."""
        if not self.public_only or _host_key(url) in self._trusted_hosts:
            return None
        host = (urlsplit(url).hostname or "").lower()
        with self._registry_lock:
            if host in self._address_cache:
                return self._address_cache[host]
        problem = _non_public(host)
        with self._registry_lock:
            self._address_cache[host] = problem
        return problem

    def _exchange(self, url: str, current: str, kind: str, extra: Mapping[str, str], *,
                  method: str = "GET", body: bytes | None = None, retry_unsafe: bool = True,
                  send_url: str | None = None, error_body: bool = False,
                  ) -> tuple[int, CaseInsensitiveDict, bytes]:
        """One hop with retries; the host is reserved for the whole of it.

        `retry_unsafe` False (a POST not declared idempotent): only 429 is retried, since
        the server says it did not act on the request; a 5xx or a dropped connection may
        come after it did.
        """
        host = self._host(current)
        retries = self.settings.retries
        with host.lock:
            for attempt in range(retries + 1):
                wait = host.last_end + host.delay - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                try:
                    status, headers, content = self._once(
                        url, send_url or current, kind, extra, method=method, data=body,
                        error_body=error_body)
                except _Retryable as exc:
                    if attempt == retries or not retry_unsafe:
                        raise FetchError(url, f"{exc} (after {attempt} retries)"
                                         if attempt else str(exc)) from None
                    pause = self._backoff(attempt, None)
                    reason = str(exc)
                else:
                    retry = _retryable_status(status) and (retry_unsafe or status == 429)
                    if not retry:
                        return status, headers, content
                    if attempt == retries:
                        suffix = f" (after {retries} retries)" if retries else ""
                        raise FetchError(url, f"HTTP {status}{suffix}", status=status,
                                         body=content)
                    pause = self._backoff(attempt, headers.get("Retry-After"))
                    reason = f"HTTP {status}"
                finally:
                    host.last_end = time.monotonic()
                self._count("retries")
                logger.info("%s %s: %s, retry %d/%d in %.1f s", method, current, reason,
                            attempt + 1, retries, pause)
                time.sleep(pause)
        raise AssertionError("unreachable")  # pragma: no cover

    def _backoff(self, attempt: int, retry_after: str | None) -> float:
        cap = self.settings.retry_after_cap
        wanted = parse_retry_after(retry_after)
        if wanted is None:
            wanted = self.settings.backoff * (2 ** attempt)
        return min(wanted, cap)

    def _once(self, url: str, current: str, kind: str, extra: Mapping[str, str], *,
              method: str = "GET", data: bytes | None = None, error_body: bool = False,
              ) -> tuple[int, CaseInsensitiveDict, bytes]:
        """One HTTP request; the body read within the size cap and the deadline.

        `current` is what goes on the request line (it may hold a secret): it is never
        logged or put in an error here.
        """
        s = self.settings
        cap = {"image": s.max_image_bytes, "robots": ROBOTS_MAX_BYTES}.get(kind, s.max_bytes)
        started = time.monotonic()
        self._count("requests")
        try:
            response = self._session().request(
                method, current, data=data, headers=extra, stream=True, allow_redirects=False,
                timeout=(s.timeout, min(s.timeout, s.deadline)), verify=True,
            )
        except requests.exceptions.ConnectTimeout:
            raise FetchError(url, f"timeout: no connection within {s.timeout:g}s") from None
        except requests.exceptions.ReadTimeout:
            raise FetchError(url, f"timeout: no answer within {s.timeout:g}s") from None
        except requests.exceptions.SSLError as exc:
            raise FetchError(url, f"TLS error: {_short(exc)}") from None
        except requests.exceptions.ConnectionError as exc:
            raise _Retryable(f"connection failed: {_short(exc)}") from None
        except requests.exceptions.RequestException as exc:
            raise FetchError(url, f"request failed: {_short(exc)}") from None

        with response:
            status = response.status_code
            headers = response.headers
            if status in REDIRECT_STATUSES or not 200 <= status < 300:
                if error_body and status >= 400:
                    try:
                        return status, headers, response.raw.read(ERROR_BODY_MAX,
                                                                  decode_content=True)
                    except (urllib3.exceptions.HTTPError, OSError):
                        return status, headers, b""
                return status, headers, b""
            declared = headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > cap and kind != "robots":
                raise FetchError(url, f"too large: Content-Length {declared} > {cap} bytes")
            body = bytearray()
            raw = response.raw
            try:
                # read1 returns what has arrived (iter_content would wait for a full chunk),
                # so the deadline is checked while a server trickles.
                while chunk := raw.read1(CHUNK, decode_content=True):
                    body += chunk
                    if len(body) > cap:
                        if kind == "robots":
                            del body[cap:]
                            break
                        raise FetchError(url, f"too large: more than {cap} bytes")
                    if time.monotonic() - started > s.deadline:
                        raise FetchError(url, f"timeout: body not complete within the "
                                              f"{s.deadline:g}s deadline")
            except urllib3.exceptions.ReadTimeoutError:
                raise FetchError(url, f"timeout: body stalled for {s.timeout:g}s") from None
            except (urllib3.exceptions.ProtocolError, OSError) as exc:
                raise _Retryable(f"connection broken while reading: {_short(exc)}") from None
            except urllib3.exceptions.HTTPError as exc:
                raise FetchError(url, f"broken response: {_short(exc)}") from None
            self._count("bytes", len(body))
            logger.debug("%s %s %s %d %d bytes %.3f s", kind, method, url, status, len(body),
                         time.monotonic() - started)
            return status, headers, bytes(body)

    def fetch_many(self, urls: Iterable[str | FormPost], kind: str = "page", *,
                   conditional: bool = False,
                   ) -> Iterator[tuple[str | FormPost, FetchResult | FetchError]]:
        """Fetch many URLs: hosts in parallel, each host in order and spaced by its delay.

        Args:
            urls: URLs (GET) or FormPost requests; duplicates are fetched once.
            kind: as for `get`.
            conditional: as for `get`.

        Yields:
            (url, FetchResult or FetchError) in completion order, one per unique URL.
        """
        by_host: dict[str, list[str]] = {}
        order: list[str] = []
        seen: set[str] = set()
        for url in urls:
            if url in seen:
                continue
            seen.add(url)
            order.append(url)
        bad: list[tuple[str, FetchError]] = []
        for url in order:
            target = url.url if isinstance(url, FormPost) else url
            problem = _check_scheme(target)
            if problem:
                bad.append((url, FetchError(target, problem)))
            else:
                by_host.setdefault(_host_key(target), []).append(url)
        yield from bad
        if not by_host:
            return

        workers = min(self.settings.concurrency, len(by_host))
        results: queue.Queue = queue.Queue(maxsize=4 * workers)
        stop = threading.Event()

        def put(item) -> bool:
            while not stop.is_set():
                try:
                    results.put(item, timeout=0.1)
                    return True
                except queue.Full:
                    continue
            return False

        def run_host(host_urls: list[str | FormPost]) -> None:
            for url in host_urls:
                if stop.is_set():
                    return
                try:
                    outcome: FetchResult | FetchError = self.request(
                        url, kind=kind, conditional=conditional)
                except FetchError as exc:
                    outcome = exc
                except Exception as exc:  # a bug must not hang the consumer
                    logger.exception("%s: unexpected error while fetching", url)
                    outcome = FetchError(url, f"unexpected error: {exc!r}")
                if not put((url, outcome)):
                    return

        executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fetch")
        try:
            for host_urls in by_host.values():
                executor.submit(run_host, host_urls)
            for _ in range(len(order) - len(bad)):
                yield results.get()
        finally:
            stop.set()
            executor.shutdown(wait=False, cancel_futures=True)


def _encode_secret(pairs: tuple[tuple[str, str], ...]) -> str:
    """Secret query parameters; a value already percent-encoded (data.go.kr's "Encoding"
    key) is sent as it is, anything else is encoded."""
    return "&".join(
        f"{quote(k, safe='')}={v if '%' in v else quote(v, safe='')}" for k, v in pairs
    )


def _short(exc: BaseException) -> str:
    """The innermost, most telling line of a requests/urllib3 error."""
    inner: BaseException | None = exc
    while inner is not None and inner.args and isinstance(inner.args[0], BaseException):
        inner = inner.args[0]
    reason = getattr(inner, "reason", None)
    text = str(reason if isinstance(reason, BaseException) else inner or exc)
    return text.splitlines()[0][:200] if text else type(exc).__name__
