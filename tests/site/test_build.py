"""A real strict build (publishconf.py) of the sample content, checked page by page.

Expected values come from the Markdown sources read with `newsroom_site.model`, so these
tests compare what readers and machines get with what editors wrote. A generated site of 45
articles in one section covers pagination, drafts and the news sitemap's two-day window.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import markdown
import pytest
from bs4 import BeautifulSoup
from helpers import (
    SECTIONS,
    TEST_NOW,
    build_ok,
    html_files,
    link_targets,
    output_rel,
    parse_html,
    read_articles,
    read_pages,
    resolve_link,
    text_of,
    write_article,
)
from lxml import etree

from newsroom.core import model

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
NS = {"sm": SITEMAP_NS, "news": NEWS_NS}
KST_ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?\+09:00$")
NOW = model.parse_date(TEST_NOW)


def _soup(soups, rel):
    assert rel in soups, f"{rel} was not written"
    return soups[rel]


# --- the build itself ----------------------------------------------------------------------


def test_build_exits_zero_without_warnings_or_errors(built_site):
    assert built_site.returncode == 0, built_site.log[-6000:]
    problems = built_site.problems()
    assert not problems, "the build log has warnings or errors:\n" + "\n".join(problems)
    assert "Done: Processed" in built_site.log, built_site.log[-2000:]


def test_sample_content_is_substantial(published):
    """Issue 2: at least 15 articles over the three sections, four regions, some images."""
    assert len(published) >= 15, f"only {len(published)} published sample articles"
    sections = {a.category for a in published}
    assert sections == {name for name, _ in SECTIONS}, sections
    assert sum(1 for a in published if a.image) >= 2, "fewer than two articles with an Image"


# --- articles ------------------------------------------------------------------------------


def test_every_published_article_has_its_page(out, soups, published):
    missing, wrong = [], []
    for a in published:
        rel = a.url
        if rel not in soups:
            missing.append(f"{a.relpath}: expected {rel}")
            continue
        # The heading's text as a browser, a feed reader or a search engine reads it (its
        # textContent, as the feeds are compared): the inline spans that keep `시정·건의` on one
        # line are not word breaks, so no space is put at their edges as text_of would.
        h1s = [re.sub(r"\s+", " ", h.get_text()).strip() for h in soups[rel].find_all("h1")]
        if a.title not in h1s:
            wrong.append(f"{rel}: no <h1> with the title {a.title!r} (h1s: {h1s})")
    assert not missing, "articles without a page:\n" + "\n".join(missing)
    assert not wrong, "\n".join(wrong)


def test_no_article_pages_beyond_the_published_ones(out, published):
    written = {p.relative_to(out).as_posix() for p in (out / "news").glob("*.html")}
    expected = {a.url for a in published}
    assert written == expected, (
        f"unexpected: {sorted(written - expected)}; missing: {sorted(expected - written)}"
    )


def test_drafts_are_not_published(out, articles):
    drafts = [a for a in articles if a.status == "draft"]
    leaks = []
    for a in drafts:
        if (out / a.url).exists():
            leaks.append(f"{a.relpath}: draft written to {a.url}")
        for f in [*html_files(out), *out.glob("feeds/*.xml"), *out.glob("*.xml")]:
            text = f.read_text(encoding="utf-8")
            if a.title in text or f"news/{a.slug}.html" in text:
                leaks.append(f"{a.relpath}: draft shows in {output_rel(out, f)}")
    assert not leaks, "\n".join(leaks)


def test_article_page_shows_dates_byline_and_source(out, soups, published, settings):
    """Issue 2's article page: `등록 2025.12.16 16:30:06`, `수정 …`, byline, 뉴스출처 link."""
    problems = []
    for a in published:
        soup = soups.get(a.url)
        if soup is None:
            continue
        text = text_of(soup)
        flat = re.sub(r"\s+", " ", soup.get_text())  # inline markup joined as a reader sees it
        stamp = a.date.astimezone(model.KST).strftime("%Y.%m.%d %H:%M:%S")
        if not re.search(rf"등록\s*{re.escape(stamp)}", text):
            problems.append(f"{a.url}: no '등록 {stamp}'")
        if a.modified:
            mstamp = a.modified.astimezone(model.KST).strftime("%Y.%m.%d %H:%M:%S")
            if not re.search(rf"수정\s*{re.escape(mstamp)}", text):
                problems.append(f"{a.url}: no '수정 {mstamp}'")
        times = [t.get("datetime", "") for t in soup.find_all("time")]
        if not any(KST_ISO_RE.match(t) and datetime.fromisoformat(t) == a.date for t in times):
            problems.append(f"{a.url}: no <time datetime> equal to {a.date.isoformat()} ({times})")
        for author in a.authors:
            if f"{settings['SITENAME']}={author} 기자" not in flat:
                problems.append(f"{a.url}: no byline [{settings['SITENAME']}={author} 기자]")
        if a.source:
            if "뉴스출처" not in text or a.source not in text:
                problems.append(f"{a.url}: no [뉴스출처 : {a.source}]")
            if a.source_url and not soup.find("a", href=a.source_url):
                problems.append(f"{a.url}: no link to Source_URL {a.source_url}")
        if a.image:
            srcs = [resolve_link(out, out / a.url, i.get("src", "")) for i in soup.find_all("img")]
            if out / a.image not in srcs:
                problems.append(f"{a.url}: lead image {a.image} not shown")
            elif not (out / a.image).is_file():
                problems.append(f"{a.url}: lead image {a.image} not copied to the output")
    assert not problems, "\n".join(problems)


