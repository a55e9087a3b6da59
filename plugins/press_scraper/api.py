"""The scraper as one call: `scrape(sources.toml, content/) -> ScrapeReport`.

This module wires the stages (sources → fetch → extract → markdown → store); the command line
(`cli.py`), the Pelican plugin (`__init__.py`) and the update job call `scrape`.

A run:
1. Validates sources.toml (SourcesError before anything is fetched or written).
2. Takes `<state>/scrape.lock`, removes temporary files a killed run left, reads the index of
   identities from the `Identity:` headers under content/.
3. Discovers items per source (feeds, or list pages up to `max_pages`), sources in parallel.
4. Skips known items whose listing did not change (title, dates, summary; remembered in
   `<state>/scrape-seen.json`, a cache: without it known pages are fetched again and compared,
   nothing is duplicated). The same URL under two sources is stored once, by the first source
   (file order) that found it: readers should not see one release twice.
5. Fetches article pages (hosts in parallel, each host politely in turn), extracts, downloads
   images, writes Markdown atomically. One source failing never stops the others.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date as Date
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from filelock import FileLock, Timeout

from newsroom.core.model import KST, format_date, parse_date

from . import encoding, extract, health
from . import markdown as md
from .errors import ScrapeBusy
from .fetch import Fetcher, FetchError, FetchResult, FormPost
from .sources import API_MAX_WINDOW_DAYS, DEFAULT_SECTIONS, Source, SourcesError, load
from .store import Store, StoreError, atomic_write, make_identity, normalise_url

logger = logging.getLogger(__name__)

__all__ = ["ScrapeReport", "SourceReport", "SourcesError", "ScrapeBusy", "scrape"]

IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
MAX_IMAGES_PER_ARTICLE = 10
# U+FFFD found in a source's own text: up to this many (and 1 % of the text) are removed.
MAX_SOURCE_REPLACEMENTS = 20
LOCK_TIMEOUT = 120.0


@dataclass
class SourceReport:
    """What happened to one source."""

    id: str
    name: str
    url: str
    found: int = 0
    new: int = 0
    updated: int = 0
    skipped: int = 0
    deferred: int = 0  # over --limit, left for the next run
    failed: int = 0
    error: str | None = None
    problems: list[dict[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def problem(self, url: str, reason: str, *, failed: bool = True) -> None:
        self.problems.append({"url": url, "reason": reason})
        if failed:
            self.failed += 1
            logger.warning("%s: %s: %s", self.id, url, reason)
        else:
            logger.info("%s: %s: %s", self.id, url, reason)


@dataclass
class ScrapeReport:
    """The result of a run; `to_json()` is what `--report` writes."""

    sources: list[SourceReport] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    dry_run: bool = False
    started: str = ""
    finished: str = ""
    fetch_stats: dict[str, int] = field(default_factory=dict)
    health_warnings: list[str] = field(default_factory=list)

    @property
    def failed_sources(self) -> list[str]:
        """Ids of sources whose feed or list could not be read."""
        return [s.id for s in self.sources if s.error]

    def totals(self) -> dict[str, int]:
        keys = ("found", "new", "updated", "skipped", "deferred", "failed")
        return {k: sum(getattr(s, k) for s in self.sources) for k in keys}

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": 1,
            "started": self.started,
            "finished": self.finished,
            "dry_run": self.dry_run,
            "totals": self.totals(),
            "failed_sources": self.failed_sources,
            "written": self.written,
            "fetch": self.fetch_stats,
            "health_warnings": self.health_warnings,
            "sources": [asdict(s) for s in self.sources],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)


# --- decoding ------------------------------------------------------------------------------


def decode(result: FetchResult, kind: str) -> str | bytes:
    """Text of a fetched page, or a feed re-encoded as UTF-8 (see encoding.py).

    Raises:
        encoding.EncodingError (a ValueError): the bytes fit no encoding.
    """
    if kind == "feed":
        return encoding.decode_feed(result.content, result.headers)[0]
    return encoding.decode_html(result.content, result.headers)[0]


# --- discovery -----------------------------------------------------------------------------


@dataclass
class Candidate:
    """An item found in a listing, before its page is fetched."""

    source: Source
    url: str
    identity: str
    title: str = ""
    signature: str = ""
    feed_item: extract.FeedItem | None = None
    # What to fetch for the page when it is not a GET of `url` (a POST board's detail form).
    request: str | FormPost | None = None
    # The reader's link to the original (Source_URL) when it is not `url`; "" for none.
    link: str | None = None
    api_item: extract.ApiItem | None = None


def _selectors(source: Source) -> dict[str, str]:
    return {k: v for k, v in asdict(source.selectors).items() if v}


def _signature(*parts: Any) -> str:
    data = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(data.encode("utf-8")).hexdigest()[:16]


def discover(source: Source, fetcher: Fetcher) -> list[Candidate]:
    """Items of one source, in listing order, each URL once.

    Raises:
        FetchError: the feed or the first list page could not be fetched.
        ValueError: the feed or list page could not be read.
    """
    found: list[Candidate] = []
    seen: set[str] = set()

    def add(url: str, **kw) -> None:
        identity = make_identity(source.id, url)
        if identity not in seen:
            seen.add(identity)
            found.append(Candidate(source, url, identity, **kw))

    if source.kind == "post":
        _discover_post(source, fetcher, add)
        return found
    if source.kind == "api":
        _discover_api(source, fetcher, add)
        return found
    if source.kind == "rss":
        result = fetcher.get(source.url, kind="feed", conditional=True)
        items = extract.parse_feed(decode(result, "feed"), result.final_url)
        if not items and not re.search(rb"<(rss|feed|rdf)\b", result.content[:2048], re.I):
            raise ValueError(f"{source.url}: not an RSS or Atom feed ({result.content_type})")
        for item in items:
            sig = _signature(item.title, item.date, item.updated, item.summary[:200],
                             md.content_hash(item.content_html) if item.content_html else "")
            add(item.url, title=item.title, signature=sig, feed_item=item)
        return found

    url: str | None = source.url
    visited: set[str] = set()
    selectors = _selectors(source)
    for page_no in range(source.max_pages):
        if not url or url in visited:
            break
        visited.add(url)
        try:
            result = fetcher.get(url, kind="list", conditional=True)
        except FetchError:
            if page_no == 0:
                raise
            logger.warning("%s: list page %s failed; keeping the %d items found", source.id,
                           url, len(found))
            break
        page = extract.parse_list_page(decode(result, "list"), result.final_url, selectors)
        if page_no == 0 and not page.links:
            # A board read through POST forms or scripts (`javascript:searchDetail('5')`), or
            # selectors that no longer match: nothing will ever come of it, so say so now.
            raise ValueError(f"{url}: no article links on the list page (a board that opens "
                             f"articles by POST or script, or selectors that do not match)")
        for link in page.links:
            add(link.url, title=link.title, signature=_signature(link.title))
        url = page.next_url
    return found


# --- POST-only boards (새올) ------------------------------------------------------------------


def post_detail_url(detail_url: str, form: Sequence[tuple[str, str]]) -> str:
    """The canonical URL-like string of a form request: the detail URL with the form's fields
    merged into its query, sorted. It names the article in its identity (stable whatever
    order the fields come in) and is what a GET of the same request would ask for."""
    parts = urlsplit(detail_url)
    pairs = sorted([*parse_qsl(parts.query, keep_blank_values=True), *form])
    return normalise_url(urlunsplit((parts.scheme, parts.netloc, parts.path,
                                     urlencode(pairs, safe="/:"), "")))


def _discover_post(source: Source, fetcher: Fetcher, add) -> None:
    """Pages of a POST board: `list_form` plus `page_field=N`, until a page adds no new id."""
    board = source.post
    regex = board.id_regex
    selectors = _selectors(source)
    ids: set[str] = set()
    for n in range(source.max_pages):
        page = board.first_page + n
        form = tuple(sorted([*board.list_form, (board.page_field, str(page))]))
        where = f"{source.url} (POST {board.page_field}={page})"
        try:
            result = fetcher.post(source.url, form, kind="list", idempotent=board.idempotent)
        except FetchError as exc:
            if n == 0:
                raise FetchError(where, exc.reason, status=exc.status) from None
            logger.warning("%s: list page %s failed (%s); keeping the %d items found",
                           source.id, where, exc.reason, len(ids))
            break
        refs = extract.parse_post_list(decode(result, "list"), regex, selectors)
        if n == 0 and not refs:
            raise ValueError(f"{where}: no rows matching post.detail_id_pattern "
                             f"{board.detail_id_pattern!r} on the list page")
        fresh = [r for r in refs if r.id not in ids]
        if not fresh:  # past the last page a board shows it again, or nothing
            break
        for ref in fresh:
            ids.add(ref.id)
            detail_form = board.form_for(ref.id)
            url = post_detail_url(board.detail_url, detail_form)
            request = (FormPost(board.detail_url, detail_form, board.idempotent)
                       if board.detail_method == "post" else url)
            link = board.link_url.replace("{id}", ref.id) if board.link_url else url
            add(url, title=ref.title, signature=_signature(ref.title), request=request,
                link=link)


# --- the data.go.kr press-release API -----------------------------------------------------------


def api_windows(today: Date, days: int) -> list[tuple[Date, Date]]:
    """`days` days up to `today` as (start, end) windows of at most three days (both ends
    inclusive), newest first: the API answers resultCode 98 to a longer one."""
    windows = []
    end = today
    left = days
    while left > 0:
        span = min(API_MAX_WINDOW_DAYS, left)
        start = end - timedelta(days=span - 1)
        windows.append((start, end))
        end = start - timedelta(days=1)
        left -= span
    return windows


def _api_error(url: str, exc: FetchError) -> Exception:
    """A failed API request, with the gateway's reason when its error page says one."""
    if exc.body:
        try:
            extract.parse_api_reply(exc.body)
        except extract.ApiError as err:
            return ValueError(f"{url}: {exc.reason}: {err}")
    return exc


