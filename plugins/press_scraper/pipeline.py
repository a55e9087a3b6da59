"""The scraper as one call: `scrape(sources.toml, content/) -> ScrapeReport`.

This module wires the stages (sources → the kind's discovery → fetch → extract → markdown →
store, then the report and source health); the command line (`newsroom/scrape.py`), the
Pelican hook (`hook.py`) and the update job call `scrape`.

A run:
1. Validates sources.toml (SourcesError before anything is fetched or written).
2. Takes `<state>/scrape.lock`, removes temporary files a killed run left, reads the index of
   identities from the `Identity:` headers under content/.
3. Discovers items per source (feeds, or list pages up to `max_pages`), sources in parallel.
4. Skips known items whose listing did not change (title, dates, summary; remembered in
   `<state>/scrape-seen.json`, a cache: without it known pages are fetched again and compared,
   nothing is duplicated). The same URL under two sources is stored once, by the first source
   (file order) that found it: readers should not see one release twice.
5. Fetches article pages (hosts in parallel, each host politely in turn), extracts (in worker
   processes on a large run, extract_pool.py; in fetch order either way), downloads images,
   writes Markdown atomically. One source failing never stops the others.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from newsroom.core.files import atomic_write, is_disk_full
from newsroom.core.model import KST, format_date, iso_kst, now_kst, parse_date

from . import dedupe, health
from . import markdown as md
from .discovery import Candidate
from .encoding import normalise_text
from .errors import ScrapeBusy
from .extract_pool import Extractor, Failed
from .fetch import Fetcher, FetchError, FormPost
from .kinds import KINDS
from .records import Record
from .report import ScrapeReport, SourceReport
from .sources import DEFAULT_SECTIONS, Source, SourcesError, load
from .store import Entry, Store, StoreError, make_identity, normalise_url
from .text import html_to_text
from .titles import is_cut

logger = logging.getLogger(__name__)

__all__ = ["ScrapeReport", "SourceReport", "SourcesError", "ScrapeBusy", "scrape"]

IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
MAX_IMAGES_PER_ARTICLE = 10
# U+FFFD found in a source's own text: up to this many (and 1 % of the text) are removed.
MAX_SOURCE_REPLACEMENTS = 20
LOCK_TIMEOUT = 120.0
# Articles (and images) wait in temporary files until one sync puts a batch in place
# (store.Store(batch=True), docs/scraper.md "Performance"): an fsync per file was a fifth of
# the scraper's time. A batch is flushed at WRITE_BATCH files or once its first write has
# waited WRITE_BATCH_SECONDS, so a killed run loses at most about that much work (fetched again
# by the next run) and a slow source's articles still appear one by one. Each batch is
# committed in a thread while the next one is written (Store.flush).
WRITE_BATCH = 100
WRITE_BATCH_SECONDS = 0.5

# The date policy (docs/scraper.md, "What bad input gets"). A source's date is kept when it
# lies between EARLIEST_DATE and a day after the run; otherwise it is treated as missing (the
# next date found, else the time we first saw the item) and reported to source health. Korea's
# government sites went online in the mid-1990s, so an earlier date is a broken value ("0001",
# an epoch zero); a release may be embargoed to the next morning, but a date more than a day
# ahead would sit on top of every list until then ("9999" as the top story).
EARLIEST_DATE = datetime(1995, 1, 1, tzinfo=KST)
MAX_AHEAD = timedelta(days=1)


# --- discovery -----------------------------------------------------------------------------


def discover(source: Source, fetcher: Fetcher) -> list[Candidate]:
    """Items of one source, in listing order, each URL once (the kind's `discover`).

    Raises:
        FetchError: the feed or the first list page could not be fetched.
        ValueError: the feed or list page could not be read.
    """
    found: list[Candidate] = []
    seen: set[str] = set()

    def add(url: str, **kw) -> bool:
        identity = make_identity(source.id, url)
        if identity in seen:
            return False
        seen.add(identity)
        found.append(Candidate(source, url, identity, **kw))
        return True

    KINDS[source.kind].discover(source, fetcher, add)
    return found


# --- one article ---------------------------------------------------------------------------


def plausible_date(value: datetime | None, now: datetime) -> tuple[datetime | None, str]:
    """`value` in Korea time when the date policy accepts it, else (None, the reason).

    Never raises: a date at the edge of datetime's range (`9999-12-31T23:59:59-14:00`, or
    `0001-01-01T00:00+14:00`) cannot be moved to Korea time and is refused like any other.
    """
    if value is None:
        return None, ""
    try:
        kst = value.astimezone(KST) if value.tzinfo else value.replace(tzinfo=KST)
        shown = format_date(kst)
    except (OverflowError, ValueError):
        return None, f"date {value.isoformat()} is out of range"
    if kst > now + MAX_AHEAD:
        return None, f"date {shown} is more than a day ahead of this run"
    if kst < EARLIEST_DATE:
        return None, f"date {shown} is before {EARLIEST_DATE.year}"
    return kst, ""


def _dates(cand: Candidate, record: Record, report: SourceReport,
           now: datetime) -> tuple[datetime | None, datetime | None]:
    """The article's date and modification date after the date policy (bad ones reported)."""
    item = cand.feed_item

    def keep(value: datetime | None) -> datetime | None:
        kept, why = plausible_date(value, now)
        if why:
            report.problem(cand.url, f"{why}; ignored", failed=False, notice=True)
        return kept

    date = keep(item.date if item else None) or keep(record.date)
    modified = keep(record.modified) or keep(item.updated if item else None)
    return date, modified


