"""A feed item's title is the text of its page's `<h1>`, exactly (issue 10, item 5): a real
strict build, its feeds read with a strict XML parser."""

from __future__ import annotations

from helpers import build_ok, new_content, write_article
from lxml import etree
from lxml import html as lxml_html

ATOM = "{http://www.w3.org/2005/Atom}"
TITLES = {
    "photo": "<포토> 한빛시장, 현장 방문",
    "entity": "&lt;img src=x onerror=alert(201)&gt; 제목",
    "amp": "R&D 예산 & 일자리 &amp; \"따옴표\" 'ㅇ'",
    "tag": "제목에 <b>굵은</b> 글씨",
}


def test_feed_titles_equal_the_page_h1(tmp_path):
    content = new_content(tmp_path / "content")
    for i, (stem, title) in enumerate(TITLES.items()):
        write_article(content / "articles", stem, "기사 본문입니다.", Title=title,
                      Date=f"2026-11-2{i} 10:00", Category="정치", Slug=stem)
    out = tmp_path / "out"
    build_ok(content, out)
    h1 = {}
    for stem in TITLES:
        doc = lxml_html.fromstring((out / "news" / f"{stem}.html").read_bytes())
        h1[stem] = doc.xpath("string(//h1)").strip()
    assert h1["photo"] == TITLES["photo"] and h1["entity"] == TITLES["entity"]

    for name in ("all.atom.xml", "politics.atom.xml"):
        root = etree.fromstring((out / "feeds" / name).read_bytes())
        got = {e.find(f"{ATOM}link").get("href").rsplit("/", 1)[1].removesuffix(".html"):
               e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")}
        assert got == h1, name
        assert all(e.find(f"{ATOM}title").get("type", "text") == "text"
                   for e in root.iter(f"{ATOM}entry"))
    for name in ("all.rss.xml", "politics.rss.xml"):
        root = etree.fromstring((out / "feeds" / name).read_bytes())
        got = {i.findtext("link").rsplit("/", 1)[1].removesuffix(".html"): i.findtext("title")
               for i in root.iter("item")}
        assert got == h1, name
        # Plain text as the RSS Advisory Board recommends: & < > as hexadecimal references.
        raw = (out / "feeds" / name).read_text(encoding="utf-8")
        assert "<title>&#x3C;포토&#x3E; 한빛시장, 현장 방문</title>" in raw
        assert "<title>&#x26;lt;img src=x onerror=alert(201)&#x26;gt; 제목</title>" in raw
