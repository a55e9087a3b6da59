"""The fetcher's plain values: a request (FormPost), an answer (FetchResult), a failure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


class FetchError(Exception):
    """A URL that could not be fetched; `reason` says why in a few words."""

    def __init__(self, url: str, reason: str, *, status: int | None = None, body: bytes = b""):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status
        self.body = body  # the error page, only when asked for (error_body=True), capped


ERROR_BODY_MAX = 64 * 1024


@dataclass(frozen=True)
class FormPost:
    """A form POST to `url` (fields in a fixed order, so equal requests compare equal)."""

    url: str
    form: tuple[tuple[str, str], ...]
    idempotent: bool = False


@dataclass(frozen=True)
class FetchResult:
    """A successful answer (2xx, or 304 to a conditional GET)."""

    url: str
    final_url: str
    status: int
    headers: Mapping[str, str]
    content: bytes = field(repr=False)
    not_modified: bool = False

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()