def scrubbed(record: Record) -> Record:
    """`record` with every text field normalised (encoding.normalise_text).

    The kinds and extractors normalise what they read, but a value can still carry a code
    point XML forbids (a feed's `&#xFFFE;` resolved by the parser, a page's raw EF BF BE): one
    such character in our feeds makes them ill-formed and stops every release, so each record
    is scrubbed here, once, whatever made it.
    """
    changes: dict[str, object] = {}
    for name, value in record.__dict__.items():
        if isinstance(value, str):
            clean = normalise_text(value)
            if clean != value:
                changes[name] = clean
    if record.images and any(normalise_text(u) != u for u in record.images):
        changes["images"] = tuple(normalise_text(u) for u in record.images)
    if any(normalise_text(a.name) != a.name or normalise_text(a.url) != a.url
           for a in record.attachments):
        changes["attachments"] = tuple(type(a)(normalise_text(a.name), normalise_text(a.url))
                                       for a in record.attachments)
    return Record(**{**record.__dict__, **changes}) if changes else record


def _category(source: Source, title: str, text: str, hint: str, keywords, fallback: str,
              sections: Sequence[str]) -> str:
    if source.category:
        return source.category
    if hint in sections:
        return hint
    return md.classify(title, text + " " + hint, keywords, fallback)


def _images(record: Record, source: Source, store: Store, fetcher: Fetcher,
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
    cand: Candidate, record: Record, *, store: Store, fetcher: Fetcher,
    report: SourceReport, keywords, fallback: str, sections: Sequence[str], now: datetime,
) -> tuple[list[tuple[str, str]], str]:
    """Header fields and body for one extracted article (downloads its images)."""
    source = cand.source
    item = cand.feed_item
    # A feed's own title wins (only feeds give `feed_item`) unless it is cut short ("…");
    # else the page's, else the listing's.
    feed_title = item.title if item and not (is_cut(item.title) and record.title) else ""
    title = feed_title or record.title or cand.title
    entry = store.index.get(cand.identity)
    # The feed's date first; the page's fills in where the feed has none (article.py,
    # dates.py); dates far from now are refused and reported (the date policy, _dates).
    date, modified = _dates(cand, record, report, now)
    if date is None and entry and entry.date:
        try:
            date = plausible_date(parse_date(entry.date), now)[0]
        except ValueError:  # a stored Date out of range (check reports the file)
            date = None
    if date is None:
        found = (item.date if item else None) or record.date
        if found is None:
            # No date anywhere: never "now", or a page from years ago would be published as
            # today's news. Reported in source health, tried again next run (docs/scraper.md).
            raise ValueError("no publication date on the page or in the feed")
        date = now  # a date was there but refused as implausible (reported): first seen
    if modified and modified <= date:
        modified = None
    summary = record.summary or (item.summary if item else "")
    # Our link to the original: the URL as found, without tracking parameters.
    link = normalise_url(cand.url) if cand.link is None else cand.link
    record = Record(**{**record.__dict__, "title": title, "summary": summary,
                               "url": link})
    image = ""
    if not source.excerpt_only and record.images:
        saved = _images(record, source, store, fetcher, report)
        record = Record(**{**record.__dict__,
                                   "body_html": md.rewrite_images(record.body_html, saved)})
        image = next((saved[u] for u in record.images if u in saved), "")
    hint = record.category_hint or (item.categories[0] if item and item.categories else "")
    text = html_to_text(record.body_html)
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
    report = ScrapeReport(dry_run=dry_run, started=iso_kst(now_kst()))
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
    report.finished = iso_kst(now_kst())
    return report


