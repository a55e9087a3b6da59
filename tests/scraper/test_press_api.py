"""kind = "api": the data.go.kr 정책브리핑 press-release API (XML `NewsItem`s, a service key
from the environment, windows of at most three days), end to end on a real 127.0.0.1 server."""

from __future__ import annotations

import json
import logging
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs

import lxml.html
import pytest
from helpers import PROJECT_ROOT, build_site
from server import FIXTURES, Reply, image_bytes, source_toml

from newsroom.cli import main as newsroom
from newsroom.core.model import KST, parse_header
from press_scraper.kinds.govkr_api import ApiError, api_windows, parse_api_reply
from press_scraper.sources import load

SITE = FIXTURES / "briefing"
ENDPOINT = "/briefing/1371000/pressReleaseService/pressReleaseList"
# Holds characters a query string must encode (+ / =): the server compares the decoded value.
KEY = "Tq7+Zr/Wm3KEYvalue9x=="
ENV = "TEST_DATA_GO_KR_KEY"
FAST = """[scraper]
delay = 0
timeout = 2.0
deadline = 5.0
retries = 1
backoff = 0.05
"""



def xml_reply(name: str, origin: str, status: int = 200) -> Reply:
    body = (SITE / name).read_text(encoding="utf-8").replace("{ORIGIN}", origin).encode()
    return Reply(status, body, {"Content-Type": "application/xml;charset=UTF-8"})


def span_days(q: dict[str, str]) -> int | None:
    try:
        start = datetime.strptime(q["startDate"], "%Y%m%d").date()
        end = datetime.strptime(q["endDate"], "%Y%m%d").date()
    except (KeyError, ValueError):
        return None
    return (end - start).days + 1


class Briefing:
    """The API as data.go.kr answers it: 401 for a wrong key, 97 for a bad date, 98 for more
    than three days, items only in the window that ends today, NODATA elsewhere."""

    def __init__(self, origin: str):
        self.origin = origin
        self.updated = False
        self.queries: list[dict[str, str]] = []

    def __call__(self, req) -> Reply:
        q = {k: v[0] for k, v in parse_qs(req.query).items()}
        self.queries.append(q)
        if q.get("serviceKey") != KEY:
            return xml_reply("unauthorized.xml", self.origin, 401)
        days = span_days(q)
        if days is None or days < 1:
            return xml_reply("baddate.xml", self.origin)
        if days > 3:
            return xml_reply("over.xml", self.origin)
        if q["endDate"] != datetime.now(KST).strftime("%Y%m%d"):
            return xml_reply("nodata.xml", self.origin)
        if q.get("pageNo") == "2":
            return xml_reply("page2.xml", self.origin)
        return xml_reply("page1-updated.xml" if self.updated else "page1.xml", self.origin)


@pytest.fixture
def briefing(fixture_server):
    s = fixture_server
    api = Briefing(s.origin)
    s.route(ENDPOINT, api)
    s.route("/always98" + ENDPOINT, lambda req: xml_reply("over.xml", s.origin))
    s.route("/empty" + ENDPOINT, lambda req: xml_reply("nodata.xml", s.origin))
    s.route("/briefing/img/chart.png", Reply(body=image_bytes("PNG", (12, 9), (20, 160, 90)), headers={"Content-Type": "image/png"}))
    s.route("/hanbit/rss.xml", Reply(body=(FIXTURES / "hanbit/rss.xml").read_bytes(),
                                     headers={"Content-Type": "application/rss+xml"}))
    return s, api


def api_source(origin: str, sid: str = "briefing", *, prefix: str = "", env: str = ENV,
               extra: str = "") -> str:
    return f"""
[[sources]]
id = "{sid}"
name = "정책브리핑"
kind = "api"
url = "{origin}{prefix}{ENDPOINT}"
license = "공공누리 제1유형"
[sources.api]
api_key_env = "{env}"
lookback_days = 7
rows = 2
{extra}"""


