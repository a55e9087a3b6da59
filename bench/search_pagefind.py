"""Our search index side by side with the real Pagefind (called by bench/search.py).

Pagefind is the PyPI package `pagefind` with the `extended` extra (it carries the binary),
installed by `pip install -e ".[bench]"`; it is never a dependency of the site. Without it
every part here is skipped with a message.

- `pagefind_index`: run the Pagefind CLI with its defaults on a built site (only the article
  pages, `news/*.html`, and only their `<article>` element, so both indexes cover the same
  text); time, files and bytes on disk.
- `pagefind_quality`: the query set (tests/search/queries.toml) through Pagefind's own
  search API in chromium, scored like our index (plugins/newsroom_search/evaluate.py).
- `browser_compare`: both engines in Debian's chromium at 375 px, from one page with no
  other scripts: bytes over the network (Playwright network events) before the first query, for the
  first query and for each later one, and the time from the query to the data of its first
  ten results. `GzipServer` serves like production nginx (`gzip_static`): text files
  gzip-compressed, Pagefind's own (already compressed) `.pf_*` files as they are.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

GLOB = "news/*.html"
ROOT_SELECTOR = "article.article"
BUNDLE = "pagefind"
BIGRAM_BUNDLE = "/pagefind-bigrams/"
TEXT_TYPES = (".html", ".css", ".js", ".json", ".txt", ".svg", ".xml")
HARNESS = "bench-search-harness.html"


def pagefind_command() -> list[str] | None:
    """The Pagefind CLI through its Python wrapper, or None (with a message) if absent."""
    try:
        proc = subprocess.run([sys.executable, "-m", "pagefind", "--version"],
                              capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        print(f"skipped Pagefind: {exc}")
        return None
    if proc.returncode != 0:
        print("skipped Pagefind: `python -m pagefind --version` failed (pip install -e '.[bench]'):"
              f" {(proc.stdout + proc.stderr).strip()[-300:]}")
        return None
    print(f"Pagefind: {proc.stdout.strip()}")
    return [sys.executable, "-m", "pagefind"]


def folder_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def pagefind_index(cmd: list[str], site: Path) -> dict:
    """Pagefind's defaults on the article pages of `site`; the bundle goes to site/pagefind/."""
    start = time.monotonic()
    proc = subprocess.run([*cmd, "--site", str(site), "--glob", GLOB,
                           "--root-selector", ROOT_SELECTOR, "--output-subdir", BUNDLE],
                          capture_output=True, text=True)
    seconds = time.monotonic() - start
    if proc.returncode != 0:
        raise SystemExit(f"pagefind failed:\n{(proc.stdout + proc.stderr)[-3000:]}")
    files, size = folder_size(site / BUNDLE)
    pages = next((line for line in proc.stdout.splitlines() if "Indexed" in line and "page" in line), "")
    return {"seconds": seconds, "files": files, "bytes": size, "log": pages.strip()}


def our_index_size(site: Path) -> tuple[int, int, int]:
    """(files, raw bytes, bytes as served with gzip_static) of our index under site/search/."""
    files = [p for p in (site / "search").rglob("*") if p.is_file() and p.suffix in (".json", ".txt")]
    raw = sum(p.stat().st_size for p in files)
    gz = sum(min(p.stat().st_size, len(gzip.compress(p.read_bytes(), 9, mtime=0))) for p in files)
    return len(files), raw, gz


# --- serving like production nginx ------------------------------------------------------------


class _GzipHandler(http.server.SimpleHTTPRequestHandler):
    """gzip_static-like: text files compressed (level 9, cached) when the client accepts it."""

    cache: dict[str, bytes] = {}
    gzip_on = True

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (self.gzip_on and accepts and path.is_file() and path.suffix in TEXT_TYPES):
            return super().do_GET()
        key = str(path)
        if key not in self.cache:
            self.cache[key] = gzip.compress(path.read_bytes(), 9, mtime=0)
        body = self.cache[key]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class GzipServer:
    def __init__(self, root: Path, gzip_on: bool = True):
        handler = type("Handler", (_GzipHandler,), {"cache": {}, "gzip_on": gzip_on})
        self.httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> GzipServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


# --- the browser harness ----------------------------------------------------------------------

