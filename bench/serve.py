"""Benchmark of serving: nginx with the project's configuration under wrk, across switches.

A tmp copy of this project (settings, theme, plugins, the repository's content/) is published
by the real update job and served by Debian's nginx (newsroom.nginx, 2 workers) on 127.0.0.1.
wrk requests every page of the release and every asset they reference, in turn, with
`Accept-Encoding: gzip`, for --seconds. Meanwhile the update job publishes releases in a loop
(a new article; a changed stylesheet; another article) and `newsroom rollback` runs, so the
numbers include the switches. The fingerprinted assets of the first release are requested
all along: they must stay 200 after the stylesheet changes.

Reports requests/s, latency percentiles, non-2xx responses and socket errors, with the
machine named; --docs replaces the "Serving figures" block of docs/operations.md.

    .venv/bin/python bench/serve.py [--seconds 30] [--connections 32] [--docs docs/operations.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "serving"))

from serving_helpers import Nginx, Site  # noqa: E402

from newsroom.assets import ASSET_EXTENSIONS, extension  # noqa: E402
from newsroom.nginx import nginx_binary  # noqa: E402
from newsroom.validate import page_links, resolve_link  # noqa: E402

IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc")
BEGIN, END = "<!-- bench-serve:begin -->", "<!-- bench-serve:end -->"


def make_site(dest: Path) -> Site:
    dest.mkdir(parents=True)
    for name in ("pelicanconf.py", "publishconf.py"):
        shutil.copy2(ROOT / name, dest / name)
    for name in ("theme", "plugins", "content"):
        shutil.copytree(ROOT / name, dest / name, ignore=IGNORE)
    return Site(dest)


def request_paths(release: Path) -> list[str]:
    """Every page, and every local file each page references, in page order."""
    paths: list[str] = []
    seen: set[str] = set()
    for page in sorted(release.rglob("*.html")):
        rel = page.relative_to(release).as_posix()
        for path in [rel] + [resolve_link(rel, link, "http://127.0.0.1:8000") or ""
                             for attr, link in page_links(page.read_bytes())
                             if attr != "href" or extension(link) in ASSET_EXTENSIONS]:
            if path and not path.startswith("../") and path not in seen \
                    and (release / path).is_file():
                seen.add(path)
                paths.append("/" + path)
    return paths


def lua_script(paths: list[str], dest: Path) -> Path:
    items = ",\n".join(f'  "{p}"' for p in paths)
    dest.write_text(
        f"paths = {{\n{items}\n}}\n"
        "i = 0\n"
        'wrk.headers["Accept-Encoding"] = "gzip"\n'
        "request = function()\n"
        "  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\n'
        "end\n", encoding="utf-8")
    return dest


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    nginx = subprocess.run([nginx_binary(), "-v"], capture_output=True, text=True).stderr.strip()
    return (f"{cpu}, {os.cpu_count()} cores (shared), Linux {platform.release()}, "
            f"{nginx.replace('nginx version: ', '')}")


def parse_wrk(text: str) -> dict:
    def ms(value: str) -> float:
        m = re.match(r"([\d.]+)(us|ms|s)", value)
        n, unit = float(m.group(1)), m.group(2)
        return n / 1000 if unit == "us" else n * 1000 if unit == "s" else n

    out = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
           "requests": int(re.search(r"(\d+) requests in", text).group(1)),
           "non2xx": int((re.search(r"Non-2xx or 3xx responses: (\d+)", text) or [0, 0])[1]),
           "socket_errors": sum(int(n) for n in re.findall(
               r"(?:connect|read|write|timeout) (\d+)", text))}
    for pct in ("50", "90", "99"):
        out[f"p{pct}"] = ms(re.search(rf"^\s+{pct}(?:\.000)?%\s+(\S+)", text, re.M).group(1))
    return out


def switches(site: Site, stop: threading.Event, log: list[str]) -> None:
    """Publish and roll back in a loop until told to stop."""
    n = 0
    while not stop.is_set():
        n += 1
        site.add_article()
        log.append(f"update {site.update()}")
        if stop.is_set():
            break
        site.change_stylesheet(f".site-footer {{ padding-bottom: {n}px; }}")
        log.append(f"update (stylesheet) {site.update()}")
        time.sleep(1)
        log.append(f"rollback {site.rollback()}")
        time.sleep(1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--docs", type=Path, help="replace the figures block in this file")
    args = ap.parse_args()
    for tool in ("nginx", "wrk"):
        if shutil.which(tool) is None and not os.access(f"/usr/sbin/{tool}", os.X_OK):
            print(f"bench-serve: {tool} is not installed (apt-get install {tool})",
                  file=sys.stderr)
            return 2
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        site = make_site(Path(tmp) / "site")
        first = site.update()
        release = site.releases / first
        paths = request_paths(release)
        script = lua_script(paths, Path(tmp) / "paths.lua")
        server = Nginx(site.output, Path(tmp) / "nginx")
        stop, log = threading.Event(), []
        worker = threading.Thread(target=switches, args=(site, stop, log))
        try:
            time.sleep(0.5)
            worker.start()
            proc = subprocess.run(["wrk", "-t", str(args.threads), "-c", str(args.connections),
                                   "-d", f"{args.seconds}s", "--latency", "-s", str(script),
                                   server.base], capture_output=True, text=True)
        finally:
            stop.set()
            worker.join()
            server.stop()
        print(proc.stdout)
        result = parse_wrk(proc.stdout)
    switches_done = len(log)
    line = (f"wrk {args.threads} threads, {args.connections} connections, {args.seconds} s over "
            f"{len(paths)} URLs (pages and their assets, gzip), {switches_done} release "
            f"switches and rollbacks during the run: **{result['rps']:.0f} requests/s**, "
            f"p50 {result['p50']:.2f} ms, p90 {result['p90']:.2f} ms, "
            f"**p99 {result['p99']:.2f} ms**, {result['requests']} requests, "
            f"{result['non2xx']} non-2xx, {result['socket_errors']} socket errors.")
    where = f"Machine: {machine()}; {datetime.now(UTC):%Y-%m-%d}, `make bench-serve`."
    print(line)
    print(where)
    print("\n".join(log))
    if args.docs:
        text = args.docs.read_text(encoding="utf-8")
        if BEGIN in text and END in text:
            head, rest = text.split(BEGIN, 1)
            _, tail = rest.split(END, 1)
            args.docs.write_text(f"{head}{BEGIN}\n{line}\n{where}\n{END}{tail}",
                                 encoding="utf-8")
    return 0 if result["non2xx"] == 0 and result["socket_errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
