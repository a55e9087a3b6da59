"""`newsroom takedown`: take an article off the site now, and keep it off.

    newsroom takedown news/hanbit-snow-plan.html --reason "게시중단 요청 2026-11-30"
    newsroom takedown content/articles/hanbit-snow-plan.md
    newsroom takedown --list
    newsroom takedown --lift news/hanbit-snow-plan.html

In order, under the job lock:
1. records the takedown in takedowns.toml (the page's URL, its file, the images only it
   shows, the time and the reason), so no build, rebuild or rollback brings it back;
2. deletes the page and those images (and their .gz copies) from every release at once, the
   live one included: the page answers 404 within a second;
3. then runs the update job (no scrape) to publish a release without it in any list, box,
   feed, sitemap or search index; with --target, copies that release to the deploy target.

The content file stays where it is (an editor may need it, and a scraper that sees the
release again finds its file and does not write a new one); takedowns.toml is what keeps
it off. `--lift` removes the record and publishes again.

Editors run it, so what it prints and its errors are Korean; the update job it runs logs in
English for operators, like the scheduled job.
"""

from __future__ import annotations

import argparse
import logging
import re
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from newsroom.common import add_project_arguments, run_locked
from newsroom.core import exits, takedowns
from newsroom.core.files import content_files
from newsroom.core.model import KST, derive_slug, parse_header

logger = logging.getLogger(__name__)