# A page of the same origin with no CSP and no other script, so both engines load alike.
HARNESS_HTML = """<!doctype html><html lang="ko"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>bench</title></head>
<body><p>search bench</p></body></html>
"""

# window.__bench = {load(), query(q) -> {ms, ids, urls}}, for one engine.
OURS_JS = """async () => {
  await new Promise((ok, bad) => { const s = document.createElement('script');
    s.src = '/theme/js/search.js'; s.onload = ok; s.onerror = bad; document.head.append(s); });
  const t0 = performance.now();
  const engine = new window.NewsroomSearch.Engine('/search/');
  await engine.manifest;
  window.__bench = { query: async (q) => {
    const start = performance.now();
    const res = await engine.search(q);
    const rows = await engine.docs(res.ids.slice(0, 10));
    return { ms: performance.now() - start, count: res.ids.length,
             urls: rows.map(r => '/' + r[0]) };
  }};
  return performance.now() - t0;
}"""

PAGEFIND_JS = """async (bundle) => {
  const t0 = performance.now();
  const pf = await import(bundle + 'pagefind.js');
  await pf.init();
  window.__bench = { query: async (q) => {
    const start = performance.now();
    const res = await pf.search(q);
    const rows = await Promise.all(res.results.slice(0, 10).map(r => r.data()));
    return { ms: performance.now() - start, count: res.results.length,
             urls: rows.map(r => r.url) };
  }, all: async (q) => {
    const res = await pf.search(q);
    const rows = await Promise.all(res.results.map(r => r.data()));
    return rows.map(r => r.url);
  }};
  return performance.now() - t0;
}"""


class _Network:
    """Bytes per request, from Playwright's network events on the whole context (they include
    requests from a dedicated worker, which Pagefind searches in): on the wire (body as sent,
    plus headers) and decoded (the size of the file served)."""

    def __init__(self, ctx, root: Path, base: str):
        self.rows: list[tuple[str, int, int]] = []
        self.root, self.base = root, base
        ctx.on("requestfinished", self._finished)

    def _finished(self, request) -> None:
        sizes = request.sizes()
        path = urlsplit(request.url).path
        file = self.root / unquote(path).lstrip("/")
        if file.is_dir():
            file = file / "index.html"
        size = file.stat().st_size if file.is_file() else 0
        self.rows.append((request.url, sizes["responseBodySize"] + sizes["responseHeadersSize"], size))

    def mark(self) -> int:
        return len(self.rows)

    def since(self, before: int) -> dict:
        new = self.rows[before:]
        return {"requests": len(new), "wire": sum(r[1] for r in new), "body": sum(r[2] for r in new),
                "urls": [r[0].removeprefix(self.base) for r in new]}


def _engine_page(p, chromium_path, chromium_args, url, script, root, bundle):
    browser = p.chromium.launch(executable_path=chromium_path, args=chromium_args)
    ctx = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True,
                              has_touch=True, locale="ko-KR")
    page = ctx.new_page()
    net = _Network(ctx, root, url)
    page.goto(url + "/" + HARNESS, wait_until="load")
    page.wait_for_timeout(100)
    before = net.mark()
    load_ms = page.evaluate(script, bundle)
    page.wait_for_timeout(100)
    return browser, page, net, load_ms, net.since(before)


def bigram_query(q: str) -> str:
    """A query as Pagefind fed our bigrams must get it: the bigrams of its words."""
    from newsroom_search.tokenize import query_words

    return " ".join(t for _w, terms in query_words(q) for t in terms)