def _run(sources: list[Source], config, content_dir: Path, state: Path, report: ScrapeReport,
         *, limit, dry_run, sections, keywords, fallback) -> None:
    store = Store(content_dir, dry_run=dry_run, batch=True)
    store.cleanup_temp_files()
    dedupe_index = dedupe.DedupeIndex(state / DEDUPE_FILE, read_only=dry_run)
    try:
        _run_indexed(sources, config, store, dedupe_index, state, report, limit=limit,
                     dry_run=dry_run, sections=sections, keywords=keywords, fallback=fallback)
    except BaseException:
        # Stopped mid-run (the disk full, an interrupt): what was written so far lands, as an
        # unbatched write would have; if even that fails, the temporary files go.
        try:
            store.flush()
        except BaseException:
            store.discard()
        raise
    finally:
        dedupe_index.close()


def _run_indexed(sources: list[Source], config, store: Store, dedupe_index, state: Path,
                 report: ScrapeReport, *, limit, dry_run, sections, keywords, fallback) -> None:
    sync_dedupe(store, dedupe_index)
    forced_merges(store, dedupe_index, report)
    seen_path = state / "scrape-seen.json"
    seen = _load_seen(seen_path)
    now = now_kst().replace(microsecond=0)
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

        # 3. Fetch pages (hosts in parallel), extract (in worker processes when there are
        #    many), render and write in this thread.
        direct: list[tuple[Candidate, Record]] = []
        by_page: dict[str | FormPost, list[Candidate]] = {}
        for c in todo:
            # The listing may carry the whole article (a feed's full text, an API item).
            record = KINDS[c.source.kind].direct_record(c)
            if record is not None:
                direct.append((c, record))
            else:
                by_page.setdefault(c.request or c.url, []).append(c)
        common = dict(store=store, fetcher=fetcher, keywords=keywords, fallback=fallback,
                      sections=sections, now=now, dedupe_index=dedupe_index)
        # Pages are extracted in worker processes (extract_pool.py) while this thread renders
        # and writes; the records come back in the order the pages were fetched, so the
        # duplicate check and the writes see what they saw when this thread extracted them.
        def fetched():
            for target, outcome in fetcher.fetch_many(list(by_page), kind="page"):
                for cand in by_page[target]:
                    yield cand, outcome

        pages = sum(len(cands) for cands in by_page.values())
        with Extractor(config.settings.extract_processes, pages) as extractor:
            for cand, record in direct:
                _finish(cand, record, reports[cand.source.id], report, seen, **common)
                if _batch_due(store):
                    store.flush(wait=False)
            # Closed on the way out of an error too: that stops the fetcher's threads.
            with closing(extractor.results(fetched())) as results:
                for cand, outcome, record in results:
                    url = cand.url
                    rep = reports[cand.source.id]
                    if isinstance(outcome, FetchError):
                        rep.problem(url, outcome.reason)
                    elif isinstance(record, Failed):  # one odd page must not stop the run
                        if record.exc is not None:
                            logger.error("%s: cannot extract %s", cand.source.id, url,
                                         exc_info=record.exc)
                        else:
                            logger.error("%s: cannot extract %s (in an extraction process)\n%s",
                                         cand.source.id, url, record.trace.rstrip("\n"))
                        rep.problem(url, f"extraction failed: {record.description}")
                    else:
                        _finish(cand, record, rep, report, seen, **common)
                    if _batch_due(store):
                        store.flush(wait=False)
        report.fetch_stats = fetcher.stats

    # Everything the report counts as written is in place and synced before the run ends.
    store.flush()

    for s in sources:
        reports[s.id].seconds = round(time.monotonic() - started[s.id], 3)
    if not dry_run:
        data = json.dumps({"version": 1, "seen": seen}, ensure_ascii=False, sort_keys=True)
        atomic_write(seen_path, data.encode("utf-8"))
        _record_health(state, report, config.settings.health_warn_after)


