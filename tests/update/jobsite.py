"""The update job's test project: a small real site in a tmp folder, run as a process
(`Project`, `make_project`). A module of its own, not conftest.py: a test that imports it
by name must get this one, whichever test folders one pytest run collects."""


from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

ROOT = Path(__file__).resolve().parents[2]
SITEURL = "http://127.0.0.1:8000"
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc")


ARTICLES = {
    "politics-council.md": (
        "Title: 시의회, 내년 예산안 심사 착수\nDate: 2025-11-20 10:00\nCategory: 정치\n"
        "Tags: 대구, 시의회\nAuthors: 김기자\nSummary: 시의회가 예산안 심사를 시작했다.\n\n"
        "대구시의회가 내년도 예산안 심사에 들어갔다.\n"
    ),
    "economy-market.md": (
        "Title: 전통시장 매출 회복세\nDate: 2025-11-21 09:30\nCategory: 경제\n"
        "Tags: 부산, 시장\nAuthors: 이기자\nSummary: 전통시장 매출이 늘었다.\n\n"
        "부산 전통시장 매출이 석 달 연속 늘었다.\n"
    ),
    "culture-festival.md": (
        "Title: 가을 국화 축제 개막\nDate: 2025-11-22 08:00\nCategory: 문화\n"
        "Tags: 전주, 축제\nAuthors: 박기자\nSummary: 국화 축제가 열렸다.\n\n"
        "전주에서 가을 국화 축제가 열렸다.\n"
    ),
}
PAGES = {
    "about.md": "Title: 소개\nSlug: about\n\n우리고장뉴스 소개.\n",
    "terms.md": "Title: 이용약관\nSlug: terms\n\n이용약관.\n",
}


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


class Project:
    """A tmp copy of the site with helpers to run the job and look at what it left."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"

    def env(self, **extra: str) -> dict:
        env = dict(os.environ)
        env.update({"SITEURL": SITEURL, "NO_COLOR": "1", "COLUMNS": "200"})
        env.pop("FORCE_COLOR", None)
        env.update(extra)
        return env

    def cmd(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "newsroom.cli", *args]

    def run(self, *args: str, timeout: float = 300, env: dict | None = None) -> Result:
        proc = subprocess.run(self.cmd(*args), cwd=self.root, env=self.env(**(env or {})),
                              text=True,
                              capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
        return Result(proc.returncode, proc.stdout, proc.stderr)

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(self.cmd(*args), cwd=self.root, env=self.env(), text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL)

    def update(self, *args: str) -> Result:
        return self.run("update", "-v", *args)

    # looking around ------------------------------------------------------------------------
    @property
    def output(self) -> Path:
        return self.root / "output"

    def live(self) -> str | None:
        return os.readlink(self.output) if self.output.is_symlink() else None

    def releases(self) -> list[str]:
        d = self.root / "releases"
        return sorted(p.name for p in d.iterdir() if p.is_dir() and p.name[0].isdigit()) \
            if d.is_dir() else []

    def status(self) -> dict:
        return json.loads((self.root / "status.json").read_text(encoding="utf-8"))

    def status_page(self) -> str:
        return (self.root / "status.html").read_text(encoding="utf-8")

    def hold_lock(self) -> FileLock:
        """The job lock as another run would hold it (use with `with`)."""
        (self.root / ".state").mkdir(exist_ok=True)
        return FileLock(str(self.root / ".state" / "update.lock"), timeout=0)

    def write_sources(self, text: str) -> Path:
        path = self.root / "sources.toml"
        path.write_text(text, encoding="utf-8")
        return path

    def write(self, rel: str, text: str) -> Path:
        path = self.content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def live_files(self) -> dict[str, bytes]:
        base = self.output.resolve()
        return {p.relative_to(base).as_posix(): p.read_bytes()
                for p in sorted(base.rglob("*")) if p.is_file()}

    def wait_for(self, predicate, timeout: float = 60, what: str = "condition") -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if predicate():
                return
            time.sleep(0.01)
        raise AssertionError(f"timed out waiting for {what}")


def make_project(dest: Path, sections: list[tuple[str, str]] | None = None) -> Project:
    """A tmp copy of the site; `sections` replaces NEWSROOM_SECTIONS in its pelicanconf.py."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("pelicanconf.py", "publishconf.py"):
        shutil.copy2(ROOT / name, dest / name)
    if sections is not None:
        with open(dest / "pelicanconf.py", "a", encoding="utf-8") as fh:
            fh.write(f"\nNEWSROOM_SECTIONS = {sections!r}\n")
    for name in ("theme", "plugins"):
        shutil.copytree(ROOT / name, dest / name, ignore=IGNORE)
    project = Project(dest)
    for name, text in ARTICLES.items():
        project.write(f"articles/{name}", text)
    for name, text in PAGES.items():
        project.write(f"pages/{name}", text)
    return project
