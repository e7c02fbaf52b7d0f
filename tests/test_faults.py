"""Kills at swept points: a store, a CLI ingest, an import and a first run's migrations
stopped by SIGKILL leave each document (each import, each schema step) whole, before or
after, never in between, and the next run takes up from there.

Each killed run is a real process forked from this one (its modules already imported, so
it starts at once), running the library's or the CLI's own code on a real SQLite file;
its delays are spread over the time the same run takes unkilled, measured just before.
"""

import os
import resource
import shutil
import signal
import sqlite3
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import sqlite_utils
from conftest import REPO

from pipeline import store
from pipeline.cli import cli
from pipeline.review.export import export
from pipeline.ingest.steps import BatchWriter, batches, ingest, process_batch
from pipeline.ingest.files import discover

sys.path.insert(0, str(REPO / "benchmarks"))
from throughput import _article, _clauses  # noqa: E402  (the benchmark's articles: distinct, with rows)

POINTS = 10  # kills per case
# What a document holds besides its row, counted per document.
PER_DOCUMENT = [*store.ROW_TABLES.values(), "pages", "document_signatures", "document_bands"]
FIGURES: list[str] = []  # peak RSS and time of each killed or clean child, printed at the end (pytest -s)


def _write_articles(folder: Path, names: range, seed: int) -> None:
    import random

    rng, clauses = random.Random(seed), _clauses()
    folder.mkdir(parents=True, exist_ok=True)
    for number in names:
        text = "\n\n".join(_article(clauses, rng, rng.randint(2500, 4000)))
        (folder / f"doc{number:04d}.txt").write_text(text, encoding="utf-8")


def _run_child(target, delay: float | None) -> tuple[bool, float, int]:
    """Fork a process that runs `target()`, SIGKILL it after `delay` seconds (None: let it
    finish); whether it was killed, its wall time and its peak RSS (KiB)."""
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 0
        try:
            target()
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        except BaseException:
            code = 99
        finally:
            os._exit(code)
    if delay is not None:
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)  # a child already finished is a zombie until waited for: still fine
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - started
    killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    assert killed or os.waitstatus_to_exitcode(status) == 0, f"child exited with {status}"
    return killed, seconds, usage.ru_maxrss


def _sweep(name: str, target_for, clean_seconds: float, check, start: float = 0.0, end: float = 1.05) -> list[bool]:
    """Kill a fresh run at POINTS delays from `start` to `end` times `clean_seconds` (or the
    time of a run that finished before its kill, if shorter), checking each store left behind
    with `check(case folder)`; whether each run was killed."""
    outcomes, duration = [], clean_seconds
    for point in range(POINTS):
        delay = duration * (start + (end - start) * point / (POINTS - 1))
        folder, target = target_for(point)
        killed, seconds, rss = _run_child(target, delay)
        if not killed:  # the machine is faster now than when measured: sweep the time a run takes now
            duration = min(duration, seconds)
        FIGURES.append(f"{name}: kill at {delay * 1000:.0f} ms: killed={killed}, {seconds:.2f} s, "
                       f"peak RSS {rss / 1024:.0f} MiB")
        check(folder)
        outcomes.append(killed)
    return outcomes


@pytest.fixture(scope="module", autouse=True)
def _print_figures():
    yield
    print("\n" + "\n".join(FIGURES))


def _per_document(db_path: Path) -> dict[str, tuple]:
    """Each document's hash and status with the count of its rows in each table; rows of
    no document are counted under None."""
    connection = sqlite3.connect(db_path)
    try:
        documents = {row[0]: row[1:] for row in connection.execute("SELECT id, content_sha256, status FROM documents")}
        counts = {table: dict(connection.execute(f"SELECT document_id, count(*) FROM [{table}] GROUP BY 1"))
                  for table in PER_DOCUMENT}
        links = dict(connection.execute("SELECT from_document_id, count(*) FROM document_links GROUP BY 1"))
    finally:
        connection.close()
    found = {document_id: (*values, *(counts[t].get(document_id, 0) for t in PER_DOCUMENT),
                           links.get(document_id, 0)) for document_id, values in documents.items()}
    orphans = sum(n for t in PER_DOCUMENT for d, n in counts[t].items() if d not in documents)
    orphans += sum(n for d, n in links.items() if d not in documents)
    found[None] = orphans
    return found


def _assert_each_document_before_or_after(db_path: Path, before: dict, after: dict) -> str:
    """Every document as it was before the run or as a clean run leaves it; how many of the
    run's changed or new documents are stored ('after'), as 'n/total'."""
    found = _per_document(db_path)
    assert found[None] == 0, "rows of no document"
    assert set(found) <= set(after)
    moved = 0
    for document_id, state in after.items():
        if document_id is None:
            continue
        now = found.get(document_id)
        assert now in (before.get(document_id), state), (document_id, before.get(document_id), state, now)
        moved += now == state != before.get(document_id)
    return f"{moved}/{sum(1 for d in after if d is not None and after[d] != before.get(d))}"


