"""Release validation on an increment: what it keeps of unchanged files (newsroom.validate's
DocMemo, FeedMemo, LinkCache) never hides a change."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import feedparser
import pytest

from newsroom import validate
from newsroom.core.model import KST

SETTINGS = {"ARTICLE_SAVE_AS": "{slug}.html", "PAGE_SAVE_AS": "pages/{slug}.html",
            "FEED_ALL_ATOM": "feeds/all.atom.xml"}
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=KST)
ARTICLE = ("Title: 대구시 소상공인 경영안정자금 지원\nDate: {date}\nCategory: 경제\n"
           "Status: {status}\nSlug: daegu-fund\n\n대구시가 경영안정자금을 지원한다.\n")


def _write_keeping_stamp(path: Path, text: str) -> None:
    """Rewrite a file in place with the same size and modification time (an editor's tool
    that restores the time, or a checkout): only the change time tells."""
    st = path.stat()
    data = text.encode()
    assert len(data) == st.st_size
    with open(path, "r+b") as f:
        f.write(data)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_mtime_ns == st.st_mtime_ns


def _docs(content: Path, memo_file: Path, now=NOW):
    memo = validate.DocMemo(memo_file)
    docs = validate.content_docs(content, SETTINGS, now, memo)
    memo.save()
    return {d.source: d for d in docs}, memo


def test_a_file_turned_draft_in_place_is_read_again(tmp_path):
    content, memo_file = tmp_path / "content", tmp_path / "docs.pickle"
    (content / "articles").mkdir(parents=True)
    article = content / "articles" / "fund.md"
    article.write_text(ARTICLE.format(date="2026-11-30 09:00", status="published"))
    docs, _ = _docs(content, memo_file)
    assert not docs["articles/fund.md"].draft

    docs, memo = _docs(content, memo_file)  # unchanged: from the memo, not read
    assert memo.old and docs["articles/fund.md"].slug == "daegu-fund"

    _write_keeping_stamp(article, ARTICLE.format(date="2026-11-30 09:00", status="draft    "))
    docs, _ = _docs(content, memo_file)
    assert docs["articles/fund.md"].draft
    files = {"daegu-fund.html"}
    problems = validate.check_pages(list(docs.values()), files, SETTINGS)
    assert [p.path for p in problems] == ["daegu-fund.html"]


def test_an_unchanged_file_is_not_read_and_its_schedule_follows_the_run_s_now(tmp_path,
                                                                              monkeypatch):
    content, memo_file = tmp_path / "content", tmp_path / "docs.pickle"
    content.mkdir()
    (content / "fund.md").write_text(ARTICLE.format(date="2026-11-30 15:00",
                                                    status="published"))
    docs, _ = _docs(content, memo_file)
    assert docs["fund.md"].scheduled

    def no_read(*_args, **_kwargs):
        raise AssertionError("an unchanged file was read again")

    monkeypatch.setattr(validate, "header_facts", no_read)
    later = datetime(2026, 11, 30, 16, 0, tzinfo=KST)
    docs, _ = _docs(content, memo_file, now=later)
    assert not docs["fund.md"].scheduled  # its time came: it must be published now
    assert validate.check_pages(list(docs.values()), set(), SETTINGS)[0].path == "daegu-fund.html"


def test_a_file_replaced_by_another_or_removed_is_not_taken_from_the_memo(tmp_path):
    content, memo_file = tmp_path / "content", tmp_path / "docs.pickle"
    content.mkdir()
    (content / "fund.md").write_text(ARTICLE.format(date="2026-11-30 09:00",
                                                    status="published"))
    _docs(content, memo_file)
    other = tmp_path / "other.md"
    other.write_text(ARTICLE.format(date="2026-11-30 09:00", status="published").replace(
        "daegu-fund", "daegu-loan"))
    os.replace(other, content / "fund.md")
    docs, _ = _docs(content, memo_file)
    assert docs["fund.md"].slug == "daegu-loan"
    (content / "fund.md").unlink()
    docs, memo = _docs(content, memo_file)
    assert docs == {} and memo.new == {}


FEED = ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        '<title>우리고장뉴스</title><id>http://127.0.0.1:8000/</id>'
        '<updated>2026-11-30T09:00:00+09:00</updated>{entries}</feed>')
ENTRY = ('<entry><title>{title}</title><link href="http://127.0.0.1:8000/{slug}.html"/>'
         '<id>http://127.0.0.1:8000/{slug}.html</id><updated>2026-11-30T09:00:00+09:00</updated>'
         '<content type="html">&lt;p&gt;{title}&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;'
         '&lt;img src="/images/a.jpg"&gt;</content></entry>')


def _feeds(release: Path, memo_file: Path, published=1):
    memo = validate.FeedMemo(memo_file)
    files = validate.release_files(release)
    problems = validate.check_feeds(release, files, SETTINGS, published, memo)
    memo.save()
    return problems


def test_a_feed_written_again_is_parsed_again(tmp_path, monkeypatch):
    release, memo_file = tmp_path / "release", tmp_path / "feeds.pickle"
    (release / "feeds").mkdir(parents=True)
    feed = release / "feeds" / "all.atom.xml"
    feed.write_text(FEED.format(entries=ENTRY.format(title="지원", slug="daegu-fund")))
    assert _feeds(release, memo_file) == []

    parsed = []
    real = validate.parse_feed
    monkeypatch.setattr(validate, "parse_feed", lambda data: parsed.append(1) or real(data))
    assert _feeds(release, memo_file) == []
    assert parsed == []  # the same bytes: the verdict is kept

    feed.unlink()  # written again, with a character XML forbids in an entry
    feed.write_text(FEED.format(entries=ENTRY.format(title="지원\ufffe", slug="daegu-fund")))
    problems = _feeds(release, memo_file)
    assert parsed == [1]
    assert len(problems) == 1 and "does not parse" in problems[0].message
    assert "daegu-fund.html" in problems[0].message
    assert _feeds(release, memo_file) and parsed == [1, 1]  # a bad feed is never kept

    feed.write_text(FEED.format(entries=""))  # parses, but lost its entries
    problems = _feeds(release, memo_file)
    assert [p.message for p in problems] == [
        "feed has no entries although articles are published"]


@pytest.mark.parametrize("feed", [
    FEED.format(entries=ENTRY.format(title="지원", slug="a")),
    FEED.format(entries=ENTRY.format(title="지원", slug="a")).replace("</feed>", ""),
    FEED.format(entries=ENTRY.format(title="지원\x0b", slug="a")),
    FEED.format(entries=ENTRY.format(title="지원 & 협약", slug="a")),
    FEED.format(entries=ENTRY.format(title="지원", slug="a")).replace("utf-8", "euc-kr"),
    FEED.format(entries=ENTRY.format(title="<b>지원</b>", slug="a")),
    FEED.format(entries=""),
])
def test_parsing_without_sanitizing_gives_feedparser_s_verdict(feed):
    """Sanitizing and resolving links inside entries never decide the verdict."""
    data = feed.encode("utf-8")
    full = feedparser.parse(data)
    assert validate.parse_feed(data) == (
        f"{full.bozo_exception}" if full.bozo else None, bool(full.entries))
