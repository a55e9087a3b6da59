"""kind = "post": 새올-style boards whose list and articles are reached by form POSTs
(`onclick="searchDetail('1203')"`), end to end on a real 127.0.0.1 server, then a strict build."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import lxml.html
import pytest
from helpers import PROJECT_ROOT, build_site
from server import FIXTURES, Reply, file_reply, image_bytes, source_toml

from newsroom.cli import main as newsroom
from newsroom.core.model import parse_header
from press_scraper.fetch import Fetcher, FetchError
from press_scraper.sources import settings_from_mapping

SITE = FIXTURES / "saebom"
FAST = """[scraper]
delay = 0
timeout = 2.0
deadline = 5.0
retries = 2
backoff = 0.05
"""
LIST_FORM = {"mode": "list", "ofr_pageSize": "10", "not_ancmt_se_code": "01,04"}



def saebom_list(req):
    """The list answers POSTs only, with the board's fixed fields; past page 2 it shows
    page 2 again, as real boards do."""
    form = req.form
    if req.method != "POST" or any(form.get(k) != v for k, v in LIST_FORM.items()):
        return Reply(400, b"bad list request", {"Content-Type": "text/plain"})
    page = form.get("pageIndex", "")
    if not page.isdigit():
        return Reply(400, b"no pageIndex", {"Content-Type": "text/plain"})
    return file_reply(SITE / f"list{min(int(page), 2)}.html", "text/html; charset=utf-8")


def saebom_detail(req):
    form = req.form if req.method == "POST" else {
        k: v for k, v in (p.split("=", 1) for p in req.query.split("&") if "=" in p)}
    number = form.get("news_epct_no", "")
    if form.get("method") != "searchDetail" or not number.isdigit():
        return Reply(400, b"bad detail request", {"Content-Type": "text/plain"})
    path = SITE / f"view-{number}.html"
    if not path.is_file():
        return Reply(404, b"no such release", {"Content-Type": "text/plain"})
    return file_reply(path, "text/html; charset=utf-8")


@pytest.fixture
def saebom(fixture_server):
    s = fixture_server
    s.route("/saebom/ofr/selectOfrList.do", saebom_list)
    s.route("/saebom/ofr/OfrAction.do", saebom_detail)
    s.route("/saebom/img/flower.png", Reply(body=image_bytes("PNG", (10, 8), (200, 120, 30)), headers={"Content-Type": "image/png"}))
    s.route("/hanbit/rss.xml", file_reply(FIXTURES / "hanbit/rss.xml", "application/rss+xml"))
    s.route("/broken/ofr/selectOfrList.do", Reply(500, b"down"))
    return s


def post_source(origin: str, sid: str = "saebom", *, path: str = "/saebom", extra: str = "") -> str:
    return f"""
