"""One offline HTML report of a store: inline SVG charts and tables, no scripts, no CDN."""

import datetime as dt
from collections import defaultdict
from html import escape
from pathlib import Path

from pipeline.research import charts as svg
from pipeline.research.sql import connect_read_only

UNCATEGORISED = "(no category)"
_STYLE = """body{font-family:sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ccc}h3{font-size:14px}
table{border-collapse:collapse;font-size:12px;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 6px;
text-align:left;vertical-align:top}th{background:#f3f3f3}td.n{text-align:right}"""


def _rows(connection, sql: str) -> list[tuple]:
    return connection.execute(sql).fetchall()


def figures_by_province(connection) -> dict[str, list[tuple[str, dict[str, float]]]]:
    """Per province: one bar per (year, kind), segments counting figures per category."""
    by_province: dict[str, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    for province, year, kind, category, count in _rows(connection, """
            SELECT coalesce(province, '(central)'), coalesce(year, '?'), kind,
                   coalesce(category, '(no category)'), count(*)
            FROM indicators_by_province_year GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3"""):
        by_province[province][f"{year} {kind}s"][category] = count
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
    head = "".join(f"<th>{escape(d[0])}</th>" for d in cursor.description)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in cursor)
    return f"<table><tr>{head}</tr>{body}</table>"


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
        for province, bars in figures.items():
            parts += [f"<h3>{escape(province)}</h3>", svg.stacked_bars(bars, categories)]
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
                  "<h2>Targets and the results reported later</h2>",
                  _table(connection, """SELECT province, year, name, comparator, target_value, unit,
                                        result_value, gap, met, target_document FROM targets_vs_results
                                        ORDER BY province, year, name""")]
    finally:
        connection.close()
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Directives report</title>'
            f"<style>{_STYLE}</style></head><body>{''.join(parts)}</body></html>")


def write_report(db_path: str | Path, output: str | Path) -> Path:
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render(db_path), encoding="utf-8")
    return output
