"""Benchmark of the search index (plugin newsroom_search): quality, size, build time, speed.

1. Quality: recall and judged precision of the Korean query set (tests/search/queries.toml)
   on the sample content plus tests/search/corpus, for our bigram index, plain whitespace
   tokens, whitespace tokens with prefix matching (what Pagefind does), and, with
   --kiwi-python, kiwipiepy morphemes (run in that interpreter, kept out of the project).
2. Size and time at N generated articles (/work/shared/bench/gen_corpus.py, read-only; the
   corpus goes to a temporary folder): index bytes per 1,000 articles (raw and gzip), the
   index step alone, one whole `pelican` build with the plugin, and what one new article
   rewrites.
3. Time to the first result in Debian's chromium at 375 px on the N-article site, typing
   into the header box of our search page.
4. Side by side with the real Pagefind (bench/search_pagefind.py; `pip install -e
   ".[bench]"`, skipped without it): the query set through Pagefind's own search, and on the
   same N-article build its index time and size, and both engines in chromium at 375 px
   (bytes per query, first and later, and time to the first ten results), served with gzip
   like production nginx. Pagefind fed our bigrams as custom records (issue 11's option
   one): the query set, and at 1,000 articles the same browser figures next to ours.

Without ../shared (a fresh clone elsewhere) parts 2 to 4 (but the query set) are skipped
with a message.

    .venv/bin/python bench/search.py [--articles 10000] [--kiwi-python /path/to/python]
                                     [--no-build] [--no-browser] [--no-pagefind] [--json F]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import search_pagefind as pf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "plugins"))
GEN_CORPUS = ROOT.parent / "shared" / "bench" / "gen_corpus.py"
QUERIES = ROOT / "tests" / "search" / "queries.toml"
CORPUS = ROOT / "tests" / "search" / "corpus" / "articles"
SECTION_TITLE = "## Measurements"

# Run by --kiwi-python in an interpreter that has kiwipiepy; reads docs and queries as JSON
# on stdin, answers {query: [slugs]} on stdout. Only the standard library and kiwipiepy.
KIWI_WORKER = r"""
import json, sys
from kiwipiepy import Kiwi
KEEP = ("NNG", "NNP", "NNB", "NR", "SL", "SN", "SH", "XR")
kiwi = Kiwi()
def terms(text):
    return {t.form.lower() for t in kiwi.tokenize(text) if t.tag in KEEP}
data = json.load(sys.stdin)
table = [(d["slug"], terms(d["text"])) for d in data["docs"]]
out = {}
for q in data["queries"]:
    words = terms(q)
    out[q] = [s for s, toks in table if words and words <= toks]
