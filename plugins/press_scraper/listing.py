"""What list pages (HTML and POST boards) share: pinned 공지 rows."""

from __future__ import annotations

import re

_PINNED_RE = re.compile(r"^\s*(?:공\s*지|notice|필독|고정)\s*$", re.I)


def is_pinned(row) -> bool:
    """A 공지 row: its first cell, a badge, or its class says so."""
    classes = " ".join(row.get("class", []) if hasattr(row, "get") else [])
    if re.search(r"\b(notice|pinned|fixed|top)\b", classes, re.I):
        return True
    first = row.find(["td", "th", "span", "em", "strong"])
    if first is not None and _PINNED_RE.match(first.get_text(" ", strip=True)):
        return True
    for img in row.find_all("img"):
        if "공지" in (img.get("alt") or ""):
            return True
    return False
