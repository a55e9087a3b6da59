"""Browser helpers the browser tests import by name (a viewport's context, a served page).
A module of its own, not conftest.py: an import by name must find this one whichever test
folders one pytest run collects."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from helpers import serve_directory

# name -> (width, height, is_mobile)
VIEWPORTS = {
    "desktop": (1280, 900, False),
    "phone": (375, 812, True),
}



def new_context(chromium, viewport: str, **kwargs):
    """A fresh browser context (own storage, own permissions) at a named viewport."""
    width, height, mobile = VIEWPORTS[viewport]
    return chromium.new_context(
        viewport={"width": width, "height": height},
        is_mobile=mobile,
        has_touch=mobile,
        device_scale_factor=1,
        locale="ko-KR",
        timezone_id="Asia/Seoul",
        **kwargs,
    )


@contextmanager
def served_page(chromium, root: Path, viewport: str) -> Iterator[tuple]:
    """(page, origin): a fresh page at a named viewport, and `root` served on 127.0.0.1."""
    context = new_context(chromium, viewport)
    try:
        with serve_directory(root) as server:
            yield context.new_page(), server.url
    finally:
        context.close()
