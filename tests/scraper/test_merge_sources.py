"""One release, many outlets (issue 12), end to end: real sources on 127.0.0.1, real scrapes.

An agency and a regional paper serve the same release in variants; the site ends with one
article that credits both, at one stable URL, whichever copy arrived first.
"""

from __future__ import annotations

import html
import re

from dedupe_fixture import render
from helpers import PROJECT_ROOT, build_site, new_content
from server import Reply, source_toml
from test_hostile_sources import HTML, RSS, item, rss, run, sources_file

from newsroom.core.model import parse_header, parse_other_sources

AGENCY = 'license = "공공누리 제1유형: 출처표시"\n'


def page(name: str, variants=()) -> bytes:
    title, body, _ = render(name, variants)
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n\n"))
    return (f'<html><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
            f'<body><h1>{html.escape(title)}</h1><div class="view">{paras}</div></body></html>'
            ).encode()


def serve(s, prefix: str, releases: list[tuple[str, tuple[str, ...]]]) -> None:
    """A feed at /<prefix>/rss.xml with one page per release."""
    items = []
    for n, (name, variants) in enumerate(releases, 1):
        title, _, date = render(name, variants)
        items.append(item(html.escape(title), f"/{prefix}/{n}.html",
                          date.strftime("%Y-%m-%d %H:%M:%S")))
        s.route(f"/{prefix}/{n}.html", Reply(body=page(name, variants),
                                             headers={"Content-Type": HTML}))
    s.route(f"/{prefix}/rss.xml", Reply(body=rss(*items), headers={"Content-Type": RSS}))


def articles(tmp_path) -> dict[str, dict[str, str]]:
    """Every article file under content/, by path: its header values."""
    out = {}
    for path in sorted((tmp_path / "content").rglob("*.md")):
        header = parse_header(path.read_text(encoding="utf-8"))
        out[path.relative_to(tmp_path / "content").as_posix()] = {
            f.key: f.value for f in header.fields}
    return out


def two_sources(tmp_path, o, *, paper_first: bool = True):
    agency = source_toml("daegu", "대구광역시", "rss", f"{o}/daegu/rss.xml", AGENCY)
    paper = source_toml("yeongnam", "영남일보", "rss", f"{o}/yn/rss.xml")
    return sources_file(tmp_path, *((paper, agency) if paper_first else (agency, paper)))


def test_paper_first_then_agency_one_article_credits_both(fixture_server, tmp_path):
    s, o = fixture_server, fixture_server.origin
    serve(s, "yn", [("daegu-youth", ("prefix", "byline", "trim", "nocontact", "numbers"))])
    serve(s, "daegu", [])
    src = two_sources(tmp_path, o)
    code, _ = run(tmp_path, src)
    assert code == 0
    [(path, first)] = articles(tmp_path).items()
    assert first["Source"] == "영남일보"

    # The agency's own release arrives: no second article; the first takes its text.
    serve(s, "daegu", [("daegu-youth", ())])
    code, report = run(tmp_path, src)
    assert code == 0, report
    after = articles(tmp_path)
    assert list(after) == [path], after  # one file, same place
    meta = after[path]
    assert (meta["Slug"], meta["Identity"], meta["Date"]) == (
        first["Slug"], first["Identity"], first["Date"])  # one stable URL
    assert meta["Source"] == "대구광역시" and meta["Source_URL"] == f"{o}/daegu/1.html"
    others = parse_other_sources(meta["Other_Sources"])
    assert [(x.name, x.url) for x in others] == [("영남일보", f"{o}/yn/1.html")]
    [merge] = report["merges"]
    assert merge["action"] == "switched" and merge["into"] == path
    assert merge["similarity"] >= 0.8 and merge["copy"] == f"{o}/daegu/1.html"
    assert report["totals"]["merged"] == 1 and report["totals"]["new"] == 0

    # A third run changes nothing and fetches nothing again.
    before = (tmp_path / "content" / path).read_bytes()
    code, report = run(tmp_path, src)
    assert code == 0 and report["merges"] == [] and report["totals"]["new"] == 0
    assert (tmp_path / "content" / path).read_bytes() == before


def test_agency_first_keeps_its_text_and_credits_the_paper(fixture_server, tmp_path):
    s, o = fixture_server, fixture_server.origin
    serve(s, "daegu", [("busan-festival-2026", ())])
    serve(s, "yn", [("busan-festival-2026", ("suffix", "byline", "caption", "width"))])
    code, report = run(tmp_path, two_sources(tmp_path, o, paper_first=False))
    assert code == 0, report
    [(path, meta)] = articles(tmp_path).items()
    assert meta["Source"] == "대구광역시"
    assert "[영남일보=" not in (tmp_path / "content" / path).read_text(encoding="utf-8")
    assert [x.url for x in parse_other_sources(meta["Other_Sources"])] == [f"{o}/yn/1.html"]
    assert [m["action"] for m in report["merges"]] == ["credited"]


def test_different_releases_stay_apart(fixture_server, tmp_path):
    """One agency's boilerplate on two events; one event in two years; two agencies."""
    s, o = fixture_server, fixture_server.origin
    serve(s, "daegu", [("daegu-youth", ()), ("busan-festival-2025", ()), ("gwangju-voucher", ())])
    serve(s, "yn", [("daegu-library", ("byline",)), ("busan-festival-2026", ("byline",)),
                    ("ulsan-voucher", ("byline",))])
    code, report = run(tmp_path, two_sources(tmp_path, o, paper_first=False))
    assert code == 0, report
    assert len(articles(tmp_path)) == 6 and report["merges"] == []


