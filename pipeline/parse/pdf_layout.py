"""Characters and ruling edges into words, lines and tables, the way pdfplumber builds them
(its default settings), for the pages the fast PDF layer reads itself (pdf_text)."""


import ctypes
from bisect import bisect_left
from collections import defaultdict
from itertools import groupby
from operator import attrgetter
from typing import NamedTuple

import pypdfium2.raw as pdfium_c
from pdfplumber.table import TableFinder, TableSettings
from pdfplumber.utils.text import LIGATURES

X_TOLERANCE = Y_TOLERANCE = 3  # pdfplumber's word and line tolerances (its defaults)


NO_EXTENT = 0.01  # a text object no wider or taller than this draws no glyph: pdfium skips it (kSizeEpsilon)


HYPHEN_MARK = 0x2  # pdfium's code for the '-' ending a line inside a word (pdfminer reads '-')


SLACK = 0.01  # pdfium's coordinates (floats) against pdfminer's (doubles): a hair either way


class Char(NamedTuple):
    """A character as pdfplumber has it: top-left origin, the box pdfminer gives it."""
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


class _Ruling:
    """What pdfplumber's table finder reads from a page: its edges."""

    def __init__(self, edges: list[dict]):
        self.edges = edges


def path_edges(paths, height: float) -> list[dict] | None:
    """pdfplumber's edges of the page's lines and boxes, or None when a path is something else."""
    edges: list[dict] = []
    for path in paths:
        points = _path_points(path, height)
        if points is None:
            return None
        for subpath, closed in points:
            shape = _shape_edges(subpath, closed)
            if shape is None:
                return None
            edges += shape
    return edges


def _path_points(path, height: float) -> list[tuple[list, bool]] | None:
    """Each subpath's points in pdfplumber's coordinates and whether it is closed; None for a
    curve or a skewed or rotated path."""
    matrix = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(path.raw, matrix)
    if matrix.b or matrix.c:
        return None
    x, y = ctypes.c_float(), ctypes.c_float()
    subpaths: list[tuple[list, bool]] = []
    for index in range(pdfium_c.FPDFPath_CountSegments(path.raw)):
        segment = pdfium_c.FPDFPath_GetPathSegment(path.raw, index)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            subpaths.append(([], False))
        elif kind != pdfium_c.FPDF_SEGMENT_LINETO or not subpaths:
            return None
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        subpaths[-1][0].append((matrix.a * x.value + matrix.e, height - (matrix.d * y.value + matrix.f)))
        if pdfium_c.FPDFPathSegment_GetClose(segment):
            subpaths[-1] = (subpaths[-1][0], True)
    return subpaths


def _shape_edges(points: list, closed: bool) -> list[dict] | None:
    """pdfminer's reading of a subpath, as pdfplumber's edges: one segment is a line, four sides
    closing on the start and square to the axes a rectangle; anything else (a curve for
    pdfminer) is None. pdfium ends a closed subpath on its start point, as pdfminer reads one."""
    if len(points) == 2 and not closed or len(points) == 3 and closed:
        return _line_edge(points[0], points[1])
    if len(points) == 5 and points[4] == points[0] and _square(points):
        return _rect_edges(points)
    return None


def _square(points: list) -> bool:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points[:4]
    return x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0 or y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0


def _line_edge(start, end) -> list[dict] | None:
    (x0, x1), (top, bottom) = sorted((start[0], end[0])), sorted((start[1], end[1]))
    if x0 != x1 and top != bottom:
        return None  # slanted
    orientation = "h" if top == bottom else "v"
    return [_edge(x0, x1, top, bottom, orientation)]


def _rect_edges(points: list) -> list[dict]:
    x0, x1 = min(p[0] for p in points), max(p[0] for p in points)
    top, bottom = min(p[1] for p in points), max(p[1] for p in points)
    return [_edge(x0, x1, top, top, "h"), _edge(x0, x1, bottom, bottom, "h"),
            _edge(x0, x0, top, bottom, "v"), _edge(x1, x1, top, bottom, "v")]