# --- menus, home, boxes --------------------------------------------------------------------


def _menu_links(out, page, soup):
    """(text, target) of links inside <nav> elements, in document order."""
    found = []
    for nav in soup.find_all("nav"):
        for a in nav.find_all("a", href=True):
            found.append((text_of(a), output_rel(out, resolve_link(out, page, a["href"]))))
    return found


@pytest.mark.parametrize("kind", ["home", "section", "article", "page"])
def test_menus_link_to_the_sections_in_order(out, soups, published, kind):
    rel = {
        "home": "index.html",
        "section": "section/culture/index.html",
        "article": published[0].url,
        "page": "about.html",
    }[kind]
    soup = _soup(soups, rel)
    links = _menu_links(out, out / rel, soup)
    expected = [(name, f"section/{slug}/index.html") for name, slug in SECTIONS]
    menu = [(t, target) for t, target in links if t in dict(SECTIONS)]
    # The first occurrence of each section name in the navigation is the menu.
    first = []
    for item in menu:
        if item[0] not in [f[0] for f in first]:
            first.append(item)
    assert first == expected, f"{rel}: menu links {links}"
    for _, target in expected:
        assert (out / target).is_file(), f"menu target {target} was not written"


@pytest.mark.parametrize("name,slug", SECTIONS)
def test_current_section_is_marked(out, soups, name, slug):
    rel = f"section/{slug}/index.html"
    soup = _soup(soups, rel)
    current = [text_of(a) for a in soup.select("nav a[aria-current]")]
    assert current == [name], f"{rel}: aria-current on {current}, expected only {name}"


def test_footer_links_every_section_feed(out, soups):
    soup = _soup(soups, "index.html")
    targets = set(link_targets(out, out / "index.html", soup))
    targets |= {
        output_rel(out, resolve_link(out, out / "index.html", link["href"]))
        for link in soup.find_all("link", rel="alternate", href=True)
        if resolve_link(out, out / "index.html", link["href"])
    }
    missing = [
        slug
        for _, slug in SECTIONS
        if f"feeds/{slug}.atom.xml" not in targets and f"feeds/{slug}.rss.xml" not in targets
    ]
    assert not missing, f"home page links no feed of sections {missing}"
    # Issue 15: the feed row moved from the header (raw XML a tap away on a phone) to the footer.
    footer = soup.find("footer")
    assert footer is not None, "home page has no <footer>"
    footer_targets = set(link_targets(out, out / "index.html", footer))
    in_footer = [
        slug
        for _, slug in SECTIONS
        if f"feeds/{slug}.atom.xml" in footer_targets or f"feeds/{slug}.rss.xml" in footer_targets
    ]
    assert in_footer == [s for _, s in SECTIONS], f"section feeds linked in <footer>: {in_footer}"
    assert not soup.find("header").select(".feed-links"), "the feed row is still in the header"


def _more_boxes(out, page, soup):
    """For each `더보기` link: (target, [article targets in its box]).

    A box is the nearest ancestor of the link that holds links to articles: the markup may
    vary, the reader's view does not (a heading, the list, and 더보기 together).
    """
    boxes = []
    for a in soup.find_all("a", href=True):
        if "더보기" not in text_of(a):
            continue
        target = output_rel(out, resolve_link(out, page, a["href"]))
        node = a.parent
        items: list[str] = []
        while node is not None and node.name not in ("body", "[document]"):
            items = [t for t in link_targets(out, page, node) if t.startswith("news/")]
            if items:
                break
            node = node.parent
        boxes.append((target, list(dict.fromkeys(items))))
    return boxes


def _latest_by_section(published, n=5):
    by = defaultdict(list)
    for a in published:
        by[a.category].append(a)
    return {name: [a.url for a in by[name][:n]] for name, _ in SECTIONS}


def test_home_has_a_box_of_the_five_latest_per_section(out, soups, published):
    soup = _soup(soups, "index.html")
    boxes = _more_boxes(out, out / "index.html", soup)
    latest = _latest_by_section(published)
    by_target = {t: items for t, items in boxes}
    for name, slug in SECTIONS:
        target = f"section/{slug}/index.html"
        assert target in by_target, f"home: no 더보기 link to {target} (boxes: {boxes})"
        assert (out / target).is_file(), f"더보기 target {target} was not written"
        assert by_target[target] == latest[name], (
            f"home {name} box: {by_target[target]}, expected the 5 latest {latest[name]}"
        )


def test_home_opens_with_the_latest_article_with_an_image(out, soups, published):
    top = next((a for a in published if a.image), None)
    assert top is not None, "no sample article has an Image"
    soup = _soup(soups, "index.html")
    main = soup.find("main") or soup
    first_article_link = next(t for t in link_targets(out, out / "index.html", main)
                              if t.startswith("news/"))
    assert first_article_link == top.url, (
        f"home: first article link {first_article_link}, expected the top story {top.url}"
    )
    imgs = [resolve_link(out, out / "index.html", i.get("src", "")) for i in soup.find_all("img")]
    assert out / top.image in imgs, f"home: top story image {top.image} not shown"


