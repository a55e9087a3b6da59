"""List pages that do not move when news arrives (stable pagination).

Pelican numbers list pages from the newest: page 2 holds articles 21-40, so one arrival
shifts every older page of its section, tags, source and author, and all of them must be
rebuilt. Here the first page (the section's own URL) shows the newest `per_page` articles,
and the older pages are fixed blocks counted from the *oldest* article: block 1 holds the 20
oldest, block 2 the next 20, and so on. Only full blocks get a page (and not the newest one
while it is exactly the first page), so a block's list never changes once written; a new
article changes the first page, and every `per_page` arrivals one new block page appears. (Listing by month was the alternative; a busy month of
a section runs to hundreds of articles, which would need paging again.)

A reader walks from the first page to older blocks with 다음 and back with 이전; a block page
is labelled with its date range rather than a page number, since its number counts from the
oldest. URLs keep the site's PAGINATION_PATTERNS: the numbered pattern with the block number,
`section/politics/7/` for block 7. docs/architecture.md has the picture.
"""

from __future__ import annotations

import logging
import os
import shutil

from pelican import signals
from pelican.generators import StaticGenerator
from pelican.paginator import Page
from pelican.utils import path_to_url, sanitised_join
from pelican.writers import Writer

from newsroom.core import forked, kept

from .incremental import RenderMemo, render_tracked
from .parallel import process_count, run_shares
from .speedups import relative_path

logger = logging.getLogger(__name__)


class StablePage(Page):
    """One list page: the first page (`is_front`) or block `number` counted from the oldest."""

    def __init__(self, name, url, object_list, number, paginator, settings, *, is_front):
        super().__init__(name, url, object_list, number, paginator, settings)
        self.is_front = is_front
        # Pelican's Page binds its own _from_settings into properties: ours are worked out
        # once, here (the writer, the pager links and the fingerprints all ask), and set as
        # plain attributes. A `cached_property` stored them through `__dict__[...]`, which
        # turns CPython 3.11's compact key-sharing instance dict into a full one: 1.3 KB a
        # page instead of 0.6 KB.
        self.url = self._from_settings("URL")
        self.save_as = self._from_settings("SAVE_AS")

    @property
    def label(self) -> str:
        """A block's dates, oldest to newest (`2026.03.01 ~ 2026.03.14`); '' on the first page."""
        if self.is_front or not self.object_list:
            return ""
        first, last = self.object_list[-1].date, self.object_list[0].date
        return f"{_ymd(first)} ~ {_ymd(last)}"

    def _from_settings(self, key):
        # The first page takes the pattern for page 1; a block page the numbered pattern
        # (the last rule), whatever its number, so that block 1 is not mistaken for page 1.
        rules = [p for p in self.settings["PAGINATION_PATTERNS"] if p.min_page != -1]
        if not rules:
            return ""
        rule = rules[0] if self.is_front else rules[-1]
        value = getattr(rule, key).format(
            save_as=self.full_name,
            url=self.base_url,
            name=self.name,
            base_name=self.base_name,
            number=self.number,
        )
        return value[1:] if value.startswith("/") else value

    def __fingerprint__(self):
        # What the theme reads of a page: its articles, its place and its label.
        return (self.object_list, self.url, self.save_as, self.is_front, self.number,
                self.label, self.paginator.num_pages > 1, self.paginator.page(0).url)

    # Plain attributes set in __init__, over Pelican's properties of the same names.
    url = save_as = None


