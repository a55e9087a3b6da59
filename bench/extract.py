"""Generic extraction against the public benchmarks in ../shared/benchmarks: main text
(article-extraction, shingle F1) and publication dates (dates, share right), for the project's
`parse_article` and for trafilatura and htmldate alone, in one run and one table.

    .venv/bin/python bench/extract.py [--docs docs/benchmarks.md] [--limit N]

The scoring is written here from the metric described in ../shared/benchmarks/README.md;
tests/scraper/test_extract_benchmark.py imports it to check a fixed sample against floors.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "plugins"))

SHARED = Path(os.environ.get("NEWSROOM_SHARED", ROOT.parent / "shared")) / "benchmarks"
TEXT_DIR = SHARED / "article-extraction"
DATES_DIR = SHARED / "dates"

_TOKEN_RE = re.compile(r"\w+")


# --- the metric ------------------------------------------------------------------------------

def tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(text or "")


def shingles(words: list[str], size: int = 4) -> Counter:
    if len(words) < size:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i: i + size]) for i in range(len(words) - size + 1))


def page_scores(predicted: str, truth: str) -> tuple[float, float, float]:
    """(tp, fp, fn) of one page, normalised to sum 1 (an empty pair counts as all right)."""
    p, t = shingles(tokens(predicted)), shingles(tokens(truth))
    tp = sum((p & t).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    if total == 0:
        return 1.0, 0.0, 0.0
    return tp / total, fp / total, fn / total


def text_summary(pairs: Iterable[tuple[str, str]]) -> dict:
    """F1, precision, recall (means over pages of the normalised counts) and accuracy."""
    precisions, recalls, exact = [], [], 0
    for predicted, truth in pairs:
        tp, fp, fn = page_scores(predicted, truth)
        precisions.append(tp / (tp + fp) if tp + fp else 0.0)
        recalls.append(tp / (tp + fn) if tp + fn else 0.0)
        exact += tokens(predicted) == tokens(truth)
    n = len(precisions) or 1
    p, r = sum(precisions) / n, sum(recalls) / n
    return {"f1": 2 * p * r / (p + r) if p + r else 0.0, "precision": p, "recall": r,
            "accuracy": exact / n, "pages": len(precisions)}


# --- the data -------------------------------------------------------------------------------

def decode_page(raw: bytes) -> str:
    """Decode a page's bytes as the page says (meta charset, BOM), as the scraper does."""
    from press_scraper.encoding import decode_html

    return decode_html(raw)[0]


def text_pages(limit: int | None = None, step: int = 1) -> list[tuple[str, str, str, str]]:
    """[(id, url, html, true text)], sorted by id (every `step`-th page)."""
    truth = json.loads((TEXT_DIR / "ground-truth.json").read_text(encoding="utf-8"))
    ids = (sorted(truth)[:limit] if limit else sorted(truth))[::step]
    return [(i, truth[i].get("url") or "", decode_page(gzip.decompress(
        (TEXT_DIR / "html" / f"{i}.html.gz").read_bytes())), truth[i]["articleBody"]) for i in ids]


def date_pages(limit: int | None = None, step: int = 1) -> list[tuple[str, str, str]]:
    """[(url, html, true date YYYY-MM-DD)], sorted by file name (every `step`-th page)."""
    truth = json.loads((DATES_DIR / "truth.json").read_text(encoding="utf-8"))
    items = sorted(truth.items(), key=lambda kv: kv[1]["file"])
    items = (items[:limit] if limit else items)[::step]
    return [(url, decode_page(gzip.decompress((DATES_DIR / "pages" / v["file"]).read_bytes())),
             v["date"]) for url, v in items]


# --- the extractors -------------------------------------------------------------------------

_BLOCK_TAGS = frozenset({
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td", "th", "h1", "h2", "h3",
    "h4", "h5", "h6", "blockquote", "pre", "section", "article", "figure", "figcaption", "br",
    "header", "footer", "aside", "hr",
})


def block_text(html: str) -> str:
    """The text of an HTML fragment with a line break between blocks, as the Markdown the
    scraper writes has (`text_content()` would glue `</p><p>` neighbours into one word)."""
    import lxml.html

    if not html.strip():
        return ""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag in _BLOCK_TAGS:
            el.tail = "\n" + (el.tail or "")
            el.text = "\n" + (el.text or "")
    return root.text_content()


def ours_body_html(html: str, url: str) -> str:
    from press_scraper.article import parse_article

    return parse_article(html, url).body_html


def ours_text(html: str, url: str) -> str:
    return block_text(ours_body_html(html, url))


def trafilatura_text(fast: bool) -> Callable[[str, str], str]:
    import trafilatura

    def run(html: str, url: str) -> str:
        return trafilatura.extract(html, include_comments=False, fast=fast) or ""
    return run