def scraped(content: Path, sid: str) -> dict[str, str]:
    out = {}
    for p in sorted((content / "scraped" / sid).glob("*.md")):
        text = p.read_text(encoding="utf-8")
        out[parse_header(text).value("Identity")] = text
    return out


def all_text_under(*roots: Path) -> str:
    parts = []
    for root in roots:
        for p in root.rglob("*"):
            if p.is_file():
                parts.append(p.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(parts)


def assert_no_key(text: str) -> None:
    for form in (KEY, "Tq7%2BZr%2FWm3KEYvalue9x%3D%3D", "Tq7+Zr/Wm3KEYvalue9x", "KEYvalue"):
        assert form not in text


def test_api_end_to_end(briefing, tmp_path, monkeypatch, caplog, capsys):
    server, api = briefing
    o = server.origin
    monkeypatch.setenv(ENV, KEY)
    monkeypatch.setenv("TEST_WRONG_KEY", "not-the-key-" + "KEYvalue")
    caplog.set_level(logging.DEBUG)  # urllib3's request lines too
    content = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", content)
    sources = tmp_path / "sources.toml"
    sources.write_text(
        FAST + api_source(o)
        + api_source(o, "wrong-key", env="TEST_WRONG_KEY")
        + api_source(o, "three-days", prefix="/always98")
        + api_source(o, "quiet", prefix="/empty")
        + api_source(o, "no-key", env="TEST_UNSET_KEY_VARIABLE")
        + source_toml("hanbit-rss", "한빛시청", "rss", f"{o}/hanbit/rss.xml"), encoding="utf-8")
    state = tmp_path / "state"
    args = ["scrape", "--sources", str(sources), "--content", str(content), "--state", str(state)]

    assert newsroom(args) == 3
    report = json.loads((state / "scrape-report.json").read_text(encoding="utf-8"))
    by_id = {s["id"]: s for s in report["sources"]}
    assert sorted(report["failed_sources"]) == ["no-key", "three-days", "wrong-key"]
    assert "HTTP 401" in by_id["wrong-key"]["error"]
    assert "SERVICE_KEY_IS_NOT_REGISTERED_ERROR (returnReasonCode 30)" in by_id["wrong-key"]["error"]
    assert "resultCode 98 (THREE_DAYS_OVER_ERROR)" in by_id["three-days"]["error"]
    assert "TEST_UNSET_KEY_VARIABLE" in by_id["no-key"]["error"] and "not set" in by_id["no-key"]["error"]
    assert by_id["quiet"]["error"] is None and by_id["quiet"]["found"] == 0  # NODATA: nothing new
    assert by_id["hanbit-rss"]["error"] is None and by_id["hanbit-rss"]["new"] >= 1
    rep = by_id["briefing"]
    assert (rep["found"], rep["new"], rep["failed"], rep["error"]) == (3, 3, 0, None)

    # Requests: windows of at most three days covering the last seven, newest first, two
    # pages in the window that has items (totalCount 3, numOfRows 2), the key on every one.
    today = datetime.now(KST).date()
    mine = [q for q in api.queries if q.get("serviceKey") == KEY]
    assert all(span_days(q) <= 3 and q["numOfRows"] == "2" for q in mine)
    windows = sorted({(q["startDate"], q["endDate"]) for q in mine}, reverse=True)
    assert windows == [(f"{s:%Y%m%d}", f"{e:%Y%m%d}") for s, e in api_windows(today, 7)]
    assert windows[-1][0] == f"{today - timedelta(days=6):%Y%m%d}"
    assert [q["pageNo"] for q in mine if q["endDate"] == f"{today:%Y%m%d}"] == ["1", "2"]

    arts = scraped(content, "briefing")
    first = arts[f"briefing {o}/briefing/pressReleaseView.do?newsId=2001"]
    h = parse_header(first)
    assert h.value("Title") == "미래산업부, 중소 제조기업 설비 자동화 지원 확대"
    assert h.value("Date") == "2026-03-05 14:00:00"  # MM/DD/YYYY, Korea time
    # The ministry is the issuing office, credited with the source (one Source per source id,
    # so the 기관별 page stays one page).
    assert h.value("Source") == "정책브리핑" and h.value("Department") == "미래산업부"
    assert h.value("Source_URL") == f"{o}/briefing/pressReleaseView.do?newsId=2001"
    assert h.value("License") == "공공누리 제1유형" and h.value("Category") == "경제"
    assert h.value("Subtitle") == "올해 지원 기업 400곳으로 늘려"
    image = h.value("Image")
    assert image.startswith("images/briefing/") and (content / image).is_file()
    assert "| 2026년 | 400 |" in first and "ㅇ 기업당 최대 1억 원" in first
    assert f"[설비 자동화 지원 계획.hwpx]({o}/briefing/common/download.do?fileId=9001&tblKey=GMN)" in first
    assert f"[참고자료.pdf]({o}/briefing/common/download.do?fileId=9002&tblKey=GMN)" in first
    assert "api-xss" not in first and "javascript:" not in first and "onerror" not in first
    explained = parse_header(arts[f"briefing {o}/briefing/pressReleaseView.do?newsId=2002"])
    assert explained.value("Department") == "문화여가부" and explained.value("Category") == "문화"
    # An item without OriginalUrl: known by its NewsItemId, and no link to a missing original.
    orphan = parse_header(arts[f"briefing {o}{ENDPOINT}?NewsItemId=2003"])
    assert orphan.get("Source_URL") is None and orphan.value("Department") == "안전관리부"

    # Strict build: no warnings, nothing from the API runs on our pages.
    out = tmp_path / "output"
    result = build_site(content, out, PROJECT_ROOT / "publishconf.py")
    assert result.returncode == 0, result.log[-3000:]
    assert result.problems() == [], result.problems()
    for p in (content / "scraped" / "briefing").glob("*.md"):
        raw = (out / "news" / f"{p.stem}.html").read_text(encoding="utf-8")
        assert "api-xss" not in raw
        for el in lxml.html.fromstring(raw).iter():
            if isinstance(el.tag, str):
                assert not any(a.lower().startswith("on") for a in el.attrib), (p, el.tag)
    assert (out / "source").is_dir()
    # Idempotent: nothing written on a second run.
    before = {p: p.stat().st_mtime_ns for p in (content / "scraped").rglob("*.md")}
    assert newsroom(args) == 3
    again = json.loads((state / "scrape-report.json").read_text(encoding="utf-8"))
    assert again["written"] == [] and again["totals"]["new"] == 0
    assert {p: p.stat().st_mtime_ns for p in (content / "scraped").rglob("*.md")} == before

    # ContentsStatus U: the release was corrected; the file (untouched by editors) is updated
    # with Modified from ModifyDate.
    api.updated = True
    assert newsroom(args) == 3
    again = json.loads((state / "scrape-report.json").read_text(encoding="utf-8"))
    assert by_ids(again)["briefing"]["updated"] == 1 and by_ids(again)["briefing"]["new"] == 0
    first = scraped(content, "briefing")[f"briefing {o}/briefing/pressReleaseView.do?newsId=2001"]
    h = parse_header(first)
    assert h.value("Modified") == "2026-03-05 17:20:00" and "450곳" in first

    # The key appears nowhere: not in logs (ours or urllib3's), the printed summary, the
    # report, the state folder or content/.
    printed = capsys.readouterr()
    assert_no_key(caplog.text)
    assert_no_key(printed.out + printed.err)
    assert_no_key(all_text_under(state, content / "scraped"))
    assert any("GET " in r.getMessage() and "serviceKey=***" in r.getMessage()
               for r in caplog.records if r.name.startswith("urllib3")), \
        "urllib3 debug lines were not captured, so the check above proves nothing"


def by_ids(report):
    return {s["id"]: s for s in report["sources"]}


def test_windows_never_exceed_three_days():
    today = date(2026, 3, 5)
    assert api_windows(today, 1) == [(today, today)]
    assert api_windows(today, 3) == [(date(2026, 3, 3), today)]
    assert api_windows(today, 7) == [(date(2026, 3, 3), today), (date(2026, 2, 28), date(2026, 3, 2)),
                                     (date(2026, 2, 27), date(2026, 2, 27))]
    for days in range(1, 32):
        windows = api_windows(today, days)
        assert all((e - s).days + 1 <= 3 for s, e in windows)
        assert sum((e - s).days + 1 for s, e in windows) == days


def test_reply_parsing():
    page = parse_api_reply(xml_reply("page1.xml", "http://x.example").body)
    assert page.ok and page.total == 3 and len(page.items) == 2
    item = page.items[0]
    assert item.date == datetime(2026, 3, 5, 14, 0, tzinfo=KST) and item.status == "I"
    assert [a.name for a in item.attachments] == ["설비 자동화 지원 계획.hwpx", "참고자료.pdf"]
    nodata = parse_api_reply((SITE / "nodata.xml").read_bytes())
    assert nodata.ok and nodata.items == ()
    over = parse_api_reply((SITE / "over.xml").read_bytes())
    assert not over.ok and (over.code, over.message) == ("98", "THREE_DAYS_OVER_ERROR")
    with pytest.raises(ApiError, match="SERVICE_KEY_IS_NOT_REGISTERED_ERROR"):
        parse_api_reply((SITE / "unauthorized.xml").read_bytes())
    with pytest.raises(ApiError, match="not an XML API reply"):
        parse_api_reply(b"<html><body>maintenance</body>")
    # No entity expansion: a reply cannot read files or blow up.
    evil = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<response><header><resultCode>0</resultCode></header><body><NewsItem>"
            b"<Title>&x;</Title></NewsItem></body></response>")
    titles = [i.title for i in parse_api_reply(evil).items]
    assert titles == [""] or "root:" not in "".join(titles)


