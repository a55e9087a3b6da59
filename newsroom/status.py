"""status.json and the editors' status page, written after every update run.

Both live outside the releases (default: `status.json` and `status.html` at the project root):
a run that changes nothing, or fails, must still report, and it must not touch a live release.
The page is for the newsroom, not for readers: it is linked from no menu, carries
`noindex, nofollow`, and is never copied by `newsroom publish` (serve it behind the web
server's authentication if editors need it online; see docs/operations.md).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from jinja2 import Environment

from newsroom.core.files import atomic_write, atomic_write_json
from newsroom.core.model import iso_kst

logger = logging.getLogger(__name__)

# Column labels, in column order, for the fields of press_scraper.health.SourceHealth; a
# field added there later shows up after these under its own name.
HEALTH_LABELS = {
    "last_success": "마지막 성공",
    "last_new_article": "마지막 새 기사",
    "last_failure": "마지막 실패",
    "consecutive_failures": "연속 실패",
    "runs_without_items": "연속 빈 결과",
    "ok_runs": "성공 횟수",
    "ever_found": "기사 발견 이력",
    "last_error": "마지막 오류",
}
MERGE_LABELS = {
    "credited": "출처 추가 (본문 유지)",
    "switched": "출처 추가, 본문을 이 사본으로 교체",
    "updated": "본문 출처의 갱신",
    "known": "이미 합쳐짐",
    "held": "편집된 기사라 손대지 않음",
    "refused": "합치지 못함",
}
RESULT_LABELS = {
    "published": "새 배포본 게시",
    "no changes": "변경 없음 (빌드 안 함)",
    "build failed": "빌드 실패 (기존 사이트 유지)",
    "validation failed": "검증 실패 (기존 사이트 유지)",
    "error": "오류",
}

_PAGE = """<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>업데이트 상태 · 편집국 전용</title>
<style>
body { font-family: system-ui, "Noto Sans KR", "Apple SD Gothic Neo", sans-serif;
       margin: 1.5rem; word-break: keep-all; color: #111; }
table { border-collapse: collapse; margin: .5rem 0 1.5rem; display: block; max-width: 100%;
        overflow-x: auto; }
th, td { border: 1px solid #bbb; padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { background: #f1f1f1; }
/* Source ids ("hanbit-council") broke at the hyphen while a long error took the width. */
td:first-child { white-space: nowrap; }
.bad { background: #fde2e2; }
.ok { background: #e5f5e5; }
code { font-size: .9em; }
</style>
</head>
<body>
<h1>업데이트 상태</h1>
<p>편집국 전용 페이지입니다. 독자 메뉴에는 연결되지 않습니다.</p>
<h2>마지막 실행</h2>
<table>
<tr><th>시작</th><td>{{ s.started|cell }}</td></tr>
<tr><th>종료</th><td>{{ s.finished|cell }}</td></tr>
<tr><th>결과</th><td class="{{ 'ok' if s.exit_code == 0 else 'bad' }}">{{ result_label }}
 (종료 코드 {{ s.exit_code }})</td></tr>
<tr><th>새 기사 / 갱신</th><td>{{ s.new_articles }} / {{ s.updated_articles }}</td></tr>
<tr><th>빌드</th><td>{% if s.built %}함 ({{ '%.1f'|format(s.build_seconds or 0) }}초)
{% else %}안 함{% endif %}</td></tr>
<tr><th>현재 배포본</th><td><code>{{ s.live_release or '없음' }}</code></td></tr>
</table>
{% if s.errors %}
<h2>오류</h2>
<ul>{% for e in s.errors %}<li class="bad"><code>{{ e }}</code></li>{% endfor %}</ul>
{% endif %}
{% if s.held_back %}
<h2>보류된 파일 (고칠 때까지 게시되지 않음)</h2>
<p>아래 파일은 문제가 있어 이번 배포에서 빠졌습니다. 전에 게시된 기사는 마지막 정상 판이 그대로
보이고, 새 기사는 고친 뒤 다음 실행에서 게시됩니다. <code>newsroom check</code>로 같은 목록을 볼 수 있습니다.</p>
<ul>{% for h in s.held_back %}<li class="bad"><code>{{ h.file }}</code>
 — {{ '마지막 정상 판 게시 중' if h.kept_last_good else '아직 게시된 적 없음' }}
<ul>{% for p in h.problems %}<li><code>{{ p }}</code></li>{% endfor %}</ul></li>{% endfor %}</ul>
{% endif %}
{% if s.scheduled %}
<h2>예약된 기사</h2>
<ul>{% for x in s.scheduled %}<li><code>{{ x.file }}</code> — {{ x.date|cell }}에 공개</li>{% endfor %}</ul>
{% endif %}
{% if s.merges %}
<h2>이번 실행에서 합친 기사 (같은 보도자료)</h2>
<p>다른 출처가 실은 같은 보도자료는 새 기사가 되지 않고 이미 있는 기사의 <code>다른 출처</code>가 됩니다.
잘못 합쳐졌으면 그 기사에 <code>Dedupe: off</code>를 쓰고 <code>Other_Sources</code>에서 해당 출처를 지우세요
(docs/scraper.md).</p>
<table>
<tr><th>사본</th><th>출처</th><th>합친 기사</th><th>유사도</th><th>처리</th></tr>
{% for m in s.merges %}
<tr class="{{ 'bad' if m.action in ('held', 'refused') else '' }}"><td><code>{{ m['copy'] }}</code></td>
<td>{{ m.source or '' }}</td><td><code>{{ m.into or '' }}</code></td>
<td>{{ '%.2f'|format(m.similarity) if m.similarity is number else ('편집자 지정' if m.forced else '') }}</td>
<td>{{ merge_labels.get(m.action, m.action) }}{% if m.reason %} — {{ m.reason }}{% endif %}</td></tr>
{% endfor %}
</table>
{% endif %}
<h2>출처별 이번 실행</h2>
{% if s.sources.per_source %}
<table>
<tr><th>출처</th><th>발견</th><th>새 기사</th><th>갱신</th><th>건너뜀</th><th>실패</th><th>오류</th></tr>
{% for r in s.sources.per_source %}
<tr class="{{ 'bad' if r.error or r.failed else '' }}"><td>{{ r.id }}</td><td>{{ r.found }}</td>
<td>{{ r.new }}</td><td>{{ r.updated }}</td><td>{{ r.skipped }}</td><td>{{ r.failed }}</td>
<td>{{ r.error or '' }}</td></tr>
{% endfor %}
</table>
{% else %}<p>이번 실행에서 읽은 출처가 없습니다.</p>{% endif %}
<h2>출처 상태 (누적)</h2>
{% if health_rows %}
<table>
<tr><th>출처</th>{% for c in health_cols %}<th>{{ labels.get(c, c) }}</th>{% endfor %}</tr>
{% for id, row in health_rows %}
<tr class="{{ 'bad' if row.get('consecutive_failures')
  or (row.get('ever_found') and row.get('runs_without_items')) else '' }}">
<td>{{ id }}</td>{% for c in health_cols %}<td>{{ row.get(c)|cell }}</td>{% endfor %}</tr>
{% endfor %}
</table>
{% else %}<p>출처 상태 기록(<code>{{ health_path }}</code>)이 아직 없습니다.</p>{% endif %}
</body>
</html>
"""

_ISO_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?\+09:00$")


def _cell(value: object) -> str:
    """How a health value reads in the table: no `None`/`True` for editors, KST times as the
    site shows them (2026.11.26 06:14:33)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "예" if value else "아니오"
    m = _ISO_RE.match(str(value))
    if m:
        return f"{m[1]}.{m[2]}.{m[3]} {m[4]}"
    return str(value)


_env = Environment(autoescape=True, keep_trailing_newline=True)
_env.filters["cell"] = _cell
_template = _env.from_string(_PAGE)


def iso(dt: datetime) -> str:
    """ISO 8601 in Korea time with its offset, to the second: 2025-12-16T16:30:06+09:00."""
    return iso_kst(dt)


def health_rows(health: Mapping[str, Mapping]) -> tuple[list[tuple[str, dict]], list[str]]:
    """Rows (source id, fields) and ordered columns from the source health by id.

    `health` maps each source id to its SourceHealth's fields (`read_health`). Columns are the
    fields that fit a cell (the run history does not), known ones first.
    """
    rows = sorted((str(sid), dict(fields)) for sid, fields in health.items())
    cols: list[str] = []
    for _, row in rows:
        for k, v in row.items():
            if k not in cols and not isinstance(v, Mapping | list):
                cols.append(k)
    order = {k: i for i, k in enumerate(HEALTH_LABELS)}
    cols.sort(key=lambda k: order.get(k, len(order)))
    return rows, cols


def render_page(status: Mapping, health: Mapping[str, Mapping] | None, health_path: str) -> str:
    """The editors' page for a status dict and the source health by id (None: no record)."""
    rows, cols = health_rows(health) if health else ([], [])
    return _template.render(
        s=_Attr(status), result_label=RESULT_LABELS.get(status.get("result"), status.get("result")),
        health_rows=rows, health_cols=cols, labels=HEALTH_LABELS, health_path=health_path,
        merge_labels=MERGE_LABELS)


class _Attr(dict):
    """A dict whose keys read as attributes in the template, recursively."""

    def __getattr__(self, name):
        value = self.get(name)
        if isinstance(value, Mapping):
            return _Attr(value)
        if isinstance(value, list):
            return [_Attr(v) if isinstance(v, Mapping) else v for v in value]
        return value


def read_health(state_dir: Path) -> dict[str, dict] | None:
    """Each source's health fields by id, read through press_scraper.health (its one reader).

    None when the scraper is not installed; an empty dict when nothing is recorded yet (the
    page then names `<state>/health.json`, press_scraper.health.HEALTH_FILE).
    """
    try:
        from press_scraper.health import Health
    except ImportError:
        return None
    return {sid: asdict(h) for sid, h in Health(state_dir).sources().items()}


def write(status: Mapping, json_path: Path, html_path: Path, state_dir: Path) -> None:
    """Write status.json and the status page, each atomically."""
    json_path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_json(json_path, status)
    page = render_page(status, read_health(state_dir), str(Path(state_dir) / "health.json"))
    atomic_write(html_path, page.encode("utf-8"))
