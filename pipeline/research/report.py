"""One offline HTML report of a store: inline SVG charts and tables, no scripts, no CDN.

Unknowns are named (a figure without a year is "results, year not stated", one without a
category "(no category)"), and the targets table says why a target has no result.
"""

import datetime as dt
from collections import defaultdict
from html import escape
from pathlib import Path

from pipeline.research import charts as svg
from pipeline.research.sql import connect_read_only

UNCATEGORISED = "(no category)"
NO_YEAR = "year not stated"
_STYLE = svg.LEGEND_STYLE + """body{font-family:sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ccc}h3{font-size:14px}
table{border-collapse:collapse;font-size:12px;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 6px;
text-align:left;vertical-align:top}th{background:#f3f3f3}td.n{text-align:right}
p.note{font-size:13px;max-width:860px}"""


def _rows(connection, sql: str) -> list[tuple]:
    return connection.execute(sql).fetchall()


def figures_by_province(connection) -> dict[str, list[tuple[str, dict[str, float]]]]:
    """Per province: one bar per (year, kind), segments counting figures per category."""
    by_province: dict[str, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    for province, year, kind, category, count in _rows(connection, f"""
            SELECT coalesce(province, '(central)'), year, coalesce(kind, 'figure'),
                   coalesce(category, '{UNCATEGORISED}'), count(*)
            FROM indicators_by_province_year GROUP BY 1, 2, 3, 4 ORDER BY 1, 2 IS NULL, 2, 3"""):
        label = f"{year} {kind}s" if year is not None else f"{kind}s, {NO_YEAR}"
        by_province[province][label][category] = count
    return {p: list(bars.items()) for p, bars in by_province.items()}


def extraction_counts(connection) -> list[tuple[str, dict[str, float]]]:
    return [(f"{name} ({province or '-'})", {"tasks": t, "targets": g, "results": r, "deadlines": d, "citations": c})
            for name, province, t, g, r, d, c in _rows(connection, """
                SELECT name, province, tasks, targets, results, deadlines, citations
                FROM documents_overview ORDER BY name""")]


def quality_flag_counts(connection) -> list[tuple[str, dict[str, float]]]:
    return [(code, {"flags": count}) for code, count in _rows(connection, """
                SELECT code, count(*) FROM quality_flags GROUP BY code ORDER BY 2 DESC, 1""")]


def coverage(connection) -> tuple[list[str], list[str], dict[tuple[str, str], int]]:
    """Documents per source (rows) and year of publication (columns)."""
    values = {(source, year): count for source, year, count in _rows(connection, """
                SELECT coalesce(source, '(unknown source)'), coalesce(substr(published_date, 1, 4), 'undated'),
                       count(*) FROM documents GROUP BY 1, 2""")}
    return sorted({s for s, _ in values}), sorted({y for _, y in values}), values


def _table(connection, sql: str) -> str:
    cursor = connection.execute(sql)
    return _html_table([d[0] for d in cursor.description], cursor)


def _html_table(head: list[str], rows) -> str:
    cells = "".join(f"<th>{escape(name)}</th>" for name in head)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in rows)
    return f"<table><tr>{cells}</tr>{body}</table>"


TARGET_COLUMNS = ("province", "year", "name", "comparator", "target_value", "unit", "result_value", "gap", "met",
                  "target_document")
MATCH_RULE = ("A result is matched to a target when it names the same indicator, in the same unit and the same "
              "province, in a document published on or after the target's (view targets_vs_results).")


