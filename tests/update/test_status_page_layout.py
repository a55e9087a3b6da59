"""The editors' status page in chromium: source ids stay whole beside a long error message."""

from __future__ import annotations

import pytest

from newsroom.status import render_page

pytestmark = pytest.mark.browser

ERROR = "http://127.0.0.1:8799/rss.xml: connection refused " * 3


def test_source_ids_are_not_broken_at_their_hyphen(chromium, tmp_path):
    status = {
        "started": "2026-11-26T06:40:36+09:00", "finished": "2026-11-26T06:40:43+09:00",
        "exit_code": 3, "result": "no changes", "new_articles": 0, "updated_articles": 0,
        "built": False, "live_release": "20261125T213455.203254Z",
        "sources": {"per_source": [
            {"id": "hanbit-council", "found": 2, "new": 0, "updated": 0, "skipped": 2,
             "failed": 0, "error": None},
            {"id": "hanbit-news", "found": 0, "new": 0, "updated": 0, "skipped": 0,
             "failed": 0, "error": ERROR},
        ]},
    }
    health = {"hanbit-council": {"last_success": "2026-11-26T06:40:43+09:00",
                                 "consecutive_failures": 0},
              "hanbit-news": {"last_success": "2026-11-26T06:25:27+09:00",
                              "consecutive_failures": 2, "last_error": ERROR}}
    page_file = tmp_path / "status.html"
    page_file.write_text(render_page(status, health, ".state/health.json"), encoding="utf-8")
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(page_file.as_uri())
        lines = page.evaluate("""() => [...document.querySelectorAll('tr > td:first-child')]
            .map(td => { const r = document.createRange(); r.selectNodeContents(td);
                         return [td.textContent.trim(),
                                 new Set([...r.getClientRects()].map(x => Math.round(x.top))).size]; })""")
        assert {text for text, _ in lines} >= {"hanbit-council", "hanbit-news"}
        broken = [text for text, n in lines if n != 1]
        assert not broken, f"source ids on more than one line: {broken}"
    finally:
        context.close()