def test_every_article_ends_with_the_three_section_boxes(out, soups, published):
    """Each article page carries the three boxes' headings and 더보기 links itself (so they
    work without JavaScript); the lists come from one shared latest.json (a new article
    rewrites that file, not every article page), filled in by latest-boxes.js."""
    problems = []
    for a in published:
        soup = soups.get(a.url)
        if soup is None:
            continue
        holder = soup.select_one("[data-latest-src]")
        if holder is None:
            problems.append(f"{a.url}: no section boxes")
            continue
        src = output_rel(out, resolve_link(out, out / a.url, holder["data-latest-src"]))
        if src != "latest.json":
            problems.append(f"{a.url}: boxes read {src}, not latest.json")
        boxes = {}
        for box in holder.select("section.box"):
            more = [x for x in box.find_all("a", href=True) if "더보기" in text_of(x)]
            lists = box.select("ul[data-latest]")
            if len(more) != 1 or len(lists) != 1:
                problems.append(f"{a.url}: a box without one 더보기 and one list: {box}")
                continue
            boxes[lists[0]["data-latest"]] = output_rel(
                out, resolve_link(out, out / a.url, more[0]["href"]))
        expected = {slug: f"section/{slug}/index.html" for _, slug in SECTIONS}
        if boxes != expected:
            problems.append(f"{a.url}: boxes {boxes}, expected {expected}")
    assert not problems, "\n".join(problems[:30])


def test_latest_json_lists_the_five_latest_per_section(out, published):
    latest = _latest_by_section(published)
    data = json.loads((out / "latest.json").read_text(encoding="utf-8"))
    by_url = {a.url: a for a in published}
    for name, slug in SECTIONS:
        items = data["sections"][slug]
        assert [i["url"] for i in items] == latest[name], f"{name}: {items}"
        for item in items:
            a = by_url[item["url"]]
            assert (out / item["url"]).is_file(), item["url"]
            assert item["title"] == a.title
            assert datetime.fromisoformat(item["datetime"]) == a.date
            assert item["date"] == a.date.astimezone(model.KST).strftime("%m.%d")


# --- machines: feeds -----------------------------------------------------------------------


def _last_paragraph(body: str) -> str:
    html = markdown.markdown(body, extensions=["extra", "sane_lists"])
    paras = [text_of(p) for p in BeautifulSoup(html, "lxml").find_all("p") if text_of(p)]
    return paras[-1] if paras else ""


FEEDS = ["all.atom.xml", "all.rss.xml"] + [
    f"{slug}.{kind}.xml" for _, slug in SECTIONS for kind in ("atom", "rss")
]


@pytest.mark.parametrize("name", FEEDS)
def test_feed_parses_with_full_text_and_kst_dates(out, origin, published, name):
    path = out / "feeds" / name
    assert path.is_file(), f"feeds/{name} was not written"
    raw = path.read_text(encoding="utf-8")
    feed = feedparser.parse(raw)
    assert not feed.bozo, f"feeds/{name}: {feed.get('bozo_exception')}"
    slug = name.split(".")[0]
    pool = published if slug == "all" else [
        a for a in published if a.category == dict((s, n) for n, s in SECTIONS)[slug]
    ]
    expected = pool[:50]
    by_link = {f"{origin}/{a.url}": a for a in pool}
    links = [e.link for e in feed.entries]
    assert links == [f"{origin}/{a.url}" for a in expected], f"feeds/{name}: entries {links}"
    problems = []
    for e in feed.entries:
        a = by_link[e.link]
        html = e.content[0].value if e.get("content") else e.get("summary", "")
        text = text_of(BeautifulSoup(html, "lxml"))
        last = _last_paragraph(a.body)
        if last and last not in text:
            problems.append(f"{e.link}: feed text lacks the last paragraph {last[:60]!r}")
        published_at = datetime(*e.published_parsed[:6], tzinfo=UTC)
        if published_at != a.date:
            problems.append(f"{e.link}: published {published_at} != {a.date}")
    assert not problems, f"feeds/{name}:\n" + "\n".join(problems)
    if ".atom." in name:
        stamps = re.findall(r"<(published|updated)>([^<]+)</\1>", raw)
        assert stamps, f"feeds/{name}: no <published>/<updated>"
        bad = [s for _, s in stamps if not KST_ISO_RE.match(s)]
        assert not bad, f"feeds/{name}: dates without +09:00: {bad}"
    else:
        stamps = re.findall(r"<(pubDate|lastBuildDate)>([^<]+)</\1>", raw)
        assert stamps, f"feeds/{name}: no <pubDate>"
        bad = [s for _, s in stamps if not s.endswith("+0900")]
        assert not bad, f"feeds/{name}: dates not in +0900: {bad}"


# --- machines: JSON-LD, canonical, Open Graph ----------------------------------------------


def _jsonld_objects(soup) -> list[dict]:
    objs = []
    for s in soup.find_all("script", type="application/ld+json"):
        data = json.loads(s.string or "")
        for item in data if isinstance(data, list) else [data]:
            objs += item.get("@graph", [item]) if isinstance(item, dict) else []
    return objs


def _types(obj) -> list[str]:
    t = obj.get("@type", [])
    return t if isinstance(t, list) else [t]


def _names(value) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [i.get("name") if isinstance(i, dict) else i for i in items]


