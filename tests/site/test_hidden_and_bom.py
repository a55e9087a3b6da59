"""Issue 14, the site side: a BOM before the header, and `Status: hidden` articles.

A file saved with a UTF-8 byte-order mark passes `newsroom check` (it strips the mark), so
the strict build must read it the same way and publish it with its title. A hidden article's
page is written (anyone with the link may read it) but it is in no list, feed or sitemap, so
tags, authors and sources only hidden articles carry have no page: the hidden page must not
link them. Real strict builds (publishconf.py) of small generated content.
"""

from __future__ import annotations

import pytest
from helpers import (
    build_ok,
    html_files,
    link_targets,
    new_content,
    one_story_per_section,
    output_rel,
    parse_html,
    text_of,
    write_article,
)


def _content(root):
    content = new_content(root / "content")
    one_story_per_section(content)
    return content


def test_a_file_with_a_bom_is_published_with_its_title(tmp_path):
    content = _content(tmp_path)
    path = write_article(content / "articles", "bom-story", "바이트 순서 표시가 붙은 기사 본문입니다.",
                         Title="BOM 붙은 기사", Date="2026-11-24 09:00:00", Category="경제")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    out = build_ok(content, tmp_path / "out").output
    page = out / "news" / "bom-story.html"
    assert page.is_file(), "the article saved with a BOM was not published"
    soup = parse_html(page)
    assert text_of(soup.find("h1")) == "BOM 붙은 기사"
    assert "\ufeff" not in page.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def hidden_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("hidden")
    content = _content(root)
    write_article(
        content / "articles", "hidden-story", "링크를 아는 사람만 읽는 기사 본문입니다.",
        Title="숨긴 기사", Date="2026-11-24 11:00:00", Category="경제", Status="hidden",
        Tags="공개태그, 숨김전용태그", Authors="숨김전용기자", Source="숨김전용기관",
    )
    result = build_ok(content, root / "out")
    assert not result.problems(), "\n".join(result.problems())
    return result.output


def test_every_internal_link_of_a_build_with_a_hidden_article_resolves(hidden_build):
    out = hidden_build
    broken = []
    for page in html_files(out):
        for target in link_targets(out, page, parse_html(page)):
            if not (out / target).is_file():
                broken.append(f"{output_rel(out, page)} -> {target}")
    assert not broken, "\n".join(broken)


def test_hidden_article_page_shows_unlinked_names_as_text(hidden_build):
    page = hidden_build / "news" / "hidden-story.html"
    assert page.is_file(), "the hidden article's page was not written"
    soup = parse_html(page)
    text = text_of(soup.find("article"))
    assert "숨김전용태그" in text and "숨김전용기자" in text and "숨김전용기관" in text
    # The tag published articles share keeps its link.
    tag_links = {text_of(a) for a in soup.select(".article-tags a")}
    assert tag_links == {"#공개태그"}


def test_hidden_article_is_in_no_list_feed_or_sitemap(hidden_build):
    out = hidden_build
    for f in sorted(out.rglob("*")):
        if not f.is_file() or f.suffix not in (".html", ".xml", ".txt", ".json"):
            continue
        if output_rel(out, f) == "news/hidden-story.html":
            continue
        text = f.read_text(encoding="utf-8")
        assert "hidden-story" not in text and "숨긴 기사" not in text, output_rel(out, f)
