"""Helpers shared by the test suites: real Pelican builds, a real HTTP server, content and HTML.

Everything here talks to real parts (a Pelican subprocess, a socket on 127.0.0.1, files on
disk); nothing is mocked. The expected values are computed from the Markdown sources with the
project's own content model, so a test compares what the site shows with what editors wrote.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from newsroom.core import model

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# "Now" pinned for builds under test, so the news sitemap (last two days) is deterministic.
# The plugin reads it from the NEWSROOM_NOW setting, which pelicanconf.py takes from the
# environment variable of the same name.
TEST_NOW = "2026-11-25 18:00:00"
SECTIONS = [("정치", "politics"), ("경제", "economy"), ("문화", "culture")]
SECTION_SLUG = dict(SECTIONS)
# Levels Pelican's rich handler prints at the start of a log record.
LOG_PROBLEM_RE = re.compile(r"\b(WARNING|ERROR|CRITICAL)\b")


@dataclass
class BuildResult:
    """What a Pelican build left behind: the output folder, its log and its exit code."""

    output: Path
    returncode: int
    stdout: str
    stderr: str
    origin: str
    seconds: float = 0.0

    @property
    def log(self) -> str:
        return self.stdout + self.stderr

    def problems(self) -> list[str]:
        """Log lines that carry a warning, error or critical level."""
        return [
            re.sub(r"\s{2,}", "  ", line).strip()
            for line in self.log.splitlines()
            if LOG_PROBLEM_RE.search(line)
        ]


def build_env(origin: str, now: str | None = TEST_NOW, extra: dict | None = None) -> dict:
    """The environment for a Pelican subprocess: absolute origin, pinned now, wide log lines."""
    env = dict(os.environ)
    env["SITEURL"] = origin
    if now:
        env["NEWSROOM_NOW"] = now
    # rich wraps log lines at the terminal width (80 without a terminal), which would split
    # a `path:line: message` in two; colours would hide words behind escape codes.
    env["COLUMNS"] = "400"
    env["NO_COLOR"] = "1"
    env["TERM"] = "dumb"
    env.pop("FORCE_COLOR", None)
    env.update(extra or {})
    return env


def build_site(
    content_dir: Path | str,
    out_dir: Path | str,
    settings_file: Path | str,
    env: dict | None = None,
    origin: str = "http://127.0.0.1:8000",
    now: str | None = TEST_NOW,
    timeout: float = 600,
    extra_settings: dict | None = None,
    args: list[str] | None = None,
) -> BuildResult:
    """Run `python -m pelican CONTENT -o OUT -s SETTINGS` in a subprocess, as a user would.

    Args:
        content_dir: the content folder (the repository's `content/` or a generated one).
        out_dir: where Pelican writes the site.
        settings_file: `pelicanconf.py` (preview) or `publishconf.py` (strict).
        env: extra environment variables, applied last.
        origin: the absolute origin passed as `SITEURL` (feeds, canonical URLs, sitemaps).
        now: pinned "now" passed as `NEWSROOM_NOW`; None leaves it unset.
        timeout: seconds before the build is killed.
        extra_settings: settings passed on the command line (`pelican -e KEY=JSON`), over
            the settings file's, as a user would try a setting without editing the file.
        args: more command-line arguments for Pelican (`["-v"]` for its INFO log).

    Returns:
        A BuildResult with the output folder, stdout, stderr and exit code.
    """
    import time

    cmd = [
        sys.executable, "-m", "pelican", str(content_dir),
        "-o", str(out_dir), "-s", str(settings_file),
    ]
    if extra_settings:
        # One -e with every pair: Pelican's -e takes several, and a second -e replaces the first.
        cmd += ["-e", *(f"{key}={json.dumps(value, ensure_ascii=False)}"
                        for key, value in extra_settings.items())]
    cmd += args or []
    start = time.monotonic()
    proc = subprocess.run(
        cmd,
        cwd=PROJECT_ROOT,
        env=build_env(origin, now, env),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    return BuildResult(
        output=Path(out_dir),
        returncode=proc.returncode,
        stdout=proc.stdout,
        stderr=proc.stderr,
        origin=origin.rstrip("/"),
        seconds=time.monotonic() - start,
    )


def build_ok(
    content_dir: Path | str, out_dir: Path | str, settings_name: str = "publishconf.py", **kwargs
) -> BuildResult:
    """`build_site` with one of the project's settings files, failing the test unless it exits 0.

    `settings_name` is `publishconf.py` (strict, the default) or `pelicanconf.py` (preview);
    other keyword arguments go to `build_site`.
    """
    import pytest

    result = build_site(content_dir, out_dir, PROJECT_ROOT / settings_name, **kwargs)
    if result.returncode != 0:
        pytest.fail(f"{settings_name} build failed (exit {result.returncode}):\n{result.log[-6000:]}")
    return result


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging each request to the test output."""

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass

    def end_headers(self):
        # LinkChecker waits 0.1-0.6 s between requests to a host unless the host answers with
        # this header (its documented opt-out); our own test server needs no politeness.
        self.send_header("LinkChecker", "maxrated")
        super().end_headers()


class SiteServer:
    """A real threaded HTTP server on 127.0.0.1 serving one folder, on a free port."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        handler = functools.partial(_QuietHandler, directory=str(self.root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> SiteServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=10)


@contextmanager
def serve_directory(root: Path) -> Iterator[SiteServer]:
    """Serve `root` on 127.0.0.1 for the duration of a with-block."""
    server = SiteServer(root).start()
    try:
        yield server
    finally:
        server.stop()


# --- content -------------------------------------------------------------------------------


@dataclass
class SourceArticle:
    """An article as an editor wrote it, read with the project's content model."""

    path: Path
    relpath: str  # relative to the content folder, with forward slashes
    slug: str
    title: str
    date: datetime
    category: str
    status: str
    modified: datetime | None = None
    tags: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    summary: str = ""
    subtitle: str = ""
    source: str = ""
    source_url: str = ""
    image: str = ""
    body: str = ""

    @property
    def url(self) -> str:
        return f"news/{self.slug}.html"

    @property
    def published(self) -> bool:
        return self.status == "published"


def read_source_article(path: Path, content_dir: Path) -> SourceArticle:
    """Read one Markdown article with `newsroom_site.model` (the rules the build uses)."""
    text = path.read_text(encoding="utf-8")
    header = model.parse_header(text)
    relpath = path.relative_to(content_dir).as_posix()
    body = "\n".join(text.splitlines()[header.body_line - 1:])
    modified = header.value("Modified")
    return SourceArticle(
        path=path,
        relpath=relpath,
        slug=model.derive_slug(header.value("Slug") or None, relpath),
        title=header.value("Title"),
        date=model.parse_date(header.value("Date")),
        modified=model.parse_date(modified) if modified else None,
        category=header.value("Category"),
        status=(header.value("Status") or "published").lower(),
        tags=model.split_list(header.value("Tags")),
        authors=model.split_list(header.value("Authors")),
        summary=header.value("Summary"),
        subtitle=header.value("Subtitle"),
        source=header.value("Source"),
        source_url=header.value("Source_URL"),
        image=header.value("Image"),
        body=body,
    )


def read_articles(content_dir: Path, paths: tuple[str, ...] = ("articles", "scraped")) -> list[
    SourceArticle
]:
    """Every article under the article folders of `content_dir`, newest first."""
    content_dir = Path(content_dir)
    found = []
    for sub in paths:
        base = content_dir / sub
        if base.is_dir():
            found += [read_source_article(p, content_dir) for p in sorted(base.rglob("*.md"))]
    found.sort(key=lambda a: a.date, reverse=True)
    return found


def read_pages(content_dir: Path) -> dict[str, str]:
    """Pages under content/pages: slug -> title."""
    pages = {}
    for p in sorted((Path(content_dir) / "pages").glob("*.md")):
        header = model.parse_header(p.read_text(encoding="utf-8"))
        slug = header.value("Slug") or p.stem
        pages[slug] = header.value("Title")
    return pages


def write_article(directory: Path, stem: str, body: str, **meta: str) -> Path:
    """Write a Markdown article with a `Key: value` header (keys in the documented spelling)."""
    directory.mkdir(parents=True, exist_ok=True)
    lines = [f"{model.canonical_key(k)}: {v}" for k, v in meta.items()]
    path = directory / f"{stem}.md"
    path.write_text("\n".join(lines) + "\n\n" + body.strip() + "\n", encoding="utf-8")
    return path


# --- HTML ----------------------------------------------------------------------------------


def html_files(out: Path) -> list[Path]:
    """Every HTML file of a built site."""
    return sorted(Path(out).rglob("*.html"))


def parse_html(path: Path):
    """Parse an HTML file with BeautifulSoup (lxml)."""
    from bs4 import BeautifulSoup

    return BeautifulSoup(Path(path).read_text(encoding="utf-8"), "lxml")


def page_url_path(out: Path, file: Path) -> str:
    """The URL path (no leading slash) a file of the output is served at."""
    rel = Path(file).relative_to(out).as_posix()
    if rel == "index.html":
        return ""
    if rel.endswith("/index.html"):
        return rel[: -len("index.html")]
    return rel


def resolve_link(out: Path, page: Path, href: str, origin: str | None = None) -> Path | None:
    """The output file a link on `page` points at, or None for another site or scheme.

    Relative links are resolved against the page's URL the way a browser does; a directory
    URL means its index.html. Absolute links on `origin` are resolved too.
    """
    base = "http://site.invalid/" + page_url_path(out, page)
    target = urlsplit(urljoin(base, href.strip()))
    if origin and href.startswith(origin):
        target = urlsplit(href)
    elif target.scheme != "http" or target.netloc != "site.invalid":
        return None
    path = unquote(target.path).lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    return Path(out) / path


def output_rel(out: Path, file: Path | None) -> str | None:
    """The path of an output file relative to the output folder, with forward slashes."""
    if file is None:
        return None
    return Path(file).relative_to(out).as_posix()


def link_targets(out: Path, page: Path, soup, origin: str | None = None) -> list[str]:
    """Output-relative paths of the internal links (`a[href]`) of a page, in document order."""
    targets = []
    for a in soup.find_all("a", href=True):
        f = resolve_link(out, page, a["href"], origin)
        if f is not None:
            targets.append(output_rel(out, f))
    return targets


def text_of(node) -> str:
    """The visible text of a node, with whitespace collapsed."""
    return re.sub(r"\s+", " ", node.get_text(" ")).strip()


def new_content(content: Path, *images: str) -> Path:
    """A content folder with the sample site's pages (the footer links them) and the given
    sample images (paths relative to content/, e.g. images/sample/market.jpg)."""
    content = Path(content)
    shutil.copytree(PROJECT_ROOT / "content" / "pages", content / "pages")
    for image in images:
        (content / image).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(PROJECT_ROOT / "content" / image, content / image)
    return content


def one_story_per_section(content: Path) -> None:
    """One published article in each sample section, all sharing a tag, author and source."""
    for i, (name, slug) in enumerate((("정치", "politics"), ("경제", "economy"), ("문화", "culture"))):
        write_article(
            content / "articles", f"{slug}-story", f"{name} 기사 본문입니다. 공개 기사입니다.",
            Title=f"{name} 공개 기사", Date=f"2026-11-2{i} 10:00:00", Category=name,
            Tags="공개태그", Authors="공개기자", Source="공개시청",
        )


def in_tiny_filesystem(folder: Path, command: list[str], size: str = "12k",
                       env: dict | None = None, cwd: Path = PROJECT_ROOT):
    """Run `command` with `folder` on a tmpfs of `size` (a private mount namespace, as an
    unprivileged user namespace's root): a real full disk. Skips where unshare is refused."""
    folder.mkdir(parents=True, exist_ok=True)
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    if probe.returncode != 0:
        import pytest

        pytest.skip(f"unshare -rm is not permitted here: {probe.stderr.decode()[:200]}")
    script = f'mount -t tmpfs -o size={size} tmpfs "$0" && exec "$@"'
    return subprocess.run(["unshare", "-rm", "sh", "-c", script, str(folder), *command],
                          capture_output=True, text=True, timeout=300, cwd=cwd, env=env)