def test_article_jsonld(out, origin, soups, published, settings):
    problems = []
    for a in published:
        soup = soups.get(a.url)
        if soup is None:
            continue
        try:
            objs = _jsonld_objects(soup)
        except json.JSONDecodeError as e:
            problems.append(f"{a.url}: JSON-LD is not JSON: {e}")
            continue
        news = [o for o in objs if "NewsArticle" in _types(o)]
        if len(news) != 1:
            problems.append(f"{a.url}: {len(news)} NewsArticle objects")
            continue
        ld = news[0]
        url = f"{origin}/{a.url}"
        if ld.get("headline") != a.title:
            problems.append(f"{a.url}: headline {ld.get('headline')!r} != {a.title!r}")
        for key, want in (("datePublished", a.date), ("dateModified", a.modified or a.date)):
            got = ld.get(key, "")
            if not KST_ISO_RE.match(got) or datetime.fromisoformat(got) != want:
                problems.append(f"{a.url}: {key} {got!r}, expected {want.isoformat()}")
        if a.authors and _names(ld.get("author", [])) != a.authors:
            problems.append(f"{a.url}: author {ld.get('author')!r}, expected {a.authors}")
        if not a.authors and not ld.get("author"):
            problems.append(f"{a.url}: no author")
        pub = ld.get("publisher") or {}
        if pub.get("name") != settings["SITENAME"] or "Organization" not in _types(pub):
            problems.append(f"{a.url}: publisher {pub!r}")
        main = ld.get("mainEntityOfPage")
        main_url = main.get("@id") if isinstance(main, dict) else main
        if main_url != url:
            problems.append(f"{a.url}: mainEntityOfPage {main!r}, expected {url}")
        if a.image:
            images = ld.get("image")
            images = images if isinstance(images, list) else [images]
            images = [i.get("url") if isinstance(i, dict) else i for i in images]
            if f"{origin}/{a.image}" not in images:
                problems.append(f"{a.url}: image {images}, expected {origin}/{a.image}")
    assert not problems, "\n".join(problems)


def _meta(soup, prop):
    tag = soup.find("meta", attrs={"property": prop})
    return tag.get("content") if tag else None


def test_article_canonical_and_open_graph(soups, origin, published):
    problems = []
    for a in published:
        soup = soups.get(a.url)
        if soup is None:
            continue
        url = f"{origin}/{a.url}"
        canonical = soup.find("link", rel="canonical")
        if not canonical or canonical.get("href") != url:
            problems.append(f"{a.url}: canonical {canonical and canonical.get('href')}, want {url}")
        if _meta(soup, "og:url") != url:
            problems.append(f"{a.url}: og:url {_meta(soup, 'og:url')}")
        if _meta(soup, "og:title") != a.title:
            problems.append(f"{a.url}: og:title {_meta(soup, 'og:title')!r}")
        if _meta(soup, "og:type") != "article":
            problems.append(f"{a.url}: og:type {_meta(soup, 'og:type')}")
        if a.image and _meta(soup, "og:image") != f"{origin}/{a.image}":
            problems.append(f"{a.url}: og:image {_meta(soup, 'og:image')}")
    assert not problems, "\n".join(problems)


def test_canonical_urls_are_absolute_on_every_page(out, origin, soups):
    problems = []
    must_have = {"index.html", "about.html", "terms.html"} | {
        f"section/{s}/index.html" for _, s in SECTIONS
    }
    for rel, soup in soups.items():
        links = soup.find_all("link", rel="canonical")
        if not links:
            if rel in must_have or rel.startswith("news/"):
                problems.append(f"{rel}: no canonical link")
            continue
        href = links[0].get("href", "")
        if len(links) > 1 or not href.startswith(origin + "/"):
            problems.append(f"{rel}: canonical {[link.get('href') for link in links]}")
        elif (refresh := soup.find("meta", attrs={"http-equiv": "refresh"})) is not None:
            # An old URL (redirects.py): its canonical is the page it sends readers to.
            target = refresh.get("content", "").split("url=", 1)[-1]
            if resolve_link(out, out / rel, href, origin) != resolve_link(
                    out, out / rel, target, origin):
                problems.append(f"{rel}: redirects to {target} but canonical is {href}")
        elif resolve_link(out, out / rel, href, origin) != out / rel and rel != "404.html":
            problems.append(f"{rel}: canonical {href} points at another page")
        for prop in ("og:url", "og:image"):
            value = _meta(soup, prop)
            if value is not None and not value.startswith(origin + "/"):
                problems.append(f"{rel}: {prop} {value} is not absolute on {origin}")
    assert not problems, "\n".join(problems[:40])


def test_every_page_names_the_site_icon(out, origin, soups):
    """A page without `<link rel="icon">` makes the browser fetch /favicon.ico, which the site
    does not have: a 404 and a console error on every visit (redirect stubs at old URLs
    included)."""
    problems = []
    for rel, soup in soups.items():
        icon = soup.find("link", rel="icon")
        if icon is None:
            problems.append(f"{rel}: no icon link")
        elif not (target := resolve_link(out, out / rel, icon.get("href", ""), origin)) \
                or not target.is_file():
            problems.append(f"{rel}: icon {icon.get('href')} is not a file of the site")
    assert not problems, "\n".join(problems[:20])


# --- machines: sitemaps and robots.txt -----------------------------------------------------


def _sitemap_urls(path: Path):
    tree = etree.parse(str(path))
    return tree, [loc.text.strip() for loc in tree.findall("sm:url/sm:loc", NS)]


