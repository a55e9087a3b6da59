"""parse_article parses a page once (issue 9's speed target): htmldate reads our tree, kept
with its comments; the body pass edits that tree last; the shortcuts taken on the way give the
same answers as the slower forms they replace. Small invented pages, written like the
benchmark's English news pages and the fixture boards."""

from __future__ import annotations

import random
from pathlib import Path

import lxml.html
import trafilatura

from press_scraper.article import (
    _TRAFILATURA_OPTIONS,
    _trafilatura_html,
    drop_comments,
    generic_body,
    parse_article,
    parse_document,
)
from press_scraper.boilerplate import body_candidates, drop_boilerplate_containers, longer_than
from press_scraper.dates import htmldate_day, htmldate_reads_alike
from press_scraper.text import norm

FIXTURES = Path(__file__).parent / "fixtures"
URL = "https://www.example-daily.test/news/2019/03/harbour-lights"
PARAGRAPHS = "".join(
    f"<p>Paragraph {i} of the story: the harbour authority switched the new quay lights on "
    "three weeks early, after the last cable was laid on Friday, and fishermen welcomed it.</p>"
    for i in range(6))


def _page(body: str, *, head: str = "") -> str:
    return ("<!doctype html>\n<html><head><meta charset='utf-8'><title>Harbour lights - Example "
            f"Daily</title>{head}</head><body><nav><a href='/'>Home</a> <a href='/news'>News</a>"
            f"</nav><h1>Harbour lights</h1>{body}<footer>Example Daily</footer></body></html>")


def _fixture_pages() -> list[str]:
    return [p.read_text(encoding="utf-8", errors="replace")
            for p in sorted(FIXTURES.rglob("*.html"))]


def test_a_date_only_in_a_comment_is_found_from_our_one_tree():
    # htmldate searches the page's markup, comments included; without them (the tree our
    # rules read) it finds nothing here. parse_article must hand it the tree with comments.
    page = _page("<!-- published 2019-03-14 08:00 -->" + PARAGRAPHS)
    assert htmldate_reads_alike(page)
    assert htmldate_day(parse_document(page)) is None
    assert htmldate_day(parse_document(page, keep_comments=True)) == htmldate_day(page)
    record = parse_article(page, URL)
    assert record.date is not None and record.date.strftime("%Y-%m-%d") == "2019-03-14"


def test_comments_dropped_after_parsing_give_the_tree_parsed_without_them():
    pages = [*_fixture_pages(), _page("<p>Half a sen<!-- -->tence, <!--x-->joined.</p>")]
    for page in pages:
        kept = parse_document(page, keep_comments=True)
        dropped = parse_document(page)
        assert lxml.html.tostring(kept) != lxml.html.tostring(dropped) or "<!--" not in page
        drop_comments(kept)
        assert lxml.html.tostring(kept) == lxml.html.tostring(dropped)


def test_htmldate_is_given_the_text_where_it_would_parse_another_tree():
    # htmldate cuts a first line "<!DOCTYPE …/>" up to its first "/>" (a minified page loses
    # its head) and parses a page that is not a whole document as a fragment.
    minified = "<!DOCTYPE html><html><head><link rel='canonical' href='/a'/></head><body></body></html>"
    assert not htmldate_reads_alike(minified)
    assert not htmldate_reads_alike("<div><p>a fragment</p></div>")
    assert not htmldate_reads_alike("<html lang='ko'/>\n<body><p>x</p></body>")
    assert htmldate_reads_alike(_page(PARAGRAPHS))
    # Either way the day is the same as htmldate's on the text.
    for page in (minified, _page("<time datetime='2019-03-14'>14 March</time>" + PARAGRAPHS)):
        record = parse_article(page, URL)
        expected = htmldate_day(page)
        assert (record.date.date() if record.date else None) == (
            expected.date() if expected else None)


