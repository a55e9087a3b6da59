"""`newsroom new`: write a new article file for an editor and print its path.

The file is `content/articles/<slug>.md` with a filled metadata header (date now in Korea
time) and a placeholder body. It is created exclusively: an existing file is never touched.
Editors run it, so its errors are Korean and say the fix; the option names stay as typed.
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import sys
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from newsroom.common import UsageError, add_project_arguments
from newsroom.core import exits, model
from newsroom.core.files import content_files
from newsroom.core.model import PLACEHOLDER

logger = logging.getLogger(__name__)

# A new article starts as a draft so the scheduled update job cannot publish a placeholder.
DRAFT_HINT = (
    " 다 쓰면 `Status: draft`를 `Status: published`로 바꾸고 `newsroom check`로 확인하세요."
)
# An existing file is never overwritten; the editor picks another slug.
EXISTS = "이미 있는 파일이라 덮어쓰지 않습니다. --slug로 다른 slug를 주세요."
# Generated slugs are `YYYYMMDD-<hex>`; a clash with an existing file gets a fresh suffix.
_SLUG_ATTEMPTS = 20


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--category", required=True, help="section, one of NEWSROOM_SECTIONS (정치, 경제, 문화)"
    )
    parser.add_argument("--title", required=True, help="headline")
    parser.add_argument("--subtitle", default="", help="subheading shown under the title")
    parser.add_argument("--tags", default="", help="comma-separated regions, agencies, topics")
    parser.add_argument("--author", default="", help="reporter name(s), comma separated")
    parser.add_argument("--source", default="", help="agency credited as 뉴스출처")
    parser.add_argument("--source-url", default="", help="URL of the original (http or https)")
    parser.add_argument("--summary", default="", help="one or two sentences for lists and feeds")
    parser.add_argument("--image", type=Path, metavar="FILE",
                        help="lead photo (JPEG, PNG, GIF or WebP, at most 10 MB): copied to "
                             "content/images/articles/<slug>.<ext>")
    parser.add_argument("--caption", default="", help="photo caption, shown as ▲ 설명")
    parser.add_argument("--credit", default="", help="photo credit, shown as (사진=…)")
    parser.add_argument("--slug", default="", help="ASCII URL slug; default YYYYMMDD-<random hex>")
    # --settings is relative to the project folder (the nearest holding pelicanconf.py).
    add_project_arguments(parser, state=False, content_default=None)
    parser.add_argument(
        "--publish",
        action="store_true",
        help="write Status: published instead of Status: draft "
        "(the next update job then publishes it)",
    )


def run(args: argparse.Namespace) -> int:
    try:
        content_dir, sections = _project(args.settings, args.content)
        now = datetime.now(model.KST)
        fields = build_fields(
            category=args.category,
            title=args.title,
            subtitle=args.subtitle,
            tags=args.tags,
            authors=args.author,
            source=args.source,
            source_url=args.source_url,
            sections=sections,
            now=now,
            publish=args.publish,
            summary=args.summary,
            caption=args.caption,
            credit=args.credit,
        )
        image = check_image(args.image) if args.image else None
        if image is None and (args.caption or args.credit):
            raise UsageError("--caption과 --credit은 사진 설명입니다. 사진 파일을 --image로 "
                             "함께 주세요.")
        path = create_article(content_dir, fields, args.slug, now, image=image)
    except UsageError as e:
        print(f"newsroom new: {e}", file=sys.stderr)
        return e.exit_code
    print(_shown(path))
    return exits.OK


def _project(settings_name: Path, content: Path | None) -> tuple[Path, list[str]]:
    """The content folder and the section names, read the same way `newsroom check` reads them.

    The project is the nearest folder up from here holding pelicanconf.py; its NEWSROOM_SECTIONS
    (validated by newsroom.core.settings) decide which categories exist, and its PATH is the
    content folder unless --content names another.
    """
    from newsroom.core.settings import SettingsError, find_root, read_settings, resolve

    root = find_root()
    settings_path = root / settings_name
    if not settings_path.is_file():
        raise UsageError(f"{settings_path}: 설정 파일이 없습니다. 프로젝트 폴더에서 실행하거나 "
                         "--settings로 설정 파일을 주세요.")
    try:
        settings = read_settings(root, settings_name)
        names = resolve(settings).section_names
    except SettingsError as e:
        raise UsageError(f"{settings_path}: {e}") from None
    except Exception as e:  # a settings file is arbitrary Python; report it, don't trace back
        raise UsageError(f"{settings_path}: 설정 파일을 읽을 수 없습니다: {e}") from e
    content_dir = Path(content) if content else Path(settings["PATH"])
    return content_dir, names


def _shown(path: Path) -> str:
    """The path as an editor would type it: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def build_fields(
    *,
    category: str,
    title: str,
    subtitle: str,
    tags: str,
    authors: str,
    source: str,
    source_url: str,
    sections: list[str],
    now: datetime,
    publish: bool,
    summary: str = "",
    caption: str = "",
    credit: str = "",
) -> list[tuple[str, str]]:
    """Validate the editor's input and return the header as (key, value) pairs, slug excluded.

    Every value goes through `model.escape_value`, so a newline typed into a title stays on
    the `Title:` line instead of starting a new key.
    """
    category = model.escape_value(category)
    if category not in sections:
        raise UsageError(
            f"설정에 없는 분야입니다: {category!r}. --category에 {', '.join(sections)} 가운데 "
            "하나를 주세요 (분야는 pelicanconf.py의 NEWSROOM_SECTIONS에서 정합니다)."
        )
    title = model.escape_value(title)
    if not title:
        raise UsageError("--title 값이 비어 있습니다. 기사 제목을 주세요.")
    source_url = model.escape_value(source_url)
    if source_url:
        parts = urlsplit(source_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(f"--source-url 값이 웹 주소가 아닙니다: {source_url!r}. http:// 또는 "
                             "https://로 시작하는 원문 주소를 주세요.")
    fields = [
        ("Title", title),
        ("Subtitle", model.escape_value(subtitle)),
        ("Date", model.format_date(now)),
        ("Category", category),
        ("Tags", ", ".join(model.split_list(model.escape_value(tags)))),
        ("Authors", ", ".join(model.split_list(model.escape_value(authors)))),
        ("Source", model.escape_value(source)),
        ("Source_URL", source_url),
        ("Summary", model.escape_value(summary)),
        ("Image_Caption", model.escape_value(caption)),
        ("Image_Credit", model.escape_value(credit)),
        ("Status", "published" if publish else "draft"),
    ]
    for key, value in fields:
        limit = model.MAX_LENGTHS.get(key)
        if limit and len(value) > limit:
            raise UsageError(f"--{key.lower().replace('_', '-')} 값이 {len(value)}자입니다. "
                             f"목록과 기사에는 {limit}자까지만 보이니 줄여 주세요.")
    return [(k, v) for k, v in fields if v]


# Lead photos: the formats browsers show everywhere, and a size a phone downloads quickly.
IMAGE_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif", "WEBP": ".webp"}
MAX_IMAGE_BYTES = 10 * 1024 * 1024


def check_image(path: Path) -> tuple[Path, str]:
    """(file, extension) of a photo an editor gave, after opening it as an image."""
    from PIL import Image, UnidentifiedImageError

    if not path.is_file():
        raise UsageError(f"--image {path}: 파일이 없습니다. 사진 파일의 경로를 확인하세요.")
    size = path.stat().st_size
    if size > MAX_IMAGE_BYTES:
        raise UsageError(f"--image {path}: {size / 1048576:.1f} MB입니다. 사진을 줄여 "
                         f"{MAX_IMAGE_BYTES // 1048576} MB 이하로 주세요 (권장: 가로 1200픽셀 "
                         "JPEG, 200 KB 안팎).")
    try:
        with Image.open(path) as img:
            img.verify()
            fmt = img.format
    except (UnidentifiedImageError, OSError, SyntaxError) as e:
        raise UsageError(f"--image {path}: 이 사이트가 보여 줄 수 있는 그림 파일이 아닙니다 "
                         f"({e}). JPEG, PNG, GIF, WebP 파일을 주세요.") from None
    if fmt not in IMAGE_FORMATS:
        raise UsageError(f"--image {path}: {fmt} 형식은 모든 브라우저가 보여 주지는 않습니다. "
                         "JPEG, PNG, GIF, WebP 가운데 하나로 바꿔 저장하세요.")
    return path, IMAGE_FORMATS[fmt]


def render(fields: list[tuple[str, str]], body: str = PLACEHOLDER) -> str:
    """The Markdown text of an article: the header, a blank line, the body."""
    return model.render_document(fields, body)


def verify(text: str, fields: list[tuple[str, str]]) -> None:
    """Re-read the rendered header and make sure it says exactly what was meant."""
    header = model.parse_header(text)
    got = [(f.key, f.value) for f in header.fields]
    if got != fields or any(f.continued for f in header.fields):
        raise AssertionError(f"rendered header does not round-trip: {got!r} != {fields!r}")
    model.parse_date(header.value("Date"))


def used_slugs(content_dir: Path) -> dict[str, Path]:
    """Map every slug already used under content/ to its file (explicit or derived)."""
    used: dict[str, Path] = {}
    if not content_dir.is_dir():
        return used
    for path in content_files(content_dir):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # `newsroom check` reports unreadable files; here they hold no slug
        header = model.parse_header(text)
        rel = path.relative_to(content_dir).as_posix()
        used.setdefault(model.derive_slug(header.value("Slug") or None, rel), path)
    return used


def create_article(
    content_dir: Path, fields: list[tuple[str, str]], slug: str, now: datetime,
    image: tuple[Path, str] | None = None,
) -> Path:
    """Write `<content>/articles/<slug>.md` exclusively and return its path; with `image`,
    copy the photo to `<content>/images/articles/<slug><ext>` first (also exclusively)."""
    articles = content_dir / "articles"
    articles.mkdir(parents=True, exist_ok=True)
    used = used_slugs(content_dir)
    if slug:
        if not model.SLUG_RE.match(slug):
            raise UsageError(
                f"--slug 값에 쓸 수 없는 글자가 있습니다: {slug!r}. 영어 소문자(a-z), 숫자(0-9), "
                "하이픈(-)만 쓰세요. 하이픈은 낱말 사이에 하나씩 씁니다 (예: daegu-budget-2026)."
            )
        candidates = [slug]
    else:
        day = now.astimezone(model.KST).strftime("%Y%m%d")
        candidates = [f"{day}-{secrets.token_hex(3)}" for _ in range(_SLUG_ATTEMPTS)]
    for candidate in candidates:
        if candidate in used:
            if slug:
                raise UsageError(f"slug {slug!r} 중복: {_shown(used[candidate])} 파일이 이미 "
                                 "이 주소를 씁니다. --slug로 다른 slug를 주세요.")
            continue
        full = fields + [("Slug", candidate)]
        if image is not None:
            rel = f"images/articles/{candidate}{image[1]}"
            if (content_dir / rel).exists():
                if slug:
                    raise UsageError(f"{_shown(content_dir / rel)}: {EXISTS}")
                continue
            status = [i for i, (k, _v) in enumerate(full) if k == "Status"][0]
            full.insert(status, ("Image", rel))
        draft = dict(full).get("Status") == "draft"
        text = render(full, PLACEHOLDER + (DRAFT_HINT if draft else ""))
        verify(text, full)
        path = articles / f"{candidate}.md"
        try:  # the photo first, so an article never names a photo that is not there
            if image is not None:
                _copy_exclusive(image[0], content_dir / dict(full)["Image"])
        except FileExistsError:
            if slug:
                raise UsageError(f"{_shown(content_dir / dict(full)['Image'])}: "
                                 f"{EXISTS}") from None
            continue
        try:
            # "x": exclusive create, so a file that appeared meanwhile is never overwritten.
            with open(path, "x", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        except FileExistsError:
            if image is not None:  # the photo copied for this slug goes with it
                (content_dir / dict(full)["Image"]).unlink(missing_ok=True)
            if slug:
                raise UsageError(f"{_shown(path)}: {EXISTS}") from None
            continue
        logger.info("wrote %s", path)
        return path
    raise UsageError(f"{_shown(articles)}: {_SLUG_ATTEMPTS}번 시도했지만 비어 있는 slug를 찾지 "
                     "못했습니다. --slug로 직접 주세요.")


def _copy_exclusive(src: Path, dest: Path) -> None:
    """Copy a photo to a new file (never over an existing one), completely or not at all."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.tmp-{os.getpid()}")
    try:
        with open(src, "rb") as fin, open(tmp, "xb") as fout:
            while chunk := fin.read(1 << 20):
                fout.write(chunk)
        os.link(tmp, dest)  # fails if dest exists
    finally:
        tmp.unlink(missing_ok=True)