def browser_compare(site: Path, queries: list[str], engines: dict[str, str], runs: int = 1) -> dict:
    """For each engine (name -> "ours" | a Pagefind bundle folder such as "/pagefind/"): load,
    then `queries` in order (as bigrams for the bundle "/pagefind-bigrams/")."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from helpers import CHROMIUM_ARGS, CHROMIUM_PATH
    from playwright.sync_api import sync_playwright

    (site / HARNESS).write_text(HARNESS_HTML, encoding="utf-8")
    out = {}
    with GzipServer(site) as server, sync_playwright() as p:
        for name, kind in engines.items():
            script = OURS_JS if kind == "ours" else PAGEFIND_JS
            rows = []
            for _ in range(runs):
                browser, page, net, load_ms, load_bytes = _engine_page(
                    p, CHROMIUM_PATH, CHROMIUM_ARGS, server.url, script, site, kind)
                per_query = []
                for q in queries:
                    before = net.mark()
                    sent = bigram_query(q) if kind == BIGRAM_BUNDLE else q
                    got = page.evaluate("q => window.__bench.query(q)", sent)
                    page.wait_for_timeout(100)  # let the last network events arrive
                    per_query.append({"q": q, "ms": got["ms"], "count": got["count"],
                                      **net.since(before)})
                rows.append({"load_ms": load_ms, "load": load_bytes, "queries": per_query})
                browser.close()
            out[name] = rows
            for run in rows:
                print(f"{name}: engine ready in {run['load_ms']:.0f} ms, "
                      f"{run['load']['wire'] / 1024:.1f} KiB on the wire "
                      f"({run['load']['body'] / 1024:.1f} KiB decoded, {run['load']['requests']} requests)")
                for i, r in enumerate(run["queries"]):
                    print(f"    {'first' if i == 0 else 'then '} {r['q']:12} {r['count']:5} hits, "
                          f"{min(10, r['count']):2} shown in {r['ms']:6.0f} ms, {r['requests']:3} requests, "
                          f"{r['wire'] / 1024:6.1f} KiB wire, {r['body'] / 1024:6.1f} KiB decoded")
    (site / HARNESS).unlink(missing_ok=True)
    return out


def pagefind_quality(cmd: list[str], queries_path: Path) -> dict | None:
    """The query set through real Pagefind on the query-set site (sample content + corpus)."""
    import tempfile

    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root / "tests"))
    sys.path.insert(0, str(root / "tests" / "search"))
    sys.path.insert(0, str(root / "plugins"))
    from helpers import CHROMIUM_ARGS, CHROMIUM_PATH
    from playwright.sync_api import sync_playwright
    from search_helpers import build_search_site

    from newsroom_search import evaluate as ev

    queries = ev.load_queries(queries_path)
    with tempfile.TemporaryDirectory(prefix="bench-pagefind-q-") as tmp:
        site = build_search_site(Path(tmp))
        site.server.stop()
        idx = pagefind_index(cmd, site.out)
        (site.out / HARNESS).write_text(HARNESS_HTML, encoding="utf-8")
        answers = {}
        with GzipServer(site.out) as server, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(server.url + "/" + HARNESS)
            page.evaluate(PAGEFIND_JS, "/" + BUNDLE + "/")
            for q in queries:
                answers[q.q] = [ev.slug_of(u) for u in page.evaluate("q => window.__bench.all(q)", q.q)]
            browser.close()
    s = ev.score(lambda q: answers[q], queries)
    print(f"{'Pagefind (real, defaults)':38} recall {s.recall:.3f}  judged precision "
          f"{s.precision:.3f}  must-not hits {s.must_not_hits}  ({len(s.misses)} missed); {idx['log']}")
    if s.misses or s.wrong:
        print(f"    missed: {', '.join(s.misses)}\n    wrong: {', '.join(s.wrong)}")
    return {"tokenizer": "Pagefind (real, defaults)", "recall": s.recall, "precision": s.precision,
            "must_not": s.must_not_hits, "misses": s.misses, "wrong": s.wrong,
            "queries": s.queries, "must": s.must,
            "answers": {k: answers[k] for k in ("상품권", "서울") if k in answers}}


async def _custom_records(records: list[tuple[str, str, str]], out: Path) -> float:
    import asyncio

    from pagefind.index import PagefindIndex

    start = time.monotonic()
    async with PagefindIndex(config={"output_path": str(out)}) as index:
        # One at a time the service answers about ten records a second; in batches of 200
        # the requests overlap.
        for k in range(0, len(records), 200):
            await asyncio.gather(*(
                index.add_custom_record(url=url, content=content, language="ko",
                                        meta={"title": title})
                for url, title, content in records[k : k + 200]))
    return time.monotonic() - start


def pagefind_bigram_quality(queries_path: Path, content_dirs: list[Path]) -> dict | None:
    """Option one of issue 11: Pagefind fed custom records whose words are our bigrams (the
    text's `text_terms`), queried with the query words' bigrams. Pagefind's Python API."""
    import asyncio
    import tempfile

    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root / "tests"))
    sys.path.insert(0, str(root / "plugins"))
    try:
        import pagefind.index  # noqa: F401
    except ImportError:
        print("skipped Pagefind with our bigrams: the pagefind package is not installed")
        return None
    from helpers import CHROMIUM_ARGS, CHROMIUM_PATH
    from playwright.sync_api import sync_playwright

    from newsroom_search import evaluate as ev
    from newsroom_search.tokenize import text_terms

    docs = ev.docs_from_content(*content_dirs)
    queries = ev.load_queries(queries_path)
    records = [("/" + d.url, d.title, " ".join(sorted(text_terms(d.title + " " + d.body))))
               for d in docs]
    with tempfile.TemporaryDirectory(prefix="bench-pagefind-bigrams-") as tmp:
        site = Path(tmp)
        seconds = asyncio.run(_custom_records(records, site / BUNDLE))
        (site / HARNESS).write_text(HARNESS_HTML, encoding="utf-8")
        answers = {}
        with GzipServer(site) as server, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(server.url + "/" + HARNESS)
            page.evaluate(PAGEFIND_JS, "/" + BUNDLE + "/")
            for q in queries:
                terms = bigram_query(q.q)
                urls = page.evaluate("q => window.__bench.all(q)", terms) if terms else []
                answers[q.q] = [ev.slug_of(u) for u in urls]
            browser.close()
    s = ev.score(lambda q: answers[q], queries)
    print(f"{'Pagefind fed our bigrams':38} recall {s.recall:.3f}  judged precision "
          f"{s.precision:.3f}  must-not hits {s.must_not_hits}  ({len(s.misses)} missed); "
          f"{len(records)} custom records in {seconds:.1f} s")
    if s.misses or s.wrong:
        print(f"    missed: {', '.join(s.misses)}\n    wrong: {', '.join(s.wrong)}")
    return {"tokenizer": "Pagefind fed our bigrams", "recall": s.recall, "precision": s.precision,
            "must_not": s.must_not_hits, "misses": s.misses, "wrong": s.wrong,
            "queries": s.queries, "must": s.must}


