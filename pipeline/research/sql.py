"""Read-only SQL over a store: the database is opened with `mode=ro`, rows are streamed."""

import csv
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from pipeline.errors import DirectivesError


class QueryError(DirectivesError):
    """A query that cannot run (syntax, unknown table, or an attempt to write)."""


def connect_read_only(path: str | Path) -> sqlite3.Connection:
    """A connection that cannot write: SQLite refuses every change (URI `mode=ro`)."""
    path = Path(path)
    if not path.is_file():
        raise QueryError(f"{path}: no such database")
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    connection.execute("PRAGMA query_only = ON")
    return connection


def run(path: str | Path, sql: str, params: dict | None = None) -> tuple[list[str], Iterator[tuple]]:
    """Column names and a row iterator over the cursor (nothing is fetched in bulk)."""
    connection = connect_read_only(path)
    try:
        cursor = connection.execute(sql, params or {})
    except sqlite3.Error as error:
        connection.close()
        raise QueryError(_explain(error)) from None
    columns = [d[0] for d in cursor.description or []]

    def rows() -> Iterator[tuple]:
        try:
            yield from cursor
        except sqlite3.Error as error:
            raise QueryError(_explain(error)) from None
        finally:
            connection.close()

    return columns, rows()


def _explain(error: sqlite3.Error) -> str:
    message = str(error)
    if "readonly" in message or "query_only" in message:
        return f"the database is opened read-only: only queries that read are allowed ({message})"
    return f"SQL error: {message}"


def write_csv(columns: list[str], rows: Iterator[tuple], out: TextIO) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def write_json(columns: list[str], rows: Iterator[tuple], out: TextIO) -> int:
    """A JSON array of objects, written one row at a time."""
    out.write("[")
    count = 0
    for row in rows:
        out.write(("," if count else "") + "\n" + json.dumps(dict(zip(columns, row)), ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count
