"""A batch's rows packed into a SQLite database image by the process that extracted them
(`Connection.serialize`), for the single writer to copy into the store with one
INSERT … SELECT per table: binding each value from Python took most of the writer's time
(0.31 s against 0.03 s for the 13,694 indicator rows of the benchmark's documents), and it
now runs in the workers, side by side. Pickled between processes, an image is one string of
bytes, not thousands of dicts."""

import json
import sqlite3
from contextlib import closing, contextmanager
from typing import Iterator, Sequence

import sqlite_utils

from pipeline.store.writes import by_columns

# Images attached to the writer's connection at once: SQLite attaches at most 10 databases.
MAX_ATTACHED = 8


def pack(tables: dict[str, list[dict]]) -> bytes | None:
    """Rows by table name as a database image, each table's columns those of its rows, in
    order; None when there are no rows."""
    if not any(tables.values()):
        return None
    with closing(sqlite3.connect(":memory:")) as image:
        for table, rows in tables.items():
            if not rows:
                continue
            groups = by_columns(rows)
            columns = dict.fromkeys(column for keys, _ in groups for column in keys)
            image.execute(f"CREATE TABLE [{table}] ({', '.join(f'[{c}]' for c in columns)})")
            for keys, values in groups:
                image.executemany(f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in keys)}) "
                                  f"VALUES ({', '.join('?' * len(keys))})", values)
        image.commit()
        return image.serialize()


@contextmanager
def attached(db: sqlite_utils.Database, images: list[bytes]) -> Iterator[list[str]]:
    """Each image attached to `db` for the block, as schemas `packed_0`, `packed_1`, …
    (at most MAX_ATTACHED); outside a transaction, as SQLite attaches and detaches."""
    if len(images) > MAX_ATTACHED:
        raise ValueError(f"{len(images)} images: at most {MAX_ATTACHED} are attached at once")
    schemas: list[str] = []
    try:
        for number, image in enumerate(images):
            schema = f"packed_{number}"
            db.execute(f"ATTACH DATABASE ':memory:' AS {schema}")
            schemas.append(schema)
            db.conn.deserialize(image, name=schema)
        yield schemas
    finally:
        for schema in schemas:
            db.execute(f"DETACH DATABASE {schema}")


def copy(db: sqlite_utils.Database, schema: str, table: str, leaving_out: Sequence[str] = ()) -> int:
    """Copy a table of an attached image, if it has one, into the store's table of that
    name in the order packed, except the rows of the documents `leaving_out`; how many
    rows were copied."""
    columns = ", ".join(f"[{row[1]}]" for row in db.execute(f"PRAGMA {schema}.table_info([{table}])"))
    if not columns:
        return 0
    where = "WHERE document_id NOT IN (SELECT value FROM json_each(?))" if leaving_out else ""
    return db.conn.execute(f"INSERT INTO main.[{table}] ({columns}) SELECT {columns} FROM {schema}.[{table}] "
                           f"{where} ORDER BY rowid", [json.dumps(list(leaving_out))] if leaving_out else []).rowcount