class StablePaginator:
    """The pages of one newest-first list: the first page, then full blocks, newest first.

    `pages()` gives (page, newer, older) in reading order; `num_pages` how many there are
    (the theme shows a pager when it is more than one).
    """

    def __init__(self, name, url, object_list, settings, per_page):
        self.name = name
        self.url = url
        self.object_list = list(object_list)
        self.settings = settings
        self.per_page = per_page or len(self.object_list) or 1
        self.count = len(self.object_list)
        self._pages = self._make_pages()
        self.num_pages = len(self._pages)

    def _make_pages(self) -> list[StablePage]:
        items, size, n = self.object_list, self.per_page, self.count
        front = StablePage(
            self.name, self.url, items[:size], 1, self, self.settings, is_front=True
        )
        full_blocks = n // size
        if full_blocks and n % size == 0:
            # The newest full block is exactly the first page: it gets its own page when the
            # next article arrives (a page that only repeated the first would be unreachable).
            full_blocks -= 1
        blocks = []
        for b in range(full_blocks, 0, -1):  # newest block first
            # Block b holds the oldest-first positions [(b-1)*size, b*size), that is the
            # newest-first slice ending `(b-1)*size` from the end.
            end = n - (b - 1) * size
            blocks.append(
                StablePage(
                    self.name, self.url, items[end - size : end], b, self, self.settings,
                    is_front=False,
                )
            )
        return [front, *blocks]

    def __fingerprint__(self):
        # Templates read pages (above), not the paginator's whole list: only what stays put.
        return (self.name, self.url, self.per_page, self.num_pages > 1)

    def page(self, number: int) -> StablePage:
        """Block `number` (1 = the oldest), or the first page for number 0."""
        if number == 0:
            return self._pages[0]
        return next(p for p in self._pages[1:] if p.number == number)

    def pages(self):
        """(page, newer, older) in reading order: 다음 from the first page leads to the
        newest block page, 이전 from a block page to the next newer block, and from the
        newest block to the first page."""
        front, blocks = self._pages[0], self._pages[1:]
        if not blocks:
            return [(front, None, None)]
        out = [(front, None, blocks[0])]
        for i, block in enumerate(blocks):
            newer = blocks[i - 1] if i > 0 else front
            older = blocks[i + 1] if i + 1 < len(blocks) else None
            out.append((block, newer, older))
        return [(page, _link(newer), _link(older)) for page, newer, older in out]


class PageLink:
    """A neighbouring list page as the pager shows it: its URL only, so that a page does not
    depend on what its neighbours list (the first page changes with every arrival)."""

    def __init__(self, page: StablePage) -> None:
        self.url = page.url
        self.save_as = page.save_as
        self.number = page.number
        self.is_front = page.is_front

    def __fingerprint__(self):
        return (self.url, self.save_as, self.number, self.is_front)


def _ymd(d) -> str:
    """`2026.03.01` (not strftime: Pelican's dates format slowly, and blocks are many)."""
    return f"{d.year:04d}.{d.month:02d}.{d.day:02d}"


def _link(page: StablePage | None) -> PageLink | None:
    return PageLink(page) if page is not None else None


