"""기관별 pages: one per credited name, at a URL that depends on the name alone."""

from __future__ import annotations

from pathlib import Path

import lxml.html
from helpers import build_ok


def _write(content: Path, slug: str, source: str, extra: str = "") -> None:
    (content / "articles" / f"{slug}.md").write_text(
        f"Title: {slug} 기사\nDate: 2026-11-2{len(slug) % 5} 10:00\nCategory: 정치\n"
        f"Slug: {slug}\nSource: {source}\n{extra}\n본문.\n",
        encoding="utf-8",
    )


def test_source_pages_are_keyed_by_name_not_by_scraper_id(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    # Two names scraped under one source id, and an editor crediting one of them by hand.
    scraped = "Source_ID: briefing\nIdentity: briefing https://example.go.kr/{n}\n"
    _write(content, "a", "산업통상자원부", scraped.format(n=1))
    _write(content, "bb", "고용노동부", scraped.format(n=2))
    _write(content, "ccc", "산업통상자원부")
    # Names that romanize to the same slug still get a page each.
    _write(content, "dddd", "A시청")
    _write(content, "eeeee", "a시청")
    result = build_ok(content, tmp_path / "out")

    index = lxml.html.parse(str(result.output / "source" / "index.html")).getroot()
    links = {a.text_content().strip(): a.get("href") for a in index.xpath("//main//h2//a")}
    assert set(links) == {"산업통상자원부", "고용노동부", "A시청", "a시청"}, links
    assert len(set(links.values())) == len(links), "two sources share one page"
    for name, href in links.items():
        page = (result.output / "source" / href.split("source/")[-1].strip("/") / "index.html")
        assert page.is_file(), href
        assert name in page.read_text(encoding="utf-8")
    # The Revised Romanization (산업통상자원부: saneoptongsangjawonbu); the old unidecode URL
    # sends readers there.
    sanup = (result.output / "source" / "saneoptongsangjawonbu" / "index.html").read_text("utf-8")
    assert "news/a.html" in sanup and "news/ccc.html" in sanup
    old = (result.output / "source" / "saneobtongsangjaweonbu" / "index.html").read_text("utf-8")
    assert 'url=../../source/saneoptongsangjawonbu/"' in old
