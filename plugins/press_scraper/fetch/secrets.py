"""Secret query parameters (an API's service key): sent, never shown.

The value goes on the request line only; urllib3's debug lines (which print request lines)
are redacted while a secret is registered with REDACTOR.
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import quote, quote_plus


class Redactor(logging.Filter):
    """Replaces registered secrets in urllib3's log records (it logs full request lines)."""

    def __init__(self):
        super().__init__()
        self.secrets: set[str] = set()
        self.lock = threading.Lock()

    def scrub(self, text: str) -> str:
        with self.lock:
            secrets = sorted(self.secrets, key=len, reverse=True)
        for secret in secrets:
            text = text.replace(secret, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            record.msg = self.scrub(record.getMessage())
            record.args = ()
        return True


REDACTOR = Redactor()
for _name in ("urllib3.connectionpool", "urllib3.connection", "requests"):
    logging.getLogger(_name).addFilter(REDACTOR)


def secret_forms(value: str) -> set[str]:
    """A secret as it may appear: raw, and percent-encoded as in a query string."""
    return {v for v in (value, quote(value, safe=""), quote_plus(value)) if len(v) >= 4}


def encode_secret(pairs: tuple[tuple[str, str], ...]) -> str:
    """Secret query parameters; a value already percent-encoded (data.go.kr's "Encoding"
    key) is sent as it is, anything else is encoded."""
    return "&".join(
        f"{quote(k, safe='')}={v if '%' in v else quote(v, safe='')}" for k, v in pairs
    )

