"""Near-duplicate releases: one press release carried by several outlets (issue 12).

Pure functions (normalise, shingle, sign, compare) and `DedupeIndex`, a locality-sensitive
index persisted in `.state/dedupe.sqlite` (a cache: `sync` rebuilds it from content/).

Method (docs/scraper.md, "One release, many outlets"):
1. `normalise`: NFKC (full-width punctuation and digits become half-width), the lines an
   outlet adds or drops removed (담당 부서 / 문의 contact lines, the 공공누리 notice, bylines and
   `[○○일보=홍길동 기자]` leads, photo captions, e-mail addresses, copyright lines), thousands
   separators dropped (`1,000명` = `1000명`), then everything but letters and digits dropped.
2. `shingles`: the set of overlapping 4-character strings of what is left.
3. `signature`: one-permutation MinHash. Every shingle is hashed once (CRC-32, in C); the
   hash picks one of `BINS` bins and each bin keeps its smallest value. Comparing two
   signatures estimates the Jaccard similarity of the two shingle sets; with the set sizes it
   gives the containment (shared shingles / shingles of the smaller copy), which a trimmed copy
   keeps high where its Jaccard drops.
4. LSH: the signature is cut into `BANDS` bands of `ROWS` bins; two copies that agree on one
   whole band are candidates. The index maps band keys to articles (an SQLite table with an
   index), so a new article looks up `BANDS` keys whatever the size of the archive.
5. `same_release`: containment >= THRESHOLD (chosen on tests/scraper/fixtures/dedupe pairs by
   bench/dedupe.py), both copies long enough to judge, and dated within MERGE_WINDOW of each other
   (an annual event repeats its text a year later), and not naming two different editions or
   years (`제20회` / `제21회`, `2025년` / `2026년`) or two issuers (`대구시는` / `울산시는`;
   see `markers`), and keeping half the headline's character pairs once `[대구시]`, `(종합)`
   and `…` are taken off (`title_overlap`).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import unicodedata
from array import array
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zlib import crc32

SHINGLE = 4
BINS = 126
ROWS = 3
BANDS = BINS // ROWS
EMPTY = 0xFFFFFFFF
THRESHOLD = 0.8
MIN_SHINGLES = 40  # shorter texts (a notice of two lines) are never merged
MERGE_WINDOW = timedelta(days=10)
TITLE_MIN = 0.5
# Candidates compared per new article: those sharing the most bands. A near-duplicate shares
# most of its 42 bands; articles that share one band by chance are many and are never read.
MAX_CANDIDATES = 20  # a copy keeps at least half the headline's character pairs

# Whole lines an outlet adds or drops around the same release.
_DROP_LINE = re.compile(
    r"^\s*(?:"
    r"[-\*#>]*\s*(?:담당\s*부서|담당자|부서명|문의|연락처|전화|보도\s*일시|배포\s*일시)\b"
    r"|.*공공누리"
    r"|.*(?:저작권자|무단\s*전재|재배포\s*금지|copyright)"
    r"|[\*\s]*(?:▲|△|\(사진\s*=|\[사진\s*=|사진\s*설명|<사진)"
    r"|[^\n]{0,40}기자\s*(?:=|\(|[\w.+-]+@)"
    r"|[^\n]{0,30}(?:\(|\[)?[\w.+-]+@[\w-]+\.[\w.]+(?:\)|\])?\s*$"
    r").*$",
    re.IGNORECASE | re.MULTILINE,
)
# A lead like `[대구일보=홍길동 기자]`, `(서울=뉴스1) 홍길동 기자 =`, `홍길동 기자 =`.
_BYLINE = re.compile(
    r"[\[\(][^\]\)\n]{1,30}=[^\]\)\n]{0,20}[\]\)]\s*(?:[가-힣]{2,4}\s*기자\s*=?)?"
    r"|[가-힣]{2,4}\s*(?:기자|특파원)\s*="
)
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|<https?://[^>]*>|https?://\S+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3})")
_NOT_WORD = re.compile(r"[^0-9a-z\uac00-\ud7a3\u3131-\u318e\u4e00-\u9fff]+")


def normalise(text: str) -> str:
    """The release's own words: outlet additions removed, only letters and digits left."""
    text = unicodedata.normalize("NFKC", text).lower()
    # Each substitution only where its pattern can match (what every match needs is checked
    # first: a plain release has no link, byline `=` or thousands comma). The same text.
    if "](" in text or "http" in text:
        text = _MD_LINK.sub(lambda m: m.group(1) or "", text)
    text = _DROP_LINE.sub("", text)
    text = _drop_bylines(text)
    if "," in text:
        text = _THOUSANDS.sub("", text)
    return _NOT_WORD.sub("", text)


