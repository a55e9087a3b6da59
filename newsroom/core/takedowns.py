"""Takedowns: articles removed from the site on request (a legal notice, a correction), kept
out of every build and every release until an editor lifts them.

The record is `takedowns.toml` beside the settings (NEWSROOM_TAKEDOWNS): truth, kept in the
repository like content, never a cache. One table per takedown:

    [[takedown]]
    url = "news/hanbit-snow-plan.html"          # the page, relative to the site root
    source = "content/articles/hanbit-snow-plan.md"
    images = ["images/sample/snow.jpg"]         # files of content/ only that article showed
    date = "2026-11-30T20:45:00+09:00"
    reason = "명예훼손 게시중단 요청 (2026-11-30)"

`newsroom takedown` writes it; the site build (newsroom_site/takedown.py) leaves the page,
its feed entries and its images out; release validation refuses a release that has them;
`newsroom rollback` refuses a release built before a takedown.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .files import atomic_write_text
from .settings import beside_settings

DEFAULT_FILE = "takedowns.toml"
HEADER = (
    "# Takedowns: pages kept off the site until an editor lifts them (newsroom takedown).\n"
    "# Written by `newsroom takedown`; docs/editors.md explains each key.\n"
)


class TakedownError(ValueError):
    """takedowns.toml cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Takedown:
    url: str
    source: str = ""
    images: tuple[str, ...] = field(default_factory=tuple)
    date: str = ""
    reason: str = ""


def read(path: Path) -> list[Takedown]:
    """The takedowns in `path`; none when it does not exist."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as e:
        raise TakedownError(f"{path}: 읽을 수 없습니다: {e}. 파일 권한과 위치를 확인하세요."
                            ) from None
    except tomllib.TOMLDecodeError as e:
        raise TakedownError(f"{path}: TOML 형식이 틀렸습니다: {e}. 그 줄을 고치세요 (이 파일은 "
                            "`newsroom takedown`이 씁니다).") from None
    items = data.get("takedown", [])
    if not isinstance(items, list):
        raise TakedownError(f"{path}: `takedown`은 [[takedown]] 표의 목록이어야 합니다. 직접 "
                            "고치지 말고 `newsroom takedown`으로 기록하세요.")
    out = []
    for i, item in enumerate(items, 1):
        url = item.get("url") if isinstance(item, dict) else None
        if not isinstance(url, str) or not url.strip("/"):
            raise TakedownError(f"{path}: {i}번째 takedown에 `url`이 없습니다. 내린 기사의 "
                                "주소를 `url = \"…\"`로 적으세요.")
        images = item.get("images", [])
        if not isinstance(images, list) or not all(isinstance(x, str) for x in images):
            raise TakedownError(f"{path}: {i}번째 takedown({url})의 `images`는 경로 목록이어야 "
                                "합니다 (예: images = [\"images/a.jpg\"]).")
        out.append(Takedown(url=normalise_url(url), source=str(item.get("source", "")),
                            images=tuple(images), date=str(item.get("date", "")),
                            reason=str(item.get("reason", ""))))
    return out


def write(path: Path, items: list[Takedown]) -> None:
    """Write the takedowns (atomically; JSON strings are valid TOML basic strings)."""
    parts = [HEADER]
    for t in items:
        parts.append("\n[[takedown]]\n")
        parts.append(f"url = {json.dumps(t.url, ensure_ascii=False)}\n")
        if t.source:
            parts.append(f"source = {json.dumps(t.source, ensure_ascii=False)}\n")
        parts.append(f"images = {json.dumps(list(t.images), ensure_ascii=False)}\n")
        if t.date:
            parts.append(f"date = {json.dumps(t.date)}\n")
        if t.reason:
            parts.append(f"reason = {json.dumps(t.reason, ensure_ascii=False)}\n")
    atomic_write_text(path, "".join(parts))


def normalise_url(url: str) -> str:
    """`/news/x.html`, `news/x.html` -> `news/x.html` (relative to the site root)."""
    return url.strip().lstrip("/")


def path_of(settings_file: Path, settings: dict) -> Path:
    """Where the file is: NEWSROOM_TAKEDOWNS, relative to the settings file's folder."""
    return beside_settings(settings_file, settings.get("NEWSROOM_TAKEDOWNS"), DEFAULT_FILE)