class NewsroomWriter(Writer):
    """Pelican's writer with stable pagination for the PAGINATED_TEMPLATES, rendering only
    pages whose inputs changed since the previous release (incremental.py)."""

    active: NewsroomWriter | None = None

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self.memo = RenderMemo(self.settings)
        self._queue: list | None = None  # pages held (`hold`) until `release`
        self._queued: set | None = None
        self._held = False
        # The update job recycles an old release: unchanged pages are noted, not linked
        # (newsroom/core/kept.py), and the job links the few the recycled release lacks.
        self._noting = self.memo.enabled and kept.recording(self.settings)
        NewsroomWriter.active = self
        # One batch for the whole build: the article, list, source, redirect and static
        # pages of every generator are rendered together, on one fork of the build process,
        # instead of one fork per generator (each fork's processes fingerprinted the same
        # articles again). Released before the static files are copied (`release_pages`),
        # the last thing Pelican does with a writer, and at `finalized`.
        self.hold()

    def write_file(self, name, template, context, relative_urls=False, paginated=None,
                   template_name=None, override_output=False, url=None, **kwargs):
        if not name:
            return
        if paginated is None:
            paginated = {k: v for k, v in kwargs.items() if k in {"articles", "dates"}}
        if not (paginated and template_name in self.settings["PAGINATED_TEMPLATES"]):
            self._write_one(name, template, context, relative_urls, override_output, kwargs)
            return
        per_page = (
            self.settings["PAGINATED_TEMPLATES"][template_name]
            or self.settings["DEFAULT_PAGINATION"]
        )
        paginators = {
            key: StablePaginator(name, url, val, self.settings, per_page)
            for key, val in paginated.items()
        }
        walks = {key: p.pages() for key, p in paginators.items()}
        count = len(next(iter(walks.values())))
        for i in range(count):
            page_kwargs = dict(kwargs)
            for key, paginator in paginators.items():
                page, newer, older = walks[key][i]
                page_kwargs.update({
                    f"{key}_paginator": paginator,
                    f"{key}_page": page,
                    f"{key}_previous_page": newer,
                    f"{key}_next_page": older,
                })
            save_as = walks[next(iter(walks))][i][0].save_as
            self._write_one(save_as, template, context, relative_urls, override_output,
                            page_kwargs)

    def hold(self) -> None:
        """Queue every page written from now on until `release()`, which renders them on
        the machine's cores (parallel.py). Pages that must keep their place in the order
        (one written twice, or with `override_output`) first render everything queued
        before them, then themselves."""
        if self._queue is None:
            self._queue, self._queued = [], set()
            self._held = True

    def release(self) -> None:
        """Render the held batch."""
        if not self._held:
            return
        self._held = False
        try:
            self._flush()
        finally:
            self._queue = self._queued = None

    def _write_one(self, name, template, context, relative_urls, override, kwargs) -> None:
        """Pelican's render-and-write of one file, or a link to the previous release's copy
        when the page's inputs did not change; queued while the writer holds its batch."""
        # What this page sets on top of the shared context, in Pelican's order. The page's
        # own copy of the context (hundreds of keys) is made only when it renders: queued
        # copies of 13,000 pages held about 250 MB at 10,000 articles, mostly for pages
        # then linked from the previous release. Nothing changes the shared context while
        # pages are queued (Pelican's period archives pass copies of their own).
        own = {"localsiteurl": context.get("localsiteurl", None)}
        if relative_urls:
            relative_url = path_to_url(relative_path(name))
            own["SITEURL"] = relative_url
            own["localsiteurl"] = relative_url
        own["output_file"] = name
        own.update(kwargs)
        path = self._join(name)
        job = (name, template, own, override, path, context)
        if self._queue is not None:
            plain = (not override and path not in self._queued
                     and path not in self._written_files and path not in self._overridden_files)
            if plain:
                self._queue.append(job)
                self._queued.add(path)
                return
            self._flush()
        self.emit(job)

    def _join(self, name: str) -> str:
        """Pelican's `sanitised_join(output_path, name)`, the same string, without its two
        `abspath` calls for a plain relative name (no `.` or `..` part, no empty part): 14,000
        pages a build."""
        base = self.__dict__.get("_abs_output")
        if base is None:
            base = self._abs_output = sanitised_join(self.output_path, "")
        padded = f"/{name}/"
        if (base != "/" and not name.startswith("/") and "//" not in padded
                and "/./" not in padded and "/../" not in padded):
            return f"{base}/{name}"
        return sanitised_join(self.output_path, name)

    def _flush(self) -> None:
        queue, self._queue = self._queue, []
        self._queued = set()
        if not queue:
            return
        memo = self.memo
        before = (memo.rendered, memo.linked)
        noted = len(kept.NAMES)

        def collect(jobs):
            pages = {job[0]: memo.pages[job[0]] for job in jobs if job[0] in memo.pages}
            return {"pages": [(n, sig, memo.keysets[i]) for n, (sig, i) in pages.items()],
                    "rendered": memo.rendered - before[0], "linked": memo.linked - before[1],
                    "kept": kept.since(noted),
                    "debug": {job[0]: memo.debug[job[0]] for job in jobs
                              if job[0] in getattr(memo, "debug", {})}}

        def merge(result):
            for name, sig, keys in result["pages"]:
                memo._remember(name, sig, keys)
            memo.rendered += result["rendered"]
            memo.linked += result["linked"]
            kept.NAMES.extend(result["kept"])
            if result["debug"]:
                memo.debug = getattr(memo, "debug", {})
                memo.debug.update(result["debug"])

        if memo.enabled and not self.__dict__.get("_prefilled"):
            self._prefilled = True
            processes = process_count(self.settings)
            memo.fps.prefill(
                list(queue[0][5].get("articles") or ()),
                lambda jobs, emit, collect, merge: run_shares(
                    jobs, processes, emit, collect, merge, label="articles fingerprinted"))
        # The folders that hold the queue's page folders first, here, parents before children
        # (sorted); each process then makes the page folders of its own share (a list page's
        # `N/`): thousands of mkdirs, kernel time that the two cores share. A build that notes
        # kept pages makes only the folders of the pages it renders, as it renders them.
        if not self._noting:
            for folder in sorted({os.path.dirname(os.path.dirname(job[4])) for job in queue}):
                self._makedirs(folder)
        try:
            run_shares(queue, process_count(self.settings), self.emit, collect, merge)
        finally:
            # Written by one process or another: Pelican's overwrite check sees them all.
            self._written_files.update(job[4] for job in queue)

    def emit(self, job) -> None:
        """Render and write one page, or link it from the previous release."""
        name, template, own, override, path, context = job
        memo = self.memo
        fresh = path not in self._written_files and path not in self._overridden_files
        source = (memo.reusable(name, template.name, Layered(own, context))
                  if memo.enabled and fresh else None)
        if source is not None and (self._note(path, source) if self._noting
                                   else self._link(source, path)):
            self._written_files.add(path)
            memo.reused(name)
            if signals.content_written.receivers:
                signals.content_written.send(path, context={**context, **own})
            return
        localcontext = context.copy()
        localcontext.update(own)
        if localcontext["localsiteurl"]:
            # Pelican's writer does this too: an article's Markdown links ({static}, …) are
            # made relative to the page that shows it through the shared context, read when
            # the page renders, so it is set here, just before, not when the page is queued.
            context["localsiteurl"] = localcontext["localsiteurl"]
        output, keys = render_tracked(template, localcontext)
        self._makedirs(os.path.dirname(path))
        with self._open_w(path, "utf-8", override=override) as f:
            f.write(output)
        logger.debug('Writing "%s"', path)  # 13,000 lines of a full build's log otherwise
        memo.rendered += 1
        if memo.enabled:
            memo.record(name, template.name, localcontext, keys)
        signals.content_written.send(path, context=localcontext)

    def _link(self, source: str, path: str) -> bool:
        """Hard-link the previous release's page (a copy across file systems); False when
        that release no longer has it, or it is not a plain file: the page renders."""
        self._makedirs(os.path.dirname(path))
        try:
            os.link(source, path)
        except FileNotFoundError:
            return False
        except OSError:
            if not os.path.isfile(source):
                return False
            shutil.copy2(source, path)
        return True

    def _note(self, path: str, source: str) -> bool:
        """Note the page at `path` as kept from the previous release, where `source` is a
        plain file; False when it is gone or not one: the page renders (as `_link`)."""
        if not os.path.isfile(source):
            return False
        base = self.__dict__.get("_abs_output") or sanitised_join(self.output_path, "")
        kept.add(os.path.relpath(path, base) if not path.startswith(base + "/")
                 else path[len(base) + 1:])
        return True

    def _makedirs(self, folder: str) -> None:
        """`os.makedirs` once per folder: thousands of pages share a handful of folders.
        One `mkdir` when the parent exists (made first, in sorted order), no `stat`."""
        made = self.__dict__.setdefault("_made_dirs", set())
        if folder not in made:
            try:
                os.mkdir(folder)
            except FileExistsError:
                pass
            except FileNotFoundError:
                os.makedirs(folder, exist_ok=True)
            made.add(folder)