def _drop_bylines(text: str) -> str:
    """`_BYLINE` matches replaced by a space; every match holds a `=`."""
    return _BYLINE.sub(" ", text) if "=" in text else text


_EDITION = re.compile(r"제\s*(\d{1,3})\s*회|(?<!\d)((?:19|20)\d\d)(?:년|\s*[~-])")


# The issuing office as the subject of the release (`대구광역시는`, `바다군청은`, `구가`).
_ISSUER = re.compile(
    r"(?<![가-힣])([가-힣]{1,8}?)(특별자치도|특별자치시|광역시|특별시|시청|군청|구청|도청|시|군|구|도)"
    r"(?:는|은|가|이|에서는)\s"
)


def markers(text: str) -> frozenset[str]:
    """Edition markers, `제20회` and years (`2025년`), and `@` + the issuer.

    Two copies that both name editions or years, none in common, are two years of an annual
    event; two copies whose first named issuer differs (`대구시는` / `울산시는`) are two
    agencies' releases on one programme, however alike their words.
    """
    text = unicodedata.normalize("NFKC", _drop_bylines(text))
    found = {f"{a}회" if a else b for a, b in _EDITION.findall(text)}
    m = _ISSUER.search(text)
    if m:
        kind = {"특별자치도": "도", "특별자치시": "시", "광역시": "시", "특별시": "시",
                "시청": "시", "군청": "군", "구청": "구", "도청": "도"}.get(m[2], m[2])
        found.add(f"@{m[1]}{kind}")
    return frozenset(found)


def shingles(text: str) -> set[str]:
    """Overlapping `SHINGLE`-character strings of `normalise(text)`."""
    norm = normalise(text)
    if len(norm) <= SHINGLE:
        return {norm} if norm else set()
    return {norm[i : i + SHINGLE] for i in range(len(norm) - SHINGLE + 1)}


@dataclass(frozen=True)
class Signature:
    """A one-permutation MinHash of a text, and its number of shingles."""

    bins: tuple[int, ...]
    size: int
    marks: frozenset[str] = frozenset()
    title: str = ""  # normalised headline without bracketed prefixes and suffixes

    def to_blob(self) -> bytes:
        return array("I", self.bins).tobytes()

    @classmethod
    def from_blob(cls, blob: bytes, size: int, marks: str = "", title: str = "") -> Signature:
        values = array("I")
        values.frombytes(blob)
        return cls(tuple(values), size, frozenset(marks.split()), title)


_TITLE_AFFIX = re.compile(r"[\[(<【〈][^\])>】〉]{0,15}[\])>】〉]|종합|속보|…|\.\.\.")


def title_key(title: str) -> str:
    """A headline without what outlets add around it (`[대구시]`, `(종합)`, `…`)."""
    return normalise(_TITLE_AFFIX.sub(" ", unicodedata.normalize("NFKC", title)))


def title_overlap(a: str, b: str) -> float:
    """Share of the shorter headline's character pairs found in the other."""
    pa = {a[i : i + 2] for i in range(len(a) - 1)}
    pb = {b[i : i + 2] for i in range(len(b) - 1)}
    if not pa or not pb:
        return 1.0  # nothing to compare: the body decides
    return len(pa & pb) / min(len(pa), len(pb))


