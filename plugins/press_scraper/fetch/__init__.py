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
    - With `public_only` (what `pipeline.scrape` uses): loopback, private, link-local and reserved
      addresses are refused unless a source names that host:port, on every redirect hop too.
    - TLS certificates are always verified.

Why requests (not httpx): it is installed already, its streaming API makes the size cap and
deadline simple, and a per-thread Session gives each worker its own keep-alive pool without
locking. httpx would add a dependency and its sync client gives nothing more here.
"""

from .client import KINDS, Fetcher, parse_retry_after
from .types import FetchError, FetchResult, FormPost

__all__ = ["KINDS", "FetchError", "FetchResult", "Fetcher", "FormPost", "parse_retry_after"]
