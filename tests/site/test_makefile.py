"""The Makefile on a fresh clone: `make test` installs what the gates need, `make help` is true.

Runs GNU make in dry-run mode (-n) on a copy of the Makefile in an empty folder, so nothing is
installed or built: the test reads what make would do.
"""

from __future__ import annotations

import re
import shutil
import subprocess

from helpers import PROJECT_ROOT


def _make(folder, *args) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "-n", *args], cwd=folder, capture_output=True, text=True,
                          timeout=60)


def _fresh_clone(tmp_path):
    for name in ("Makefile", "pyproject.toml", "package.json", "package-lock.json"):
        shutil.copy(PROJECT_ROOT / name, tmp_path / name)
    return tmp_path


def test_make_test_installs_axe_core_on_a_fresh_clone_and_only_then(tmp_path):
    folder = _fresh_clone(tmp_path)
    dry = _make(folder, "test")
    assert dry.returncode == 0, dry.stderr
    assert "npm ci" in dry.stdout, "a fresh clone has no node_modules/: the axe gate would fail"
    axe = folder / "node_modules" / "axe-core" / "axe.min.js"
    axe.parent.mkdir(parents=True)
    axe.write_text("/* axe */", encoding="utf-8")
    again = _make(folder, "test")
    assert again.returncode == 0, again.stderr
    assert "npm" not in again.stdout, "npm ci must not run again once axe-core is there"


def test_every_target_make_help_names_exists(tmp_path):
    folder = _fresh_clone(tmp_path)
    shown = subprocess.run(["make", "help"], cwd=folder, capture_output=True, text=True,
                           timeout=60)
    assert shown.returncode == 0, shown.stderr
    targets = re.findall(r"^make (\S+)", shown.stdout, re.M)
    assert len(targets) >= 8, shown.stdout
    for target in targets:
        dry = _make(folder, target)
        assert dry.returncode == 0, f"make {target}: {dry.stderr}"
