"""Metadata is plain text and every template autoescapes it: a scraped title shows as text."""

from __future__ import annotations

from pathlib import Path

import lxml.html

from press_scraper.markdown import build_document
from tests.helpers import build_ok

HOSTILE = 'R&D "센터" <img src=x onerror=alert(1)> </script><script>alert(2)</script>'


def test_hostile_scraped_title_is_shown_as_text_everywhere(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "scraped" / "evil").mkdir(parents=True)
    (content / "pages").mkdir()
    doc = build_document(
        [
            ("Title", HOSTILE),
            ("Subtitle", "<b>부제</b> & 설명"),
            ("Date", "2026-11-25 09:00:00"),
            ("Category", "경제"),
            ("Slug", "evil-1"),
            ("Source", "악성 <기관>"),
            ("Source_ID", "evil"),
            ("Identity", "https://evil.example/1"),
        ],
        "본문입니다.",
    )
    (content / "scraped" / "evil" / "evil-1.md").write_text(doc, encoding="utf-8")
    result = build_ok(content, tmp_path / "out")

    page = (result.output / "news" / "evil-1.html").read_text(encoding="utf-8")
    tree = lxml.html.fromstring(page)
    assert tree.xpath("string(//h1)").strip() == HOSTILE
    assert "<b>부제</b> & 설명" in tree.text_content()
    # no element or handler came from the title; the only scripts are ours
    assert not tree.xpath("//*[@onerror]")
    for script in tree.xpath("//script"):
        assert script.get("src") or script.get("type") == "application/ld+json"
        assert "alert(" not in (script.text or "") or script.get("type") == "application/ld+json"
    # the JSON-LD block cannot be closed early by the title
    ld = tree.xpath("//script[@type='application/ld+json']")[0].text
    assert "</script" not in ld.lower() and "\\u003c/script" in ld
    # the home page and the feeds show it as text too
    home = (result.output / "index.html").read_text(encoding="utf-8")
    assert "<img src=x" not in home and "&lt;img src=x onerror=alert(1)&gt;" in home
    feed = (result.output / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert "<img src=x" not in feed