[[sources]]
id = "{sid}"
name = "새봄군청"
kind = "post"
url = "{origin}{path}/ofr/selectOfrList.do"
license = "공공누리 제1유형"
tags = ["새봄군"]
max_pages = 5
[sources.post]
list_form = {{ mode = "list", ofr_pageSize = 10, not_ancmt_se_code = "01,04" }}
page_field = "pageIndex"
detail_url = "{origin}{path}/ofr/OfrAction.do"
detail_id_pattern = "searchDetail\\\\('([^']*)'\\\\)"
detail_form = {{ method = "searchDetail", news_epct_no = "{{id}}" }}
{extra}"""


def scraped(content: Path, sid: str) -> dict[str, str]:
    return {parse_header(p.read_text(encoding="utf-8")).value("Identity"): p.read_text(encoding="utf-8")
            for p in sorted((content / "scraped" / sid).glob("*.md"))}


def test_post_board_end_to_end(saebom, tmp_path):
    o = saebom.origin
    content = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", content)
    sources = tmp_path / "sources.toml"
    sources.write_text(
        FAST + post_source(o) + post_source(o, "broken", path="/broken")
        + source_toml("hanbit-rss", "한빛시청", "rss", f"{o}/hanbit/rss.xml"), encoding="utf-8")
    state = tmp_path / "state"
    args = ["scrape", "--sources", str(sources), "--content", str(content), "--state", str(state)]

    assert newsroom(args) == 3  # the broken board fails; the others are written
    report = json.loads((state / "scrape-report.json").read_text(encoding="utf-8"))
    by_id = {s["id"]: s for s in report["sources"]}
    assert report["failed_sources"] == ["broken"]
    assert "HTTP 500" in by_id["broken"]["error"] and "pageIndex=1" in by_id["broken"]["error"]
    assert saebom.hits("/broken/ofr/selectOfrList.do") == 1  # a POST is not retried on 5xx
    assert by_id["hanbit-rss"]["new"] >= 1 and by_id["hanbit-rss"]["error"] is None
    rep = by_id["saebom"]
    assert (rep["found"], rep["new"], rep["failed"], rep["error"]) == (3, 3, 0, None)

    # What the server saw: list POSTs with the fixed fields, pages 1, 2, then 3 (a repeat of
    # page 2: nothing new, so paging stops); one detail POST per release, none for the 공지
    # row (900) or the id that is not a plain number-like token.
    lists = [r.form for r in saebom.requests if r.path == "/saebom/ofr/selectOfrList.do"]
    assert [f["pageIndex"] for f in lists] == ["1", "2", "3"]
    assert all(f["mode"] == "list" and f["ofr_pageSize"] == "10" for f in lists)
    details = [r for r in saebom.requests if r.path == "/saebom/ofr/OfrAction.do"]
    assert all(r.method == "POST" for r in details)
    assert sorted(r.form["news_epct_no"] for r in details) == ["1199", "1202", "1203"]
    assert all(r.headers.get("User-Agent", "").startswith("WoorigojangNewsBot/") for r in details)

    arts = scraped(content, "saebom")
    canonical = f"{o}/saebom/ofr/OfrAction.do?method=searchDetail&news_epct_no=1203"
    text = arts[f"saebom {canonical}"]
    h = parse_header(text)
    assert h.value("Title") == "새봄군, 봄맞이 꽃길 가꾸기 주민 참여단 모집"
    assert h.value("Date") == "2026-03-04 10:30:00"
    assert h.value("Source") == "새봄군청" and h.value("Department") == "산림녹지과"
    assert h.value("Source_URL") == canonical
    assert h.value("Subtitle") == "읍면별 꽃길 구간 12곳, 참여 주민 150명 모집"
    assert h.value("License") == "공공누리 제1유형" and h.value("Tags") == "새봄군"
    image = h.value("Image")
    assert image.startswith("images/saebom/") and (content / image).is_file()
    assert "□ 새봄군은 봄을 맞아" in text and "※ 신청은 3월 20일까지" in text
    assert f"[꽃길 참여단 모집 공고.hwp]({o}/saebom/files/flower-2026.hwp)" in text
    assert "saebom-xss" not in text and "onmouseover" not in text and "<script" not in text
    assert "홍보소통과" not in text  # the page-manager box is not the release's office
    council = arts[f"saebom {o}/saebom/ofr/OfrAction.do?method=searchDetail&news_epct_no=1202"]
    assert parse_header(council).value("Category") == "정치"
    assert "이용 안내" not in "".join(arts.values())

    # A strict Pelican build of what was written: no warnings, no script from the source.
    out = tmp_path / "output"
    result = build_site(content, out, PROJECT_ROOT / "publishconf.py")
    assert result.returncode == 0, result.log[-3000:]
    assert result.problems() == [], result.problems()
    for p in (content / "scraped" / "saebom").glob("*.md"):
        page = out / "news" / f"{p.stem}.html"
        raw = page.read_text(encoding="utf-8")
        assert "saebom-xss" not in raw and "steal()" not in raw
        doc = lxml.html.fromstring(raw)
        for el in doc.iter():
            if isinstance(el.tag, str):
                assert not any(a.lower().startswith("on") for a in el.attrib), (page, el.tag)
    built = (out / "news" / f"{Path(parse_header(text).value('Slug')).stem}.html").read_text(
        encoding="utf-8")
    assert "새봄군, 봄맞이 꽃길 가꾸기" in built and canonical.replace("&", "&amp;") in built

    # Idempotent: a second run posts the list again but fetches no detail and writes nothing.
    before = {p: p.stat().st_mtime_ns for p in (content / "scraped").rglob("*.md")}
    n_details = len(details)
    assert newsroom(args) == 3
    again = json.loads((state / "scrape-report.json").read_text(encoding="utf-8"))
    assert again["written"] == [] and again["totals"]["new"] == 0
    assert {p: p.stat().st_mtime_ns for p in (content / "scraped").rglob("*.md")} == before
    assert saebom.hits("/saebom/ofr/OfrAction.do") == n_details

    # Without the seen-cache (.state deleted) the details are fetched again, yet the identity
    # (source + detail URL + sorted form) finds the same files: still nothing written.
    shutil.rmtree(state)
    assert newsroom(args) == 3
    again = json.loads((state / "scrape-report.json").read_text(encoding="utf-8"))
    assert again["written"] == [] and again["totals"]["new"] == 0


def test_detail_by_get_with_link_url(saebom, tmp_path):
    o = saebom.origin
    sources = tmp_path / "sources.toml"
    sources.write_text(FAST + post_source(o, extra=f"""detail_method = "get"
