"""The Fetcher: politeness per host, retries, caps, redirects checked hop by hop.

See the package docstring (press_scraper.fetch) for the policy.
"""

from __future__ import annotations

import email.utils
import logging
import os
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urljoin, urlsplit

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

from .address import check_scheme, host_key, non_public, source_urls
from .cache import HttpCache
from .parallel import fetch_many
from .robots import ROBOTS_MAX_BYTES, OriginRobots, Robots, origin_of
from .secrets import REDACTOR, encode_secret, secret_forms
from .types import ERROR_BODY_MAX, FetchError, FetchResult, FormPost

if TYPE_CHECKING:
    from ..sources import ScraperSettings, Source

logger = logging.getLogger(__name__)

KINDS = ("page", "feed", "list", "image", "robots")
CONDITIONAL_KINDS = ("feed", "list")
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
CHUNK = 64 * 1024
_ACCEPT = {
    "page": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
    "list": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
    "feed": "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,"
            "*/*;q=0.8",
    "image": "image/avif,image/webp,image/png,image/jpeg,image/gif,image/*;q=0.8",
    "robots": "text/plain,*/*;q=0.5",
}



class _Retryable(Exception):
    """A failed attempt worth another try (dropped connection)."""


@dataclass
class _Host:
    """Per host:port politeness state."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    last_end: float = float("-inf")
    delay: float = 0.0



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


def retryable_status(status: int) -> bool:
    return status == 429 or (500 <= status < 600 and status not in (501, 505))



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
        self._trusted_hosts = {host_key(u) for s in sources for u in source_urls(s)}
        self._address_cache: dict[str, str | None] = {}
        self._environments: dict[str, tuple] = {}
        self.cache = HttpCache(Path(state_dir)) if state_dir is not None else None
        self._hosts: dict[str, _Host] = {}
        self._origins: dict[str, OriginRobots] = {}
        self._host_delays: dict[str, float] = {}
        self._registry_lock = threading.Lock()
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._stats = {"requests": 0, "retries": 0, "bytes": 0, "not_modified": 0,
                       "robots_fetches": 0}
        self._secrets: set[str] = set()
        for source in sources:
            if source.delay is not None:
                for url in source_urls(source):
                    self.set_host_delay(url, source.delay)

    # --- lifecycle -----------------------------------------------------------
    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        with self._registry_lock:
            sessions, self._sessions = self._sessions, []
        with REDACTOR.lock:
            REDACTOR.secrets -= self._secrets
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
            # The environment (proxies, NO_PROXY, ~/.netrc, a CA bundle) is read by
            # _environment once per origin, not by requests on every request: scanning
            # os.environ and stat-ing ~/.netrc was ~40 % of a page fetch's CPU time.
            session.trust_env = False
            # No session-wide query parameters or proxies (the proxies are _environment's,
            # passed with each request): requests then takes the request's own instead of
            # merging two mappings, each merge two isinstance checks against a runtime
            # Protocol (slow on Python 3.11), ~0.08 ms of a page's ~1 ms. The same request.
            session.params = None
            session.proxies = None
            self._local.session = session
            with self._registry_lock:
                self._sessions.append(session)
        return session

    # --- politeness state ------------------------------------------------------
    def _host(self, url: str) -> _Host:
        key = host_key(url)
        with self._registry_lock:
            host = self._hosts.get(key)
            if host is None:
                host = self._hosts[key] = _Host(
                    delay=max(self.settings.delay, self._host_delays.get(key, 0.0)))
            return host

    def set_host_delay(self, url: str, seconds: float) -> None:
        """Space requests to `url`'s host by at least `seconds` (never below settings.delay)."""
        key = host_key(url)
        with self._registry_lock:
            self._host_delays[key] = max(self._host_delays.get(key, 0.0), float(seconds))
            if key in self._hosts:
                self._hosts[key].delay = max(self._hosts[key].delay, float(seconds))

    def allowed(self, url: str) -> bool:
        """True when robots.txt of `url`'s origin lets our User-Agent fetch it."""
        return self._robots(url).can_fetch(url)

    def _robots(self, url: str) -> Robots:
        origin = origin_of(urlsplit(url))
        with self._registry_lock:
            state = self._origins.setdefault(origin, OriginRobots())
        with state.lock:  # others asking for the same origin wait for this one fetch
            if state.robots is None:
                state.robots = self._load_robots(origin)
            return state.robots

    def _load_robots(self, origin: str) -> Robots:
        robots_url = origin + "/robots.txt"
        token = self.settings.robots_token
        self._count("robots_fetches")
        try:
            result = self.get(robots_url, kind="robots")
        except FetchError as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                logger.debug("%s: %s, no rules (everything allowed)", robots_url, exc.reason)
                return Robots(token, allow_all=True)
            logger.warning("%s: %s; treating %s as unreachable, nothing will be fetched "
                           "from it this run (RFC 9309)", robots_url, exc.reason, origin)
            return Robots(token, unreachable=exc.reason)
        robots = Robots(token, result.content.decode("utf-8", errors="replace"))
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
            values |= secret_forms(value)
        with self._registry_lock:
            self._secrets |= values
        with REDACTOR.lock:
            REDACTOR.secrets |= values
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
        problem = check_scheme(url)
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
                send += ("&" if urlsplit(current).query else "?") + encode_secret(secret_query)
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
            problem = check_scheme(target)
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
        if not self.public_only or host_key(url) in self._trusted_hosts:
            return None
        host = (urlsplit(url).hostname or "").lower()
        with self._registry_lock:
            if host in self._address_cache:
                return self._address_cache[host]
        problem = non_public(host)
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
                    retry = retryable_status(status) and (retry_unsafe or status == 429)
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
        proxies, auth, ca_bundle = self._environment(current)
        try:
            response = self._session().request(
                method, current, data=data, headers=extra, stream=True, allow_redirects=False,
                timeout=(s.timeout, min(s.timeout, s.deadline)),
                # Always verified: against the CA bundle the environment names, if any.
                verify=True if ca_bundle is None else ca_bundle,
                proxies=dict(proxies), auth=auth,
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

    def _environment(self, url: str) -> tuple[dict[str, str], tuple[str, str] | None, str | None]:
        """What requests' `trust_env` would take from the environment for `url`: the proxies
        (NO_PROXY applied), ~/.netrc credentials and the CA bundle; read once per
        scheme://host:port (the environment does not change during a run)."""
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"
        with self._registry_lock:
            found = self._environments.get(key)
        if found is None:
            found = (requests.utils.get_environ_proxies(url),
                     requests.utils.get_netrc_auth(url),
                     os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
                     or None)
            with self._registry_lock:
                self._environments[key] = found
        return found

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
        return fetch_many(self, urls, kind=kind, conditional=conditional)


def _short(exc: BaseException) -> str:
    """The innermost, most telling line of a requests/urllib3 error."""
    inner: BaseException | None = exc
    while inner is not None and inner.args and isinstance(inner.args[0], BaseException):
        inner = inner.args[0]
    reason = getattr(inner, "reason", None)
    text = str(reason if isinstance(reason, BaseException) else inner or exc)
    return text.splitlines()[0][:200] if text else type(exc).__name__
