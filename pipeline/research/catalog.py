"""Descriptions of tables, views and columns, and the example queries, read from the docs.

docs/schema.md and docs/queries.md are the one source of truth: the web UI's metadata and
canned queries are built from them, and the tests run every documented query.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.settings import REPO_ROOT

SCHEMA_DOC = REPO_ROOT / "docs" / "schema.md"
QUERIES_DOC = REPO_ROOT / "docs" / "queries.md"

_HEADING = re.compile(r"^## (?:`?)(\w+)(?:`?)\s*$")
_ROW = re.compile(r"^\|\s*([^|]+?)\s*\|\s*(.+?)\s*\|\s*$")
_QUERY = re.compile(r"^## `(\w+)`: (.+?)\n(.*?)```sql\n(.*?)```", re.M | re.S)
_PARAMS = re.compile(r"^-- params: (.+)$", re.M)


@dataclass
class Described:
    name: str
    description: str = ""
    columns: dict[str, str] = field(default_factory=dict)


def schema_descriptions(path: Path = SCHEMA_DOC) -> dict[str, Described]:
    """Each `## name` section: its first paragraph and its `| column | meaning |` rows
    (a row naming several columns, `id, document_id`, describes each of them)."""
    found: dict[str, Described] = {}
    current, in_first_paragraph = None, False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            heading = _HEADING.match(line)
            current = found.setdefault(heading.group(1), Described(heading.group(1), columns={})) if heading else None
            in_first_paragraph = False
            continue
        if current is None:
            continue
        row = _ROW.match(line)
        if row and not set(row.group(1)) <= set("-: ") and row.group(1) != "column":
            for column in row.group(1).split(","):
                current.columns[column.strip().strip("`")] = row.group(2)
        elif line.strip() and not line.startswith("|") and (in_first_paragraph or not current.description):
            current.description = f"{current.description} {line.strip()}".strip()
            in_first_paragraph = True
        elif current.description:
            in_first_paragraph = False
    return found


@dataclass
class ExampleQuery:
    name: str
    question: str
    explanation: str
    sql: str
    params: dict[str, str]


def example_queries(path: Path = QUERIES_DOC) -> list[ExampleQuery]:
    """Each `## \\`name\\`: question` section with its ```sql block; `-- params: a=1 b=2` in the
    block gives example values for named parameters."""
    queries = []
    for name, question, explanation, sql in _QUERY.findall(path.read_text(encoding="utf-8")):
        params: dict[str, str] = {}
        for line in _PARAMS.findall(sql):
            params.update(item.split("=", 1) for item in line.split())
        queries.append(ExampleQuery(name, question.strip(), " ".join(explanation.split()), sql.strip(), params))
    return queries