@pytest.fixture(scope="module")
def incremental(tmp_path_factory):
    """A store of 24 documents; then their folder with 12 of them changed, 12 as they were
    and 12 new, processed against the store in batches of 4; the store before, and after
    a clean run."""
    work = tmp_path_factory.mktemp("incremental")
    _write_articles(work / "docs", range(24), seed=1)
    first = work / "first" / "d.db"
    summary = ingest(discover([work / "docs"]), first)
    assert summary.documents["new"] == 24 and summary.rows["indicators"] > 50, summary
    _write_articles(work / "docs", range(12), seed=2)  # changed
    _write_articles(work / "docs", range(24, 36), seed=3)  # new
    processed = [process_batch(batch, first) for batch in batches(discover([work / "docs"]), 4)]
    statuses = [outcome.status for batch in processed for outcome in batch.outcomes]
    assert [statuses.count(s) for s in ("new", "changed", "unchanged")] == [12, 12, 12]
    clean = work / "clean" / "d.db"
    _copy_store(first, clean)
    _, seconds, rss = _run_child(lambda: _store_all(processed, clean), None)
    FIGURES.append(f"store, clean: {seconds:.2f} s, peak RSS {rss / 1024:.0f} MiB")
    return {"work": work, "first": first, "processed": processed, "before": _per_document(first),
            "after": _per_document(clean), "seconds": seconds}


def _copy_store(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)
    log = source.with_name(source.name + "-wal")  # left by a read-only connection, the last to close
    if log.exists():
        shutil.copy(log, target.with_name(target.name + "-wal"))


def _store_all(processed, db_path: Path) -> None:
    """What an ingest's writer does with processed batches: 8 documents a transaction."""
    with store.held_open(db_path):
        writer = BatchWriter(db_path, 8)
        for batch in processed:
            writer.add(batch)
        writer.flush()


def test_a_store_killed_at_any_point_leaves_each_document_before_or_after(incremental):
    """The issue's incremental run (stored documents, some changed, some new) killed at swept
    points: each document keeps its old hash with all its old rows, or has its new hash
    with all its new rows; never its old hash with its rows deleted."""
    progress = []

    def target_for(point):
        db_path = incremental["work"] / f"kill{point}" / "d.db"
        _copy_store(incremental["first"], db_path)
        return db_path, lambda: _store_all(incremental["processed"], db_path)

    def check(db_path):
        progress.append(_assert_each_document_before_or_after(db_path, incremental["before"], incremental["after"]))

    killed = _sweep("store", target_for, incremental["seconds"], check)
    FIGURES.append(f"store: documents stored at each kill: {progress}")
    assert killed[0] and any(0 < int(p.split("/")[0]) < 24 for p in progress), progress  # some stopped half-way


