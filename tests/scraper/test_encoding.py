"""Decoding Korean pages whose headers, meta tags and bytes disagree: never mojibake."""

from __future__ import annotations

import logging
from pathlib import Path

import feedparser
import pytest
from server import file_reply

from press_scraper.encoding import EncodingError, decode_feed, decode_html, normalize_charset
from press_scraper.fetch import Fetcher
from press_scraper.sources import settings_from_mapping

FIXTURES = Path(__file__).parent / "fixtures" / "encoding"
EXPECTED = ("하늘시, 똠방골 햏빛 축제 개최", "쓔욱 자라는 보리밭", "‘햏빛 축제’", "□", "○", "※")


def assert_clean(text: str) -> None:
    for snippet in EXPECTED:
        assert snippet in text
    assert "\ufffd" not in text
    # Latin-1-looking Hangul ("ÇÏ´Ã½Ã") is what a wrong single-byte codec produces.
    assert not any("\u0080" <= c <= "\u00ff" for c in text)


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_fixture_really_holds_cp949_only_syllables():
    with pytest.raises(UnicodeDecodeError):
        read("euckr-cp949-chars.html").decode("euc-kr")


@pytest.mark.parametrize("label", ["EUC-KR", "euc_kr", "ks_c_5601-1987", "x-windows-949",
                                   "windows-949", "KSC5601", '"euc-kr"', "cp949", "uhc"])
def test_every_euc_kr_alias_is_cp949(label):
    assert normalize_charset(label) == "cp949"


def test_other_labels():
    assert normalize_charset("UTF8") == "utf-8"
    assert normalize_charset("ISO-8859-1") == "cp1252"
    assert normalize_charset("no-such-charset") is None and normalize_charset(None) is None


@pytest.mark.parametrize("name, headers, codec", [
    ("euckr-cp949-chars.html", {}, "cp949"),
    ("euckr-cp949-chars.html", {"Content-Type": "text/html; charset=EUC-KR"}, "cp949"),
    ("meta-says-utf8-is-cp949.html", {}, "cp949"),
    ("meta-says-utf8-is-cp949.html", {"Content-Type": "text/html; charset=utf-8"}, "cp949"),
    ("meta-says-euckr-is-utf8.html", {}, "utf-8"),
    ("meta-says-euckr-is-utf8.html", {"content-type": "text/html;charset=euc-kr"}, "utf-8"),
    ("http-equiv-ks-c-5601.html", {}, "cp949"),
    ("undeclared-cp949.html", {}, "cp949"),
    ("undeclared-cp949.html", {"Content-Type": "text/html; charset=ISO-8859-1"}, "cp949"),
    ("undeclared-cp949.html", {"Content-Type": "text/html; charset=windows-1252"}, "cp949"),
    ("bom-utf8-meta-euckr.html", {"Content-Type": "text/html; charset=euc-kr"}, "utf-8"),
    ("bom-utf16le.html", {}, "utf-16-le"),
])
def test_pages_decode_right_whatever_they_claim(name, headers, codec):
    text, used = decode_html(read(name), headers)
    assert used == codec
    assert_clean(text)
    assert not text.startswith("\ufeff")


def test_header_charset_comes_before_meta():
    # Both decode strictly: the header (the server's word) wins over the page's.
    data = '<meta charset="cp1252"><p>caf\u00e9</p>'.encode("latin-1")
    text, used = decode_html(data, {"Content-Type": "text/html; charset=iso-8859-15"})
    assert used == "iso8859-15" and "café" in text


def test_ascii_only_page():
    assert decode_html(b"<p>hello</p>", None) == ("<p>hello</p>", "ascii")


def test_truncated_last_character_is_dropped_not_replaced(caplog):
    data = read("undeclared-cp949.html")
    text = "<p>대구시 보도자료 끝</p>" * 20
    data = text.encode("cp949") + "끝".encode("cp949")[:1]  # cut inside the last syllable
    with caplog.at_level(logging.WARNING):
        decoded, used = decode_html(data, {"Content-Type": "text/html; charset=euc-kr"})
    assert used == "cp949" and decoded == text
    assert "dropped 1 undecodable" in caplog.text


def test_hopeless_bytes_raise_instead_of_mojibake():
    # Every other byte is broken: no codec fits, so nothing is returned.
    data = b"".join(bytes([0xC7, 0x0A, 0xFF, 0xB0]) for _ in range(500))
    with pytest.raises(EncodingError, match="no encoding fits"):
        decode_html(data, {})


def test_feed_with_cp949_only_syllables_reaches_feedparser_intact():
    raw = read("feed-euckr.xml")
    data, used = decode_feed(raw, {"Content-Type": "text/xml"})
    assert used == "cp949"
    assert data.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    parsed = feedparser.parse(data)
    assert not parsed.bozo
    assert parsed.feed.title == "하늘시 보도자료"
    assert parsed.entries[0].title == "똠방골 햏빛 축제 개최"
    assert "쓔욱" in parsed.entries[0].description


def test_feedparser_alone_garbles_it():
    """Why decode_feed exists: this fails the day feedparser learns, and then we can drop it."""
    parsed = feedparser.parse(read("feed-euckr.xml"))
    assert parsed.entries[0].title != "똠방골 햏빛 축제 개최"


def test_through_the_fetcher_with_a_lying_header(fixture_server, tmp_path):
    url = fixture_server.route("/board/view.do", file_reply(
        FIXTURES / "meta-says-utf8-is-cp949.html", "text/html; charset=UTF-8"))
    settings = settings_from_mapping({"delay": 0, "retries": 0})
    with Fetcher(settings, tmp_path) as fetcher:
        result = fetcher.get(url)
    text, used = decode_html(result.content, result.headers)
    assert used == "cp949"
    assert_clean(text)


def test_undeclared_western_page_is_guessed_not_forced_into_korean():
    text = "<p>Le café de la gare est très réputé. Les élèves préfèrent le thé. Ça dépend.</p>" * 3
    decoded, used = decode_html(text.encode("cp1252"), {})
    assert decoded == text and used == "cp1252"


def test_undeclared_latin_feed_is_windows_1252_not_another_latin_code_page():
    # Found by hand on a real Portuguese feed (no declaration, windows-1252 bytes) that
    # charset-normalizer read as cp1257. Mostly English with one accented word, ours is read
    # as cp850 ("eleiþ§es") by the statistics alone.
    text = ("<rss><channel><title>LISBON, 3 JAN -</title><item><title>Vote</title>"
            "<description>Residents asked for better buses and safer roads. eleições The "
            "council met on Monday to discuss the budget. The hearing was moved to the national "
            "court. Police closed the main road for two hours.</description>"
            "<link>http://127.0.0.1:9/n/1</link></item></channel></rss>")
    decoded, codec = decode_html(text.encode("cp1252"))
    assert codec == "cp1252" and "eleições" in decoded
    feed = feedparser.parse(decode_feed(text.encode("cp1252"))[0])
    assert "eleições" in feed.entries[0].summary


def test_undeclared_cyrillic_is_still_guessed():
    text = ("<p>Городской совет обсудил бюджет на следующий год. Жители попросили больше "
            "автобусов и безопасные дороги. Мэр обещал ответить в течение недели.</p>") * 3
    decoded, codec = decode_html(text.encode("cp1251"))
    assert codec != "cp1252" and "Городской совет" in decoded