def ours_date(html: str, url: str) -> str:
    from press_scraper.article import parse_article

    date = parse_article(html, url).date
    return date.strftime("%Y-%m-%d") if date else ""


def htmldate_date(original: bool) -> Callable[[str, str], str]:
    from htmldate import find_date

    def run(html: str, url: str) -> str:
        return find_date(html, original_date=original) or ""
    return run


def time_interleaved(runs: list[Callable[[str, str], str]], pages, rounds: int = 3):
    """Run each of `runs` on each text page, page by page, the extractors back to back in an
    order that turns with the page and the round, `rounds` times over the pages: every
    extractor meets the same load from other work on the machine (run one after the other,
    a busy minute can land on one of them only). Returns, per run: (answers of the first
    round, ms per page as the median over rounds, pages that raised)."""
    answers: list[list[str]] = [[] for _ in runs]
    totals: list[list[float]] = [[] for _ in runs]
    failures = [0] * len(runs)
    for rnd in range(rounds):
        spent = [0.0] * len(runs)
        for k, (_id, url, html, _truth) in enumerate(pages):
            shift = (k + rnd) % len(runs)
            for j in [*range(shift, len(runs)), *range(shift)]:
                started = time.perf_counter()
                try:
                    answer = runs[j](html, url)
                except Exception:  # a raise is a failure of the extractor, scored as empty
                    answer = None
                spent[j] += time.perf_counter() - started
                if rnd == 0:
                    failures[j] += answer is None
                    answers[j].append(answer or "")
        for j, total in enumerate(spent):
            totals[j].append(total * 1000 / max(len(pages), 1))
    return [(answers[j], statistics.median(totals[j]), failures[j]) for j in range(len(runs))]


def warm_up(htmls: Iterable[str], *, text: bool) -> None:
    """One untimed pass of the libraries over the pages: dateparser (inside htmldate) compiles
    each language's rules the first time it meets that language, and trafilatura loads its
    fallbacks' word lists on first use; whichever extractor ran first would pay it for all. A
    scrape run is one process, so the steady state is what it sees."""
    import trafilatura
    from htmldate import find_date

    for html in htmls:
        try:
            find_date(html, original_date=True)
            if text:
                trafilatura.extract(html, include_comments=False)
        except Exception:  # noqa: BLE001 - a warm-up only
            pass


def run_text(limit: int | None = None, rounds: int = 3) -> list[dict]:
    pages = text_pages(limit)
    warm_up((p[2] for p in pages), text=True)
    # Each is timed on its own call with its own output: trafilatura's text, our body HTML
    # (what the scraper writes from). Our HTML is turned into text for scoring after the
    # clock stops: that conversion is the benchmark's, not the scraper's.
    extractors = (
        ("the project, `parse_article` (no selectors)", ours_body_html, block_text),
        ("trafilatura alone, `extract(html, include_comments=False)`", trafilatura_text(False),
         None),
        ("trafilatura alone, same with `fast=True`", trafilatura_text(True), None),
    )
    timed = time_interleaved([run for _name, run, _to_text in extractors], pages, rounds)
    rows = []
    for (name, _run, to_text), (got, ms, failures) in zip(extractors, timed, strict=True):
        if to_text is not None:
            got = [to_text(answer) for answer in got]
        row = text_summary(zip(got, (p[3] for p in pages), strict=True))
        rows.append({"name": name, "ms": ms, "failures": failures, "rounds": rounds, **row})
    return rows


def run_dates(limit: int | None = None) -> list[dict]:
    pages = date_pages(limit)
    warm_up((p[1] for p in pages), text=False)
    rows = []
    for name, run in (
        ("the project, `parse_article(...).date`", ours_date),
        ("htmldate alone, `find_date(html, original_date=True)`", htmldate_date(True)),
        ("htmldate alone, `find_date(html)`", htmldate_date(False)),
    ):
        got, ms, failures = [], 0.0, 0
        started = time.perf_counter()
        for url, html, _truth in pages:
            try:
                got.append(run(html, url))
            except Exception:
                failures += 1
                got.append("")
        ms = (time.perf_counter() - started) * 1000 / max(len(pages), 1)
        right = sum(g == p[2] for g, p in zip(got, pages, strict=True))
        missing = sum(not g for g in got)
        rows.append({"name": name, "right": right / max(len(pages), 1), "missing": missing,
                     "pages": len(pages), "ms": ms, "failures": failures})
    return rows


