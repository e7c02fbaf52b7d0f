"""Prefect flows: orchestration only; every step is a library function in `ingest`."""

from pathlib import Path

from prefect import flow, task

from . import ingest as steps
from .settings import BATCH_SIZE
from .sources import SourceFile, discover


@task(name="process-batch")
def process_batch(items: list[SourceFile], db_path: str) -> list[steps.Outcome]:
    return steps.process_batch(items, db_path)


@task(name="store-batch")
def store_batch(outcomes: list[steps.Outcome], db_path: str) -> steps.Summary:
    return steps.store_batch(outcomes, db_path)


@flow(name="ingest-files", log_prints=True)
def ingest_files(paths: list[str] | None = None, db_path: str = "output/directives.db",
                 batch_size: int = BATCH_SIZE, on_batch=None) -> steps.Summary:
    """Ingest files and folders (the bundled corpus by default) into `db_path`.

    Batches of documents go through one parse-and-extract task and one store task each,
    so a run pays Prefect's per-task cost per batch, not per document.
    """
    total = steps.Summary()
    for batch in steps.batches(discover(paths), batch_size):
        outcomes = process_batch(batch, str(Path(db_path)))
        steps.merge(total, store_batch(outcomes, str(Path(db_path))))
        if on_batch:
            on_batch(len(batch))
    return total
