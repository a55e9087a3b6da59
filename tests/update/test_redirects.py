"""A published article whose URL changes keeps its old URL working (issue 14): `newsroom check`
warns first, the update job records the old URL in redirects.toml, and the build writes a
page there that sends readers to the article's current URL."""

from __future__ import annotations

import tomllib

from helpers import parse_html


def _set_slug(project, rel: str, slug: str) -> None:
    path = project.content / rel
    head, body = path.read_text(encoding="utf-8").split("\n\n", 1)
    lines = [ln for ln in head.splitlines() if not ln.startswith("Slug:")] + [f"Slug: {slug}"]
    path.write_text("\n".join(lines) + "\n\n" + body, encoding="utf-8")


def _redirect_target(live, old: str) -> tuple[str, str]:
    soup = parse_html(live / old)
    refresh = soup.find("meta", attrs={"http-equiv": "refresh"})["content"]
    canonical = soup.find("link", rel="canonical")["href"]
    link = soup.find("main").find("a")["href"]
    assert refresh.split("url=", 1)[1] == link
    return link, canonical


def test_a_changed_slug_keeps_the_old_url_as_a_redirect(published):
    project = published
    live = project.output.resolve()
    assert (live / "news/politics-council.html").is_file()
    _set_slug(project, "articles/politics-council.md", "council-budget-2026")

    check = project.run("check")
    assert check.code == 0, check.output
    assert ("content/articles/politics-council.md:" in check.stderr
            and "news/politics-council.html → news/council-budget-2026.html" in check.stderr)

    assert project.update().code == 0
    live = project.output.resolve()
    assert (live / "news/council-budget-2026.html").is_file()
    link, canonical = _redirect_target(live, "news/politics-council.html")
    assert link == "../news/council-budget-2026.html"
    assert canonical == "http://127.0.0.1:8000/news/council-budget-2026.html"
    record = tomllib.loads((project.root / "redirects.toml").read_text(encoding="utf-8"))
    assert [(r["from"], r["source"]) for r in record["redirect"]] == [
        ("news/politics-council.html", "articles/politics-council.md")]

    # Moved again: both old URLs lead to where it is now.
    _set_slug(project, "articles/politics-council.md", "council-budget-final")
    assert project.update().code == 0
    live = project.output.resolve()
    for old in ("news/politics-council.html", "news/council-budget-2026.html"):
        assert _redirect_target(live, old)[0] == "../news/council-budget-final.html", old
    # The old URLs are in no list or feed: only the article's current URL is.
    feed = (live / "feeds/all.atom.xml").read_text(encoding="utf-8")
    assert "council-budget-final" in feed and "politics-council.html" not in feed


def test_a_renamed_file_keeps_its_old_url(published):
    project = published
    old = project.content / "articles/economy-market.md"
    old.rename(project.content / "articles/market-recovery.md")
    assert project.update().code == 0
    live = project.output.resolve()
    assert (live / "news/market-recovery.html").is_file()
    assert _redirect_target(live, "news/economy-market.html")[0] == "../news/market-recovery.html"
