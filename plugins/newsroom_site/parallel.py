"""Render a batch of pages on several processes (the machine's cores), with the same bytes.

Pelican renders one page after another on one core. Most of a build's pages (an article's
own page, a tag's, a reporter's or a source's list) are independent of each other once the
template context is made, so the writer queues them (`NewsroomWriter.hold`) and renders
the queue in shares (newsroom/core/forked.py): the build process forks one child per extra
process, share k takes pages k, k+P, k+2P, …, and every process renders or links its pages
exactly as the single-process writer would (it is the same code: `writer.emit`). The children
send back the page signatures for the next build and the counters.

What stays the same:
- the bytes of every page: each is rendered from the same context by the same templates;
  tests/site/test_parallel_render.py compares builds on one and on two processes, and the
  test suite renders every build's batch in two shares (NEWSROOM_RENDER_PARALLEL_MIN=1);
- the first error in page order is the one raised, as Pelican would have raised it;
- a child dies with the build (PR_SET_PDEATHSIG), so a build killed past its timeout leaves
  no process behind.
"""

from __future__ import annotations

from newsroom.core import forked

# Below this many queued pages the fork costs more than it saves.
PARALLEL_MIN_PAGES = 200


def process_count(settings: dict) -> int:
    """NEWSROOM_RENDER_PROCESSES (validated in newsroom.core.settings)."""
    from .config import newsroom_settings

    return forked.processes(newsroom_settings(settings)["NEWSROOM_RENDER_PROCESSES"])


def run_shares(queue: list, processes: int, emit, collect, merge,
               label: str = "pages rendered") -> None:
    """Render the queued pages (or fingerprint the articles) in shares (forked.run_shares)."""
    forked.run_shares(queue, processes, emit, collect, merge,
                      minimum=forked.minimum_from_env(PARALLEL_MIN_PAGES), label=label)