link_url = "{o}/saebom/ofr/view.do?no={{id}}"
"""), encoding="utf-8")
    content = tmp_path / "content"
    args = ["scrape", "--sources", str(sources), "--content", str(content),
            "--state", str(tmp_path / "state")]
    assert newsroom(args) == 0
    details = [r for r in saebom.requests if r.path == "/saebom/ofr/OfrAction.do"]
    assert {r.method for r in details} == {"GET"} and len(details) == 3
    arts = scraped(content, "saebom")
    h = parse_header(arts[f"saebom {o}/saebom/ofr/OfrAction.do?method=searchDetail&news_epct_no=1199"])
    assert h.value("Source_URL") == f"{o}/saebom/ofr/view.do?no=1199"
    assert h.value("Category") == "경제"


def test_first_page_without_ids_fails_the_source(fixture_server, tmp_path):
    fixture_server.route("/saebom/ofr/selectOfrList.do",
                         file_reply(SITE / "view-1199.html", "text/html; charset=utf-8"))
    sources = tmp_path / "sources.toml"
    sources.write_text(FAST + post_source(fixture_server.origin), encoding="utf-8")
    args = ["scrape", "--sources", str(sources), "--content", str(tmp_path / "c"),
            "--state", str(tmp_path / "state")]
    assert newsroom(args) == 3
    report = json.loads((tmp_path / "state" / "scrape-report.json").read_text(encoding="utf-8"))
    assert "no rows matching post.detail_id_pattern" in report["sources"][0]["error"]


# --- the fetcher's POST policy ---------------------------------------------------------------


def fetcher(tmp_path, **over):
    values = {"delay": 0, "retries": 2, "backoff": 0.01, "timeout": 2.0, **over}
    return Fetcher(settings_from_mapping(values), tmp_path)


def test_post_not_retried_on_5xx_unless_idempotent(fixture_server, tmp_path):
    url = fixture_server.route("/flaky", [Reply(500), Reply(200, b"ok")])
    with fetcher(tmp_path) as f:
        with pytest.raises(FetchError) as err:
            f.post(url, {"a": "1"})
    assert err.value.status == 500 and fixture_server.hits("/flaky") == 1
    url = fixture_server.route("/flaky2", [Reply(502), Reply(200, b"ok")])
    with fetcher(tmp_path) as f:
        assert f.post(url, {"a": "1"}, idempotent=True).content == b"ok"
    assert fixture_server.hits("/flaky2") == 2
    # 429: the server refused it unprocessed, so even a plain POST is tried again.
    url = fixture_server.route("/busy", [Reply(429, headers={"Retry-After": "0"}), Reply(200, b"ok")])
    with fetcher(tmp_path) as f:
        assert f.post(url, {"a": "1"}).content == b"ok"
    assert fixture_server.hits("/busy") == 2
    sent = [(r.method, r.path) for r in fixture_server.requests if r.path != "/robots.txt"]
    assert {m for m, _ in sent} == {"POST"} and len(sent) == 5


def test_post_obeys_robots_size_cap_and_redirects(fixture_server, tmp_path):
    fixture_server.robots("User-agent: *\nDisallow: /private/\n")
    url = fixture_server.route("/private/list.do", Reply(200, b"secret"))
    with fetcher(tmp_path) as f, pytest.raises(FetchError, match="robots.txt disallow"):
        f.post(url, {"pageIndex": "1"})
    assert fixture_server.hits("/private/list.do") == 0
    url = fixture_server.route("/large", Reply(200, b"x" * 5000, {"Content-Type": "text/html"}))
    with fetcher(tmp_path, max_bytes=1000) as f, pytest.raises(FetchError, match="too large"):
        f.post(url, {"pageIndex": "1"})
    # 303 after a POST: read the new address with GET, the form is not sent again.
    fixture_server.route("/after", lambda req: Reply(200, req.method.encode()))
    url = fixture_server.route("/submit", Reply(303, headers={"Location": "/after"}))
    with fetcher(tmp_path) as f:
        assert f.post(url, {"q": "1"}).content == b"GET"
    # 307 keeps the method and the body.
    fixture_server.route("/echo", lambda req: Reply(200, (req.method + " " + req.form["q"]).encode()))
    url = fixture_server.route("/moved", Reply(307, headers={"Location": "/echo"}))
    with fetcher(tmp_path) as f:
        assert f.post(url, {"q": "한글"}).content == "POST 한글".encode()


# --- configuration errors --------------------------------------------------------------------

GOOD = """
[[sources]]
id = "b"
name = "새봄군청"
kind = "post"
url = "https://www.example.go.kr/ofr/selectOfrList.do"
[sources.post]
detail_url = "https://www.example.go.kr/ofr/OfrAction.do"
detail_id_pattern = "searchDetail\\\\('(\\\\d+)'\\\\)"
detail_form = { method = "searchDetail", news_epct_no = "{id}" }
"""


@pytest.mark.parametrize("old, new, key, words", [
    ('detail_url = "https://www.example.go.kr/ofr/OfrAction.do"\n', "", "post.detail_url",
     "missing"),
    ('detail_url = "https://www.example.go.kr/ofr/OfrAction.do"',
     'detail_url = "ftp://www.example.go.kr/x"', "post.detail_url", "http or https"),
    ("(\\\\d+)", "\\\\d+", "post.detail_id_pattern", "exactly one capturing group"),
    ("(\\\\d+)", "(\\\\d+", "post.detail_id_pattern", "invalid regular expression"),
    ('news_epct_no = "{id}"', 'news_epct_no = "7"', "post.detail_form", "{id}"),
    ('news_epct_no = "{id}"', 'news_epct_no = "{idx}"', "post.detail_form", "braces"),
    ("detail_form =", 'page_field = "pageIndex"\nlist_form = { pageIndex = 1 }\ndetail_form =',
     "post.page_field", "also in list_form"),
    ("detail_form =", 'detail_method = "put"\ndetail_form =', "post.detail_method", "post"),
    ("detail_form =", "idempotent = \"yes\"\ndetail_form =", "post.idempotent", "true or false"),
    ("detail_form =", "detail_forms = {}\ndetail_form =", "post.detail_forms", "did you mean"),
    ('kind = "post"', 'kind = "html"', "post", "only applies to kind = \"post\""),
    ("[sources.post]", "[sources.postt]", "postt", "did you mean 'post'"),
    ("[sources.post]", "[sources.selectors]\nnext_page = \"a.next\"\n[sources.post]",
     "selectors.next_page", "page_field"),
])
def test_config_errors_exit_2_naming_the_key(config_error, old, new, key, words):
    assert old in GOOD
    path, err = config_error(GOOD.replace(old, new, 1))
    assert str(path) in err and "source #1 (b)" in err and f"key {key!r}" in err, err
    assert words in err, err


def test_good_config_loads(tmp_path):
    from press_scraper.sources import load

    path = tmp_path / "sources.toml"
    path.write_text(GOOD, encoding="utf-8")
    post = load(path).sources[0].spec
    assert post.page_field == "pageIndex" and post.detail_method == "post"
    assert post.form_for("12") == (("method", "searchDetail"), ("news_epct_no", "12"))
    assert post.idempotent is False and post.list_form == ()
