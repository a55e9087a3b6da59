"""The reporters file editors keep (authors.toml): name, e-mail and desk of each reporter.

    [[reporter]]
    name = "이도윤"            # as written in an article's Authors:
    email = "doyun.lee@example.kr"
    desk = "문화부"

The site shows the e-mail in the byline (`이도윤 기자 doyun.lee@…`, the Korean convention)
and name, e-mail and desk on the reporter's page. A missing file means no reporter has
details; a file that cannot be read is an error naming the file and the entry.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


class AuthorsError(ValueError):
    """The reporters file is wrong; the message names the file and the entry."""


@dataclass(frozen=True)
class Reporter:
    name: str
    email: str
    desk: str = ""


def parse(text: str, where: str = "authors.toml") -> dict[str, Reporter]:
    """Reporters by name from the text of a reporters file."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise AuthorsError(f"{where}: {e}") from None
    unknown = sorted(set(data) - {"reporter"})
    if unknown:
        raise AuthorsError(f"{where}: unknown table(s) {unknown}; expected [[reporter]] entries")
    out: dict[str, Reporter] = {}
    for i, entry in enumerate(data.get("reporter") or [], 1):
        label = f"{where}: reporter #{i}"
        if not isinstance(entry, dict):
            raise AuthorsError(f"{label}: expected a [[reporter]] table")
        extra = sorted(set(entry) - {"name", "email", "desk"})
        if extra:
            raise AuthorsError(f"{label}: unknown key(s) {extra}; known: name, email, desk")
        name, email, desk = (entry.get(k, "") for k in ("name", "email", "desk"))
        if not isinstance(name, str) or not name.strip():
            raise AuthorsError(f"{label}: 'name' is required (as in an article's Authors:)")
        name = " ".join(name.split())
        label = f"{where}: reporter {name!r}"
        if not isinstance(email, str) or not EMAIL_RE.match(email.strip()):
            raise AuthorsError(f"{label}: 'email' must be an e-mail address, got {email!r}")
        if not isinstance(desk, str):
            raise AuthorsError(f"{label}: 'desk' must be text, got {desk!r}")
        if name in out:
            raise AuthorsError(f"{label}: appears twice")
        out[name] = Reporter(name, email.strip(), " ".join(desk.split()))
    return out


def read(path: Path) -> dict[str, Reporter]:
    """Reporters by name from a reporters file; {} when the file does not exist."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as e:
        raise AuthorsError(f"{path}: cannot read: {e}") from None
    return parse(text, str(path))
