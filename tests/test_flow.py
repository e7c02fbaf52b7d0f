"""The Prefect flow runs the library steps: one smoke test under a test harness."""

import sqlite_utils
from conftest import FIXTURES
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
from prefect.testing.utilities import prefect_test_harness

from pipeline.flows import ingest_files


def test_flow_ingests_and_reports(tmp_path):
    db_path = tmp_path / "flow.db"
    seen = []
    with prefect_test_harness(), temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        summary = ingest_files(paths=[str(FIXTURES / "kehoach-12-langson.docx"), str(FIXTURES / "empty.html")],
                               db_path=str(db_path), batch_size=1, on_batch=seen.append)
    assert summary.documents == {"new": 1, "failed": 1}
    assert seen == [1, 1]
    db = sqlite_utils.Database(db_path)
    assert {row["status"] for row in db["documents"].rows} == {"ok", "error"}
    assert db["tasks"].count == 5
