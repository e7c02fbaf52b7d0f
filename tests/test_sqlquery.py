"""`directives sql`: read-only, streamed, in three formats."""

import hashlib
import itertools
import json

import pytest
from click.testing import CliRunner

from pipeline.research import sql as sqlquery
from pipeline.cli import cli

PROVINCES = "SELECT name, province FROM documents WHERE province LIKE 'L%' OR province LIKE 'N%' ORDER BY name"


def _sql(db_path, *arguments):
    return CliRunner().invoke(cli, ["sql", *arguments, "--db", str(db_path)])


def test_csv(bundled_db):
    result = _sql(bundled_db, PROVINCES, "--csv")
    assert result.exit_code == 0, result.output
    assert result.output == ("name,province\n002_e6d35a45ef2bf389.txt,Lạng Sơn\n"
                             "003_1716b84068ac115f.txt,Nghệ An\n")


def test_json_with_a_named_parameter(bundled_db):
    result = _sql(bundled_db, "SELECT name FROM documents WHERE province = :p", "--param", "p", "Kon Tum", "--json")
    assert json.loads(result.output) == [{"name": "004_779c34460cddf585.txt"}]


def test_table(bundled_db):
    result = _sql(bundled_db, PROVINCES, "--table")
    assert "Lạng Sơn" in result.output and "003_1716b84068ac115f.txt" in result.output


@pytest.mark.parametrize("statement", ["DELETE FROM documents", "DELETE FROM tasks_extracted",
                                       "UPDATE documents SET province = NULL", "DROP VIEW tasks"])
def test_writes_are_refused_and_change_nothing(bundled_db, statement):
    before = hashlib.sha256(bundled_db.read_bytes()).hexdigest()
    result = _sql(bundled_db, statement)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: the database is opened read-only: only queries that read are allowed "
        "(attempt to write a readonly database)"]
    assert hashlib.sha256(bundled_db.read_bytes()).hexdigest() == before
    assert _sql(bundled_db, "SELECT count(*) FROM tasks", "--csv").output == "count(*)\n15\n"


def test_rows_stream_from_the_cursor(bundled_db):
    """An endless query yields its first rows: nothing is fetched in bulk."""
    _, rows = sqlquery.run(bundled_db, "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x FROM n")
    assert list(itertools.islice(rows, 3)) == [(1,), (2,), (3,)]
    rows.close()


def test_errors_are_one_line(bundled_db, tmp_path):
    assert _sql(bundled_db, "SELECT * FROM nowhere").output.strip() == "Error: SQL error: no such table: nowhere"
    assert _sql(tmp_path / "none.db", "SELECT 1").output.strip() == f"Error: {tmp_path / 'none.db'}: no such database"
