"""Classes on the tables of an article body, for a theme that may not use inline styles."""

from __future__ import annotations

import re

# Python-Markdown's tables write `style="text-align: right;"` for `---:` columns; the CSP
# (style-src 'self') ignores inline styles, so the alignment becomes a class the theme styles.
ALIGN_STYLE_RE = re.compile(r' style="text-align: (left|right|center);"')

# A plain table cell as Python-Markdown writes it (the align class above, no markup inside).
CELL_RE = re.compile(r'<td( class="align-(?:left|right|center)")?>([^<>]*)</td>')
NUMBER_CELL_MAX = 16  # characters: "4조 1,020억 원", "최대 5천만 원", "-5.3%", "1,234명"


def table_classes(html: str) -> str:
    """Column alignment as classes, and short amount cells marked (see mark_number_cells)."""
    if "text-align" in html:
        html = ALIGN_STYLE_RE.sub(r' class="align-\1"', html)
    if "<td" in html:
        html = mark_number_cells(html)
    return html


def mark_number_cells(html: str) -> str:
    """Mark short cells that hold an amount (`class="num"`) so the theme keeps them on one line.

    Korean figures are written with spaces ("4조 1,020억 원"); in a narrow column they broke
    into "4조 / 1,020억 / 원", the unit alone on the last line. The theme keeps such a cell
    whole (the table scrolls in its own box when it gets too wide for a phone); longer text
    cells still wrap.
    """

    def mark(m: re.Match) -> str:
        align, text = m.group(1), m.group(2)
        plain = text.strip()
        if not plain or len(plain) > NUMBER_CELL_MAX or not any(c.isdigit() for c in plain):
            return m.group(0)
        classes = (align[len(' class="'):-1] + " num") if align else "num"
        return f'<td class="{classes}">{text}</td>'

    return CELL_RE.sub(mark, html)
