"""Gate: axe-core in Debian's chromium finds no serious or critical accessibility violation.

axe-core comes from npm (package.json, `npm ci`). The site's CSP rightly blocks injected
scripts, so the audit context bypasses CSP; a second check loads the same pages with CSP
enforced and asserts the site's own scripts and styles run without a single violation.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from helpers import PROJECT_ROOT, read_articles

pytestmark = pytest.mark.gates

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 812}}
BLOCKING = ("serious", "critical")


def _pages(project_root) -> dict[str, str]:
    from pelican.settings import read_settings
    from pelican.urlwrappers import Tag

    articles = [a for a in read_articles(project_root / "content") if a.published]
    article = next((a for a in articles if a.image and a.tags), articles[0])
    settings = read_settings(str(project_root / "publishconf.py"))
    tag_url = Tag(article.tags[0], settings).url
    return {
        "home": "/",
        "section": "/section/economy/",
        "article": f"/{article.url}",
        "tag": f"/{tag_url}",
        "about": "/about.html",
        "404": "/404.html",
        "search": "/search/?q=" + quote("시장"),
    }


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['html'][:160]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", " | ")[:300])
    return "\n".join(lines)


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_axe_finds_no_serious_violations(chromium, site_url, project_root, viewport):
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` at the repository root (see .ci/run)")
    context = chromium.new_context(bypass_csp=True, viewport=VIEWPORTS[viewport], locale="ko-KR")
    failures = []
    try:
        for name, path in _pages(project_root).items():
            page = context.new_page()
            response = page.goto(site_url + path, wait_until="load")
            assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
            page.add_script_tag(path=str(AXE))
            result = page.evaluate(
                "async () => await axe.run(document, {resultTypes: ['violations']})"
            )
            rules = sum(len(result[k]) for k in ("passes", "violations", "incomplete"))
            assert rules > 20, f"{path}: axe-core evaluated only {rules} rules"
            blocking = [v for v in result["violations"] if v.get("impact") in BLOCKING]
            if blocking:
                failures.append(f"{name} {path} at {viewport}:\n{_describe(blocking)}")
            page.close()
    finally:
        context.close()
    assert not failures, "axe-core violations (serious/critical):\n" + "\n".join(failures)


def test_axe_does_report_a_violation(chromium):
    """The gate can fail: an image without alt text is a critical violation."""
    context = chromium.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.set_content('<!DOCTYPE html><html lang="ko"><title>t</title><main>'
                         '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main>')
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document)")
    finally:
        context.close()
    assert "image-alt" in [v["id"] for v in result["violations"] if v["impact"] in BLOCKING]


def _console_problems(page, name: str, problems: list[str]) -> None:
    page.on("console", lambda m: m.type == "error" and problems.append(
        f"{name}: console error: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"{name}: page error: {e}"))


def test_csp_violations_are_caught(chromium):
    """The CSP check can fail: an inline script under `script-src 'self'` is reported."""
    context = chromium.new_context()
    problems: list[str] = []
    try:
        page = context.new_page()
        _console_problems(page, "probe", problems)
        page.set_content(
            '<!DOCTYPE html><html lang="ko"><head><meta http-equiv="Content-Security-Policy" '
            "content=\"script-src 'self'\"><title>t</title></head>"
            "<body><script>document.title = 'ran'</script></body></html>"
        )
        page.wait_for_timeout(200)
        assert page.title() == "t", "the inline script ran despite the CSP"
    finally:
        context.close()
    assert any("Content Security Policy" in p for p in problems), problems


def test_pages_run_clean_under_their_own_csp(chromium, site_url, project_root):
    """With CSP enforced, no script, style or image of the site is refused, and no JS error."""
    context = chromium.new_context(viewport=VIEWPORTS["desktop"])
    problems = []
    try:
        for name, path in _pages(project_root).items():
            page = context.new_page()
            _console_problems(page, name, problems)
            page.goto(site_url + path, wait_until="load")
            # Refused resources are reported on the console; let the page settle first.
            page.wait_for_timeout(200)
            page.close()
    finally:
        context.close()
    assert not problems, "\n".join(problems)
