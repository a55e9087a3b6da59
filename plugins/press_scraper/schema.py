"""Checks shared by sources.py and the kinds' own `[sources.<kind>]` tables."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit


def unknown_key_message(key: str, allowed: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else f" (allowed: {', '.join(allowed)})"
    return "unknown key" + hint


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_http_url(value: Any) -> str | None:
    """Return why `value` is not an absolute http(s) URL, or None when it is."""
    if not isinstance(value, str) or not value.strip():
        return "expected an http(s) URL string"
    if value != value.strip() or any(c.isspace() for c in value):
        return f"URL {value!r} contains whitespace"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        return f"URL {value!r} is malformed ({exc})"
    if parts.scheme.lower() not in ("http", "https"):
        return f"URL {value!r} must use http or https, not {parts.scheme or 'no scheme'!r}"
    if not parts.hostname:
        return f"URL {value!r} has no host"
    return None


def check_subtable(raw: Any, kind: str, known, fail) -> None:
    """`[sources.<kind>]` exists, is a table, and holds only known keys."""
    if raw is None:
        raise fail(kind, f"missing: kind = \"{kind}\" needs a [sources.{kind}] table")
    if not isinstance(raw, Mapping):
        raise fail(kind, f"expected a table ([sources.{kind}])")
    for key in raw:
        if key not in known:
            raise fail(f"{kind}.{key}", unknown_key_message(key, known))


def check_int(raw: Mapping, key: str, default: int, low: int, high: int, fail, *,
              where: str = "", expected: str | None = None) -> int:
    """An integer setting within [low, high] (bools refused); `where` names its table."""
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise fail(f"{where}.{key}" if where else key, f"expected {expected or f'an integer from {low} to {high}'}"
                                     f", got {value!r}")
    return value