GOOD = """
[[sources]]
id = "korea-kr"
name = "정책브리핑"
kind = "api"
url = "https://apis.example.go.kr/1371000/pressReleaseService/pressReleaseList"
[sources.api]
api_key_env = "DATA_GO_KR_KEY"
"""


@pytest.mark.parametrize("old, new, key, words", [
    ('api_key_env = "DATA_GO_KR_KEY"\n', "", "api.api_key_env", "missing"),
    ('"DATA_GO_KR_KEY"', '"Tq7+Zr/Wm3abc=="', "api.api_key_env", "never goes in this file"),
    ('api_key_env', 'lookback_days = 0\napi_key_env', "api.lookback_days", "1 to 31"),
    ('api_key_env', 'rows = 5000\napi_key_env', "api.rows", "1 to 1000"),
    ('api_key_env', 'credit = "ministry"\napi_key_env', "api.credit", "unknown key"),
    ('api_key_env', 'service_key = "x"\napi_key_env', "api.service_key", "unknown key"),
    ('[sources.api]\napi_key_env = "DATA_GO_KR_KEY"\n', "", "api", "needs a [sources.api] table"),
    ('kind = "api"', 'kind = "rss"', "api", 'only applies to kind = "api"'),
    ("[sources.api]", '[sources.selectors]\nbody = "div"\n[sources.api]', "selectors", "no selectors"),
])
def test_config_errors_exit_2_naming_the_key(config_error, old, new, key, words):
    assert old in GOOD
    path, err = config_error(GOOD.replace(old, new, 1))
    assert str(path) in err and "source #1 (korea-kr)" in err and f"key {key!r}" in err, err
    assert words in err, err
    assert "Tq7+Zr" not in err  # a key pasted by mistake is not echoed back


def test_good_config_loads(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text(GOOD, encoding="utf-8")
    api = load(path).sources[0].spec
    assert (api.api_key_env, api.lookback_days, api.rows) == ("DATA_GO_KR_KEY", 3, 100)