def bigram_compare(content: Path, n: int, queries: list[str]) -> dict:
    """Option one at `n` articles (the first n of `content`; its Python API is too slow for
    10,000): our index and Pagefind fed our bigrams, built apart, then both in chromium."""
    import shutil
    import tempfile

    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root / "plugins"))
    from newsroom_search import evaluate as ev
    from newsroom_search.index import build_files
    from newsroom_search.write import write_index

    with tempfile.TemporaryDirectory(prefix="bench-pagefind-bigrams-") as tmp:
        tmp = Path(tmp)
        articles = tmp / "articles"
        articles.mkdir()
        for path in sorted(content.glob("*.md"))[:n]:
            shutil.copy(path, articles / path.name)
        site = tmp / "site"
        docs = ev.docs_from_content(articles)
        write_index(site / "search", build_files(docs, []))
        (site / "theme" / "js").mkdir(parents=True)
        shutil.copy(root / "theme" / "static" / "js" / "search.js", site / "theme" / "js")
        files, raw, gz = our_index_size(site)
        print(f"at {len(docs)} articles: ours {files} files, {raw / 1e6:.1f} MB")
        got = pagefind_bigram_index(articles, site)
        runs = browser_compare(site, queries, {"ours": "ours", "pagefind fed our bigrams": BIGRAM_BUNDLE})
    return {"articles": len(docs), "ours_files": files, "ours_raw": raw, "ours_gzip": gz,
            "pagefind_bigram_index": got, "browser": runs}


def pagefind_bigram_index(content: Path, site: Path) -> dict:
    """The N-article corpus as custom records of our bigrams, written to site/pagefind-bigrams/."""
    import asyncio

    from newsroom_search import evaluate as ev
    from newsroom_search.tokenize import text_terms

    docs = ev.docs_from_content(content)
    records = [("/" + d.url, d.title, " ".join(sorted(text_terms(d.title + " " + d.body))))
               for d in docs]
    out = site / BIGRAM_BUNDLE.strip("/")
    seconds = asyncio.run(_custom_records(records, out))
    files, size = folder_size(out)
    print(f"pagefind fed our bigrams: {len(records)} records in {seconds:.1f} s, {files} files, "
          f"{size / 1e6:.1f} MB")
    return {"seconds": seconds, "files": files, "bytes": size}