def test_a_cli_ingest_killed_at_any_point_is_taken_up_by_the_next_run(incremental, tmp_path):
    """`directives ingest` of the changed folder killed at swept points: each document before
    or after; the next run (unkilled) leaves the store as one clean run does."""
    folder = incremental["work"] / "docs"

    def ingest_cli(db_path):
        return lambda: cli(["ingest", str(folder), "--db", str(db_path), "--no-prefect"])

    clean = tmp_path / "clean" / "d.db"
    _copy_store(incremental["first"], clean)
    _, seconds, rss = _run_child(ingest_cli(clean), None)
    FIGURES.append(f"cli ingest, clean: {seconds:.2f} s, peak RSS {rss / 1024:.0f} MiB")
    after = _per_document(clean)
    assert after == {**incremental["after"], None: 0}

    def target_for(point):
        db_path = tmp_path / f"kill{point}" / "d.db"
        _copy_store(incremental["first"], db_path)
        return db_path, ingest_cli(db_path)

    killed_stores = []

    def check(db_path):
        _assert_each_document_before_or_after(db_path, incremental["before"], after)
        killed_stores.append(db_path)

    killed = _sweep("cli ingest", target_for, seconds, check)
    assert killed.count(True) >= POINTS // 2, killed
    for db_path in killed_stores[1:POINTS // 2:2]:  # the next run completes what a killed one left
        _, seconds, rss = _run_child(ingest_cli(db_path), None)
        FIGURES.append(f"cli ingest after a kill: {seconds:.2f} s, peak RSS {rss / 1024:.0f} MiB")
        assert _per_document(db_path) == after


def _schema(db_path: Path) -> tuple[int, list]:
    connection = sqlite3.connect(db_path)
    try:
        return (connection.execute("PRAGMA user_version").fetchone()[0],
                sorted(connection.execute("SELECT type, name, sql FROM sqlite_master").fetchall()))
    finally:
        connection.close()


def test_a_first_run_killed_while_migrating_leaves_a_database_the_next_run_completes(tmp_path):
    """A new database's schema creation killed at swept points holds exactly the schema of
    the last migration step it recorded (user_version), and the next open completes it."""
    complete = tmp_path / "clean" / "d.db"
    complete.parent.mkdir()
    _, seconds, rss = _run_child(lambda: store.open_db(complete).close(), None)
    FIGURES.append(f"migrations, clean: {seconds:.2f} s, peak RSS {rss / 1024:.0f} MiB")
    final = _schema(complete)
    assert final[0] == len(store.MIGRATIONS)
    by_version = {len(store.MIGRATIONS): final[1]}

    def schema_at(version: int) -> list:
        if version not in by_version:
            path = tmp_path / f"v{version}.db"
            db = sqlite_utils.Database(path)
            for number, migration in enumerate(store.MIGRATIONS[:version], start=1):
                with store.transaction(db):
                    migration(db)
                    db.execute(f"PRAGMA user_version = {number}")
            db.close()
            by_version[version] = _schema(path)[1]
        return by_version[version]

    versions = []

    def target_for(point):
        db_path = tmp_path / f"kill{point}" / "d.db"
        return db_path, lambda: store.open_db(db_path).close()

    def check(db_path):
        if db_path.exists():
            version, schema = _schema(db_path)
            versions.append(version)
            assert schema == schema_at(version)
        store.open_db(db_path).close()  # the next run
        assert _schema(db_path) == final

    # the fork itself takes a few ms: sweep from there
    killed = _sweep("migrations", target_for, seconds, check)
    FIGURES.append(f"migrations: user_version at each kill: {versions}")
    assert killed[0] and any(0 < version < len(store.MIGRATIONS) for version in versions), versions


@pytest.fixture(scope="module")
def sheet(incremental, tmp_path_factory):
    """The clean incremental store and a reviewed indicators sheet of every row: each
    marked ok, every third renamed, every fifth deleted, and an added row per document."""
    work = tmp_path_factory.mktemp("import")
    db_path = work / "before.db"
    _copy_store(incremental["work"] / "clean" / "d.db", db_path)
    path = work / "indicators.csv"
    count = export(db_path, "indicators", path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["status"] = "ok"
    frame.loc[frame.index % 3 == 0, "name"] = frame["name"] + " (đã sửa)"
    frame.loc[frame.index % 5 == 1, "status"] = "delete"
    added = frame.drop_duplicates("document_id").copy()
    added[["id", "status", "sentence"]] = ["", "", ""]
    added["name"], added["value"] = "Chỉ tiêu bổ sung", "7"
    pd.concat([frame, added]).to_csv(path, index=False, encoding="utf-8-sig")
    return {"db": db_path, "csv": path, "rows": count + len(added)}


CORRECTION_TABLES = ("corrections", "corrected_rows", "corrected_fields")


def _corrections(db_path: Path) -> tuple:
    connection = sqlite3.connect(db_path)
    try:
        counts = tuple(connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in CORRECTION_TABLES)
        fields = connection.execute("SELECT table_name, row_id, field, value FROM corrected_fields "
                                    "ORDER BY 1, 2, 3").fetchall()
        states = connection.execute("SELECT row_id, state, added FROM corrected_rows ORDER BY 1").fetchall()
        pending = connection.execute("SELECT count(*) FROM search_index_pending").fetchone()[0]
        indexed = connection.execute("SELECT kind, ref_id, text FROM search_index ORDER BY 1, 2, 3").fetchall()
    finally:
        connection.close()
    return counts, fields, states, pending, indexed


def test_an_import_killed_at_any_point_is_applied_whole_or_not_at_all(sheet, tmp_path):
    """`directives import` of a sheet of every indicator killed at swept points: the
    corrections and the search entries they change are all there, or none."""

    def import_cli(db_path):
        return lambda: cli(["import", str(sheet["csv"]), "--editor", "lan", "--db", str(db_path)])

    clean = tmp_path / "clean" / "d.db"
    _copy_store(sheet["db"], clean)
    _, seconds, rss = _run_child(import_cli(clean), None)
    FIGURES.append(f"import, clean ({sheet['rows']} rows): {seconds:.2f} s, peak RSS {rss / 1024:.0f} MiB")
    before, after = _corrections(sheet["db"]), _corrections(clean)
    assert before[0] == (0, 0, 0) and after[0][0] > sheet["rows"]

    outcomes = []

    def target_for(point):
        db_path = tmp_path / f"kill{point}" / "d.db"
        _copy_store(sheet["db"], db_path)
        return db_path, import_cli(db_path)

    def check(db_path):
        found = _corrections(db_path)
        assert found in (before, after), found[0]
        outcomes.append("after" if found == after else "before")

    killed = _sweep("import", target_for, seconds, check, start=0.4, end=1.3)  # writes come last
    FIGURES.append(f"import: state at each kill: {outcomes}")
    assert killed.count(True) >= 3 and "before" in outcomes, (killed, outcomes)
    last_killed = tmp_path / f"kill{killed.index(True)}" / "d.db"
    if outcomes[killed.index(True)] == "before":  # the next import applies the whole sheet
        _run_child(import_cli(last_killed), None)
        assert _corrections(last_killed) == after
