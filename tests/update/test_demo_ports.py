"""`make demo DEMO_SOURCE_PORT=… PORT=…`: the job scrapes the sample site on that port, and
feeds and canonical links name the port the site is served on (issue 14)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import threading
import tomllib
from http.server import ThreadingHTTPServer
from pathlib import Path

from helpers import PROJECT_ROOT, parse_html

sys.path.insert(0, str(PROJECT_ROOT / "demo"))
from sources_for import rewrite  # noqa: E402


def test_rewrite_moves_every_source_and_the_contact_page():
    text = (PROJECT_ROOT / "sources.toml").read_text(encoding="utf-8")
    out = rewrite(text, 9876, "http://127.0.0.1:8123/")
    data = tomllib.loads(out)
    urls = [s["url"] for s in data["sources"]]
    assert urls and all(u.startswith("http://127.0.0.1:9876/") for u in urls), urls
    assert data["scraper"]["contact_url"] == "http://127.0.0.1:8123/about.html"
    assert "8765" not in out and ":8000" not in out
    assert out.count("\n") == text.count("\n")  # comments and layout kept


def _demo_server(tmp_path):
    spec = importlib.util.spec_from_file_location("demo_server_ports",
                                                  PROJECT_ROOT / "demo" / "server.py")
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    demo.ADDED = tmp_path / "demo-added.json"
    demo.STATE = tmp_path
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), demo.Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def test_make_demo_update_scrapes_the_given_port_and_names_the_served_one(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    for name in ("Makefile", "pelicanconf.py", "publishconf.py", "sources.toml", "pyproject.toml"):
        shutil.copy2(PROJECT_ROOT / name, site / name)
    for name in ("demo", "theme", "plugins"):
        shutil.copytree(PROJECT_ROOT / name, site / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(PROJECT_ROOT / "content" / "pages", site / "content" / "pages")
    httpd = _demo_server(tmp_path)
    try:
        source_port = httpd.server_address[1]
        venv = Path(sys.executable).parent.parent
        proc = subprocess.run(
            ["make", "-o", "install", "demo-update", f"VENV={venv}",
             f"DEMO_SOURCE_PORT={source_port}", "PORT=8123", "UPDATE_ARGS=--force"],
            cwd=site, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DEMO_STATE": str(tmp_path)},
        )
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    scraped = list((site / "content" / "scraped").rglob("*.md"))
    assert len(scraped) >= 10, f"scraped {len(scraped)} articles from port {source_port}"
    live = site / "output"
    feed = (live / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert "http://127.0.0.1:8123/news/" in feed and "127.0.0.1:8000" not in feed
    canonical = parse_html(live / "index.html").find("link", rel="canonical")["href"]
    assert canonical == "http://127.0.0.1:8123/"
