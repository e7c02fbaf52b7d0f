"""Guards of the command line, each tried with real processes and real files: one lock
per database whatever path names it, `directives sql` bounded in time, stopped by SIGTERM
and unable to create files, malformed CSV rows named by row and column, and names that
look like markup or hold a newline printed as they are."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SEEDS

from pipeline.review import sheet
from pipeline.cli import cli
from pipeline.store.lock import LockedError, exclusive, lock_path_for

DIRECTIVES = str(Path(sys.executable).parent / "directives")
ENDLESS = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n"
ENV = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "COLUMNS": "200"}


def _holding_lock(path: Path) -> subprocess.Popen:
    """Another process holding the lock of the database at `path` (until killed)."""
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from pipeline.store.lock import exclusive\n"
                               "with exclusive(sys.argv[1]):\n    print('held', flush=True); time.sleep(600)",
                               str(path)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    return holder


def test_a_symlink_to_the_database_shares_its_lock(tmp_path):
    real = tmp_path / "store" / "d.db"
    real.parent.mkdir()
    real.touch()
    link = tmp_path / "link.db"
    link.symlink_to(real)
    (tmp_path / "folder").symlink_to(real.parent, target_is_directory=True)
    assert lock_path_for(link) == lock_path_for(tmp_path / "folder" / "d.db") == real.parent / "d.db.lock"
    holder = _holding_lock(link)
    try:
        with pytest.raises(LockedError, match=f"another ingest \\(pid {holder.pid}\\) is writing to {real}"):
            with exclusive(real):
                pass
        result = CliRunner().invoke(cli, ["ingest", str(SEEDS), "--db", str(tmp_path / "folder" / "d.db"),
                                          "--no-prefect"])
        assert result.exit_code == 1 and f"(pid {holder.pid})" in result.output
    finally:
        holder.kill()
        holder.wait()
    with exclusive(tmp_path / "folder" / "d.db"):  # free once the holder is gone
        pass


def _sql(db_path, *arguments) -> subprocess.CompletedProcess:
    return subprocess.run([DIRECTIVES, "sql", *arguments, "--db", str(db_path)], capture_output=True, text=True,
                          env=ENV, timeout=120)


def test_a_query_past_its_time_limit_is_stopped_with_a_message(bundled_db):
    started = time.monotonic()
    result = _sql(bundled_db, ENDLESS, "--timeout", "1")
    assert (result.returncode, result.stdout, result.stderr) == (
        1, "", "Error: the query took longer than 1 s and was stopped (raise the limit with --timeout SECONDS, "
               "0 for none)\n")
    assert time.monotonic() - started < 60  # the query alone never ends
    assert _sql(bundled_db, "SELECT count(*) FROM documents", "--csv", "--timeout", "1").stdout == "count(*)\n5\n"


def _opened(pid: int, path: Path) -> bool:
    fds = Path(f"/proc/{pid}/fd")
    try:
        return any(os.path.realpath(fd) == str(path.resolve()) for fd in fds.iterdir())
    except FileNotFoundError:  # a descriptor closed while listed
        return False


def test_sigterm_stops_a_running_query_at_once(bundled_db):
    """SQLite running one long step in C: SIGTERM still ends the process, with a message."""
    process = subprocess.Popen([DIRECTIVES, "sql", ENDLESS, "--timeout", "0", "--db", str(bundled_db)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    deadline = time.monotonic() + 60
    while not _opened(process.pid, bundled_db):  # the query runs once the database is open
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.5)
    process.send_signal(signal.SIGTERM)
    sent = time.monotonic()
    out, err = process.communicate(timeout=30)
    assert (process.returncode, out, err) == (143, "", "Error: stopped by SIGTERM\n")
    assert time.monotonic() - sent < 5


@pytest.mark.parametrize("statement", ["ATTACH DATABASE '{}' AS other", "VACUUM INTO '{}'"])
def test_attach_and_vacuum_into_are_refused_before_any_file_is_made(bundled_db, tmp_path, statement):
    target = tmp_path / "made.db"
    result = _sql(bundled_db, statement.format(target))
    assert (result.returncode, result.stdout, result.stderr) == (
        1, "", "Error: ATTACH (and VACUUM INTO, which attaches its target) is refused: "
               "'directives sql' reads only the database it opened\n")
    assert list(tmp_path.iterdir()) == []


def _import(db_path, path: Path):
    return CliRunner().invoke(cli, ["import", str(path), "--editor", "lan", "--db", str(db_path), "--dry-run"])


HEADER = ",".join(sheet.columns("indicators"))
CELLS = len(sheet.columns("indicators"))


@pytest.mark.parametrize("lines, message", [
    ([",".join(["a"] * CELLS), ",".join(["b"] * CELLS) + ",5 tỷ"],
     f"row 3 (line 3), column {CELLS + 1}: {CELLS + 1} fields where the header has {CELLS} (extra value '5 tỷ'); "
     "a cell holding the separator ',' must be quoted"),
    (["a,b,c", "", 'x,y,"open cell'],
     "row 3 (line 4), column 3 (document_title): the quote opened on line 4 is never closed"),
    (['a,"say "no" here",c', "x"],
     "row 2 (line 2), column 2 (document_id): the cell quoted from line 2 closes on line 2 "
     "before 'no\" here\",c\\nx\\n', "
     'not at a separator (a quote is missing, or a quote inside a cell is not doubled as "")'),
])
def test_a_malformed_csv_row_is_named_by_row_and_column(bundled_db, tmp_path, lines, message):
    path = tmp_path / "indicators.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8-sig")
    result = _import(bundled_db, path)
    assert (result.exit_code, result.output) == (1, f"Error: {path}: {message}\n")


def test_names_that_look_like_markup_or_hold_a_newline_are_printed_as_they_are(tmp_path):
    """`x[/bold].pdf` (a file in a folder `x[`), a name with a newline and `[/red]`, and a
    database named with `[/bold]`: the run ends with its summary, each failed file on one
    line of its own with the newline shown as \\n."""
    corpus = tmp_path / "in"
    (corpus / "x[").mkdir(parents=True)
    (corpus / "line\n[").mkdir()
    (corpus / "x[/bold].pdf").write_bytes(b"not a pdf")
    (corpus / "line\n[/red]forged.pdf").write_bytes(b"not a pdf")
    shutil.copy(SEEDS / "000_21784c90663ce49a.txt", corpus / "x[" / "ok].txt")
    db_path = tmp_path / "d[/bold].db"
    result = subprocess.run([DIRECTIVES, "ingest", "in", "--db", str(db_path), "--no-prefect"], cwd=tmp_path,
                            capture_output=True, text=True, env=ENV, timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"Ingest summary ({db_path})" in result.stdout
    reason = "not a readable PDF (PdfminerException: No /Root object! - Is this really a PDF?)"
    failed = [line for line in result.stderr.splitlines() if "not a readable PDF" in line]
    assert failed == [f"not extracted error: in/line\\n[/red]forged.pdf: {reason}",
                      f"not extracted error: in/x[/bold].pdf: {reason}"]
    assert not any(line.startswith("[/red]forged") for line in result.stderr.splitlines())


def test_sql_table_cells_and_headers_are_shown_as_text(bundled_db):
    """A value or column name holding `[/red]` is not markup; an ESC is shown escaped; a
    newline stays a line of the cell."""
    result = _sql(bundled_db, "SELECT 'a[/red]' || char(10) || 'b' || char(27) || '[31m' AS \"c[/b]\"")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == ("┏━━━━━━━━━━━┓\n┃ c[/b]     ┃\n┡━━━━━━━━━━━┩\n│ a[/red]   │\n│ b\\x1b[31m │\n"
                             "└───────────┘\n")
