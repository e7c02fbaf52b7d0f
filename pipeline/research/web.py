"""Browse a store in Datasette (the optional `web` extra), with descriptions and canned queries."""

import importlib.util
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from pipeline.research import catalog
from pipeline.errors import DirectivesError

FACETS = {
    "documents": ["province", "source", "kind", "status"],
    "indicators": ["kind", "unit", "comparator", "rule_id"],
    "tasks": ["level", "rule_id"],
    "deadlines": ["granularity", "valid"],
    "citations": ["doc_type"],
    "quality_flags": ["code"],
    "indicators_by_province_year": ["province", "category", "year", "kind"],
    "targets_vs_results": ["province", "category", "year"],
    "tasks_with_deadlines": ["province", "status"],
    "deadlines_due": ["province", "granularity"],
    "documents_overview": ["province", "source", "status"],
}
LABELS = {"documents": "name"}


def metadata(db_path: str | Path) -> dict:
    """Datasette metadata: descriptions from docs/schema.md, canned queries from docs/queries.md."""
    described = catalog.schema_descriptions()
    tables = {}
    for name in sorted(set(described) | set(FACETS)):
        entry: dict[str, object] = {}
        if name in described:
            entry["description"] = _plain(described[name].description)
            entry["columns"] = {column: _plain(text) for column, text in described[name].columns.items()}
        if name in FACETS:
            entry["facets"] = FACETS[name]
        if name in LABELS:
            entry["label_column"] = LABELS[name]
        tables[name] = entry
    queries = {q.name: {"sql": q.sql, "title": q.question, "description": q.explanation}
               for q in catalog.example_queries()}
    return {"title": "Vietnamese provincial directives",
            "description": "Tasks, indicators, deadlines and citations extracted from provincial directives. "
                           "Columns are described in docs/schema.md.",
            "databases": {Path(db_path).stem: {"tables": tables, "queries": queries}}}


def _plain(markdown: str) -> str:
    """Datasette shows descriptions as plain text: drop the Markdown code quotes."""
    return markdown.replace("`", "")


def command(db_path: str | Path, metadata_path: str | Path, host: str = "127.0.0.1", port: int = 8001) -> list[str]:
    """The datasette command line that serves `db_path`."""
    return [sys.executable, "-m", "datasette", "serve", str(db_path), "--metadata", str(metadata_path),
            "--host", host, "--port", str(port), "--setting", "sql_time_limit_ms", "5000"]


def require_datasette() -> None:
    if importlib.util.find_spec("datasette") is None:
        raise DirectivesError("datasette is not installed: pip install -e '.[web]'")


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001) -> int:
    """Run datasette in the foreground until it is stopped; returns its exit status."""
    require_datasette()
    with tempfile.TemporaryDirectory() as folder:
        metadata_path = Path(folder) / "metadata.json"
        metadata_path.write_text(json.dumps(metadata(db_path), ensure_ascii=False), encoding="utf-8")
        return subprocess.call(command(db_path, metadata_path, host, port))