def signature(text: str, title: str = "") -> Signature:
    """The MinHash signature of `text` (the headline and body; see the module docstring)."""
    bins = [EMPTY] * BINS
    items = shingles(text)
    for s in items:
        h = crc32(s.encode("utf-8"))
        b = h % BINS
        v = h // BINS  # < EMPTY
        if v < bins[b]:
            bins[b] = v
    return Signature(tuple(bins), len(items), markers(text), title_key(title))


def jaccard(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity: equal bins among bins not empty in both."""
    equal = [x for x, y in zip(a.bins, b.bins, strict=True) if x == y]
    both = equal.count(EMPTY)  # bins empty in both do not count
    used = len(a.bins) - both
    return (len(equal) - both) / used if used else 0.0


def containment(a: Signature, b: Signature) -> float:
    """Estimated share of the smaller copy's shingles found in the other copy."""
    small = min(a.size, b.size)
    if not small:
        return 0.0
    j = jaccard(a, b)
    shared = j * (a.size + b.size) / (1 + j)
    return min(1.0, shared / small)


def same_release(a: Signature, b: Signature, date_a: datetime | None = None,
                 date_b: datetime | None = None, *, threshold: float = THRESHOLD) -> float:
    """The containment of `a` and `b` when they are the same release, else 0.0."""
    if min(a.size, b.size) < MIN_SHINGLES:
        return 0.0
    if date_a and date_b and abs(date_a - date_b) > MERGE_WINDOW:
        return 0.0
    if title_overlap(a.title, b.title) < TITLE_MIN:
        return 0.0
    issuer_a = {m for m in a.marks if m.startswith("@")}
    issuer_b = {m for m in b.marks if m.startswith("@")}
    if issuer_a and issuer_b and issuer_a != issuer_b:
        return 0.0
    editions_a, editions_b = a.marks - issuer_a, b.marks - issuer_b
    if editions_a and editions_b and not editions_a & editions_b:
        return 0.0
    score = containment(a, b)
    return score if score >= threshold else 0.0


def band_keys(sig: Signature) -> list[int]:
    """One key per band without an empty bin: band number and its values, hashed to int64."""
    keys = []
    for band in range(BANDS):
        values = sig.bins[band * ROWS : (band + 1) * ROWS]
        if EMPTY in values:
            continue
        raw = band.to_bytes(2, "little") + array("I", values).tobytes()
        digest = hashlib.blake2b(raw, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def _candidates_sql(count: int) -> str:
    """The candidate query for `count` band keys.

    `source != ?` as two ranges, `source < ?` and `source > ?`: with `!=`, SQLite reads every
    index entry of a key and filters, so the run's own earlier articles, which share their
    agency's template text and with it many band keys, were all read for every new article
    and left out (1.4 ms a lookup after 1,000 of one source's articles; 0.13 ms as ranges of
    the (key, source, article) index). The same rows, grouped and ordered as before.
    """
    marks = ",".join("?" * count)
    return ("SELECT a.identity, a.size, a.date, a.sig, a.marks, a.title FROM"
            " (SELECT article, COUNT(*) AS shared FROM"
            f"  (SELECT article FROM bands WHERE key IN ({marks}) AND source < ?"
            f"   UNION ALL SELECT article FROM bands WHERE key IN ({marks}) AND source > ?)"
            "  GROUP BY article ORDER BY shared DESC LIMIT ?) AS b"
            " JOIN articles AS a ON a.id = b.article")


_CANDIDATES_SQL = {n: _candidates_sql(n) for n in range(1, BANDS + 1)}


@dataclass(frozen=True)
class Match:
    """An indexed article a new copy matches."""

    identity: str
    score: float
    date: str


class DedupeIndex:
    """Signatures and band keys of the site's articles, in `<state>/dedupe.sqlite`.

    A cache: `sync` adds what content/ holds and the file does not, and forgets identities no
    longer on the site, so deleting the file loses nothing.
    """

    SCHEMA = 5

    def __init__(self, path: str | Path | None, *, read_only: bool = False):
        """`read_only` (a dry run): work on an in-memory copy of the file, write nothing."""
        self.path = Path(path) if path else None
        if read_only and self.path:
            self.path, source = None, self.path
            self.db = self._open()
            if source.is_file():
                try:
                    disk = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
                    disk.backup(self.db)
                    disk.close()
                except sqlite3.DatabaseError:
                    self.db = self._open()  # unreadable: start empty, as a cache may
                if self.db.execute("PRAGMA user_version").fetchone()[0] != self.SCHEMA:
                    self.db = self._open()
        else:
            self.db = self._open()

    def _open(self) -> sqlite3.Connection:
        target = str(self.path) if self.path else ":memory:"
        try:
            db = sqlite3.connect(target)
            version = db.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError:
            if self.path:
                self.path.unlink(missing_ok=True)
            db = sqlite3.connect(target)
            version = 0
        if version != self.SCHEMA:
            db.executescript(
                "DROP TABLE IF EXISTS articles; DROP TABLE IF EXISTS bands;"
                "CREATE TABLE articles (id INTEGER PRIMARY KEY, identity TEXT UNIQUE NOT NULL,"
                " source TEXT NOT NULL,"
                " size INTEGER NOT NULL, date TEXT NOT NULL, sig BLOB NOT NULL, marks TEXT NOT NULL,"
                " title TEXT NOT NULL);"
                "CREATE TABLE bands (key INTEGER NOT NULL, article INTEGER NOT NULL,"
                " source TEXT NOT NULL);"
                # Covering the lookup (key, then source and article): a key shared by many
                # articles (an agency's template text) is answered from the index alone.
                "CREATE INDEX bands_key ON bands (key, source, article);"
                "CREATE INDEX bands_article ON bands (article);"
                f"PRAGMA user_version = {self.SCHEMA};"
            )
            db.commit()
        db.execute("PRAGMA synchronous = OFF")
        return db

    def identities(self) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT identity FROM articles")}

    def add(self, identity: str, sig: Signature, date: str) -> None:
        self.remove(identity)
        cur = self.db.execute(
            "INSERT INTO articles (identity, source, size, date, sig, marks, title)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (identity, identity.split(" ", 1)[0], sig.size, date, sig.to_blob(),
             " ".join(sorted(sig.marks)), sig.title),
        )
        source = identity.split(" ", 1)[0]
        self.db.executemany("INSERT INTO bands (key, article, source) VALUES (?, ?, ?)",
                            [(k, cur.lastrowid, source) for k in band_keys(sig)])

    def remove(self, identity: str) -> None:
        row = self.db.execute("SELECT id FROM articles WHERE identity = ?", (identity,)).fetchone()
        if row:
            self.db.execute("DELETE FROM bands WHERE article = ?", row)
            self.db.execute("DELETE FROM articles WHERE id = ?", row)

    def candidates(self, sig: Signature, *, source: str = "") -> list[tuple[str, Signature, str]]:
        """Articles sharing at least one band with `sig`: (identity, signature, date).

        With `source`, articles first stored from that source are left out: one source does
        not publish one release twice, and two posts of its own are two articles.
        """
        keys = band_keys(sig)
        if not keys:
            return []
        rows = self.db.execute(_CANDIDATES_SQL[len(keys)],
                               [*keys, source, *keys, source, MAX_CANDIDATES]).fetchall()
        return [(i, Signature.from_blob(blob, size, marks, title), date)
                for i, size, date, blob, marks, title in rows]

    def best(self, sig: Signature, date: datetime | None, *, exclude: set[str] = frozenset(),
             source: str = "", parse=None) -> Match | None:
        """The most similar indexed article that is the same release, if any."""
        found: Match | None = None
        for identity, other, other_date in self.candidates(sig, source=source):
            if identity in exclude:
                continue
            when = None
            if parse and other_date:
                try:
                    when = parse(other_date)
                except ValueError:
                    when = None
            score = same_release(sig, other, date, when)
            if score and (found is None or score > found.score):
                found = Match(identity, round(score, 3), other_date)
        return found

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.commit()
        self.db.close()
