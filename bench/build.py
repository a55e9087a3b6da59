"""Benchmark of publishing: our job against vanilla Pelican, side by side, at 1k-50k articles.

The corpus is ../shared/bench/gen_corpus.py (synthetic Korean articles of about 3 KB with the
site's metadata: 3 sections, 42 tags, 270 authors) when that folder exists, else this
project's own generator (bench/update.py) with the same shape. For each size, in one run:

- vanilla Pelican 4.12 with its default theme and its content cache on:
  - full build (no cache);
  - cached rebuild after one new article;
- this site, through the real job (`newsroom update --no-scrape`, a process as cron starts it):
  - first publish (full build, validation, switch);
  - warm run with nothing new;
  - (one arrival, not measured: with `--keep 2` every later run then recycles a release, as
    on a site that has run `--keep` times: newsroom/recycle.py);
  - one new article (the newest, as news arrives), warm state;
  - then one arrival dated before the newest hundred articles (a paper's morning story
    scraped after later releases went live), warm state.

Each run is a child process measured through a wrapper: wall seconds, CPU seconds (user +
system of the process and everything it waited for) and peak RSS of the largest process.
Ratios are ours / vanilla. With --docs the "Site build" section of docs/benchmarks.md is
replaced.

    .venv/bin/python bench/build.py [--articles 1000 10000 50000] [--docs docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, bench/ is on sys.path.
from update import generate, make_site, write_docs

ROOT = Path(__file__).resolve().parents[1]
GEN_CORPUS = ROOT.parent / "shared" / "bench" / "gen_corpus.py"
SECTION_TITLE = "## Site build"
NOW = "2026-11-30 12:00:00"
VANILLA_CONF = """\
AUTHOR = "벤치마크"
SITENAME = "바닐라 펠리칸"
SITEURL = ""
PATH = "content"
TIMEZONE = "Asia/Seoul"
DEFAULT_LANG = "ko"
DEFAULT_PAGINATION = 20
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
"""
NEW_ARTICLE = """\
Title: 벤치마크 새 기사: 방금 들어온 보도자료
Date: 2026-11-30 11:59
Category: 경제
Tags: 대구, 예산
Authors: 김기자
Source: 대구 시청 보도자료
Summary: 방금 들어온 보도자료 한 건.

새로 들어온 보도자료 한 건의 본문입니다.

두 번째 문단입니다.
"""
EARLIER_ARTICLE = NEW_ARTICLE.replace("Date: 2026-11-30 11:59", "Date: 2026-11-30 11:58").replace(
    "벤치마크 새 기사", "벤치마크 조금 앞선 기사")
OLDER_ARTICLE = NEW_ARTICLE.replace("Date: 2026-11-30 11:59", "Date: {date}").replace(
    "벤치마크 새 기사", "벤치마크 늦게 온 기사")
WRAPPER = (
    "import resource, subprocess, sys, json\n"
    "rc = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(json.dumps({'rc': rc, 'cpu': u.ru_utime + u.ru_stime, 'rss_kb': u.ru_maxrss}))\n"
)


def corpus(dest: Path, count: int) -> str:
    """`count` articles in dest; which generator wrote them."""
    dest.mkdir(parents=True, exist_ok=True)
    if GEN_CORPUS.is_file():
        subprocess.run([sys.executable, str(GEN_CORPUS), str(dest), str(count)], check=True,
                       stdout=subprocess.DEVNULL)
        return "shared/bench/gen_corpus.py"
    generate(dest, count)
    return "bench/update.py generator (../shared absent)"


def measured(cmd: list[str], cwd: Path, env: dict) -> dict:
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", WRAPPER, *cmd], cwd=cwd, env=env,
                          capture_output=True, text=True, check=True)
    wall = time.monotonic() - start
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    if data["rc"] not in (0,):
        raise SystemExit(f"{' '.join(cmd)} in {cwd} failed (exit {data['rc']})")
    return {"wall": round(wall, 2), "cpu": round(data["cpu"], 2),
            "rss_mb": round(data["rss_kb"] / 1024, 1)}


def bench_vanilla(tmp: Path, articles: Path) -> dict:
    site = tmp / "vanilla"
    site.mkdir()
    shutil.copytree(articles, site / "content")
    (site / "pelicanconf.py").write_text(VANILLA_CONF, encoding="utf-8")
    env = dict(os.environ)
    cmd = [sys.executable, "-m", "pelican", "content", "-o", "output", "-s", "pelicanconf.py"]
    print("  vanilla: full build …", flush=True)
    full = measured(cmd, site, env)
    (site / "content" / "bench-new-article.md").write_text(NEW_ARTICLE, encoding="utf-8")
    print("  vanilla: cached rebuild after one new article …", flush=True)
    one = measured(cmd, site, env)
    return {"full": full, "one_new": one}


def bench_ours(tmp: Path, articles: Path) -> dict:
    site = make_site(tmp / "ours", None, 0)
    shutil.copytree(articles, site / "content" / "articles" / "bench")
    env = dict(os.environ, SITEURL="http://127.0.0.1:8000", NEWSROOM_NOW=NOW, NO_COLOR="1")
    # --keep 2, and one arrival before the measured ones: from then on every run has a
    # release to recycle (newsroom/recycle.py), as a site does once it has run `--keep` times.
    cmd = [sys.executable, "-m", "newsroom.cli", "update", "--no-scrape", "--keep", "2"]
    out = {}
    for name, label in (("full", "first publish"), ("nothing_new", "nothing new")):
        print(f"  ours: {label} …", flush=True)
        out[name] = measured(cmd, site, env)
        out[name]["status"] = _status(site)
    (site / "content" / "articles" / "bench-earlier-arrival.md").write_text(
        EARLIER_ARTICLE, encoding="utf-8")
    print("  ours: an arrival before the measured ones (not measured) …", flush=True)
    measured(cmd, site, env)
    if _status(site)["result"] != "published":
        raise SystemExit(f"the earlier arrival was not published: {_status(site)}")
    (site / "content" / "articles" / "bench-new-article.md").write_text(
        NEW_ARTICLE, encoding="utf-8")
    print("  ours: one new article …", flush=True)
    out["one_new"] = measured(cmd, site, env)
    out["one_new"]["status"] = _status(site)
    if out["one_new"]["status"]["result"] != "published":
        raise SystemExit(f"one new article was not published: {out['one_new']['status']}")
    (site / "content" / "articles" / "bench-older-arrival.md").write_text(
        OLDER_ARTICLE.format(date=_date_of_newest(articles, 100)), encoding="utf-8")
    print("  ours: one arrival dated before the newest …", flush=True)
    out["one_older"] = measured(cmd, site, env)
    out["one_older"]["status"] = _status(site)
    if out["one_older"]["status"]["result"] != "published":
        raise SystemExit(f"the older arrival was not published: {out['one_older']['status']}")
    return out


def _date_of_newest(articles: Path, rank: int) -> str:
    """The `Date:` of the corpus's rank-th newest article."""
    dates = sorted(
        line[6:].strip() for path in articles.rglob("*.md")
        for line in path.read_text(encoding="utf-8").splitlines()[:12]
        if line.startswith("Date: "))
    return dates[-min(rank, len(dates))]


