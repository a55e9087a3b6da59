"""Rows that open their article with a script, and how their view URL is found.

Korean boards often write a row as `<a href="#none" onclick="fn_view('123')">` or
`<a href="javascript:goView('BD_PRESS','456')">`. Such a row is an article link when its view
URL can be built:
- from a template the operator gives (`[sources.html] view_url`, `{1}` or `{id}` the call's
  first argument, `{2}` the second, …), or
- from the page's own script: a function that sets `location.href` to a concatenation of
  strings and its parameters, or fills the fields of a GET form and submits it. A POST form is
  reported (a `kind = "post"` board), not guessed.

Pure functions of the parsed page: nothing here runs the script or fetches anything.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from .text import LIST_STATE_PARAMS


@dataclass
class ScriptCalls:
    """Script links on a page: which functions rows call, and how a view URL was found."""

    names: Counter = field(default_factory=Counter)
    templates: dict[str, str] = field(default_factory=dict)
    # function name -> why its view URL cannot be built (a POST form, an unreadable body)
    problems: dict[str, str] = field(default_factory=dict)


_CALL_RE = re.compile(
    r"([A-Za-z_$][\w$.]*)\s*\(\s*((?:'[^'\n]{0,80}'|\"[^\"\n]{0,80}\"|-?\d{1,20})"
    r"(?:\s*,\s*(?:'[^'\n]{0,80}'|\"[^\"\n]{0,80}\"|-?\d{1,20}))*)\s*\)"
)
_ARG_RE = re.compile(r"'([^']*)'|\"([^\"]*)\"|(-?\d+)")
_SAFE_ARG_RE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
# Functions a row may call that never open its article.
_NOT_VIEW_RE = re.compile(r"(?i)(?:^|\.)(?:alert|confirm|open|print|close|focus|blur|back)$|"
                          r"down|file|preview|popup|share|sns|scrap|print")
_PLACEHOLDER_RE = re.compile(r"\{(id|[1-9])\}")


def call_of(value) -> tuple[str, list[str]] | None:
    """The function a row's onclick / `javascript:` href calls and its literal arguments."""
    m = _CALL_RE.search(value) if isinstance(value, str) and "(" in value else None
    if m is None or _NOT_VIEW_RE.search(m.group(1)):
        return None
    return m.group(1), [a or b or c for a, b, c in _ARG_RE.findall(m.group(2))]


def fill_template(template: str, args: list[str]) -> str | None:
    """`template` with `{1}`…`{9}` (`{id}` = `{1}`) replaced by the call's arguments, quoted;
    None when an argument is missing or not a plain id."""
    values = []
    for arg in args:
        if not _SAFE_ARG_RE.match(arg):
            return None
        values.append(quote(arg, safe=""))

    def sub(m: re.Match) -> str:
        index = 1 if m.group(1) == "id" else int(m.group(1))
        if index > len(values):
            raise IndexError(index)
        return values[index - 1]

    try:
        return _PLACEHOLDER_RE.sub(sub, template)
    except IndexError:
        return None


def _function_body(script: str, start: int) -> str:
    """The text between the brace at `start - 1` and its match (strings not parsed)."""
    depth, i = 1, start
    while i < len(script) and depth:
        if script[i] == "{":
            depth += 1
        elif script[i] == "}":
            depth -= 1
        i += 1
    return script[start:i - 1]


def _concat(expr: str, params: list[str], local: dict[str, str]) -> str | None:
    """A JS string concatenation (`"view.do?id=" + id`) as a template, or None."""
    parts = []
    for token in re.findall(r"'[^']*'|\"[^\"]*\"|[^+]+", expr.strip().rstrip(";")):
        token = token.strip()
        if not token:
            continue
        if token[0] in "'\"":
            parts.append(token[1:-1].replace("{", "").replace("}", ""))
        elif token in params:
            parts.append(f"{{{params.index(token) + 1}}}")
        elif token in local:
            parts.append(local[token])
        else:
            return None
    return "".join(parts) or None


def _templates_from_script(script: str, soup, calls: ScriptCalls) -> None:
    """Record in `calls` how each called function opens a view, when its body says so."""
    for m in re.finditer(r"function\s+([A-Za-z_$][\w$]*)\s*\(([^)]*)\)\s*\{", script):
        name = m.group(1)
        if name not in calls.names or name in calls.templates:
            continue
        params = [p.strip() for p in m.group(2).split(",") if p.strip()]
        body = _function_body(script, m.end())
        local: dict[str, str] = {}
        for v in re.finditer(r"(?:var|let|const)?\s*([A-Za-z_$][\w$]*)\s*=\s*([^;=\n][^;\n]*)",
                             body):
            if not re.match(r"\s*(?:window\.|document\.|self\.)?location", v.group(0)):
                made = _concat(v.group(2), params, local)
                if made is not None:
                    local[v.group(1)] = made
        loc = re.search(r"(?:location\.href|location)\s*=\s*([^;\n]+)", body) or re.search(
            r"location\.(?:replace|assign)\s*\(\s*([^)]+)\)", body)
        if loc:
            made = _concat(loc.group(1), params, local)
            if made and "{" in made:
                calls.templates[name] = made
                continue
        # A form the function fills in and submits: `f.nttId.value = id; f.submit()`.
        if "submit" not in body:
            continue
        fields = {}
        for a in re.finditer(r"\.([A-Za-z_][\w]*)\.value\s*=\s*([A-Za-z_$][\w$]*)", body):
            if a.group(2) in params:
                fields[a.group(1)] = f"{{{params.index(a.group(2)) + 1}}}"
        if not fields:
            continue
        form = None
        for f in soup.find_all("form"):
            names = {i.get("name") for i in f.find_all(["input", "select"])}
            if set(fields) <= names:
                form = f
                break
        action = re.search(r"\.action\s*=\s*['\"]([^'\"]+)['\"]", body)
        target = action.group(1) if action else (form.get("action") if form is not None else "")
        method = re.search(r"\.method\s*=\s*['\"](\w+)['\"]", body)
        method = (method.group(1) if method else (form.get("method") if form is not None
                                                  else "get")) or "get"
        if form is None or not target:
            calls.problems[name] = "fills a form the page does not show"
            continue
        if method.lower() != "get":
            calls.problems[name] = (f"submits a POST form to {target!r} (use kind = \"post\", "
                                    f"or [sources.html] view_url if a GET works too)")
            continue
        pairs = []
        for i in form.find_all("input"):
            key = i.get("name")
            if key and key.lower() not in LIST_STATE_PARAMS:
                pairs.append((key, fields.get(key, i.get("value") or "")))
        query = urlencode(pairs, safe="{}/:")
        if "{" in query:  # a form that only carries the list state (a paging script) is no view
            calls.templates[name] = target.split("?")[0] + "?" + query


def script_calls(soup) -> ScriptCalls:
    """The functions rows call with literal arguments, and the page's own templates for them."""
    calls = ScriptCalls()
    for el in soup.find_all(True):
        for attr in ("onclick", "href"):
            value = el.get(attr)
            if not isinstance(value, str) or "(" not in value:
                continue
            if attr == "href" and not value.strip().lower().startswith("javascript:"):
                continue
            call = call_of(value)
            if call:
                calls.names[call[0]] += 1
    if calls.names:
        for script in soup.find_all("script"):
            _templates_from_script(script.string or script.get_text() or "", soup, calls)
    return calls
