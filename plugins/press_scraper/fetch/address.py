"""Which addresses the fetcher may reach: http(s) only, and (public_only) no loopback,
private, link-local or reserved address unless a source names that host:port (SSRF)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit


def host_key(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    return f"{(parts.hostname or '').lower()}:{port}"


def source_urls(source) -> tuple[str, ...]:
    """The URLs a source names (its list or feed, a POST board's detail URL)."""
    return tuple(getattr(source, "hosts", None) or (source.url,))


def check_scheme(url: str) -> str | None:
    """Why `url` cannot be fetched, or None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        return f"invalid URL ({exc})"
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return f"non-http scheme {scheme or '(none)'!r}"
    if not parts.hostname:
        return "invalid URL (no host)"
    return None


def non_public(host: str) -> str | None:
    """Why `host` is not a public Internet address (resolving names), or None.

    Every address the name resolves to must be global. (A name that resolves differently a
    moment later, DNS rebinding, is not caught: that needs pinning the address in the
    connection, which requests does not offer.)
    """
    try:
        addresses = {ipaddress.ip_address(host.strip("[]"))}
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError) as exc:
            return f"cannot resolve {host!r} ({exc})"
        addresses = {ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos}
    for address in sorted(addresses, key=str):
        mapped = getattr(address, "ipv4_mapped", None) or address
        if not mapped.is_global or mapped.is_multicast:
            return f"refusing a non-public address ({address}) not named by any source"
    return None