def _sitemap_index(out, origin):
    """sitemap.xml is an index of sitemaps/*.xml: (their paths, every URL they list, the
    index's lastmod per sitemap, the trees)."""
    index = etree.parse(str(out / "sitemap.xml"))
    assert index.getroot().tag == f"{{{SITEMAP_NS}}}sitemapindex"
    parts, locs, lastmods, trees = [], [], {}, []
    for entry in index.findall("sm:sitemap", NS):
        loc = entry.findtext("sm:loc", namespaces=NS).strip()
        assert loc.startswith(origin + "/sitemaps/"), loc
        rel = loc[len(origin) + 1:]
        parts.append(rel)
        lastmods[rel] = entry.findtext("sm:lastmod", namespaces=NS)
        tree, urls = _sitemap_urls(out / rel)
        assert tree.getroot().tag == f"{{{SITEMAP_NS}}}urlset"
        trees.append(tree)
        locs += urls
    return parts, locs, lastmods, trees


def test_sitemap_index_has_one_sitemap_per_month(out, origin, published):
    """A new article rewrites its month's sitemap and the index, not one list of every URL."""
    parts, _locs, lastmods, trees = _sitemap_index(out, origin)
    months = sorted({a.date.astimezone(model.KST).strftime("%Y-%m") for a in published})
    assert parts == ["sitemaps/pages.xml"] + [f"sitemaps/{m}.xml" for m in months]
    for rel, tree in zip(parts[1:], trees[1:], strict=True):
        month = rel.removeprefix("sitemaps/").removesuffix(".xml")
        expected = sorted(f"{origin}/{a.url}" for a in published
                          if a.date.astimezone(model.KST).strftime("%Y-%m") == month)
        listed = sorted(loc.text.strip() for loc in tree.findall("sm:url/sm:loc", NS))
        assert listed == expected, rel
        newest = max(datetime.fromisoformat(m.text)
                     for m in tree.findall("sm:url/sm:lastmod", NS))
        assert datetime.fromisoformat(lastmods[rel]) == newest, rel


def test_sitemap_lists_every_article_and_nothing_missing(out, origin, published):
    assert (out / "sitemap.xml").is_file(), "sitemap.xml was not written"
    _parts, locs, _lastmods, trees = _sitemap_index(out, origin)
    missing = [a.url for a in published if f"{origin}/{a.url}" not in locs]
    assert not missing, f"sitemap.xml lacks articles {missing}"
    for extra in ["", "about.html", "terms.html"] + [f"section/{s}/" for _, s in SECTIONS]:
        assert f"{origin}/{extra}" in locs, f"sitemap.xml lacks {origin}/{extra}"
    dangling = [
        loc for loc in locs
        if not loc.startswith(origin + "/")
        or not resolve_link(out, out / "index.html", loc, origin).is_file()
    ]
    assert not dangling, f"sitemap.xml URLs with no page: {dangling}"
    assert len(locs) == len(set(locs)), "sitemap.xml lists a URL twice"
    lastmods = [m.text for tree in trees for m in tree.findall("sm:url/sm:lastmod", NS)]
    bad = [m for m in lastmods if "T" in m and not KST_ISO_RE.match(m)]
    assert not bad, f"sitemap.xml lastmod without +09:00: {bad}"


def _check_news_sitemap(out, origin, published, settings, now=NOW):
    path = out / "news-sitemap.xml"
    assert path.is_file(), "news-sitemap.xml was not written"
    tree, locs = _sitemap_urls(path)
    root = tree.getroot()
    assert root.tag == f"{{{SITEMAP_NS}}}urlset"
    assert root.nsmap.get("news") == NEWS_NS, f"news namespace: {root.nsmap}"
    window = [a for a in published if now - timedelta(days=2) <= a.date <= now]
    assert sorted(locs) == sorted(f"{origin}/{a.url}" for a in window), (
        f"news-sitemap.xml lists {locs}, expected the articles of the two days before {now}"
    )
    by_url = {f"{origin}/{a.url}": a for a in window}
    problems = []
    for url in tree.findall("sm:url", NS):
        loc = url.findtext("sm:loc", namespaces=NS).strip()
        a = by_url[loc]
        name = url.findtext("news:news/news:publication/news:name", namespaces=NS)
        lang = url.findtext("news:news/news:publication/news:language", namespaces=NS)
        date = url.findtext("news:news/news:publication_date", namespaces=NS) or ""
        title = url.findtext("news:news/news:title", namespaces=NS)
        if name != settings["SITENAME"] or lang != "ko":
            problems.append(f"{loc}: publication {name!r}/{lang!r}")
        if not KST_ISO_RE.match(date) or datetime.fromisoformat(date) != a.date:
            problems.append(f"{loc}: publication_date {date!r}, expected {a.date.isoformat()}")
        if title != a.title:
            problems.append(f"{loc}: title {title!r}")
    assert not problems, "\n".join(problems)
    return window


def test_news_sitemap_lists_the_last_two_days(out, origin, published, settings):
    _check_news_sitemap(out, origin, published, settings)


def test_robots_txt_points_at_the_sitemap(out, origin):
    path = out / "robots.txt"
    assert path.is_file(), "robots.txt was not written"
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    assert f"Sitemap: {origin}/sitemap.xml" in lines, lines
    assert any(line.lower() == "user-agent: *" for line in lines), lines
    assert "Disallow: /" not in lines, "robots.txt blocks the whole site"