def _discover_api(source: Source, fetcher: Fetcher, add, *, today: Date | None = None) -> None:
    """Every press release of the last `lookback_days`, window by window, page by page."""
    spec = source.api
    key = os.environ.get(spec.api_key_env, "").strip()
    if not key:
        raise ValueError(f"{source.url}: environment variable {spec.api_key_env} (the service "
                         f"key) is not set")
    today = today or datetime.now(KST).date()
    for start, end in api_windows(today, spec.lookback_days):
        for page_no in range(1, source.max_pages + 1):
            params = [("startDate", start.strftime("%Y%m%d")), ("endDate", end.strftime("%Y%m%d")),
                      ("numOfRows", str(spec.rows)), ("pageNo", str(page_no))]
            parts = urlsplit(source.url)
            query = "&".join(q for q in (parts.query, urlencode(params)) if q)
            url = urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
            try:
                result = fetcher.get(url, kind="feed", secret_query=(("serviceKey", key),),
                                     error_body=True)
            except FetchError as exc:
                raise _api_error(url, exc) from None
            try:
                page = extract.parse_api_reply(result.content)
            except extract.ApiError as exc:
                raise ValueError(f"{url}: {_scrub(str(exc), key)}") from None
            if not page.ok:
                raise ValueError(f"{url}: API resultCode {page.code} "
                                 f"({_scrub(page.message, key) or 'no message'})")
            for item in page.items:
                _add_api_item(source, item, add)
            if len(page.items) < spec.rows or (
                page.total is not None and page_no * spec.rows >= page.total
            ):
                break
        else:
            logger.warning("%s: %s to %s has more than %d pages of %d; the rest is left out "
                           "(raise max_pages or rows)", source.id, start, end, source.max_pages,
                           spec.rows)


