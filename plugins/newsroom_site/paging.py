"""List pages that do not move when news arrives (stable pagination).

Pelican numbers list pages from the newest: page 2 holds articles 21-40, so one arrival
shifts every older page of its section, tags, source and author, and all of them must be
rebuilt. Here the first page (the section's own URL) shows the newest `per_page` articles,
and the older pages are fixed blocks counted from the *oldest* article: block 1 holds the 20
oldest, block 2 the next 20, and so on. Only full blocks get a page, so a block's page never
changes once written; a new article changes the first page only, and every `per_page`
arrivals one new block page appears. (Listing by month was the alternative; a busy month of
a section runs to hundreds of articles, which would need paging again.)

A reader walks from the first page to older blocks with 다음 and back with 이전; a block page
is labelled with its date range rather than a page number, since its number counts from the
oldest. URLs keep the site's PAGINATION_PATTERNS: the numbered pattern with the block number,
`section/politics/7/` for block 7. docs/architecture.md has the picture.
"""

from __future__ import annotations

from pelican.paginator import Page
from pelican.writers import Writer


class StablePage(Page):
    """One list page: the first page (`is_front`) or block `number` counted from the oldest."""

    def __init__(self, name, url, object_list, number, paginator, settings, *, is_front):
        super().__init__(name, url, object_list, number, paginator, settings)
        self.is_front = is_front

    @property
    def label(self) -> str:
        """A block's dates, oldest to newest (`2026.03.01 ~ 2026.03.14`); '' on the first page."""
        if self.is_front or not self.object_list:
            return ""
        first, last = self.object_list[-1].date, self.object_list[0].date
        return f"{first:%Y.%m.%d} ~ {last:%Y.%m.%d}"

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

    # Pelican's Page binds its own _from_settings into these properties: bind ours.
    url = property(lambda self: self._from_settings("URL"))
    save_as = property(lambda self: self._from_settings("SAVE_AS"))


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

    def page(self, number: int) -> StablePage:
        """Block `number` (1 = the oldest), or the first page for number 0."""
        if number == 0:
            return self._pages[0]
        return next(p for p in self._pages[1:] if p.number == number)

    def pages(self):
        """(page, newer, older) in reading order. From the first page, 다음 skips a block
        whose articles the first page shows in full (when the count is a multiple of the
        page size, the newest block is the first page); 이전 from a block page leads to the
        next newer block, and from the newest block to the first page."""
        front, blocks = self._pages[0], self._pages[1:]
        if not blocks:
            return [(front, None, None)]
        skip_newest = self.count % self.per_page == 0
        first_older = blocks[1] if skip_newest and len(blocks) > 1 else (
            None if skip_newest else blocks[0]
        )
        out = [(front, None, first_older)]
        for i, block in enumerate(blocks):
            newer = blocks[i - 1] if i > 0 else front
            older = blocks[i + 1] if i + 1 < len(blocks) else None
            out.append((block, newer, older))
        return out


class NewsroomWriter(Writer):
    """Pelican's writer with stable pagination for the PAGINATED_TEMPLATES."""

    def write_file(self, name, template, context, relative_urls=False, paginated=None,
                   template_name=None, override_output=False, url=None, **kwargs):
        if paginated is None:
            paginated = {k: v for k, v in kwargs.items() if k in {"articles", "dates"}}
        if not (name and paginated and template_name in self.settings["PAGINATED_TEMPLATES"]):
            return super().write_file(
                name, template, context, relative_urls, paginated or {}, template_name,
                override_output, url, **kwargs,
            )
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
            super().write_file(
                save_as, template, context, relative_urls, {}, None, override_output, url,
                **page_kwargs,
            )


def get_writer(pelican):
    """`get_writer`: the newsroom writer."""
    return NewsroomWriter