# --- the second wall: CSP and no inline code -----------------------------------------------


def _csp(soup) -> dict[str, list[str]] | None:
    tag = soup.find("meta", attrs={"http-equiv": re.compile("^content-security-policy$", re.I)})
    if tag is None:
        return None
    policy = {}
    for part in tag.get("content", "").split(";"):
        words = part.split()
        if words:
            policy[words[0].lower()] = words[1:]
    return policy


def test_every_page_carries_a_strict_csp_before_any_script_or_style(soups):
    problems = []
    for rel, soup in soups.items():
        policy = _csp(soup)
        if policy is None:
            problems.append(f"{rel}: no Content-Security-Policy meta tag")
            continue
        for directive in ("script-src", "style-src"):
            sources = policy.get(directive, policy.get("default-src"))
            if not sources or set(sources) - {"'self'", "'none'"}:
                problems.append(f"{rel}: {directive} {sources} (expected 'self' only)")
        head = soup.find("head")
        seen_csp = False
        for el in head.find_all(["meta", "script", "link", "style"]) if head else []:
            if el.name == "meta" and str(el.get("http-equiv", "")).lower() == (
                "content-security-policy"
            ):
                seen_csp = True
            elif el.name in ("script", "style") or (
                el.name == "link" and "stylesheet" in (el.get("rel") or [])
            ):
                if not seen_csp:
                    problems.append(f"{rel}: <{el.name}> before the CSP meta tag")
                    break
    assert not problems, "\n".join(problems[:40])


def test_no_inline_scripts_handlers_or_styles(soups):
    problems = []
    for rel, soup in soups.items():
        for s in soup.find_all("script"):
            if not s.get("src") and s.get("type") != "application/ld+json":
                problems.append(f"{rel}: inline <script> {str(s)[:80]}")
        for el in soup.find_all(True):
            for attr, value in el.attrs.items():
                if re.match(r"^on[a-z]+$", attr, re.I):
                    problems.append(f"{rel}: <{el.name} {attr}=...> event handler")
                elif attr == "style":
                    problems.append(f"{rel}: <{el.name} style=...> inline style")
                elif attr in ("href", "src", "action") and str(value).strip().lower().startswith(
                    "javascript:"
                ):
                    problems.append(f"{rel}: javascript: URL on <{el.name}>")
        if soup.find("style"):
            problems.append(f"{rel}: <style> element (blocked by style-src 'self')")
    assert not problems, "\n".join(problems[:40])


def test_no_external_scripts_styles_fonts_or_images(out, origin, soups):
    problems = []
    for rel, soup in soups.items():
        refs = [("script", s.get("src")) for s in soup.find_all("script", src=True)]
        refs += [("img", i.get("src")) for i in soup.find_all("img", src=True)]
        refs += [
            ("link", link.get("href"))
            for link in soup.find_all("link", href=True)
            if set(link.get("rel") or []) & {"stylesheet", "icon", "preload", "manifest"}
        ]
        for kind, ref in refs:
            if resolve_link(out, out / rel, ref, origin) is None:
                problems.append(f"{rel}: <{kind}> loads {ref} from another site")
    assert not problems, "\n".join(problems[:40])


def test_fragment_links_point_at_existing_ids(out, soups):
    """`#main` skip links and in-page anchors land on an element that exists."""
    problems = []
    for rel, soup in soups.items():
        for a in soup.find_all("a", href=True):
            href = a["href"]
            if "#" not in href or href.startswith(("http:", "https:", "mailto:")):
                continue
            path, fragment = href.split("#", 1)
            if not fragment:
                continue
            target = rel if not path else output_rel(out, resolve_link(out, out / rel, path))
            if target not in soups:
                continue  # a missing page is the link checker's to report
            if not soups[target].find(id=fragment) and not soups[target].find(
                "a", attrs={"name": fragment}
            ):
                problems.append(f"{rel}: {href} - no id={fragment!r} in {target}")
    assert not problems, "\n".join(problems[:40])


def test_pages_link_relatively_so_a_release_works_anywhere(soups, origin):
    """Readers' links are relative; only canonical, og: and 404.html (served at any depth) differ."""
    problems = []
    for rel, soup in soups.items():
        if rel == "404.html":
            continue
        refs = [("a", a["href"]) for a in soup.find_all("a", href=True)]
        refs += [("img", i["src"]) for i in soup.find_all("img", src=True)]
        refs += [("script", s["src"]) for s in soup.find_all("script", src=True)]
        refs += [
            ("link", link["href"]) for link in soup.find_all("link", href=True)
            if "canonical" not in (link.get("rel") or [])
        ]
        for kind, ref in refs:
            if ref.startswith("/") and not ref.startswith("//") or ref.startswith(origin):
                problems.append(f"{rel}: <{kind}> {ref} is not relative")
    assert not problems, "\n".join(problems[:40])


def test_every_page_is_korean_with_a_title_and_one_h1(soups):
    problems = []
    for rel, soup in soups.items():
        if soup.html is None or soup.html.get("lang") != "ko":
            problems.append(f"{rel}: <html lang> is {soup.html and soup.html.get('lang')!r}")
        if not soup.title or not text_of(soup.title):
            problems.append(f"{rel}: empty <title>")
        if len(soup.find_all("h1")) != 1:
            problems.append(f"{rel}: {len(soup.find_all('h1'))} <h1> elements")
    assert not problems, "\n".join(problems[:40])


