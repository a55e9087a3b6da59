"""The summary under a title in lists: the lead sentences, not the release's furniture.

Press releases open with an embargo line (`<보도일시> …`), mark paragraphs with bullets
(□ ○ ㅇ), and end with contact lines (담당 부서, 책임자, 담당자 …) and the 공공누리 notice.
Pelican's summary (the first words of the body) and a blunt cut at 120 characters leaked all
of these into cards: `○ 행사 기간…`, `담당 부서: 도…`. `list_summary` takes the text of the
paragraphs (never list items, tables or captions), drops those lines and the bullets, and
keeps whole sentences up to the limit. A pure function: HTML in, text out.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html

LIMIT = 120  # characters a card shows

# Paragraph markers of Korean press releases, and list markers, at the start of a line.
BULLET_RE = re.compile(r"^(?:[□■○●◦◎◇◆▪▫•▶▷►➊-➓①-⑳]|ㅇ(?=\s)|[-–*·](?=\s))\s*")
# Lines that are not news: embargo, contacts, attachments, notes, photo captions, licences.
SKIP_RE = re.compile(
    r"^(?:<\s*보도\s*일시|\[?\s*보도\s*일시|배포\s*일시|담당\s*(?:부서|자|팀|과)|책임자|문의|연락처"
    r"|전화|팩스|붙임|첨부|※|▲|\[?사진|출처\s*:)"
)
NOTICE_RE = re.compile(r"공공누리|출처\s*표시|보도해\s*주시기\s*바랍니다|무단\s*(?:전재|복제)")
# A bullet inside a line: where one run-together item ends and the next begins.
INNER_BULLET_RE = re.compile(r"\s+(?=[□■○●◦◎◇◆▪•▶▷►※▲]|ㅇ\s)")
SENTENCE_RE = re.compile(r".+?(?:[.!?…](?=\s|$)|$)", re.S)
END_RE = re.compile(r"[.!?…][\"'”’)\]]*$")


def _lines(fragment: str) -> list[str]:
    """Text lines of the paragraphs of an HTML fragment (a <br> ends a line)."""
    if not fragment or not fragment.strip():
        return []
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # noqa: BLE001 - hostile HTML: no summary rather than a failed build
        return []
    paragraphs = root.xpath(".//p[not(ancestor::li) and not(ancestor::table)"
                            " and not(ancestor::figure)]")
    if not paragraphs and not root.xpath(".//*"):
        paragraphs = [root]  # plain text (a Summary written without markup)
    lines = []
    for p in paragraphs:
        for br in p.iter("br"):
            br.tail = "\n" + (br.tail or "")
        lines += p.text_content().split("\n")
    return lines


def lead_lines(fragment: str) -> list[str]:
    """The paragraphs' lines that carry news, bullets removed, whitespace collapsed. A line
    that runs several bulleted items together (a scraped Summary: `… 조치다. ○ 야간에는 …`)
    counts as one line per item."""
    out = []
    for line in _lines(fragment):
        for piece in INNER_BULLET_RE.split(" ".join(line.split())):
            if not piece or SKIP_RE.match(piece) or NOTICE_RE.search(piece):
                continue
            text = BULLET_RE.sub("", piece, count=1).strip()
            if text and not SKIP_RE.match(text):
                out.append(text)
    return out


def list_summary(body: str, given: str | None = None, limit: int = LIMIT) -> str:
    """Whole lead sentences up to `limit` characters: from the editor's Summary when it has
    any, else from the body. A first sentence longer than the limit is cut at a space, with …"""
    lines = lead_lines(given or "") or lead_lines(body or "")
    sentences = []
    for line in lines:
        for m in SENTENCE_RE.finditer(line):
            sentence = m.group(0).strip()
            if not sentence or SKIP_RE.match(sentence) or NOTICE_RE.search(sentence):
                continue  # `… 신청하면 된다. 담당 부서: 문화예술과` run together
            if sentences and not END_RE.search(sentence):
                continue  # a fragment after the lead (a caption run in): not a sentence
            sentences.append(sentence)
    kept: list[str] = []
    for sentence in sentences:
        candidate = " ".join([*kept, sentence])
        if len(candidate) > limit:
            break
        kept.append(sentence)
    if kept:
        return " ".join(kept)
    if not sentences:
        return ""
    first = sentences[0][: limit - 1]
    cut = first.rfind(" ")
    return (first[:cut] if cut > limit // 2 else first).rstrip(" ,·") + "…"
