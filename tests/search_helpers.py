"""Shared by tests/search and tests/browser/test_search.py: the sample site built with the
newsroom_search plugin on (tests/search/searchconf.py), plus the search test corpus.

The content is a copy of the repository's content/ with tests/search/corpus/articles added
under articles/search-corpus/ (articles about 서울, 교통 협의체, 청년창업지원금 … that the
query set needs).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from helpers import PROJECT_ROOT, BuildResult, SiteServer, build_site

SEARCH_DIR = PROJECT_ROOT / "tests" / "search"
SEARCH_CONF = SEARCH_DIR / "searchconf.py"
CORPUS = SEARCH_DIR / "corpus" / "articles"
QUERIES = SEARCH_DIR / "queries.toml"


@dataclass
class SearchSite:
    content: Path
    build: BuildResult
    server: SiteServer

    @property
    def out(self) -> Path:
        return self.build.output

    @property
    def url(self) -> str:
        return self.server.url

    def index_files(self) -> dict[str, bytes]:
        root = self.out / "search"
        return {
            p.relative_to(root).as_posix(): p.read_bytes()
            for p in root.rglob("*")
            if p.is_file() and p.suffix in (".json", ".txt")
        }


def make_search_content(dest: Path) -> Path:
    """content/ plus the search corpus, copied to `dest`."""
    shutil.copytree(PROJECT_ROOT / "content", dest, ignore=shutil.ignore_patterns("scraped"))
    shutil.copytree(CORPUS, dest / "articles" / "search-corpus")
    return dest


def build_search_site(tmp: Path, env: dict | None = None) -> SearchSite:
    """Build the search content with the plugin on, served on 127.0.0.1 (server started)."""
    content = make_search_content(tmp / "content")
    server = SiteServer(tmp / "output").start()
    result = build_site(content, server.root, SEARCH_CONF, origin=server.url, env=env)
    if result.returncode != 0:
        server.stop()
        raise AssertionError(f"search build failed (exit {result.returncode}):\n{result.log[-4000:]}")
    return SearchSite(content, result, server)
