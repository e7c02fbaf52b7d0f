"""Inline SVG charts for the offline report: stacked horizontal bars and a heat grid."""

from html import escape

PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#bab0ac")
_ROW = 22
_LABEL = 260
_BAR = 420


def _label(text: str, y: int) -> str:
    """A row label right-aligned before the bars; long ones shortened, in full on hover."""
    short = text if len(text) <= 40 else text[:39] + "…"
    return (f'<text x="{_LABEL - 6}" y="{y + 14}" text-anchor="end"><title>{escape(text)}</title>'
            f'{escape(short)}</text>')


def colors(series: list[str]) -> dict[str, str]:
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(series)}


def _legend(series: list[str], palette: dict[str, str], y: int) -> list[str]:
    parts, x = [], _LABEL
    for name in series:
        parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{palette[name]}"/>'
                     f'<text x="{x + 16}" y="{y + 11}">{escape(name)}</text>')
        x += 22 + 7 * len(name)
    return parts


def stacked_bars(rows: list[tuple[str, dict[str, float]]], series: list[str]) -> str:
    """One bar per row, a segment per series; each value is labelled in its tooltip."""
    palette = colors(series)
    top = max((sum(values.values()) for _, values in rows), default=0) or 1
    height = 30 + _ROW * len(rows)
    parts = _legend(series, palette, 4)
    for index, (label, values) in enumerate(rows):
        y = 26 + index * _ROW
        parts.append(_label(label, y))
        x = float(_LABEL)
        for name in series:
            value = values.get(name, 0)
            if value:
                width = _BAR * value / top
                parts.append(f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{_ROW - 6}" '
                             f'fill="{palette[name]}"><title>{escape(label)}: {escape(name)} {value:g}</title></rect>')
                x += width
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 14}">{sum(values.values()):g}</text>')
    return _svg(_LABEL + _BAR + 60, height, parts)


def heat_grid(rows: list[str], columns: list[str], values: dict[tuple[str, str], int]) -> str:
    """Rows × columns of cells shaded by count, the count written in each non-empty cell."""
    cell = 44
    top = max(values.values(), default=0) or 1
    parts = [f'<text x="{_LABEL + i * cell + cell / 2}" y="14" text-anchor="middle">{escape(c)}</text>'
             for i, c in enumerate(columns)]
    for r, row in enumerate(rows):
        y = 22 + r * _ROW
        parts.append(_label(row, y))
        for c, column in enumerate(columns):
            count = values.get((row, column), 0)
            shade = 0.12 + 0.88 * count / top if count else 0
            parts.append(f'<rect x="{_LABEL + c * cell}" y="{y}" width="{cell - 2}" height="{_ROW - 2}" '
                         f'fill="{PALETTE[0]}" fill-opacity="{shade:.2f}" stroke="#ddd"/>')
            if count:
                fill = "#fff" if shade > 0.5 else "#000"
                parts.append(f'<text x="{_LABEL + c * cell + cell / 2 - 1}" y="{y + 14}" text-anchor="middle" '
                             f'fill="{fill}">{count}</text>')
    return _svg(_LABEL + cell * len(columns) + 10, 30 + _ROW * len(rows), parts)


def _svg(width: float, height: float, parts: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
            f'font-family="sans-serif" font-size="12">{"".join(parts)}</svg>')
