"""The conditional-GET cache: ETag/Last-Modified validators and bodies in the state folder."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from newsroom.core.files import atomic_write

logger = logging.getLogger(__name__)


class HttpCache:
    """ETag/Last-Modified validators and the matching bodies, kept in state_dir."""

    def __init__(self, state_dir: Path):
        self.path = state_dir / "http-cache.json"
        self.bodies = state_dir / "http-cache"
        self._lock = threading.Lock()
        self._entries: dict[str, dict[str, Any]] = self._load()

    def _load(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            entries = data["entries"]
            if not isinstance(entries, dict):
                raise TypeError("entries is not an object")
            return entries
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            logger.warning("%s: unreadable HTTP cache, starting empty (%s)", self.path, exc)
            return {}

    def _body_path(self, url: str) -> Path:
        return self.bodies / (hashlib.sha256(url.encode("utf-8")).hexdigest()[:32] + ".body")

    def validators(self, url: str) -> dict[str, str]:
        """Conditional request headers for `url`; empty unless the cached body is there too."""
        with self._lock:
            entry = self._entries.get(url)
        if not entry or not self._body_path(url).is_file():
            return {}
        headers = {}
        if entry.get("etag"):
            headers["If-None-Match"] = entry["etag"]
        if entry.get("last_modified"):
            headers["If-Modified-Since"] = entry["last_modified"]
        return headers

    def body(self, url: str) -> bytes | None:
        try:
            return self._body_path(url).read_bytes()
        except OSError:
            return None

    def store(self, url: str, headers: Mapping[str, str], content: bytes) -> None:
        etag = headers.get("ETag")
        last_modified = headers.get("Last-Modified")
        with self._lock:
            if not etag and not last_modified:
                if self._entries.pop(url, None) is None:
                    return
            else:
                atomic_write(self._body_path(url), content)
                self._entries[url] = {"etag": etag, "last_modified": last_modified,
                                      "stored": time.time()}
            data = json.dumps({"version": 1, "entries": self._entries}, ensure_ascii=False,
                              indent=1, sort_keys=True)
            atomic_write(self.path, data.encode("utf-8"))

