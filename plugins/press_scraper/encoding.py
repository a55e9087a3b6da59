"""Turn fetched bytes into text without mojibake: Korean sites lie about their charset.

Public API:
    decode_html(content: bytes, headers: Mapping[str, str] | None = None) -> tuple[str, str]
        The text and the Python codec name used ("utf-8", "cp949", ...).
    decode_feed(content: bytes, headers: Mapping[str, str] | None = None) -> tuple[bytes, str]
        The feed re-encoded as UTF-8 with its XML declaration rewritten to say so, ready for
        `feedparser.parse(data)`; and the codec the original was in. (feedparser's own sniffing
        falls back to windows-1252 on an euc-kr feed with CP949-only bytes and garbles it.)
    normalize_charset(label: str | None) -> str | None
        A charset label as a Python codec name; every EUC-KR alias becomes "cp949".
    EncodingError(ValueError): the bytes fit no encoding well enough; nothing is returned
        rather than text full of U+FFFD.

Order of evidence: a byte-order mark; then the declarations in order (HTTP header charset,
then `<meta charset>` / `http-equiv`, then the XML declaration), each used only if the bytes
decode strictly with it; then the bytes themselves (UTF-8, CP949, charset-normalizer).
Two checks catch declarations that decode but are wrong:
    - bytes that are valid UTF-8 and not plain ASCII are UTF-8, whatever a legacy label says
      (legacy multibyte Korean is practically never valid UTF-8 by accident);
    - a single-byte label (iso-8859-1, windows-1252, ...) on bytes that decode as CP949 into
      mostly Hangul is a server default, not the truth: Latin-1-looking Hangul is mojibake.
EUC-KR and its aliases always decode as CP949, its superset: pages labelled euc-kr routinely
hold CP949-only syllables such as 똠 or 햏, which strict EUC-KR rejects.
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata
from collections.abc import Mapping

import charset_normalizer

logger = logging.getLogger(__name__)

_KOREAN_LABELS = frozenset({
    "euc-kr", "euc_kr", "euckr", "cseuckr", "ks_c_5601-1987", "ks_c_5601-1989", "ks_c_5601",
    "ksc5601", "ksc_5601", "ks-c-5601", "iso-ir-149", "csksc56011987", "korean", "windows-949",
    "x-windows-949", "cp949", "ms949", "uhc", "x-uhc", "ks_x_1001",
})
# WHATWG: these labels mean windows-1252 in a browser; in a Korean page they are a server default.
_LATIN_LABELS = frozenset({
    "ascii", "us-ascii", "iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "cp819",
    "windows-1252", "cp1252", "x-cp1252", "iso_8859-1", "ansi_x3.4-1968",
})
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEADER_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9._:\-]+)", re.I)
_META_RE = re.compile(rb"<meta\b[^>]*?\bcharset\s*=\s*[\"']?\s*([A-Za-z0-9._:\-]+)", re.I)
_XML_DECL_RE = re.compile(rb"^\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._\-]+)[\"']",
                          re.I)
_XML_DECL_TEXT_RE = re.compile(r"^(\s*<\?xml\b[^>]*?)(\s+encoding\s*=\s*[\"'][^\"']*[\"'])",
                               re.I)
# Browsers look at the first 1024 bytes; Korean CMSs put long scripts first, so look further.
_PRESCAN = 16 * 1024
# Undecodable bytes tolerated (dropped, with a warning) in an otherwise good document: a
# truncated last character or one corrupt byte should not lose a whole press release.
_MAX_BAD_FRACTION = 0.002
_MIN_BAD_ALLOWED = 2


# Characters no article needs and attackers like: C0 controls but tab and line breaks (a NUL
# makes lxml turn the title into U+FFFD and trafilatura return nothing), DEL, bidi embeddings,
# overrides and isolates (U+202E shows "exe.txt" as "txt.exe"), zero-width space, word joiner
# and invisible operators, and stray byte-order marks. ZWJ/ZWNJ stay: emoji and some scripts
# need them. Also every code point XML 1.0 forbids or marks as a non-character: lone surrogates
# (`&#xD800;` in a feed; they cannot even be encoded as UTF-8) and U+FFFE, U+FFFF, which make
# our own feeds ill-formed and so stopped every release (issue 10).
_INVISIBLE_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)


def normalise_text(text: str) -> str:
    """NFC (Hangul typed on a Mac arrives as loose jamo), without invisible control characters.

    Applied once to every page, by the parser that reads it (article.parse_article, the kinds'
    list readers), and to every feed by `decode_feed`; the writer applies it to header values.
    """
    text = _INVISIBLE_RE.sub("", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def has_invisible(text: str) -> bool:
    """True when `text` holds a character `normalise_text` removes."""
    return bool(_INVISIBLE_RE.search(text))


class EncodingError(ValueError):
    """No encoding decodes the bytes well enough."""


def normalize_charset(label: str | None) -> str | None:
    """Return the Python codec for a charset label, with EUC-KR aliases as "cp949".

    Args:
        label: a label as found in a header or document ("EUC-KR", "ks_c_5601-1987", "utf8").

    Returns:
        A codec name ("cp949", "utf-8", "cp1252", ...) or None for an unknown label.
    """
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _KOREAN_LABELS:
        return "cp949"
    if label in _LATIN_LABELS:
        return "cp1252"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name in ("euc_kr", "cp949"):
        return "cp949"
    if name in ("latin-1", "iso8859-1", "ascii", "cp1252"):
        return "cp1252"
    return name


def _declared(content: bytes, headers: Mapping[str, str] | None) -> list[tuple[str, str]]:
    """(where, codec) pairs in order of authority: header, meta, XML declaration."""
    found: list[tuple[str, str]] = []
    ctype = _header(headers, "Content-Type")
    if ctype:
        m = _HEADER_CHARSET_RE.search(ctype)
        if m:
            found.append(("HTTP header", m.group(1)))
    head = content[:_PRESCAN]
    m = _META_RE.search(head)
    if m:
        found.append(("meta charset", m.group(1).decode("ascii")))
    m = _XML_DECL_RE.match(head)
    if m:
        found.append(("XML declaration", m.group(1).decode("ascii")))
    result: list[tuple[str, str]] = []
    for where, label in found:
        codec = normalize_charset(label)
        if codec is None:
            logger.debug("unknown charset %r in the %s, ignored", label, where)
            continue
        if codec.startswith("utf-16") or codec.startswith("utf-32"):
            # A document that could state its charset in ASCII is not UTF-16 (WHATWG rule).
            codec = "utf-8"
        result.append((where, codec))
    return result


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    if not headers:
        return None
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        for key, val in headers.items():
            if key.lower() == lowered:
                return val
    return value


def _strict(content: bytes, codec: str) -> str | None:
    try:
        return content.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _hangul_share(text: str) -> float:
    """Share of Hangul syllables among the non-ASCII letters of `text`."""
    non_ascii = [c for c in text if ord(c) > 0x7F and c.isalpha()]
    if not non_ascii:
        return 0.0
    hangul = sum(1 for c in non_ascii if "\uac00" <= c <= "\ud7a3")
    return hangul / len(non_ascii)


def _latin_share(text: str) -> float:
    """Share of Latin-script letters among the non-ASCII letters of `text`."""
    non_ascii = [c for c in text if ord(c) > 0x7F and c.isalpha()]
    if not non_ascii:
        return 1.0
    return sum(1 for c in non_ascii if c < "\u0250") / len(non_ascii)


def _as_korean(content: bytes) -> str | None:
    """CP949 text if the bytes decode strictly into mostly Hangul, else None."""
    text = _strict(content, "cp949")
    if text is not None and _hangul_share(text) >= 0.5:
        return text
    return None


def _count_errors(content: bytes, codec: str, limit: int) -> int:
    """Undecodable sequences in `content` as `codec`, counting no further than `limit` + 1."""
    errors = 0
    position = 0
    decoder = codecs.getincrementaldecoder(codec)()
    while position < len(content):
        try:
            decoder.decode(content[position:], final=True)
            break
        except UnicodeDecodeError as exc:
            errors += 1
            if errors > limit:
                break
            position += exc.end
            decoder.reset()
    return errors


def _decode_text(content: bytes, headers: Mapping[str, str] | None) -> tuple[str, str]:
    for bom, codec in _BOMS:
        if content.startswith(bom):
            text = _strict(content[len(bom):], codec)
            if text is not None:
                return text, codec
            logger.warning("byte-order mark says %s but the bytes do not decode as it", codec)
            break
    if content.isascii():
        return content.decode("ascii"), "ascii"

    utf8 = _strict(content, "utf-8")
    for where, codec in _declared(content, headers):
        if utf8 is not None:
            if codec != "utf-8":
                logger.info("%s says %s but the bytes are UTF-8; using UTF-8", where, codec)
            return utf8, "utf-8"
        text = _strict(content, codec)
        if text is None:
            logger.info("%s says %s but the bytes do not decode as %s", where, codec, codec)
            continue
        if codec == "cp1252" or codecs.lookup(codec).name.startswith("iso8859"):
            korean = _as_korean(content)
            if korean is not None:
                logger.info("%s says %s but the bytes are Korean CP949; using CP949",
                            where, codec)
                return korean, "cp949"
        return text, codec

    if utf8 is not None:
        return utf8, "utf-8"
    korean = _as_korean(content)
    if korean is not None:
        return korean, "cp949"

    # Almost right: one corrupt byte or a character cut at the end should not lose an article,
    # and guessing (below) gets such near-Korean bytes badly wrong (Thai, Cyrillic).
    allowed = max(_MIN_BAD_ALLOWED, int(len(content) * _MAX_BAD_FRACTION))
    declared = [codec for _, codec in _declared(content, headers)]
    for codec in dict.fromkeys([*declared, "utf-8", "cp949"]):
        errors = _count_errors(content, codec, allowed)
        if errors > allowed:
            continue
        text = content.decode(codec, errors="ignore")
        if codec == "cp949" and _hangul_share(text) < 0.5:
            continue
        if sum(1 for c in text if ord(c) > 0x7F) < 5 * errors:
            # Mostly ASCII whose few other bytes all fail: a single-byte page (one "ç" in
            # English text), not UTF-8 with a broken byte. Dropping them would lose letters.
            continue
        logger.warning("dropped %d undecodable byte sequence(s) decoding as %s", errors, codec)
        return text, codec

    # Neither declared nor Korean nor UTF-8: let charset-normalizer guess, but only trust a
    # guess in which it recognises a language (on noise it happily answers utf_16_be). Among
    # near-equal guesses prefer windows-1252, the web's default for undeclared Western pages
    # (cp1250 ties with it on French and turns "très" into "trčs").
    trusted = []
    for match in charset_normalizer.from_bytes(content):
        guessed = normalize_charset(match.encoding)
        if not guessed or guessed.startswith(("utf-16", "utf-32")) or not match.languages \
                or match.languages == ["Unknown"] or match.coherence < 0.1:
            continue
        if _strict(content, guessed) is not None:
            trusted.append((match, guessed))
    if trusted:
        first, guessed = trusted[0]
        for match, codec in trusted[1:]:
            if codec == "cp1252" and match.chaos <= first.chaos + 0.01 \
                    and match.coherence >= first.coherence - 0.05:
                first, guessed = match, codec
                break
        if guessed != "cp1252" and _latin_share(content.decode(guessed)) >= 0.9:
            western = _strict(content, "cp1252")
            if western is not None and _latin_share(western) >= 0.9:
                # Between Latin-script code pages the statistics are a coin toss (a real
                # Portuguese feed came out cp1257: "Chávez" as "Chįvez"); windows-1252 is what
                # browsers assume for an undeclared page, and by far the likeliest.
                logger.info("no usable charset declaration; %s guessed, windows-1252 preferred "
                            "for Latin text", guessed)
                return western, "cp1252"
        logger.info("no usable charset declaration; guessed %s (%s)", guessed,
                    ", ".join(first.languages[:2]))
        return content.decode(guessed), guessed
    raise EncodingError(f"no encoding fits these {len(content)} bytes: not UTF-8 or CP949, "
                        f"no declared charset decodes them, and no confident guess")


def decode_html(content: bytes, headers: Mapping[str, str] | None = None) -> tuple[str, str]:
    """Decode an HTML page.

    Args:
        content: the body as fetched.
        headers: the HTTP response headers (for Content-Type's charset); may be None.

    Returns:
        (text, codec): text without a BOM, and the Python codec name used. The text is not
        yet normalised: the parsers it goes to (article.parse_article, the kinds' list
        readers) apply `normalise_text` once, whoever calls them.

    Raises:
        EncodingError: no encoding fits (rather than returning U+FFFD-ridden text).
    """
    return _decode_text(content, headers)


def decode_feed(content: bytes, headers: Mapping[str, str] | None = None) -> tuple[bytes, str]:
    """Decode a feed the same way and hand it back as UTF-8 bytes for feedparser.

    Args:
        content: the feed as fetched.
        headers: the HTTP response headers; may be None.

    Returns:
        (utf8_bytes, codec): the document in UTF-8 with any XML declaration now saying
        encoding="utf-8", and the codec of the original.

    Raises:
        EncodingError: as decode_html.
    """
    text, codec = _decode_text(content, headers)
    text = _XML_DECL_TEXT_RE.sub(r'\1 encoding="utf-8"', normalise_text(text), count=1)
    return text.encode("utf-8"), codec