def test_preview_build_of_the_sample_is_clean(project_root, tmp_path):
    """The editors' preview (pelicanconf.py) builds the same content without a warning."""
    result = build_ok(project_root / "content", tmp_path / "preview", "pelicanconf.py")
    assert not result.problems(), "\n".join(result.problems())
    home = text_of(parse_html(tmp_path / "preview" / "index.html"))
    assert ".md:" not in home, "the preview of good content shows a problem banner"


# --- tag, source, author, archive and fixed pages ------------------------------------------


def _listed(out, first_page: Path) -> set[str]:
    """Article targets linked from a listing and its numbered pages (2/, 3/, ...)."""
    pages = [first_page] + sorted(first_page.parent.glob("[0-9]*/index.html"))
    found = set()
    for p in pages:
        found |= {t for t in link_targets(out, p, parse_html(p)) if t.startswith("news/")}
    return found


def _listing_problems(out, kind: str, listings: dict[str, tuple[Path, list]]) -> list[str]:
    """Problems of the listing pages of one kind (tag, author, month): name -> (first page,
    articles); each page must be written and list its articles over its numbered pages."""
    assert listings, f"no sample article has a {kind}"
    problems = []
    for name, (page, arts) in listings.items():
        if not page.is_file():
            problems.append(f"{kind} {name!r}: {output_rel(out, page)} not written")
            continue
        missing = {a.url for a in arts} - _listed(out, page)
        if missing:
            problems.append(f"{kind} {name!r}: {output_rel(out, page)} lacks {sorted(missing)}")
    return problems


def _romanized(wrapper, kind: str):
    """A Pelican Tag or Author with the site's slug (Revised Romanization, slugs.py)."""
    from newsroom_site.slugs import assign

    assign(wrapper, kind)
    return wrapper


def test_tag_pages_list_their_articles(out, soups, published, settings):
    from pelican.urlwrappers import Tag

    by_tag = defaultdict(list)
    for a in published:
        for t in a.tags:
            by_tag[t].append(a)
    pages = {name: (out / _romanized(Tag(name, settings), "tag").save_as, arts) for name, arts in by_tag.items()}
    problems = _listing_problems(out, "tag", pages)
    for name, arts in by_tag.items():
        page = output_rel(out, out / _romanized(Tag(name, settings), "tag").save_as)
        for a in arts:
            soup = soups.get(a.url)
            if soup and page not in link_targets(out, out / a.url, soup):
                problems.append(f"{a.url}: no link to its tag page {page}")
    assert not problems, "\n".join(problems[:40])


def test_author_pages_list_their_articles(out, published, settings):
    from pelican.urlwrappers import Author

    by_author = defaultdict(list)
    for a in published:
        for name in a.authors:
            by_author[name].append(a)
    pages = {n: (out / _romanized(Author(n, settings), "author").save_as, arts) for n, arts in by_author.items()}
    problems = _listing_problems(out, "author", pages)
    assert not problems, "\n".join(problems)


def test_source_pages_list_every_credited_article(out, soups, published):
    credited = [a for a in published if a.source]
    assert credited, "no sample article has a Source"
    index = out / "source" / "index.html"
    assert index.is_file(), "source/index.html (기관별) was not written"
    index_links = set(link_targets(out, index, parse_html(index)))
    page_of: dict[str, set[str]] = defaultdict(set)
    problems = []
    for a in credited:
        soup = soups.get(a.url)
        if soup is None:
            continue
        targets = {
            t for t in link_targets(out, out / a.url, soup)
            if re.match(r"^source/[^/]+/index\.html$", t)
        }
        if len(targets) != 1:
            problems.append(f"{a.url}: links to source pages {sorted(targets)}, expected one")
            continue
        page_of[a.source] |= targets
    for source, pages in page_of.items():
        if len(pages) != 1:
            problems.append(f"source {source!r}: articles link to several pages {sorted(pages)}")
            continue
        rel = next(iter(pages))
        if not (out / rel).is_file():
            problems.append(f"source {source!r}: {rel} not written")
            continue
        if source not in text_of(parse_html(out / rel)):
            problems.append(f"{rel}: does not name {source!r}")
        missing = {a.url for a in credited if a.source == source} - _listed(out, out / rel)
        if missing:
            problems.append(f"{rel}: lacks {sorted(missing)}")
        if rel not in index_links:
            problems.append(f"source/index.html: no link to {rel}")
    assert not problems, "\n".join(problems)


def test_monthly_archives_list_their_articles(out, published):
    by_month = defaultdict(list)
    for a in published:
        by_month[a.date.astimezone(model.KST).strftime("%Y/%m")].append(a)
    pages = {m: (out / "archive" / m / "index.html", arts) for m, arts in by_month.items()}
    problems = _listing_problems(out, "month", pages)
    assert not problems, "\n".join(problems)


def test_pages_and_404_exist(out, soups, project_root):
    pages = read_pages(project_root / "content")
    for slug in ("about", "terms"):
        assert slug in pages, f"content/pages has no {slug} page"
        soup = _soup(soups, f"{slug}.html")
        assert pages[slug] in [text_of(h) for h in soup.find_all("h1")], (
            f"{slug}.html: no <h1> {pages[slug]!r}"
        )
    soup = _soup(soups, "404.html")
    assert soup.find("h1"), "404.html has no heading"


