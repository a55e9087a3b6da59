"""The labelled near-duplicate set (fixtures/dedupe): releases and the edits outlets make.

Used by test_dedupe.py and bench/dedupe.py. A variant is one edit an outlet applies to the
agency's release before running it (issue 12's list).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).parent / "fixtures" / "dedupe"
KOGL = "본 저작물은 \"공공누리\" 제1유형:출처표시 조건에 따라 이용할 수 있습니다."
WIDTH = str.maketrans({",": "，", ".": "．", "(": "（", ")": "）", "\"": "＂", "%": "％",
                       ":": "：", "·": "・"})


def releases() -> dict[str, dict]:
    return json.loads((HERE / "releases.json").read_text(encoding="utf-8"))["releases"]


def pairs() -> list[tuple[tuple[str, list[str]], tuple[str, list[str]], bool]]:
    """(side a, side b, same): the agency's release against a variant, and distinct releases."""
    data = json.loads((HERE / "pairs.json").read_text(encoding="utf-8"))
    out = [((name, []), (name, variants), True) for name, variants in data["same"]]
    out += [(tuple(a), tuple(b), False) for a, b in data["different"]]
    return out


def render(name: str, variants: list[str] | tuple[str, ...] = ()) -> tuple[str, str, datetime]:
    """(title, body, date) of release `name` as an outlet that applied `variants` runs it."""
    rel = releases()[name]
    title = rel["title"]
    paras = list(rel["paragraphs"])
    tail = [rel["contact"], KOGL]
    date = datetime.strptime(rel["date"], "%Y-%m-%d %H:%M")
    for v in variants:
        if v == "prefix":
            title = f"[{rel['agency'][:2]}시] {title}"
        elif v == "suffix":
            title = f"{title} (종합)"
        elif v == "ellipsis":
            title = title.replace(",", "…", 1) + "…"
        elif v == "byline":
            paras = [p.removeprefix("□ ") for p in paras]
            paras[0] = f"[영남일보=홍길동 기자] {paras[0]}"
            tail = ["홍길동 기자 hong@yeongnam.example.com"] + tail[:1]
        elif v == "trim":
            paras = paras[:3]
        elif v == "reorder":
            paras = [paras[0], paras[2], paras[1], *paras[3:]]
        elif v == "nocontact":
            tail = [t for t in tail if t not in (rel["contact"], KOGL)]
        elif v == "caption":
            paras = [f"▲ {rel['agency']} 청사 전경. (사진={rel['agency']} 제공)", *paras]
        elif v == "width":
            title = title.translate(WIDTH)
            paras = [p.translate(WIDTH) for p in paras]
        elif v == "numbers":
            paras = [p.replace(",0", "0").replace(",5", "5").replace(",8", "8").replace(",1", "1")
                     .replace(",2", "2").replace(",3", "3") for p in paras]
        else:
            raise ValueError(f"unknown variant {v!r}")
    return title, "\n\n".join(paras + tail), date


def text(name: str, variants=()) -> tuple[str, datetime]:
    """Title and body as one text (what the scraper signs), and the date."""
    title, body, date = render(name, variants)
    return f"{title}\n\n{body}", date


def signed(name: str, variants=()):
    """The signature the scraper makes of this copy, and its date."""
    from press_scraper.dedupe import signature

    title, body, date = render(name, variants)
    return signature(f"{title}\n\n{body}", title), date
