"""Redirects: a published article whose URL changed keeps its old URL working.

An editor changes an article's `Slug` (or renames its file, which changes a derived slug):
its page moves. The update job notices it against the last published copy of each file
(`.state/last-good/`, newsroom/holdback.py), and records the old URL in `redirects.toml`
beside the settings (NEWSROOM_REDIRECTS), kept in the repository like content:

    [[redirect]]
    from = "news/20261201-1ad16b.html"
    source = "articles/hanbit-snow-plan.md"     # the article, relative to content/
    date = "2026-12-01T09:30:00+09:00"

The build (newsroom_site/redirects.py) writes a small page at each old URL that sends the
reader to the article's current URL (meta refresh, a link, rel=canonical), whatever its slug
is by then; `newsroom check` warns before a live URL changes.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .files import atomic_write_text, content_files
from .model import derive_slug, parse_header
from .settings import beside_settings

DEFAULT_FILE = "redirects.toml"
# Every redirect of a release, in nginx `map` syntax, at the release's root (a dot file:
# never served, never deployed). Written by the build (newsroom_site/redirects.py), read by
# the server block (deploy/nginx/newsroom-site.conf) through the live link.
MAP_FILE = ".redirects.map"
# What a URL in the map may contain: nothing nginx would read as syntax or a variable.
SAFE_URL_RE = re.compile(r"^[A-Za-z0-9._~/-]+$")
# Longest key the map takes (deploy/nginx/ sizes nginx's map hash buckets for it).
MAX_KEY = 200
HEADER = (
    "# Old URLs of articles that moved: each sends readers to the article's current page.\n"
    "# Written by `newsroom update` when a published article's URL changes (docs/editors.md).\n"
)


class RedirectError(ValueError):
    """redirects.toml cannot be read; the message names the file."""


@dataclass(frozen=True)
class Redirect:
    old: str  # URL relative to the site root
    source: str  # the article's file, relative to content/
    date: str = ""


@dataclass(frozen=True)
class Move:
    """A published article whose URL is about to change."""

    source: str  # current file, relative to content/
    old_url: str
    new_url: str
    line: int  # line of its Slug key (1 when the slug comes from the file name)


def read(path: Path) -> list[Redirect]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise RedirectError(f"{path}: {e}") from None
    out = []
    for i, item in enumerate(data.get("redirect", []) or [], 1):
        if not isinstance(item, dict) or not isinstance(item.get("from"), str) \
                or not isinstance(item.get("source"), str):
            raise RedirectError(f"{path}: redirect #{i} needs `from` and `source`")
        out.append(Redirect(item["from"].strip().lstrip("/"), item["source"].strip(),
                            str(item.get("date", ""))))
    return out


def write(path: Path, items: list[Redirect]) -> None:
    parts = [HEADER]
    for r in items:
        parts.append(f"\n[[redirect]]\nfrom = {json.dumps(r.old, ensure_ascii=False)}\n"
                     f"source = {json.dumps(r.source, ensure_ascii=False)}\n")
        if r.date:
            parts.append(f"date = {json.dumps(r.date)}\n")
    atomic_write_text(path, "".join(parts))


def path_of(settings_file: Path, settings: dict) -> Path:
    """Where the file is: NEWSROOM_REDIRECTS, relative to the settings file's folder."""
    return beside_settings(settings_file, settings.get("NEWSROOM_REDIRECTS"), DEFAULT_FILE)


def _url(text: str, rel: str, article_as: str) -> tuple[str, int]:
    header = parse_header(text)
    slug = derive_slug(header.value("Slug") or None, rel)
    line = next((n for n, ln in enumerate(text.splitlines(), 1)
                 if ln.lower().startswith("slug:")), 1)
    status = header.value("Status", "published").strip().lower()
    url = article_as.format(slug=slug, lang="ko") if status != "draft" else ""
    return url, line


def moves(content: Path, last_good: Path, published: dict[str, str], article_as: str,
          only: set[str] | None = None) -> list[Move]:
    """Published articles whose URL the current content changes.

    `published`: {path relative to content/: sha256} of what went live (last-good's index);
    `only`: the paths to look at (those that changed or left; None: all). A file still at its
    path is compared with its last published copy; a file that left its path is looked for
    by its published digest among files that were not published (a rename).
    """
    current = {p.relative_to(content).as_posix(): p for p in content_files(content)}
    by_digest: dict[str, str] = {}
    out = []
    for rel, digest in published.items():
        if only is not None and rel not in only:
            continue
        old_copy = last_good / rel
        if not old_copy.is_file():
            continue
        old_url, _ = _url(old_copy.read_text(encoding="utf-8", errors="replace"), rel,
                          article_as)
        if not old_url:
            continue
        now_rel = rel if rel in current else None
        if now_rel is None:
            if not by_digest:
                by_digest = {hashlib.sha256(p.read_bytes()).hexdigest(): r
                             for r, p in current.items() if r not in published}
            now_rel = by_digest.get(digest)
        if now_rel is None:
            continue
        new_url, line = _url(current[now_rel].read_text(encoding="utf-8", errors="replace"),
                             now_rel, article_as)
        if new_url and new_url != old_url:
            out.append(Move(now_rel, old_url, new_url, line))
    return out


def merged_away(content: Path, last_good: Path, published: dict[str, str], article_as: str,
                merges) -> list[Move]:
    """Published articles an editor folded into another (`Merge_Into`, issue 12): their file
    is gone, their old URL should lead to the article that now credits their outlet.

    `merges`: the scrape report's merges; only forced ones that went through count.
    """
    out = []
    for m in merges or ():
        rel, into = m.get("copy", ""), m.get("into", "")
        if not m.get("forced") or m.get("action") in ("held", "refused") or not into:
            continue
        old_copy, target = last_good / rel, content / into
        if rel not in published or not old_copy.is_file() or not target.is_file():
            continue
        old_url, _ = _url(old_copy.read_text(encoding="utf-8", errors="replace"), rel,
                          article_as)
        new_url, _ = _url(target.read_text(encoding="utf-8", errors="replace"), into,
                          article_as)
        if old_url and old_url != new_url:
            out.append(Move(into, old_url, new_url, 1))
    return out


def nginx_map(pairs: list[tuple[str, str]]) -> str:
    """The body of an nginx `map $uri $newsroom_redirect { … }`: old path -> new path.

    `pairs`: (old URL, new URL), both relative to the site root. A folder URL (`tag/x/`)
    also answers as `tag/x/index.html` and `tag/x`; a URL with a character outside
    SAFE_URL_RE, or longer than MAX_KEY, is left out (its redirect page still works), so
    nothing from a name or a hand-edited redirects.toml can become nginx syntax or keep
    nginx from loading the map.
    """
    lines = ["# Old URL -> new URL, one per line (written by the build; see redirects.py).\n"]
    seen: set[str] = set()
    for old, new in sorted(pairs):
        old, new = old.lstrip("/"), new.lstrip("/")
        if not (SAFE_URL_RE.match(old) and SAFE_URL_RE.match(new or "/")) or ".." in old:
            continue
        keys = [old]
        if old.endswith("/"):
            keys += [old + "index.html", old.rstrip("/")]
        for key in keys:
            if key and key not in seen and key != new and len(key) < MAX_KEY:
                seen.add(key)
                lines.append(f"/{key} /{new};\n")
    return "".join(lines)