def test_our_trafilatura_call_returns_what_extract_returns():
    # _trafilatura_html skips extract()'s content fingerprint by calling bare_extraction and
    # trafilatura's own serialiser; the HTML must be the same, in both modes.
    pages = [_page(PARAGRAPHS + "<figure><img src='/a.jpg'><figcaption>(사진=시청)</figcaption>"
                   "</figure><table><tr><td>1</td><td>2</td></tr></table>"), *_fixture_pages()[:12]]
    for page in pages:
        for fast in (True, False):
            ours = _trafilatura_html(parse_document(page), URL, fast=fast)
            tree = parse_document(page)
            for caption in tree.iter("figcaption"):
                caption.tag = "p"
            expected = trafilatura.extract(tree, url=URL, fast=fast, **_TRAFILATURA_OPTIONS) or ""
            assert ours == expected


def test_the_body_pass_edits_the_tree_as_it_edited_a_copy():
    menu = "".join(f"<div><a href='/m{i}'>Menu {i}</a></div>" for i in range(40))
    pages = [
        _page(PARAGRAPHS),  # trafilatura on the page
        _page(f"<div class='article-body'>{PARAGRAPHS}</div><div class='share'>Share</div>"),
        _page(menu),  # the fast path fails: the page is parsed again for the default mode
        *_fixture_pages()[:15],
    ]
    for page in pages:
        expected = generic_body(parse_document(page), URL)  # edits a copy
        assert generic_body(parse_document(page), URL, page=page.encode()) == expected


def test_boxes_found_with_the_candidates_are_the_boxes_dropped_alone():
    for page in [*_fixture_pages(), _page(
            "<div class='Related-Posts'><a href='/x'>x</a></div><div id='ad_top'>ad</div>"
            "<div class='header shadow'>kept</div><section class='comments'>c</section>"
            + PARAGRAPHS)]:
        alone = parse_document(page)
        drop_boilerplate_containers(alone)
        walked = parse_document(page)
        boxes: list = []
        drop_boilerplate_containers(walked, body_candidates(walked, boxes), boxes)
        assert lxml.html.tostring(walked) == lxml.html.tostring(alone)


def test_longer_than_agrees_with_normalising_the_whole_text():
    rng = random.Random(9)
    pieces = ["a", "bb", "한글", " ", "\n", "\t\t", "\u3000", "\xa0", " " * 900]
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 600)))
        for limit in (0, 5, 100, 200):
            assert longer_than(text, limit) == (len(norm(text)) > limit), (text, limit)


def test_one_parse_leaves_every_field_as_reading_a_fresh_tree_would():
    # The body pass edits the tree last: fields read before it come from the whole page.
    page = _page(
        "<p class='subtitle'>Lights on three weeks early</p>"
        "<div class='article-body'>" + PARAGRAPHS + "<p><a href='/files/plan.pdf'>plan.pdf</a>"
        "</p></div><div class='related'><a href='/other'>Other story</a></div>",
        head="<meta property='article:published_time' content='2019-03-14T08:00:00+00:00'>")
    record = parse_article(page, URL)
    assert record.subtitle == "Lights on three weeks early"
    assert [a.name for a in record.attachments] == ["plan.pdf"]
    assert record.date.strftime("%Y-%m-%d") == "2019-03-14"
    assert "Other story" not in record.body_html and "Paragraph 5" in record.body_html


def test_a_link_box_inside_another_costs_neither_the_article():
    # A "관련기사" box holding a second list heading ("많이 본 뉴스"): the outer box goes first,
    # and the inner heading, gone with it, was then handled as if still on the page (lxml's
    # drop_tree asserted on the detached box): the whole article was lost.
    from press_scraper.article import record_from_feed_item
    from press_scraper.records import FeedItem

    content = (
        "<p>한빛시는 12월부터 전통시장 주차장 3곳을 무료로 개방한다고 밝혔다.</p>"
        "<div><h3>관련기사</h3><ul><li><a href='/a'>다른 기사 하나</a></li>"
        "<li><a href='/b'>다른 기사 둘</a></li></ul><div><h4>많이 본 뉴스</h4></div>"
        "<ul><li><a href='/c'>많이 본 기사 하나</a></li></ul></div>")
    record = record_from_feed_item(FeedItem(
        url="https://www.hanbit.example/news/1", title="주차장 무료 개방", content_html=content))
    assert "전통시장 주차장" in record.body_html
    assert "다른 기사" not in record.body_html and "많이 본" not in record.body_html