def test_an_edited_article_is_never_rewritten_by_a_copy(fixture_server, tmp_path):
    s, o = fixture_server, fixture_server.origin
    serve(s, "yn", [("jeju-water", ("byline",))])
    serve(s, "daegu", [])
    src = two_sources(tmp_path, o)
    assert run(tmp_path, src)[0] == 0
    [path] = articles(tmp_path)
    file = tmp_path / "content" / path
    edited = file.read_text(encoding="utf-8").replace("제한 급수", "제한급수", 1)
    file.write_text(edited, encoding="utf-8")
    serve(s, "daegu", [("jeju-water", ())])
    code, report = run(tmp_path, src)
    assert code == 0, report
    assert file.read_text(encoding="utf-8") == edited  # not a byte changed
    assert list(articles(tmp_path)) == [path]  # and no second copy beside it
    assert [m["action"] for m in report["merges"]] == ["held"]


def test_dedupe_off_splits_and_merge_into_forces(fixture_server, tmp_path):
    s, o = fixture_server, fixture_server.origin
    serve(s, "daegu", [("sejong-bus", ()), ("gangwon-snow", ())])
    serve(s, "yn", [])
    src = two_sources(tmp_path, o, paper_first=False)
    assert run(tmp_path, src)[0] == 0
    by_title = {m["Title"]: p for p, m in articles(tmp_path).items()}
    bus = tmp_path / "content" / by_title[render("sejong-bus")[0]]
    snow_path = by_title[render("gangwon-snow")[0]]
    # Split: the editor marks the agency's article `Dedupe: off`; the paper's copy of it then
    # becomes an article of its own.
    text = bus.read_text(encoding="utf-8")
    bus.write_text(text.replace("Slug:", "Dedupe: off\nSlug:", 1), encoding="utf-8")
    serve(s, "yn", [("sejong-bus", ("byline",))])
    code, report = run(tmp_path, src)
    assert code == 0 and report["merges"] == [] and report["totals"]["new"] == 1, report
    assert len(articles(tmp_path)) == 3
    # Force: the editor writes `Merge_Into: <slug>` on the paper's article.
    paper = next(p for p, m in articles(tmp_path).items() if m["Source_ID"] == "yeongnam")
    file = tmp_path / "content" / paper
    snow_slug = articles(tmp_path)[snow_path]["Slug"]
    file.write_text(file.read_text(encoding="utf-8").replace(
        "Slug:", f"Merge_Into: {snow_slug}\nSlug:", 1), encoding="utf-8")
    code, report = run(tmp_path, src)
    assert code == 0, report
    assert not file.exists()
    snow = articles(tmp_path)[snow_path]
    assert [x.url for x in parse_other_sources(snow["Other_Sources"])] == [f"{o}/yn/1.html"]
    [merge] = report["merges"]
    assert merge["forced"] and merge["action"] == "credited" and merge["into"] == snow_path


def test_the_index_is_a_cache(fixture_server, tmp_path):
    s, o = fixture_server, fixture_server.origin
    serve(s, "daegu", [("daejeon-science", ())])
    serve(s, "yn", [])
    src = two_sources(tmp_path, o, paper_first=False)
    assert run(tmp_path, src)[0] == 0
    (tmp_path / "state" / "dedupe.sqlite").unlink()
    serve(s, "yn", [("daejeon-science", ("prefix", "trim"))])
    code, report = run(tmp_path, src)
    assert code == 0 and len(articles(tmp_path)) == 1
    assert [m["action"] for m in report["merges"]] == ["credited"]


def test_the_article_page_credits_every_outlet_once(fixture_server, tmp_path):
    """A real strict build: the `다른 출처` line links every other outlet; feeds list the
    article once; a hostile outlet name stays text."""
    s, o = fixture_server, fixture_server.origin
    serve(s, "daegu", [("gangwon-snow", ())])
    serve(s, "yn", [("gangwon-snow", ("byline", "numbers"))])
    agency = source_toml("daegu", "대구광역시", "rss", f"{o}/daegu/rss.xml", AGENCY)
    paper = source_toml("yeongnam", "영남<script>x</script>일보", "rss", f"{o}/yn/rss.xml")
    content = new_content(tmp_path / "content")
    code, report = run(tmp_path, sources_file(tmp_path, agency, paper))
    assert code == 0 and [m["action"] for m in report["merges"]] == ["credited"], report
    [(path, meta)] = [(p, m) for p, m in articles(tmp_path).items() if p.startswith("scraped/")]
    out = tmp_path / "out"
    built = build_site(content, out, PROJECT_ROOT / "publishconf.py")
    assert built.returncode == 0, built.log[-3000:]
    page_html = next(out.rglob(f"{meta['Slug']}.html")).read_text(encoding="utf-8")
    line = re.search(r'<p class="news-source news-source--others">(.*?)</p>', page_html, re.S)
    assert line, "no 다른 출처 line"
    assert "다른 출처" in line.group(1)
    assert f'href="{o}/yn/1.html"' in line.group(1)
    assert "<script>" not in line.group(1) and "&lt;script&gt;" in line.group(1)
    feed = (out / "feeds/all.atom.xml").read_text(encoding="utf-8")
    assert feed.count("<entry>") == 1 and meta["Slug"] in feed