def test_404_page_links_work_from_any_depth(out, origin, soups):
    """404.html is served for any missing URL, so relative links would break: use the origin."""
    soup = _soup(soups, "404.html")
    refs = [link["href"] for link in soup.find_all("link", rel="stylesheet", href=True)]
    refs += [a["href"] for a in soup.find_all("a", href=True)]
    refs += [s["src"] for s in soup.find_all("script", src=True)]
    relative = [
        r for r in refs
        if not (r.startswith(("/", "#", origin)) or ":" in r)
    ]
    assert not relative, f"404.html has relative links that break below the root: {relative}"
    homes = [r for r in refs if r in (origin + "/", "/", origin)]
    assert homes, "404.html does not link to the home page"


# --- a generated site: pagination, drafts, the news sitemap window -------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory, project_root):
    """45 economy articles 3 hours apart, a few in other sections, one draft; built strict."""
    root = tmp_path_factory.mktemp("generated")
    content = root / "content"
    arts = content / "articles"
    for i in range(45):
        when = NOW - timedelta(hours=1 + 3 * i)
        write_article(
            arts, f"economy-{i:02d}",
            f"생성된 경제 기사 {i}번의 본문입니다.\n\n마지막 문단 표식 {i}번 끝.",
            Title=f"경제 시험 기사 {i:02d}호", Date=model.format_date(when), Category="경제",
            Tags="시험지역", Authors="시험기자", Summary=f"경제 시험 기사 {i}번 요약",
        )
    for stem, section, hours in (
        ("politics-a", "정치", 5), ("politics-b", "정치", 50),
        ("culture-a", "문화", 30), ("culture-b", "문화", 100),
    ):
        write_article(
            arts, stem, f"{section} 시험 기사 본문.",
            Title=f"{section} 시험 기사 {stem}", Category=section,
            Date=model.format_date(NOW - timedelta(hours=hours)),
        )
    write_article(
        arts, "draft-story", "초안 본문입니다.", Title="아직 공개되지 않은 초안 기사",
        Date=model.format_date(NOW - timedelta(hours=2)), Category="경제", Status="draft",
    )
    if (project_root / "content" / "pages").is_dir():
        shutil.copytree(project_root / "content" / "pages", content / "pages")
    result = build_ok(content, root / "output")
    return result, read_articles(content)


def test_generated_build_logs_no_problems(generated):
    result, _ = generated
    assert not result.problems(), "\n".join(result.problems())


def test_section_pagination_twenty_per_page(generated):
    """The first page shows the newest 20; older pages are full blocks of 20 counted from the
    oldest article (newsroom_site/paging.py), so block pages never change once written: with 45
    articles, block 1 = the 20 oldest, block 2 = the next 20, and the 5 newest are on the first
    page only (with the 15 after them, which block 2 also lists)."""
    result, articles = generated
    out = result.output
    economy = [a.url for a in articles if a.published and a.category == "경제"]
    assert len(economy) == 45
    front, block2, block1 = (
        "section/economy/index.html", "section/economy/2/index.html",
        "section/economy/1/index.html",
    )
    assert not (out / "section/economy/3/index.html").exists(), "a 3rd block for 45 articles"
    slices = {front: economy[0:20], block2: economy[5:25], block1: economy[25:45]}
    boxed = set(economy[:5])  # the 5 latest may also sit in a section box on every page
    for rel, expected in slices.items():
        assert (out / rel).is_file(), f"{rel} was not written"
        found = [t for t in link_targets(out, out / rel, parse_html(out / rel))
                 if t.startswith("news/")]
        order = [t for t in dict.fromkeys(found) if t in expected]
        assert order == expected, f"{rel}: listing {order}, expected {expected}"
        others = set(found) - set(expected) - boxed
        others = {t for t in others if t in economy}
        assert not others, f"{rel}: lists articles of other pages {sorted(others)}"
    links = {rel: set(link_targets(out, out / rel, parse_html(out / rel))) for rel in slices}
    assert block2 in links[front], "the first page does not lead to the newest block"
    assert block1 not in links[front], "the first page skips to the oldest block"
    assert {front, block1} <= links[block2], "block 2 does not link newer and older"
    assert {front, block2} <= links[block1], "block 1 does not link back to block 2 and 최신"
    title = parse_html(out / block1).title.get_text()
    first, last = (a for a in articles if a.url in (economy[44], economy[25]))
    dates = sorted([first.date, last.date])
    assert f"{dates[0]:%Y.%m.%d} ~ {dates[1]:%Y.%m.%d}" in title, title


def test_generated_draft_is_nowhere(generated):
    result, articles = generated
    out = result.output
    draft = next(a for a in articles if a.status == "draft")
    assert not (out / draft.url).exists(), f"draft written to {draft.url}"
    leaks = [
        output_rel(out, f)
        for f in [*html_files(out), *out.rglob("*.xml")]
        if draft.title in f.read_text(encoding="utf-8")
    ]
    assert not leaks, f"draft title appears in {leaks}"


def test_generated_news_sitemap_window(generated, settings):
    result, articles = generated
    published = [a for a in articles if a.published]
    window = _check_news_sitemap(result.output, result.origin, published, settings)
    # 16 economy articles (1..46 h old), politics-a (5 h) and culture-a (30 h).
    assert len(window) == 18