def _batch_due(store: Store) -> bool:
    return store.pending >= WRITE_BATCH or store.pending_seconds >= WRITE_BATCH_SECONDS


def _finish(cand: Candidate, record: Record, rep: SourceReport, report: ScrapeReport,
            seen: dict[str, str], *, store: Store, fetcher: Fetcher, keywords, fallback,
            sections, now: datetime, dedupe_index) -> None:
    """Render and write one article; count what happened. Never raises: one bad item costs
    that item at most."""
    try:
        _finish_one(cand, record, rep, report, seen, store=store, fetcher=fetcher,
                    keywords=keywords, fallback=fallback, sections=sections, now=now,
                    dedupe_index=dedupe_index)
    except OSError as exc:
        if is_disk_full(exc):
            raise  # not this item's fault: every later write would fail too
        logger.exception("%s: cannot write %s", cand.source.id, cand.url)
        rep.problem(cand.url, f"not written: {exc}")
    except Exception as exc:  # a bad value in one item must not stop its source or the run
        logger.exception("%s: cannot write %s", cand.source.id, cand.url)
        rep.problem(cand.url, f"not written: unexpected error: {exc!r}")


def _finish_one(cand: Candidate, record: Record, rep: SourceReport, report: ScrapeReport,
                seen: dict[str, str], *, store: Store, fetcher: Fetcher, keywords, fallback,
                sections, now: datetime, dedupe_index) -> None:
    record = scrubbed(record)
    bad = record.title.count("\ufffd") + record.body_html.count("\ufffd")
    if bad or "\ufffd" in record.summary:
        # Our decoding never makes U+FFFD (it drops or refuses), so these are in the source's
        # own bytes: a real feed says "Elman\ufffds". A few are cut out, not shown as a glyph;
        # many mean text that was already mojibake upstream, and the article is refused.
        size = len(html_to_text(record.body_html))
        if bad > min(MAX_SOURCE_REPLACEMENTS, max(3, size // 100)) or "\ufffd" in record.title:
            rep.problem(cand.url, f"text holds {bad} replacement characters (broken at the "
                                  f"source); not written")
            return
        record = Record(**{
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
        result = _merge_or_write(cand, fields, body, store=store, dedupe_index=dedupe_index,
                                 report=report, now=now)
    except OSError as exc:
        if is_disk_full(exc):
            raise
        rep.problem(cand.url, f"not written: {exc}")
        return
    except (StoreError, ValueError) as exc:
        rep.problem(cand.url, f"not written: {exc}")
        return
    if result.status == "merged":
        rep.merged += 1
        rel = os.path.relpath(result.path, store.root)
        report.written.append(Path(rel).as_posix())
    elif result.status in ("new", "updated"):
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


# --- near-duplicates (issue 12; docs/scraper.md, "One release, many outlets") ----------------

DEDUPE_FILE = "dedupe.sqlite"


def _sign(fields, body: str) -> dedupe.Signature:
    """What the duplicate check compares: the headline and the body."""
    title = next((v for k, v in fields if k == "Title"), "")
    return dedupe.signature(f"{title}\n\n{body}", title)


def _parse_day(value: str) -> datetime | None:
    try:
        return parse_date(value)
    except ValueError:
        return None


def sync_dedupe(store: Store, index: dedupe.DedupeIndex) -> int:
    """Bring the LSH index in line with content/: sign articles it lacks, forget the gone.

    Returns how many articles were signed (all of them after `.state/` was deleted; the
    new ones an editor or another run added otherwise).
    """
    primaries = {i: e for i, e in store.index.items() if e.identity == i and not e.dedupe_off}
    known = index.identities()
    for identity in known - primaries.keys():
        index.remove(identity)
    added = 0
    for identity in sorted(primaries.keys() - known):
        entry = primaries[identity]
        try:
            fields, body, _ = store.read_article(entry)
        except (OSError, StoreError) as exc:
            logger.warning("%s: cannot read for the duplicate index (%s)", entry.path, exc)
            continue
        index.add(identity, _sign(fields, body), entry.date)
        added += 1
    index.commit()
    if added:
        logger.info("duplicate index: signed %d articles", added)
    return added


def forced_merges(store: Store, index: dedupe.DedupeIndex, report: ScrapeReport) -> None:
    """Fold every article an editor marked `Merge_Into: <slug>` into that article."""
    by_slug = {e.slug: e for i, e in store.index.items() if e.identity == i}
    for entry in [e for i, e in store.index.items() if e.identity == i and e.merge_into]:
        host = by_slug.get(entry.merge_into)
        record = {"copy": entry.path.relative_to(store.root).as_posix(), "forced": True,
                  "similarity": None}
        if host is None or host is entry:
            record.update(action="refused", reason=f"Merge_Into: no other article has the "
                                                   f"Slug {entry.merge_into!r}")
            report.merges.append(record)
            logger.warning("%s: %s", entry.path, record["reason"])
            continue
        fields, body, _ = store.read_article(entry)
        fields = [(k, v) for k, v in fields if k not in ("Merge_Into", "Content_Hash")]
        result, action = store.merge_into(host, entry.identity, fields, body)
        record.update(into=host.path.relative_to(store.root).as_posix(), action=action,
                      source=next((v for k, v in fields if k == "Source"), ""),
                      url=next((v for k, v in fields if k == "Source_URL"), ""))
        if result.status == "editor-modified":
            record["reason"] = result.message
        else:
            store.remove_article(entry)
            index.remove(entry.identity)
            if result.status == "merged":
                report.written.append(record["into"])
        report.merges.append(record)


def _merge_or_write(cand: Candidate, fields, body: str, *, store: Store,
                    dedupe_index: dedupe.DedupeIndex, report: ScrapeReport, now: datetime):
    """Write the article, or join it to the article it duplicates (never both)."""
    entry = store.index.get(cand.identity)
    if entry is not None and (entry.identity != cand.identity or entry.merged):
        # A copy merged before (or an article others joined): the merge rules decide again.
        return _join(cand, fields, body, entry, None, store, dedupe_index, report)
    sig = None
    if entry is None:
        sig = _sign(fields, body)
        date = _parse_day(next((v for k, v in fields if k == "Date"), ""))
        match = dedupe_index.best(sig, date, source=cand.source.id, parse=parse_date)
        host = store.index.get(match.identity) if match else None
        if host is not None and not host.dedupe_off and host.identity == match.identity:
            return _join(cand, fields, body, host, match.score, store, dedupe_index, report)
    result = store.write_article(cand.source.id, cand.identity, fields, body,
                                 modified=format_date(now))
    if result.status in ("new", "updated") and not store.dry_run:
        dedupe_index.add(cand.identity, sig or _sign(fields, body),
                         next((v for k, v in fields if k == "Date"), ""))
    return result


def _join(cand: Candidate, fields, body: str, host: Entry, score: float | None, store: Store,
          dedupe_index: dedupe.DedupeIndex, report: ScrapeReport):
    result, action = store.merge_into(host, cand.identity, fields, body)
    if action == "switched" and not store.dry_run:
        dedupe_index.add(host.identity, _sign(fields, body),
                         host.date)
    if score is not None or action in ("switched", "held"):
        entry = {"copy": cand.url, "source": cand.source.id, "forced": False,
                 "into": host.path.relative_to(store.root).as_posix(), "title": host.title,
                 "similarity": score, "action": action}
        if result.status == "editor-modified":
            entry["reason"] = result.message
        report.merges.append(entry)
        logger.info("%s: %s is a copy of %s (similarity %s): %s", cand.source.id, cand.url,
                    entry["into"], score, action)
    return result


def _record_health(state: Path, report: ScrapeReport, warn_after: int) -> None:
    """Hand the run to health.py; its warnings (dying feeds) go into the report."""
    try:
        report.health_warnings = health.record_run(state, report, warn_after=warn_after)
    except Exception:  # health bookkeeping must never fail a scrape
        logger.exception("could not update source health in %s", state)
