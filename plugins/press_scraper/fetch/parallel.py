"""Many fetches at once: hosts in parallel, each host in turn (Fetcher.fetch_many)."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor

from .address import check_scheme, host_key
from .types import FetchError, FetchResult, FormPost

logger = logging.getLogger(__name__)


def fetch_many(fetcher, urls: Iterable[str | FormPost], *, kind: str = "page",
               conditional: bool = False,
               ) -> Iterator[tuple[str | FormPost, FetchResult | FetchError]]:
    """`fetcher.request` for each unique URL; see Fetcher.fetch_many."""
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
        problem = check_scheme(target)
        if problem:
            bad.append((url, FetchError(target, problem)))
        else:
            by_host.setdefault(host_key(target), []).append(url)
    yield from bad
    if not by_host:
        return

    workers = min(fetcher.settings.concurrency, len(by_host))
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
                outcome: FetchResult | FetchError = fetcher.request(
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