# Images an article shows: its Image key, and paths under images/ in its body.
BODY_IMAGE_RE = re.compile(r"(?:\{static\}|\{filename\}|\.\./|/)?(images/[^\s\"')>]+)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_project_arguments(parser, output=True, releases=True, settings_default="publishconf.py")
    parser.add_argument("target", nargs="?", metavar="URL_OR_FILE",
                        help="the article: its URL (news/<slug>.html, /news/…, https://…) or "
                             "its file under content/")
    parser.add_argument("--reason", default="", help="why (kept in takedowns.toml)")
    parser.add_argument("--lift", action="store_true",
                        help="lift the takedown of URL_OR_FILE and publish it again")
    parser.add_argument("--list", action="store_true", help="list the takedowns and exit")
    parser.add_argument("--target", dest="deploy_target", metavar="DEST",
                        help="also copy the new release to this deploy target (as publish)")


def run(args: argparse.Namespace) -> int:
    from newsroom.core.settings import read_settings

    try:
        settings = read_settings(args.settings.resolve().parent, args.settings.name)
    except (OSError, ValueError) as e:
        logger.error("%s: 설정 파일을 읽을 수 없습니다: %s", args.settings, e)
        return exits.USAGE
    path = takedowns.path_of(args.settings, settings)
    try:
        items = takedowns.read(path)
    except takedowns.TakedownError as e:
        logger.error("%s", e)
        return exits.INVALID
    if args.list:
        for t in items:
            print(f"{t.url}\t{t.date}\t{t.source}\t{t.reason}")
        return exits.OK
    if not args.target:
        logger.error("newsroom takedown: 내릴 기사의 주소(news/<slug>.html)나 파일을 주세요 "
                     "(게시 중단 목록은 --list).")
        return exits.USAGE
    article_as = settings.get("ARTICLE_SAVE_AS") or "{slug}.html"
    found = find_article(args.target, args.content, article_as)
    if found is None:
        if args.lift and any(t.url == _url_of(args.target) for t in items):
            found = (_url_of(args.target), None)
        else:
            logger.error("%s: 이 주소나 파일의 기사가 %s 아래에 없습니다. 기사 주소"
                         "(news/<slug>.html)나 content/ 아래 파일 경로를 확인하세요.",
                         args.target, args.content)
            return exits.USAGE
    url, source = found

    def apply() -> int:
        current = takedowns.read(path)
        if args.lift:
            kept = [t for t in current if t.url != url]
            if len(kept) == len(current):
                logger.error("%s: 게시 중단된 기사가 아닙니다(%s). 목록은 newsroom takedown "
                             "--list로 보세요.", url, path)
                return exits.USAGE
            takedowns.write(path, kept)
            print(f"게시 중단 해제: {url}")
            return exits.OK
        if any(t.url == url for t in current):
            print(f"이미 게시 중단됨: {url}")
        else:
            images = own_images(source, args.content) if source else ()
            entry = takedowns.Takedown(
                url=url, source=source.as_posix() if source else "", images=tuple(images),
                date=datetime.now(KST).isoformat(timespec="seconds"), reason=args.reason)
            takedowns.write(path, [*current, entry])
        entry = next(t for t in takedowns.read(path) if t.url == url)
        removed = purge(args.releases, [entry.url, *entry.images])
        print(f"게시 중단: {url} — 발행본에서 파일 {len(removed)}개를 지웠습니다")
        return exits.OK

    code = run_locked(args.state, apply)
    if code != exits.OK:
        return code
    return republish(args)


def republish(args: argparse.Namespace) -> int:
    """The update job without scraping: a release without (or with) the article."""
    from newsroom import update

    parser = argparse.ArgumentParser()
    update.add_arguments(parser)
    job = parser.parse_args([
        "--no-scrape", "--force", "--content", str(args.content), "--state", str(args.state),
        "--settings", str(args.settings), "--output", str(args.output),
        "--releases", str(args.releases),
    ])
    code = update.run(job)
    if code not in (exits.OK, exits.HELD_BACK) or not args.deploy_target:
        return code
    from newsroom import deploy

    parser = argparse.ArgumentParser()
    deploy.add_arguments(parser)
    publish = parser.parse_args(["--target", args.deploy_target, "--output", str(args.output)])
    return deploy.run(publish) or code


def _url_of(target: str) -> str:
    """`https://site/news/x.html`, `/news/x.html`, `news/x.html` -> `news/x.html`."""
    parts = urlsplit(target)
    return takedowns.normalise_url(parts.path if parts.scheme or parts.netloc else target)


def find_article(target: str, content: Path, article_as: str) -> tuple[str, Path] | None:
    """(URL, file) of the article named by URL or file; None when nothing matches."""
    as_file = Path(target)
    files = list(content_files(content))
    if as_file.suffix in (".md", ".markdown") and as_file.is_file():
        wanted = as_file.resolve()
        files = [f for f in files if f.resolve() == wanted] or [as_file]
    else:
        wanted = None
    url = _url_of(target)
    for f in files:
        rel = f.relative_to(content).as_posix() if f.is_relative_to(content) else f.name
        header = parse_header(f.read_text(encoding="utf-8", errors="replace"))
        slug = derive_slug(header.value("Slug") or None, rel)
        page = article_as.format(slug=slug, lang="ko")
        if wanted is not None or page == url:
            return page, f
    return None


def own_images(source: Path, content: Path) -> list[str]:
    """The images under content/ this article shows and no other content file names."""
    text = source.read_text(encoding="utf-8", errors="replace")
    header = parse_header(text)
    mine = {m.group(1) for m in BODY_IMAGE_RE.finditer(text)}
    if header.value("Image"):
        mine.add(header.value("Image").strip().lstrip("/"))
    mine = {m for m in mine if (content / m).is_file()}
    for other in content_files(content):
        if not mine or other.resolve() == source.resolve():
            continue
        body = other.read_text(encoding="utf-8", errors="replace")
        mine = {m for m in mine if m not in body}
    return sorted(mine)


def purge(releases: Path, rels: list[str]) -> list[str]:
    """Delete these site paths (and .gz copies, and fingerprinted copies name.<hash>.ext)
    from every release; returns what was deleted. Each release folder keeps every other
    file: unchanged pages are hard links shared between releases, and an unlink removes
    one name only."""
    removed = []
    if not releases.is_dir():
        return removed
    folders = [p for p in releases.iterdir() if p.is_dir() and not p.name.startswith(".")]
    for folder in folders:
        for rel in rels:
            target = folder / rel
            stem, dot, ext = target.name.rpartition(".")
            names = [target, target.with_name(target.name + ".gz")]
            if dot and target.parent.is_dir():
                pattern = re.compile(rf"{re.escape(stem)}\.[0-9a-f]{{10}}\.{re.escape(ext)}(\.gz)?$")
                names += [p for p in target.parent.iterdir() if pattern.match(p.name)]
            for p in names:
                if p.is_file() or p.is_symlink():
                    p.unlink()
                    removed.append(p.relative_to(releases).as_posix())
    return removed
