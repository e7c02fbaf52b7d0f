"""The Prefect flow runs the library steps: in one process, a process pool or a Dask cluster, with the same rows stored."""

import os
import subprocess
import sys
import threading

import pytest
import sqlite_utils
from conftest import FIXTURES
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
from prefect.testing.utilities import prefect_test_harness

from prefect import flow, task

from pipeline.flows import ingest_files, ingest_files_with_workers
from pipeline.ingest.steps import ingest, reporting_batches
from pipeline.ingest.files import discover
from pipeline.ingest.workers import ForkedProcessPoolTaskRunner


@pytest.fixture(scope="module")
def prefect_api():
    """One temporary Prefect server for the module's flows. Its start (a fresh database,
    migrations) took over the harness's default 30 s on a fresh clone: give it 120 s."""
    with prefect_test_harness(server_startup_timeout=120), temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


def test_flow_ingests_and_reports(tmp_path, prefect_api):
    db_path = tmp_path / "flow.db"
    seen = []
    with reporting_batches(seen.append):
        summary = ingest_files(paths=[str(FIXTURES / "kehoach-12-langson.docx"), str(FIXTURES / "empty.html")],
                               db_path=str(db_path), batch_size=1)
    assert summary.documents == {"new": 1, "failed": 1}
    assert seen == [1, 1]
    db = sqlite_utils.Database(db_path)
    assert {row["status"] for row in db["documents"].rows} == {"ok", "error"}
    assert db["tasks"].count == 5


def _rows(db_path) -> list[tuple]:
    db = sqlite_utils.Database(db_path)
    return [tuple(row) for table in ("tasks", "indicators", "deadlines", "citations")
            for row in db.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()]


def test_two_worker_processes_store_what_one_process_stores(tmp_path, prefect_api):
    paths = [str(FIXTURES / name) for name in ("kehoach-12-langson.docx", "kehoach-12-langson.html",
                                               "kehoach-12-langson.pdf", "empty.html")]
    ingest(discover(paths), tmp_path / "one.db")
    seen, lock = [], threading.RLock()  # the CLI's progress bar holds locks: it cannot go to a worker

    def advance(size: int) -> None:
        with lock:
            seen.append(size)

    summary = ingest_files_with_workers(2, paths=paths, db_path=str(tmp_path / "two.db"), batch_size=1,
                                        on_batch=advance)
    assert seen == [1, 1, 1, 1]
    assert summary.documents == {"new": 3, "failed": 1}
    assert summary.rows["tasks"] == 10  # the PDF repeats the DOCX's text: stored as its copy, without rows
    assert _rows(tmp_path / "two.db") == _rows(tmp_path / "one.db")


@task
def _worker_state() -> tuple[int, bool]:
    import os
    import sys

    return os.getpid(), "pipeline.preload" in sys.modules


@flow
def _two_workers_report() -> list[tuple[int, bool]]:
    return [future.result() for future in [_worker_state.submit() for _ in range(4)]]


def test_workers_fork_with_the_models_loaded(prefect_api):
    """Nothing a task imports loads pipeline.preload: its workers were forked from the server that did."""
    reports = _two_workers_report.with_options(task_runner=ForkedProcessPoolTaskRunner(max_workers=2))()
    assert {loaded for _, loaded in reports} == {True}
    assert os.getpid() not in {pid for pid, _ in reports}


def test_the_fork_server_imports_prefects_collections():
    """Prefect imports the packages of its collections (prefect-dask, and Dask with it) when a
    worker's first task starts: the fork server imports them once for every worker."""
    pytest.importorskip("prefect_dask")  # the optional extra 'dask'
    script = "import sys, pipeline.preload; print(sorted({'prefect_dask', 'distributed'} & set(sys.modules)))"
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert loaded.stdout.split("\n")[-2] == "['distributed', 'prefect_dask']"


def test_a_dask_cluster_stores_what_one_process_stores(tmp_path, prefect_api):
    distributed = pytest.importorskip("distributed")  # the optional extra 'dask'
    paths = [str(FIXTURES / name) for name in ("kehoach-12-langson.docx", "kehoach-12-langson.html", "empty.html")]
    ingest(discover(paths), tmp_path / "one.db")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        summary = ingest_files_with_workers(1, cluster.scheduler_address, paths=paths,
                                            db_path=str(tmp_path / "dask.db"), batch_size=1)
    assert summary.documents == {"new": 2, "failed": 1}
    assert _rows(tmp_path / "dask.db") == _rows(tmp_path / "one.db")