json.dump(out, sys.stdout, ensure_ascii=False)
"""


def quality(kiwi_python: str | None, pagefind: list[str] | None) -> list[dict]:
    from newsroom_search import evaluate as ev

    docs = ev.docs_from_content(ROOT / "content" / "articles", CORPUS)
    queries = ev.load_queries(QUERIES)

    table = [(ev.slug_of(d.url), set(ev.whitespace_tokens(d.title + " " + d.body))) for d in docs]

    def prefix_engine(q: str) -> list[str]:
        words = ev.whitespace_tokens(q)
        return [s for s, toks in table
                if words and all(any(t.startswith(w) for t in toks) for w in words)]

    engines = [
        ("character bigrams (ours)", ev.bigram_engine(docs)),
        ("whitespace tokens", ev.whitespace_engine(docs)),
        ("whitespace + prefix (Pagefind-like)", prefix_engine),
    ]
    if kiwi_python:
        payload = {
            "docs": [{"slug": ev.slug_of(d.url), "text": d.title + " " + d.body} for d in docs],
            "queries": [q.q for q in queries],
        }
        start = time.monotonic()
        proc = subprocess.run([kiwi_python, "-c", KIWI_WORKER], input=json.dumps(payload),
                              capture_output=True, text=True, check=True)
        answers = json.loads(proc.stdout)
        print(f"kiwipiepy: {time.monotonic() - start:.1f} s for {len(docs)} docs (model load included)")
        engines.append(("kiwipiepy nouns", lambda q: answers[q]))
    rows = []
    for name, engine in engines:
        s = ev.score(engine, queries)
        rows.append({"tokenizer": name, "recall": s.recall, "precision": s.precision,
                     "must_not": s.must_not_hits, "misses": s.misses, "wrong": s.wrong,
                     "queries": s.queries, "must": s.must})
        print(f"{name:38} recall {s.recall:.3f}  judged precision {s.precision:.3f}  "
              f"must-not hits {s.must_not_hits}  ({len(s.misses)} missed)")
        if s.misses or s.wrong:
            print(f"    missed: {', '.join(s.misses)}\n    wrong: {', '.join(s.wrong)}")
    if pagefind:
        rows.append(pf.pagefind_quality(pagefind, QUERIES))
        rows.append(pf.pagefind_bigram_quality(QUERIES, [ROOT / "content" / "articles", CORPUS]))
    return rows


def make_corpus(tmp: Path, n: int) -> Path:
    content = tmp / "content"
    subprocess.run([sys.executable, str(GEN_CORPUS), str(content / "articles"), str(n)],
                   check=True, stdout=subprocess.DEVNULL)
    return content


def settings_file(tmp: Path) -> Path:
    path = tmp / "benchconf.py"
    path.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from publishconf import *  # noqa\n"
        f"THEME = {str(ROOT / 'theme')!r}\n"
        f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n"
        "PLUGINS = [*PLUGINS, 'newsroom_search']\n",
        encoding="utf-8",
    )
    return path


def index_step(content: Path, n: int) -> dict:
    """The index alone, in this process: records from Markdown are not timed (Pelican reads
    them anyway), build_files is."""
    from newsroom_search import evaluate as ev
    from newsroom_search.index import build_files

    docs = ev.docs_from_content(content / "articles")
    start = time.monotonic()
    files = build_files(docs, [("정치", "politics"), ("경제", "economy"), ("문화", "culture")])
    seconds = time.monotonic() - start
    raw = sum(len(b) for b in files.values())
    gz = sum(len(gzip.compress(b, 6)) for b in files.values())
    shards = [b for p, b in files.items() if p.startswith("s/")]
    manifest = files["manifest.json"]

    # One more article, the newest (gen_corpus --start N gives article #N).
    extra = content.parent / "extra"
    subprocess.run([sys.executable, str(GEN_CORPUS), str(extra), "1", "--start", str(n)],
                   check=True, stdout=subprocess.DEVNULL)
    new_docs = ev.docs_from_content(extra)
    newest = max(d.date for d in docs)
    new_docs = [type(d)(**{**d.__dict__, "date": max(d.date, newest)}) for d in new_docs]
    after = build_files(docs + new_docs, [("정치", "politics"), ("경제", "economy"), ("문화", "culture")])
    changed = [p for p in after if files.get(p) != after[p]]
    changed_bytes = sum(len(after[p]) for p in changed)
    return {
        "articles": len(docs), "index_seconds": seconds, "files": len(files),
        "raw_bytes": raw, "gzip_bytes": gz,
        "per_1000_raw": raw / (len(docs) / 1000), "per_1000_gzip": gz / (len(docs) / 1000),
        "shards": len(shards), "largest_shard": max(len(b) for b in shards),
        "mean_shard": sum(len(b) for b in shards) / len(shards),
        "manifest_bytes": len(manifest),
        "one_new_changed_files": len(changed), "one_new_changed_bytes": changed_bytes,
        "one_new_changed_shards": sum(1 for p in changed if p.startswith("s/")),
    }


def pelican_build(content: Path, out: Path, conf: Path) -> dict:
    env = dict(os.environ, NEWSROOM_NOW="2026-11-25 18:00:00", COLUMNS="300", NO_COLOR="1")
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "pelican", str(content), "-o", str(out),
                           "-s", str(conf), "-v"], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    wall = time.monotonic() - start
    if proc.returncode != 0:
        raise SystemExit(f"build failed:\n{(proc.stdout + proc.stderr)[-3000:]}")
    m = re.search(r"search: (\d+) articles.*? in ([\d.]+) s", proc.stdout + proc.stderr)
    return {"build_seconds": wall, "plugin_seconds": float(m.group(2)) if m else None}


def browser(out: Path) -> dict:
    from helpers import CHROMIUM_ARGS, CHROMIUM_PATH
    from playwright.sync_api import sync_playwright

    results = {}
    with pf.GzipServer(out) as server:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
            for query in ("시의회", "청년 일자리", "전통시장"):
                ctx = b.new_context(viewport={"width": 375, "height": 812}, is_mobile=True,
                                    has_touch=True, locale="ko-KR")
                page = ctx.new_page()
                net = pf._Network(ctx, out, server.url)
                page.goto(server.url + "/search/", wait_until="networkidle")
                before = net.mark()
                page.evaluate("""() => { window.__t = []; window.__done = null;
                    document.getElementById('site-search-q').addEventListener('input',
                        () => window.__t.push(performance.now()));
                    new MutationObserver(() => { if (window.__done === null &&
                        document.querySelector('.search-result')) window.__done = performance.now(); })
                      .observe(document.getElementById('search-results'), {childList: true}); }""")
                page.locator("#site-search-q").click()
                page.keyboard.type(query, delay=80)
                page.wait_for_function("() => window.__done !== null")
                page.wait_for_timeout(300)
                t, done = page.evaluate("[window.__t, window.__done]")
                got = net.since(before)
                results[query] = {"first_result_ms": done - t[0], "keystrokes": len(t),
                                  "after_last_key_ms": done - t[-1], "requests": got["requests"],
                                  "wire": got["wire"], "body": got["body"]}
                print(f"browser '{query}': first result {done - t[0]:.0f} ms after the first "
                      f"keystroke ({len(t)} keystrokes 80 ms apart), {got['requests']} index "
                      f"requests, {got['wire'] / 1024:.0f} KiB gzip on the wire, "
                      f"{got['body'] / 1024:.0f} KiB uncompressed")
                ctx.close()
            b.close()
    return results


# Words of the generated corpus: an agency inside compounds (대구시의회), two words, a
# compound, a word inside a compound (작은도서관), a particle on the word (협의체에).
COMPARE_QUERIES = ["시의회", "청년 일자리", "전통시장", "도서관", "협의체", "행정사무감사"]


# Pagefind's Python API takes about 0.1 s a custom record: option one is measured on this
# many articles (the first of the corpus), not on all of them.
BIGRAM_ARTICLES = 1000


def compare(content: Path, out: Path, cmd: list[str]) -> dict:
    """Pagefind's defaults on the same build (index time and size, then both in chromium),
    and Pagefind fed our bigrams as custom records on BIGRAM_ARTICLES articles."""
    print("pagefind on the same build …", flush=True)
    got = pf.pagefind_index(cmd, out)
    files, raw, gz = pf.our_index_size(out)
    print(f"pagefind: {got['log']} in {got['seconds']:.1f} s, {got['files']} files, "
          f"{got['bytes'] / 1e6:.1f} MB (its index and fragments are gzip inside); ours: "
          f"{files} files, {raw / 1e6:.1f} MB raw, {gz / 1e6:.1f} MB gzip")
    runs = pf.browser_compare(out, COMPARE_QUERIES, {"ours": "ours", "pagefind": f"/{pf.BUNDLE}/"})
    print(f"pagefind fed our bigrams, at {BIGRAM_ARTICLES} articles …", flush=True)
    bigrams = pf.bigram_compare(content / "articles", BIGRAM_ARTICLES, COMPARE_QUERIES)
    return {"pagefind_index": got, "ours_files": files, "ours_raw": raw, "ours_gzip": gz,
            "browser": runs, "bigrams": bigrams}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=10000)
    ap.add_argument("--kiwi-python", help="a Python with kiwipiepy installed (measured apart)")
    ap.add_argument("--no-build", action="store_true", help="skip the whole Pelican build")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--no-pagefind", action="store_true", help="skip the Pagefind comparison")
    ap.add_argument("--json", help="write all numbers to this file")
    args = ap.parse_args()

    cmd = None if args.no_pagefind else pf.pagefind_command()
    report = {"quality": quality(args.kiwi_python, cmd)}
    if not GEN_CORPUS.is_file():
        print(f"skipped: size, build time and browser timing need {GEN_CORPUS} (absent)")
    else:
        with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
            tmp = Path(tmp)
            print(f"generating {args.articles} articles …", flush=True)
            content = make_corpus(tmp, args.articles)
            idx = index_step(content, args.articles)
            report["index"] = idx
            print(f"index: {idx['articles']} articles in {idx['index_seconds']:.1f} s; "
                  f"{idx['per_1000_raw'] / 1e6:.2f} MB per 1,000 articles "
                  f"({idx['per_1000_gzip'] / 1e6:.2f} MB gzip); {idx['shards']} shards, mean "
                  f"{idx['mean_shard'] / 1024:.0f} KiB, largest {idx['largest_shard'] / 1024:.0f} KiB; "
                  f"manifest {idx['manifest_bytes'] / 1024:.1f} KiB; one new article rewrites "
                  f"{idx['one_new_changed_files']} files ({idx['one_new_changed_shards']} shards, "
                  f"{idx['one_new_changed_bytes'] / 1024:.0f} KiB)")
            if not args.no_build:
                print("pelican build with the plugin …", flush=True)
                out = tmp / "out"
                report["build"] = pelican_build(content, out, settings_file(tmp))
                print(f"build: {report['build']['build_seconds']:.0f} s, of which the search "
                      f"step {report['build']['plugin_seconds']} s")
                if not args.no_browser:
                    report["browser"] = browser(out)
                if cmd:
                    report["compare"] = compare(content, out, cmd)
    if args.json:
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