def table(text_rows: list[dict], date_rows: list[dict]) -> str:
    lines = [
        "| main text (article-extraction) | F1 | precision | recall | accuracy | ms/page | raised |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in text_rows:
        lines.append(f"| {r['name']} | **{r['f1']:.3f}** | {r['precision']:.3f} | "
                     f"{r['recall']:.3f} | {r['accuracy']:.3f} | {r['ms']:.0f} | {r['failures']} |")
    lines += ["", "| dates (dates) | share right | no date found | ms/page | raised |",
              "| --- | --- | --- | --- | --- |"]
    for r in date_rows:
        lines.append(f"| {r['name']} | **{r['right']:.3f}** | {r['missing']} | {r['ms']:.0f} | "
                     f"{r['failures']} |")
    return "\n".join(lines) + "\n"


def status(text_rows: list[dict], date_rows: list[dict]) -> str:
    """Which targets this run meets, in words."""
    ours, traf = text_rows[0], text_rows[1]
    checks = [
        ("text F1", ours["f1"] >= 0.965 and ours["f1"] >= traf["f1"]),
        ("time per page", ours["ms"] <= traf["ms"]),
        ("dates", date_rows[0]["right"] >= 0.90 and date_rows[0]["right"] >= date_rows[1]["right"]),
    ]
    met = [name for name, ok in checks if ok]
    missed = [name for name, ok in checks if not ok]
    return (f"In this run: met: {', '.join(met) or 'none'}; not met: {', '.join(missed) or 'none'}.")


def write_docs(path: Path, text_rows: list[dict], date_rows: list[dict]) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    section = (
        "## Generic extraction\n\n"
        "`make bench-extract` (`bench/extract.py`): the scraper's generic extraction "
        "(`parse_article` without selectors) and the libraries alone, on the public benchmarks in "
        f"`../shared/benchmarks`: main text on article-extraction ({text_rows[0]['pages']} pages, "
        "4-token shingle F1: precision and recall are means over pages of each page's "
        "normalised counts; accuracy is the share of pages whose tokens equal the truth) and "
        f"publication dates on dates ({date_rows[0]['pages']} pages, share of pages whose day is "
        "right; no date counts as wrong). The scoring code is our own (bench/extract.py); "
        "`raised` counts pages where the extractor raised (scored as empty). Times are the steady "
        "state of one process: an untimed pass of htmldate (and trafilatura, for text) over "
        "each benchmark first lets dateparser compile its per-language rules and trafilatura "
        "load its word lists, costs that would otherwise be charged to whichever extractor "
        "runs first. The project's time is the whole `parse_article` (body, headline, date, "
        "author, attachments), in both tables. The text extractors are timed page by page in "
        "turns (the three back to back, in an order that turns with the page), over "
        f"{text_rows[0].get('rounds', 1)} rounds; ms/page is the median of the rounds, so a busy "
        "moment on the shared machine falls on all three. Each is timed on its own call and "
        "output: trafilatura's text, our body HTML; our HTML is turned into text for scoring "
        "after the clock stops (the scraper writes Markdown from the HTML later, in its own "
        "stage; neither side's time includes sanitising or Markdown).\n\n"
        + table(text_rows, date_rows)
        + "\nTargets (issue 9): text F1 ≥ 0.965 and ≥ trafilatura's in the same run, time per page "
        "≤ trafilatura's default mode, dates ≥ 0.90 and ≥ htmldate's. What the project keeps on "
        "purpose and the benchmark's truth leaves out: photo captions (`<figcaption>`, kept for "
        "the 사진= credit of Korean releases) and, with them, a few caption lines; the time "
        "covers the headline, date, author, attachments and licence as well as the body, from "
        "one parse of the page (htmldate reads our tree; trafilatura reads it too, and copies "
        "it as it does any tree it is given). " + status(text_rows, date_rows) + "\n"
        + f"\nMeasured {time.strftime('%Y-%m-%d')} on {platform.machine()}, {os.cpu_count()} cores "
        f"(shared with other work), Python {platform.python_version()}; times include parsing.\n"
    )
    if re.search(r"^## Generic extraction\n", text, re.M):
        text = re.sub(r"^## Generic extraction\n.*?(?=^## |\Z)", section.rstrip("\n") + "\n\n",
                      text, flags=re.M | re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, help="write the table into this Markdown file")
    parser.add_argument("--limit", type=int, help="only the first N pages of each benchmark")
    parser.add_argument("--only", choices=("text", "dates"), help="run one benchmark")
    parser.add_argument("--rounds", type=int, default=3,
                        help="timed passes over the text pages (ms/page is their median)")
    args = parser.parse_args()
    if not TEXT_DIR.is_dir() or not DATES_DIR.is_dir():
        print(f"bench-extract: the benchmark data is not at {SHARED} (set NEWSROOM_SHARED)")
        return 2
    text_rows = run_text(args.limit, args.rounds) if args.only != "dates" else []
    date_rows = run_dates(args.limit) if args.only != "text" else []
    print(table(text_rows, date_rows))
    if args.docs and text_rows and date_rows:
        write_docs(args.docs, text_rows, date_rows)
        print(f"updated {args.docs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