def _scrub(text: str, key: str) -> str:
    return text.replace(key, "***") if key else text


def _add_api_item(source: Source, item: extract.ApiItem, add) -> None:
    if item.url:
        url = item.url
    elif item.item_id and re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", item.item_id):
        url = post_detail_url(source.url, [("NewsItemId", item.item_id)])
    else:
        logger.warning("%s: a NewsItem without OriginalUrl or NewsItemId (%r) is left out",
                       source.id, item.title[:60])
        return
    sig = _signature(item.title, item.date, item.modified, item.status, item.ministry,
                     md.content_hash(item.html), [(a.name, a.url) for a in item.attachments])
    add(url, title=item.title, signature=sig, api_item=item, link=item.url)


# --- one article ---------------------------------------------------------------------------


def _category(source: Source, title: str, text: str, hint: str, keywords, fallback: str,
              sections: Sequence[str]) -> str:
    if source.category:
        return source.category
    if hint in sections:
        return hint
    return md.classify(title, text + " " + hint, keywords, fallback)


def _images(record: extract.Record, source: Source, store: Store, fetcher: Fetcher,
            report: SourceReport) -> dict[str, str]:
    """Download the article's images; a failure only drops that image."""
    saved: dict[str, str] = {}
    for url in record.images[:MAX_IMAGES_PER_ARTICLE]:
        try:
            existing = store.existing_image(source.id, url)
            if existing:
                saved[url] = existing
                continue
            if store.dry_run:
                continue
            result = fetcher.get(url, kind="image")
            if result.content_type not in IMAGE_TYPES:
                raise ValueError(f"type {result.content_type or 'unknown'} is not allowed")
            saved[url] = store.save_image(source.id, url, result.content)
        except (FetchError, ValueError, StoreError, OSError) as exc:
            reason = exc.reason if isinstance(exc, FetchError) else str(exc)
            report.problem(url, f"image dropped: {reason}", failed=False)
    return saved