def _status(site: Path) -> dict:
    s = json.loads((site / "status.json").read_text(encoding="utf-8"))
    return {"result": s["result"], "build_seconds": s.get("build_seconds"),
            "validation_seconds": (s.get("validation") or {}).get("seconds"),
            "pages": (s.get("validation") or {}).get("pages"), "steps": s.get("steps") or {}}


def bench(count: int, keep: bool) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-build-{count}-"))
    try:
        articles = tmp / "corpus"
        source = corpus(articles, count)
        print(f"[{count:,} articles] corpus from {source}", flush=True)
        vanilla = bench_vanilla(tmp, articles)
        ours = bench_ours(tmp, articles)
        return {"articles": count, "corpus": source, "vanilla": vanilla, "ours": ours}
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)


def markdown(results: list[dict]) -> str:
    def cell(x: dict) -> str:
        return f"{x['wall']:.1f} s ({x['cpu']:.1f} s CPU, {x['rss_mb']:.0f} MiB)"

    lines = [
        SECTION_TITLE, "",
        "`make bench-build` (bench/build.py): vanilla Pelican 4.12 (default theme, content cache "
        "on) and this site's real job (`newsroom update --no-scrape`) on the same generated "
        "corpus, in one run. Wall seconds (CPU seconds, peak memory of the largest process). "
        "Ours includes change detection, content check, staging, the build, validation and the "
        "release switch; vanilla is the build alone.", "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores shared, Python "
        f"{platform.python_version()}, {time.strftime('%Y-%m-%d')}.", "",
        "| articles | vanilla full | ours first publish | ratio | vanilla cached, one new | "
        "ours one new | ratio | ours one older arrival | ours nothing new |",
        "| ---: | --- | --- | ---: | --- | --- | ---: | --- | --- |",
    ]
    for r in results:
        v, o = r["vanilla"], r["ours"]
        lines.append(
            f"| {r['articles']:,} | {cell(v['full'])} | {cell(o['full'])} | "
            f"{o['full']['wall'] / v['full']['wall']:.2f}× | {cell(v['one_new'])} | "
            f"{cell(o['one_new'])} | {o['one_new']['wall'] / v['one_new']['wall']:.2f}× | "
            f"{cell(o['one_older'])} | {cell(o['nothing_new'])} |")
    lines += ["", "Inside our one-new-article run, wall seconds of each step (status.json "
              "`steps`): " + "; ".join(
                  f"{r['articles']:,}: " + ", ".join(
                      f"{name} {secs:.2f}"
                      for name, secs in r["ours"]["one_new"]["status"]["steps"].items())
                  for r in results) + ".", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--docs", type=Path, help="write the results into this Markdown file")
    parser.add_argument("--keep-tmp", action="store_true")
    args = parser.parse_args()
    results = [bench(n, args.keep_tmp) for n in args.articles]
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "build.json").write_text(json.dumps(results, indent=2, ensure_ascii=False),
                                    encoding="utf-8")
    text = markdown(results)
    print(text)
    if args.docs:
        write_docs(args.docs, text, SECTION_TITLE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