class Layered:
    """A page's context without copying it: the page's own keys, then the shared ones (what
    `RenderMemo.signature` reads, through `get`)."""

    __slots__ = ("own", "shared")

    def __init__(self, own: dict, shared: dict) -> None:
        self.own, self.shared = own, shared

    def get(self, key, default=None):
        own = self.own
        return own[key] if key in own else self.shared.get(key, default)


def get_writer(pelican):
    """`get_writer`: the newsroom writer."""
    return NewsroomWriter


_pelican_static_output = StaticGenerator.generate_output


def release_pages(self, writer=None):
    """StaticGenerator.generate_output (Pelican runs it last): the held pages are rendered
    first, as they were before it when each generator rendered its own."""
    release = getattr(writer, "release", None)
    if release is not None:
        release()
    forked.join_beside()  # work that ran beside the pages (the search index)
    return _pelican_static_output(self, writer)


def save_memo(pelican) -> None:
    """`finalized`: render what is still held (a build without static files), then keep
    this build's page signatures for the next one, and the names of the files it took
    unchanged when the job asked for them (newsroom/core/kept.py)."""
    writer = NewsroomWriter.active
    if writer is not None and writer.output_path == pelican.output_path:
        writer.release()
        writer.memo.save()
    forked.join_beside()  # before the kept names are saved: the search index notes some
    if kept.recording(pelican.settings):
        # Always, even empty: a missing list tells the job that the build did not note.
        kept.save(pelican.settings)


def install() -> None:
    StaticGenerator.generate_output = release_pages
