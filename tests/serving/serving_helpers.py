"""Helpers for serving tests: a real project published by the update job, served by nginx.

`site` copies the repository's settings, theme and plugins into a tmp folder with a few
articles (one with a lead image), runs the real `newsroom update` (a subprocess) and gives
helpers to publish more releases. `nginx` runs Debian's nginx with the project's own
configuration (newsroom.nginx renders deploy/nginx/) on a free port of 127.0.0.1, as an
unprivileged foreground process. Tests skip with a message where nginx is not installed.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITEURL = "http://127.0.0.1:8000"
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc")

ARTICLES = {
    "articles/politics-council.md": (
        "Title: 시의회, 내년 예산안 심사 착수\nDate: 2026-11-20 10:00\nCategory: 정치\n"
        "Tags: 대구, 시의회\nAuthors: 김기자\nSummary: 시의회가 예산안 심사를 시작했다.\n"
        "Image: images/sample/city-hall.jpg\nImage_Caption: 대구시청 전경\n\n"
        "대구시의회가 내년도 예산안 심사에 들어갔다.\n"
    ),
    "articles/economy-market.md": (
        "Title: 전통시장 매출 회복세\nDate: 2026-11-21 09:30\nCategory: 경제\n"
        "Tags: 부산, 시장\nAuthors: 이기자\nSummary: 전통시장 매출이 늘었다.\n\n"
        "부산 전통시장 매출이 석 달 연속 늘었다.\n"
    ),
    "articles/culture-festival.md": (
        "Title: 가을 국화 축제 개막\nDate: 2026-11-22 08:00\nCategory: 문화\n"
        "Tags: 전주, 축제\nAuthors: 박기자\nSummary: 국화 축제가 열렸다.\n\n"
        "전주에서 가을 국화 축제가 열렸다.\n"
    ),
    "pages/about.md": "Title: 소개\nSlug: about\n\n우리고장뉴스 소개.\n",
    "pages/terms.md": "Title: 이용약관\nSlug: terms\n\n이용약관.\n",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Site:
    """A tmp project: content, releases, the live link, and the commands that change them."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"
        self.output = root / "output"
        self.releases = root / "releases"
        self.counter = 0

    def env(self) -> dict:
        env = dict(os.environ)
        env.update({"SITEURL": SITEURL, "NO_COLOR": "1", "NEWSROOM_NOW": "2026-11-30 12:00:00"})
        return env

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "newsroom.cli", *args], cwd=self.root,
                              env=self.env(), text=True, capture_output=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)

    def update(self) -> str:
        """Publish a release (no scrape); returns the id now live."""
        proc = self.run("update", "--no-scrape", "-v")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return self.live()

    def rollback(self, *args: str) -> str:
        proc = self.run("rollback", *args)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return self.live()

    def live(self) -> str:
        return Path(os.readlink(self.output)).name

    def write(self, rel: str, text: str) -> Path:
        path = self.content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def add_article(self) -> str:
        """A new article with a fresh slug; returns its page path."""
        self.counter += 1
        n = self.counter
        slug = f"new-article-{n}"
        self.write(f"articles/{slug}.md",
                   f"Title: 새 보도자료 {n}호, 시민 안전 대책 발표\nDate: 2026-11-2{n % 7} 14:00\n"
                   f"Category: 정치\nTags: 안전\nAuthors: 최기자\nSlug: {slug}\n\n"
                   f"시가 {n}번째 안전 대책을 발표했다.\n")
        return f"news/{slug}.html"

    def change_stylesheet(self, rule: str) -> None:
        css = self.root / "theme" / "static" / "css" / "site.css"
        css.write_text(css.read_text(encoding="utf-8") + f"\n{rule}\n", encoding="utf-8")


def make_site(dest: Path) -> Site:
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("pelicanconf.py", "publishconf.py"):
        shutil.copy2(ROOT / name, dest / name)
    for name in ("theme", "plugins"):
        shutil.copytree(ROOT / name, dest / name, ignore=IGNORE)
    site = Site(dest)
    for rel, text in ARTICLES.items():
        site.write(rel, text)
    image = ROOT / "content" / "images" / "sample" / "city-hall.jpg"
    (site.content / "images" / "sample").mkdir(parents=True)
    shutil.copy2(image, site.content / "images" / "sample" / "city-hall.jpg")
    return site


class Nginx:
    """Debian's nginx with the project's configuration, in the foreground, as this user."""

    def __init__(self, root: Path, tmp: Path):
        from newsroom import nginx

        self.port = free_port()
        self.tmp = tmp
        nginx.write_config(tmp, root, "127.0.0.1", self.port, ROOT / "theme", workers=2)
        checked = subprocess.run(nginx.command(tmp, test=True), capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        self.log = open(tmp / "stderr.log", "w")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(nginx.command(tmp), stdout=self.log, stderr=self.log,
                                     stdin=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.port}"
        end = time.monotonic() + 10
        while time.monotonic() < end:
            try:
                urllib.request.urlopen(self.base + "/robots.txt", timeout=1).read()
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.05)
        self.stop()
        raise AssertionError(f"nginx did not start: {(tmp / 'stderr.log').read_text()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