def targets_and_results(connection) -> str:
    """The targets with their matched results, a sentence on how they are matched, and for
    each target without one the nearest miss: why its result columns are empty."""
    rows = _rows(connection, f"""SELECT {', '.join(TARGET_COLUMNS)}, result_id, target_id
                                 FROM targets_vs_results ORDER BY province, year, name""")
    if not rows:
        return '<p class="note">No targets were extracted, so there is nothing to match results to.</p>'
    results = _rows(connection, """SELECT i.name, i.unit, d.province, d.published_date FROM indicators i
                                   JOIN documents d ON d.id = i.document_id WHERE i.kind = 'result'""")
    targets = {row[-1] for row in rows}
    matched = {row[-1] for row in rows if row[-2] is not None}
    published = dict(_rows(connection, "SELECT t.id, d.published_date FROM indicators t "
                                       "JOIN documents d ON d.id = t.document_id WHERE t.kind = 'target'"))
    summary = (f"{len(matched)} of {len(targets)} targets have a result reported later. {MATCH_RULE} "
               + ("The last column says what is missing for the others." if len(matched) < len(targets) else ""))
    body = [(row[0], NO_YEAR if row[1] is None else row[1], *row[2:len(TARGET_COLUMNS)],
             None if row[-2] is not None else why_no_result(row[0], row[2], row[5], published.get(row[-1]), results))
            for row in rows]
    return f'<p class="note">{escape(summary)}</p>' + _html_table([*TARGET_COLUMNS, "why no result"], body)


def why_no_result(province, name, unit, published, results) -> str:
    """The nearest reason a target found no result: none in its province, none of its
    indicator there, one in another unit, one published before it, or only elsewhere."""
    here = [r for r in results if r[2] == province]
    same_name = [r for r in here if r[0] == name]
    where = province or "documents with no province"
    if not here:
        return f"no result was extracted in {where}"
    if not same_name:
        elsewhere = sorted({r[2] or "(no province)" for r in results if r[0] == name and r[1] == unit})
        if elsewhere:
            return f"a result with this name was reported only in {', '.join(elsewhere)}"
        count = f"{len(here)} result" + ("s" if len(here) != 1 else "")
        return f"{count} in {where}, none with this indicator's name"
    same_unit = [r for r in same_name if r[1] == unit]
    if not same_unit:
        units = ", ".join(sorted({r[1] or "no unit" for r in same_name}))
        return f"a result with this name is in another unit ({units}, not {unit or 'no unit'})"
    return f"a result with this name was published before the target ({min(r[3] or '' for r in same_unit)})"


def _cell(value) -> str:
    if value is None:
        return "<td></td>"
    if isinstance(value, (int, float)):
        return f'<td class="n">{value:g}</td>'
    return f"<td>{escape(str(value))}</td>"


def render(db_path: str | Path) -> str:
    """The whole report as one HTML string."""
    connection = connect_read_only(db_path)
    try:
        parts = [f"<h1>Directives: {escape(Path(db_path).name)}</h1>",
                 f"<p>Generated {dt.date.today().isoformat()}. Views and columns: docs/schema.md.</p>",
                 "<h2>Targets and results by category and year, per province</h2>"]
        figures = figures_by_province(connection)
        categories = sorted({c for bars in figures.values() for _, values in bars for c in values})
        palette = svg.colors(categories)  # a category has one colour in every province's chart
        for province, bars in figures.items():
            parts += [f"<h3>{escape(province)}</h3>", svg.stacked_bars(bars, categories, palette)]
        parts += ["<h2>Extraction counts per document</h2>",
                  svg.stacked_bars(extraction_counts(connection),
                                   ["tasks", "targets", "results", "deadlines", "citations"]),
                  "<h2>Quality flags</h2>", svg.stacked_bars(quality_flag_counts(connection), ["flags"]),
                  _table(connection, """SELECT d.name AS document, f.code, f.message FROM quality_flags f
                                        JOIN documents d ON d.id = f.document_id ORDER BY 1, 2"""),
                  "<h2>Coverage: documents per source and year</h2>", svg.heat_grid(*coverage(connection)),
                  "<h2>Documents</h2>",
                  _table(connection, """SELECT name, province, province_current, published_date, status, tasks,
                                        targets, results, deadlines, citations, quality_flags
                                        FROM documents_overview ORDER BY province, published_date"""),
                  "<h2>Targets and the results reported later</h2>", targets_and_results(connection)]
    finally:
        connection.close()
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Directives report</title>'
            f"<style>{_STYLE}</style></head><body>{''.join(parts)}</body></html>")


def write_report(db_path: str | Path, output: str | Path) -> Path:
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render(db_path), encoding="utf-8")
    return output
