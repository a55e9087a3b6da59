"""The content check before Pelican reads any article: the strict build refuses bad files,
the preview lists them on a banner.

Pelican alone logs a file it cannot read and skips it, so an article silently disappears from
the published site. Run at `article_generator_init`, once per build (not at
`article_generator_preread`, which Pelican sends before *each* file and which made the
whole-folder check quadratic: 1,000 articles took 250 s). Generators are created anew for
every build, so autoreload checks again after each change.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from newsroom.core.check import check_content, slug_age

from .config import newsroom_settings

logger = logging.getLogger(__name__)


class ContentProblems(SystemExit):
    """The strict build found bad content files; exits the `pelican` command with status 1.

    A SystemExit, so Pelican's command line exits without a traceback; callers that build
    in-process catch it like any exception.
    """

    def __init__(self, problems):
        self.problems = problems
        super().__init__(1)

    def __str__(self):
        return f"{len(self.problems)} problem(s) in content files"


def check_before_reading(generator) -> None:
    """Check every content file; refuse the strict build, or put the problems on the banner."""
    ns = newsroom_settings(generator.settings)
    if generator.settings.get("NEWSROOM_CONTENT_CHECKED"):
        # The update job checked content/ with the same checker and staged only files that
        # passed (newsroom/holdback.py): checking the staged copy again costs seconds at
        # 10,000 articles and cannot find anything new.
        return
    content_dir = Path(generator.path)
    sections = [name for name, _slug in ns["NEWSROOM_SECTIONS"]]
    problems = check_content(
        content_dir,
        sections,
        page_paths=generator.settings.get("PAGE_PATHS", ["pages"]),
        # Paths as the person running the build can open them: relative to the working
        # folder when the content is inside it, else absolute.
        base=Path.cwd() if content_dir.resolve().is_relative_to(Path.cwd()) else None,
    )
    generator.context["NEWSROOM_PROBLEMS"] = [str(p) for p in problems]
    if not problems:
        return
    if ns["NEWSROOM_STRICT"]:
        # Plain lines on stderr, exactly as `newsroom check` prints them: Pelican's rich log
        # handler wraps long records, which breaks `path:line: message` for editors' tools.
        sys.stderr.write("".join(f"{p}\n" for p in problems))
        sys.stderr.flush()
        logger.error(
            "콘텐츠 파일에 문제가 %d건 있어 게시용 빌드를 여기서 멈춥니다. "
            "`newsroom check`로 목록을 보고 고치세요.",
            len(problems),
        )
        raise ContentProblems(problems)
    for p in problems:
        logger.warning("%s", p, extra={"limit_msg": "문제가 더 있습니다. `newsroom check`로 모두 보세요."})


def skip_duplicate_slugs(generator) -> None:
    """The preview keeps one article per output page; the later file of a duplicate is skipped.

    Run at `article_generator_pretaxonomy`. The check above already named the file on the
    banner (the strict build stopped there). Without this, Pelican's writer refuses to write
    the second page over the first and raises, and `pelican -r`'s loop rebuilds at once after
    any exception, without waiting for a change: a busy loop that never finishes a build, so
    the preview stopped updating and showed no banner. Which file keeps the page follows the
    check's rule (`newsroom.core.check.slug_age`).
    """

    def age(a):
        try:
            mtime = os.stat(a.source_path).st_mtime
        except OSError:
            mtime = 0.0
        return slug_age(a.date, mtime, a.source_path)

    everything = generator.articles + generator.hidden_articles + generator.drafts
    by_page: dict[str, list] = {}
    for a in everything:
        by_page.setdefault(a.save_as, []).append(a)
    skipped = set()
    # Only files that share a page are compared (a stat each): not 10,000 stats per build.
    for save_as, group in by_page.items():
        if len(group) < 2:
            continue
        first, *later = sorted(group, key=age)
        for a in later:
            skipped.add(id(a))
            logger.warning(
                "%s: 미리보기에서 뺐습니다. %s 파일이 이미 %s 주소를 씁니다 (slug 중복). "
                "이 파일의 머리말에 다른 Slug를 쓰세요.",
                a.relative_source_path, first.relative_source_path, save_as,
            )
    if skipped:
        generator.articles = [a for a in generator.articles if id(a) not in skipped]
        generator.hidden_articles = [a for a in generator.hidden_articles if id(a) not in skipped]
        generator.drafts = [a for a in generator.drafts if id(a) not in skipped]