def build_article(
    cand: Candidate, record: extract.Record, *, store: Store, fetcher: Fetcher,
    report: SourceReport, keywords, fallback: str, sections: Sequence[str], now: datetime,
) -> tuple[list[tuple[str, str]], str]:
    """Header fields and body for one extracted article (downloads its images)."""
    source = cand.source
    item = cand.feed_item
    if source.kind == "rss":
        title = (item.title if item else "") or record.title
    else:
        title = record.title or cand.title
    entry = store.index.get(cand.identity)
    date = (item.date if item else None) or record.date
    if date is None and entry and entry.date:
        date = parse_date(entry.date)
    date = date or now
    modified = record.modified or (item.updated if item else None)
    if modified and modified <= date:
        modified = None
    summary = record.summary or (item.summary if item else "")
    # Our link to the original: the URL as found, without tracking parameters.
    link = normalise_url(cand.url) if cand.link is None else cand.link
    record = extract.Record(**{**record.__dict__, "title": title, "summary": summary,
                               "url": link})
    image = ""
    if not source.excerpt_only and record.images:
        saved = _images(record, source, store, fetcher, report)
        record = extract.Record(**{**record.__dict__,
                                   "body_html": md.rewrite_images(record.body_html, saved)})
        image = next((saved[u] for u in record.images if u in saved), "")
    hint = record.category_hint or (item.categories[0] if item and item.categories else "")
    text = extract.html_to_text(record.body_html)
    category = _category(source, title, text, hint, keywords, fallback, sections)
    fields = md.article_fields(
        record, source=source, identity=cand.identity,
        slug=store.article_path(source.id, cand.identity).stem, category=category, date=date,
        image=image, modified=modified,
    )
    body = md.render_body(record, source_name=source.name, excerpt_only=source.excerpt_only)
    return fields, body


# --- the run -------------------------------------------------------------------------------


def _load_seen(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return dict(data.get("seen", {}))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, AttributeError) as exc:
        logger.warning("%s: unreadable, starting empty (%s)", path, exc)
        return {}


