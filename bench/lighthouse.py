"""Lighthouse scores of the built sample site: home, a section and an article (`make audit`).

Builds the sample content with publishconf.py into a temporary folder, serves it on a free
port of 127.0.0.1 (the build gets that origin, so canonical URLs and robots.txt match the
server), runs the npm `lighthouse` command with Debian's chromium for each page and form
factor, prints the four category scores and writes them to docs/benchmarks.md under
"## Lighthouse" (that section only; the others are left as they are).

Lighthouse is installed on demand by the Makefile target (`npm install --no-save lighthouse`),
so CI does not need it.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME_PATH = "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
SECTION_TITLE = "## Lighthouse"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


def _pages() -> dict[str, str]:
    """Home, the economy section and the newest article with a lead image."""
    from newsroom.core import model

    best = None
    for path in sorted((ROOT / "content" / "articles").glob("*.md")):
        header = model.parse_header(path.read_text(encoding="utf-8"))
        if header.value("Status", "published").lower() != "published" or not header.value("Image"):
            continue
        when = model.parse_date(header.value("Date"))
        rel = path.relative_to(ROOT / "content").as_posix()
        slug = model.derive_slug(header.value("Slug") or None, rel)
        if best is None or when > best[0]:
            best = (when, slug)
    if best is None:
        raise SystemExit("content/articles has no published article with an Image")
    return {"home": "/", "section": "/section/economy/", "article": f"/news/{best[1]}.html"}


def _build(out: Path, origin: str) -> None:
    env = dict(os.environ, SITEURL=origin)
    cmd = [sys.executable, "-m", "pelican", str(ROOT / "content"), "-o", str(out),
           "-s", str(ROOT / "publishconf.py")]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"build failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")


def _lighthouse(url: str, preset: str, report: Path) -> dict[str, int]:
    cmd = [
        str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}",
        "--no-enable-error-reporting",
    ]
    if preset == "desktop":
        cmd.append("--preset=desktop")
    env = dict(os.environ, CHROME_PATH=CHROME_PATH)
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0 or not report.exists():
        raise SystemExit(f"lighthouse failed on {url} ({preset}):\n{proc.stderr[-3000:]}")
    data = json.loads(report.read_text(encoding="utf-8"))
    if data.get("runtimeError"):
        raise SystemExit(f"lighthouse on {url}: {data['runtimeError']}")
    scores = {}
    for cat in CATEGORIES:
        score = data["categories"][cat]["score"]
        scores[cat] = round(score * 100) if score is not None else -1
    return scores


def _markdown(results: list[tuple[str, str, str, dict]], seconds: float) -> str:
    lines = [
        SECTION_TITLE,
        "",
        "`make audit` (`bench/lighthouse.py`): Lighthouse "
        f"{_lighthouse_version()} with Debian's chromium (`CHROME_PATH={CHROME_PATH}`), headless, "
        "on the sample site built with publishconf.py and served by Python's http.server on "
        "127.0.0.1 (no compression, no cache headers: a real host with gzip and caching "
        "scores at least as well). Mobile is Lighthouse's default (emulated phone, throttled "
        "4G and CPU); desktop uses `--preset=desktop`.",
        "",
        "| page | form factor | performance | accessibility | best practices | SEO |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, path, preset, s in results:
        lines.append(
            f"| {name} (`{path}`) | {preset} | {s['performance']} | {s['accessibility']} | "
            f"{s['best-practices']} | {s['seo']} |"
        )
    lines += [
        "",
        f"Measured {date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores "
        f"(shared with other work); "
        f"{len(results)} runs in {seconds:.0f} s.",
        "",
    ]
    return "\n".join(lines)


def _lighthouse_version() -> str:
    proc = subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True)
    return proc.stdout.strip()


def write_section(docs: Path, section: str) -> None:
    """Replace the Lighthouse section of docs/benchmarks.md, or append it; keep the rest."""
    text = docs.read_text(encoding="utf-8") if docs.exists() else "# Benchmarks\n"
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == SECTION_TITLE), None)
    if start is None:
        new = text.rstrip("\n") + "\n\n" + section
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        tail = "\n".join(lines[end:])
        new = "\n".join(lines[:start]) + "\n" + section + ("\n" + tail if tail else "")
    docs.write_text(new.rstrip("\n") + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, help="write the scores into this Markdown file")
    parser.add_argument("--presets", default="mobile,desktop", help="comma-separated form factors")
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        print(f"{LIGHTHOUSE} is missing: run `npm install --no-save lighthouse`", file=sys.stderr)
        return 2
    if not Path(CHROME_PATH).exists():
        print(f"{CHROME_PATH} is missing: apt-get install chromium", file=sys.stderr)
        return 2
    pages = _pages()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        out = Path(tmp) / "site"
        out.mkdir()
        handler = functools.partial(_Quiet, directory=str(out))
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        origin = f"http://127.0.0.1:{httpd.server_address[1]}"
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        try:
            _build(out, origin)
            results = []
            for preset in args.presets.split(","):
                for name, path in pages.items():
                    scores = _lighthouse(origin + path, preset, Path(tmp) / f"{name}-{preset}.json")
                    results.append((name, path, preset, scores))
                    print(
                        f"{name:8} {preset:8} "
                        + "  ".join(f"{c} {scores[c]:3d}" for c in CATEGORIES),
                        flush=True,
                    )
        finally:
            httpd.shutdown()
            httpd.server_close()
    section = _markdown(results, time.monotonic() - started)
    if args.docs:
        write_section(args.docs, section)
        print(f"wrote the Lighthouse section of {args.docs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
