"""Read-only SQL over a store: the database is opened with `mode=ro`, rows are streamed.

A statement is bounded: SQLite calls a progress handler every few thousand steps of its
virtual machine, which stops the statement once the time SQLite has spent on it passes the
limit, or once SIGTERM has arrived (its Python handler runs inside that callback: a long
step in C would otherwise never let it run). ATTACH, and VACUUM INTO, which attaches its
target, are refused by an authorizer before any file is opened or created."""

import csv
import json
import signal
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from pipeline.errors import DirectivesError
from pipeline.settings import SQL_PROGRESS_STEPS, SQL_TIMEOUT_SECONDS


class QueryError(DirectivesError):
    """A query that cannot run (syntax, unknown table, or an attempt to write)."""


class QueryStopped(QueryError):
    """A query stopped before its end: past its time limit, or by SIGTERM (`exit_code`)."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


_SIGNALLED: list[int] = []  # signals received while `stopping_on_sigterm` is in force
_REFUSED = {sqlite3.SQLITE_ATTACH: "ATTACH (and VACUUM INTO, which attaches its target)",
            sqlite3.SQLITE_DETACH: "DETACH"}


@contextmanager
def stopping_on_sigterm():
    """Within the block, SIGTERM stops the running statement (at its next progress
    callback) or the output between rows, as QueryStopped with exit code 143."""

    def stop(signum, frame):
        _SIGNALLED.append(signum)
        raise QueryStopped(f"stopped by {signal.Signals(signum).name}", 128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        _SIGNALLED.clear()


def connect_read_only(path: str | Path) -> sqlite3.Connection:
    """A connection that cannot write: SQLite refuses every change (URI `mode=ro`)."""
    path = Path(path)
    if not path.is_file():
        raise QueryError(f"{path}: no such database")
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    connection.execute("PRAGMA query_only = ON")
    return connection


def run(path: str | Path, sql: str, params: dict | None = None,
        timeout: float | None = SQL_TIMEOUT_SECONDS) -> tuple[list[str], Iterator[tuple]]:
    """Column names and a row iterator over the cursor (nothing is fetched in bulk). The
    statement stops with QueryStopped once SQLite has spent `timeout` seconds on it (None
    or 0: no limit), not counting the time the caller takes over each row."""
    connection = connect_read_only(path)
    clock = {"spent": 0.0, "since": time.monotonic()}
    refused: list[str] = []

    def authorize(action, *_):
        if action in _REFUSED:
            refused.append(_REFUSED[action])
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK

    def progress() -> int:
        over = timeout and clock["spent"] + time.monotonic() - clock["since"] > timeout
        return 1 if over or _SIGNALLED else 0

    connection.set_authorizer(authorize)
    connection.set_progress_handler(progress, SQL_PROGRESS_STEPS)

    def failed(error: sqlite3.Error) -> QueryError:
        if _SIGNALLED:
            signum = _SIGNALLED[-1]
            return QueryStopped(f"stopped by {signal.Signals(signum).name}", 128 + signum)
        if refused:
            return QueryError(f"{refused[0]} is refused: 'directives sql' reads only the database it opened")
        if isinstance(error, sqlite3.OperationalError) and str(error) == "interrupted":
            return QueryStopped(f"the query took longer than {timeout:g} s and was stopped "
                                "(raise the limit with --timeout SECONDS, 0 for none)")
        return QueryError(_explain(error))

    try:
        cursor = connection.execute(sql, params or {})
    except sqlite3.Error as error:
        connection.close()
        raise failed(error) from None
    clock["spent"] += time.monotonic() - clock["since"]
    columns = [d[0] for d in cursor.description or []]

    def rows() -> Iterator[tuple]:
        try:
            while True:
                clock["since"] = time.monotonic()
                row = cursor.fetchone()
                clock["spent"] += time.monotonic() - clock["since"]
                if row is None:
                    return
                yield row
        except sqlite3.Error as error:
            raise failed(error) from None
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