def scrape(
    sources_path: str | Path,
    content_dir: str | Path,
    *,
    state_dir: str | Path,
    limit: int | None = None,
    dry_run: bool = False,
    sections: Sequence[str] | None = None,
    settings: Mapping[str, Any] | None = None,
    category_keywords: Mapping[str, Sequence[str]] | None = None,
    fallback_category: str = md.FALLBACK_CATEGORY,
    only: Sequence[str] | None = None,
) -> ScrapeReport:
    """Pull new articles from every source into `content_dir`.

    Args:
        sources_path: sources.toml.
        content_dir: the site's content/ folder (articles go to content/scraped/<id>/).
        state_dir: caches and the lock (.state/); deleting it loses nothing.
        limit: at most this many articles fetched per source (the rest wait for the next run).
        dry_run: fetch and extract, write nothing (no articles, images or state).
        sections: allowed categories in menu order (default 정치, 경제, 문화).
        settings: `[scraper]` overrides (e.g. {"delay": 0} for the benchmark).
        category_keywords: section -> keywords for classification (default
            markdown.DEFAULT_CATEGORY_KEYWORDS).
        fallback_category: section when no keyword matches.
        only: ids of the sources to run (default all).

    Returns:
        A ScrapeReport. Per-source failures are in it; nothing is raised for them.

    Raises:
        SourcesError: invalid sources.toml (before anything is fetched or written).
        ScrapeBusy: another scrape holds the lock.
    """
    sections = tuple(sections or DEFAULT_SECTIONS)
    config = load(sources_path, sections=sections, overrides=settings)
    if fallback_category not in sections:
        raise SourcesError(str(sources_path), f"fallback category {fallback_category!r} is not "
                                              f"one of {', '.join(sections)}")
    chosen = [s for s in config.sources if not only or s.id in only]
    state = Path(state_dir)
    state.mkdir(parents=True, exist_ok=True)
    report = ScrapeReport(dry_run=dry_run, started=datetime.now(KST).isoformat(timespec="seconds"))
    lock = FileLock(str(state / "scrape.lock"))
    try:
        lock.acquire(timeout=LOCK_TIMEOUT)
    except Timeout:
        raise ScrapeBusy(f"{state / 'scrape.lock'}: another scrape is running") from None
    try:
        _run(chosen, config, Path(content_dir), state, report, limit=limit, dry_run=dry_run,
             sections=sections, keywords=category_keywords, fallback=fallback_category)
    finally:
        lock.release()
    report.finished = datetime.now(KST).isoformat(timespec="seconds")
    return report