def _edge(x0: float, x1: float, top: float, bottom: float, orientation: str) -> dict:
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": x1 - x0, "height": bottom - top,
            "orientation": orientation}


def find_tables(chars: list[Char], edges: list[dict]) -> list[list[list[str | None]]]:
    """pdfplumber's tables (extract_tables with its default settings) on these edges and chars."""
    order = sorted(range(len(chars)), key=lambda index: _middle_y(chars[index]))
    middles = [_middle_y(chars[index]) for index in order]
    tables = []
    for table in TableFinder(_Ruling(edges), TableSettings()).tables:  # type: ignore[arg-type]  # duck-typed page
        rows = []
        for row in table.rows:
            _, top, _, bottom = row.bbox
            band = sorted(order[bisect_left(middles, top):bisect_left(middles, bottom)])  # page order
            row_chars = [chars[index] for index in band if _inside(chars[index], row.bbox)]
            rows.append([None if cell is None else _cell_text([c for c in row_chars if _inside(c, cell)])
                         for cell in row.cells])
        tables.append(rows)
    return tables


def _inside(char: Char, bbox) -> bool:
    """pdfplumber's test of a character in a cell: its middle, the cell's right and bottom open."""
    x0, top, x1, bottom = bbox
    return x0 <= (char.x0 + char.x1) / 2 < x1 and top <= _middle_y(char) < bottom


def _middle_y(char: Char) -> float:
    return (char.top + char.bottom) / 2


def page_text(chars: list[Char]) -> str:
    """pdfplumber's page.extract_text(): its words in their order, a line each run of words whose
    tops cluster together."""
    words = _words(chars)
    ids = _cluster_ids([word[0] for word in words])
    lines = groupby(words, key=lambda word: ids[word[0]])
    return "\n".join(" ".join(word[1] for word in line) for _, line in lines)


def _cell_text(chars: list[Char]) -> str:
    """pdfplumber's text of a table cell (utils.extract_text): its words, lines clustered by top."""
    words = _words(chars)
    return "\n".join(" ".join(word[1] for word in line) for line in _clusters(words, lambda word: word[0]))


def _words(chars: list[Char]) -> list[tuple[float, str]]:
    """pdfplumber's words (WordExtractor's defaults) as (top, text): chars clustered into lines by
    top, each line left to right, a word broken at a space, a gap, a step back or a change of
    line."""
    words = []
    for line in _clusters(chars, attrgetter("top")):
        word: list[Char] = []
        for char in sorted(line, key=attrgetter("x0")):
            if char.text.isspace() or word and _breaks(word[-1], char):
                if word:
                    words.append(_word(word))
                word = [] if char.text.isspace() else [char]
            else:
                word.append(char)
        if word:
            words.append(_word(word))
    return words


def _breaks(previous: Char, char: Char) -> bool:
    return (char.x0 < previous.x0 or char.x0 > previous.x1 + X_TOLERANCE
            or abs(char.top - previous.top) > Y_TOLERANCE)


def _word(chars: list[Char]) -> tuple[float, str]:
    return min(char.top for char in chars), "".join(LIGATURES.get(char.text, char.text) for char in chars)


def _clusters(items: list, key) -> list[list]:
    """pdfplumber's cluster_objects: items whose keys chain within the tolerance, in key order."""
    keys = [key(item) for item in items]
    ids = _cluster_ids(keys)
    clusters = defaultdict(list)
    for item, value in zip(items, keys):
        clusters[ids[value]].append(item)
    return [clusters[cluster] for cluster in sorted(clusters)]


def _cluster_ids(values: list[float]) -> dict[float, int]:
    """Each value's cluster, numbered up: sorted values chain while within the tolerance."""
    ids: dict[float, int] = {}
    cluster, last = -1, None
    for value in sorted(set(values)):
        if last is None or value > last + Y_TOLERANCE:
            cluster += 1
        ids[value] = cluster
        last = value
    return ids
