"""Inline SVG charts for the offline report: stacked horizontal bars and a heat grid.

Nothing is cut: a legend is HTML that wraps in the page, and a row label too long for its
column wraps onto more lines (the row grows) at a width estimated on the wide side for a
sans-serif font (DejaVu Sans, Arial), so that no label runs past the chart's edge.
"""

from html import escape

PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#bab0ac")
FONT_SIZE = 12
_ROW = 22
_LINE = 14
_LABEL = 280
_BAR = 420
LEGEND_STYLE = (".legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12px;margin:6px 0 4px;max-width:760px}"
                ".legend span{white-space:nowrap}.legend i{display:inline-block;width:12px;height:12px;"
                "margin-right:5px;vertical-align:-2px}")


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """An upper estimate of the text's width in pixels: DejaVu Sans, the widest common
    sans-serif, measured per kind of character (diacritics do not widen a letter)."""
    width = 0.0
    for char in text:
        if char == " ":
            width += 0.32
        elif char in "ilIjtf.,:;'|!()[]/-":
            width += 0.40
        elif char in "mwMW%@&…—":
            width += 1.0
        elif char.isupper():
            width += 0.82
        else:
            width += 0.64
    return width * size


def wrap(text: str, width: float) -> list[str]:
    """The text in lines no wider than `width` pixels, broken between words (a word wider
    than the line is broken where it must)."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if text_width(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while text_width(word) > width:
            cut = max(1, max(i for i in range(1, len(word) + 1) if text_width(word[:i]) <= width))
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    return [*lines, line] if line or not lines else lines


def _label(lines: list[str], y: float) -> str:
    """A row label right-aligned before the bars, one line under another."""
    spans = "".join(f'<tspan x="{_LABEL - 6}" dy="{0 if i == 0 else _LINE}">{escape(line)}</tspan>'
                    for i, line in enumerate(lines))
    return f'<text y="{y + 14}" text-anchor="end">{spans}</text>'


def _rows(labels: list[str], top: float) -> tuple[list[list[str]], list[float], float]:
    """Each label's lines, each row's y, and the height below the last row."""
    wrapped = [wrap(label, _LABEL - 12) for label in labels]
    ys, y = [], top
    for lines in wrapped:
        ys.append(y)
        y += _ROW + _LINE * (len(lines) - 1)
    return wrapped, ys, y


def colors(series: list[str]) -> dict[str, str]:
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(series)}


def legend(series: list[str], palette: dict[str, str]) -> str:
    """The series' colours as an HTML list that wraps in the page: never cut."""
    items = "".join(f'<span><i style="background:{palette[name]}"></i>{escape(name)}</span>' for name in series)
    return f'<div class="legend">{items}</div>'


def stacked_bars(rows: list[tuple[str, dict[str, float]]], series: list[str],
                 palette: dict[str, str] | None = None) -> str:
    """A legend of the series present, then one bar per row, a segment per series; each
    value is labelled in its tooltip. `palette` keeps colours alike across charts."""
    palette = palette or colors(series)
    present = [name for name in series if any(values.get(name) for _, values in rows)]
    top = max((sum(values.values()) for _, values in rows), default=0) or 1
    wrapped, ys, height = _rows([label for label, _ in rows], 4)
    parts = []
    for (label, values), lines, y in zip(rows, wrapped, ys):
        parts.append(_label(lines, y))
        x = float(_LABEL)
        for name in series:
            value = values.get(name, 0)
            if value:
                width = _BAR * value / top
                parts.append(f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{_ROW - 6}" '
                             f'fill="{palette[name]}"><title>{escape(label)}: {escape(name)} {value:g}</title></rect>')
                x += width
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 14}">{sum(values.values()):g}</text>')
    return legend(present, palette) + _svg(_LABEL + _BAR + 60, height + 4, parts)


def heat_grid(rows: list[str], columns: list[str], values: dict[tuple[str, str], int]) -> str:
    """Rows × columns of cells shaded by count, the count written in each non-empty cell."""
    cell = 44
    top = max(values.values(), default=0) or 1
    parts = [f'<text x="{_LABEL + i * cell + cell / 2}" y="14" text-anchor="middle">{escape(c)}</text>'
             for i, c in enumerate(columns)]
    wrapped, ys, height = _rows(rows, 22)
    for row, lines, y in zip(rows, wrapped, ys):
        parts.append(_label(lines, y))
        for c, column in enumerate(columns):
            count = values.get((row, column), 0)
            shade = 0.12 + 0.88 * count / top if count else 0
            parts.append(f'<rect x="{_LABEL + c * cell}" y="{y}" width="{cell - 2}" height="{_ROW - 2}" '
                         f'fill="{PALETTE[0]}" fill-opacity="{shade:.2f}" stroke="#ddd"/>')
            if count:
                fill = "#fff" if shade > 0.5 else "#000"
                parts.append(f'<text x="{_LABEL + c * cell + cell / 2 - 1}" y="{y + 14}" text-anchor="middle" '
                             f'fill="{fill}">{count}</text>')
    return _svg(_LABEL + cell * len(columns) + 10, height + 8, parts)


def _svg(width: float, height: float, parts: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
            f'font-family="sans-serif" font-size="{FONT_SIZE}">{"".join(parts)}</svg>')