def _run(sources: list[Source], config, content_dir: Path, state: Path, report: ScrapeReport,
         *, limit, dry_run, sections, keywords, fallback) -> None:
    store = Store(content_dir, dry_run=dry_run)
    store.cleanup_temp_files()
    seen_path = state / "scrape-seen.json"
    seen = _load_seen(seen_path)
    now = datetime.now(KST).replace(microsecond=0)
    reports = {s.id: SourceReport(s.id, s.name, s.url) for s in sources}
    report.sources = list(reports.values())
    started = {s.id: time.monotonic() for s in sources}

    with Fetcher(config.settings, None if dry_run else state, sources=sources,
                 public_only=True) as fetcher:
        # 1. Discovery, sources in parallel (the fetcher keeps each host polite).
        found: dict[str, list[Candidate]] = {}
        workers = max(1, min(config.settings.concurrency, len(sources)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="discover") as pool:
            futures = {s.id: pool.submit(discover, s, fetcher) for s in sources}
            for s in sources:
                rep = reports[s.id]
                try:
                    found[s.id] = futures[s.id].result()
                except FetchError as exc:
                    rep.error = str(exc)
                except (ValueError, StoreError) as exc:
                    rep.error = f"{s.url}: {exc}" if s.url not in str(exc) else str(exc)
                except Exception as exc:  # a bug on one source must not stop the others
                    logger.exception("%s: unexpected error while reading %s", s.id, s.url)
                    rep.error = f"{s.url}: unexpected error: {exc!r}"
                if rep.error:
                    logger.error("source %s failed: %s", s.id, rep.error)

        # 2. What to fetch.
        index = store.index
        by_url = {normalise_url(i.split(" ", 1)[1]): i for i in index if " " in i}
        todo: list[Candidate] = []
        for s in sources:
            rep = reports[s.id]
            taken = 0
            for cand in found.get(s.id, []):
                rep.found += 1
                owner = by_url.get(normalise_url(cand.url))
                if owner and owner != cand.identity:
                    rep.skipped += 1
                    rep.problem(cand.url, f"already stored as {owner}", failed=False)
                    continue
                by_url[normalise_url(cand.url)] = cand.identity
                if cand.identity in index and seen.get(cand.identity) == cand.signature:
                    rep.skipped += 1
                    continue
                if limit is not None and taken >= limit:
                    rep.deferred += 1
                    continue
                taken += 1
                todo.append(cand)

        # 3. Fetch pages (hosts in parallel), extract and write in this thread.
        direct: list[Candidate] = []
        by_page: dict[str | FormPost, list[Candidate]] = {}
        for c in todo:
            # The feed has it all: the full text, or (excerpt-only) the summary we may show.
            item = c.feed_item
            if c.api_item or (item and (item.content_html
                                        or (c.source.excerpt_only and item.summary))):
                direct.append(c)
            else:
                by_page.setdefault(c.request or c.url, []).append(c)
        common = dict(store=store, fetcher=fetcher, keywords=keywords, fallback=fallback,
                      sections=sections, now=now)
        for cand in direct:
            if cand.api_item:
                record = extract.record_from_api_item(
                    cand.api_item, cand.link or cand.url,
                    default_license=cand.source.license or "")
            else:
                record = extract.record_from_feed_item(
                    cand.feed_item, default_license=cand.source.license or "")
            _finish(cand, record, reports[cand.source.id], report, seen, **common)
        for target, outcome in fetcher.fetch_many(list(by_page), kind="page"):
            for cand in by_page[target]:
                url = cand.url
                rep = reports[cand.source.id]
                if isinstance(outcome, FetchError):
                    rep.problem(url, outcome.reason)
                    continue
                try:
                    record = extract.parse_article(
                        decode(outcome, "page"), outcome.final_url,
                        selectors=_selectors(cand.source), site_names=[cand.source.name],
                        default_license=cand.source.license or "",
                    )
                except Exception as exc:  # one odd page must not stop the run
                    logger.exception("%s: cannot extract %s", cand.source.id, url)
                    rep.problem(url, f"extraction failed: {exc!r}")
                    continue
                _finish(cand, record, rep, report, seen, **common)
        report.fetch_stats = fetcher.stats

    for s in sources:
        reports[s.id].seconds = round(time.monotonic() - started[s.id], 3)
    if not dry_run:
        data = json.dumps({"version": 1, "seen": seen}, ensure_ascii=False, sort_keys=True)
        atomic_write(seen_path, data.encode("utf-8"))
        _record_health(state, report, config.settings.health_warn_after)


def _finish(cand: Candidate, record: extract.Record, rep: SourceReport, report: ScrapeReport,
            seen: dict[str, str], *, store: Store, fetcher: Fetcher, keywords, fallback,
            sections, now: datetime) -> None:
    """Render and write one article; count what happened."""
    bad = record.title.count("\ufffd") + record.body_html.count("\ufffd")
    if bad or "\ufffd" in record.summary:
        # Our decoding never makes U+FFFD (it drops or refuses), so these are in the source's
        # own bytes: a real feed says "Elman\ufffds". A few are cut out, not shown as a glyph;
        # many mean text that was already mojibake upstream, and the article is refused.
        size = len(extract.html_to_text(record.body_html))
        if bad > min(MAX_SOURCE_REPLACEMENTS, max(3, size // 100)) or "\ufffd" in record.title:
            rep.problem(cand.url, f"text holds {bad} replacement characters (broken at the "
                                  f"source); not written")
            return
        record = extract.Record(**{
            **record.__dict__,
            "body_html": record.body_html.replace("\ufffd", ""),
            "summary": record.summary.replace("\ufffd", ""),
        })
        rep.problem(cand.url, f"removed {bad} replacement characters the source itself holds",
                    failed=False)
    if not (record.title or cand.title):
        rep.problem(cand.url, "no title found; not written")
        return
    try:
        fields, body = build_article(
            cand, record, store=store, fetcher=fetcher, report=rep, keywords=keywords,
            fallback=fallback, sections=sections, now=now,
        )
        result = store.write_article(cand.source.id, cand.identity, fields, body,
                                     modified=format_date(now))
    except (StoreError, OSError, ValueError) as exc:
        rep.problem(cand.url, f"not written: {exc}")
        return
    if result.status in ("new", "updated"):
        setattr(rep, result.status, getattr(rep, result.status) + 1)
        rel = os.path.relpath(result.path, store.root)
        report.written.append(Path(rel).as_posix())
        logger.info("%s: %s %s", cand.source.id, result.status, rel)
    elif result.status == "unchanged":
        rep.skipped += 1
    elif result.status == "editor-modified":
        rep.skipped += 1
        rep.problem(cand.url, "editor-modified, not updated: " + result.message, failed=False)
    else:
        rep.problem(cand.url, result.message)
        return
    seen[cand.identity] = cand.signature


def _record_health(state: Path, report: ScrapeReport, warn_after: int) -> None:
    """Hand the run to health.py; its warnings (dying feeds) go into the report."""
    try:
        report.health_warnings = health.record_run(state, report, warn_after=warn_after)
    except Exception:  # health bookkeeping must never fail a scrape
        logger.exception("could not update source health in %s", state)
