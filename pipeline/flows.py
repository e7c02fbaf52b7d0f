"""Prefect flows: orchestration only; every step is a library function in `ingest`."""

from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from . import ingest as steps
from . import portal_ingest as portal
from .runs import SourceRun
from .fetch import FetchSettings
from .fetch_state import RetryPolicy
from .portal_sources import load_sources
from .settings import BATCH_SIZE, DEFAULT_DB
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


# Portal tasks take the run's HTTP client, which is not hashable: no input caching.
discover_urls = task(portal.discover, name="discover", cache_policy=NO_CACHE)
fetch_documents = task(portal.fetch_batch, name="fetch-batch", cache_policy=NO_CACHE, retries=2,
                       retry_delay_seconds=30)
process_documents = task(steps.process_batch, name="process-batch", cache_policy=NO_CACHE)
store_documents = task(steps.store_batch, name="store-batch", cache_policy=NO_CACHE)
record_fetches = task(portal.record_batch, name="record-fetches", cache_policy=NO_CACHE)
PORTAL_TASKS = portal.Steps(discover=discover_urls, fetch=fetch_documents, process=process_documents,
                            store=store_documents, record=record_fetches)


@flow(name="ingest-portals", log_prints=True)
def ingest_portals(sources_path: str = "corpus/sources.toml", only: list[str] | None = None,
                   db_path: str = str(DEFAULT_DB), wait: float = 0.0, fetch_options: dict | None = None,
                   retry_options: dict | None = None, on_source=None) -> list[SourceRun]:
    """Ingest the portals of a sources file: discover, fetch, process, store, per source.

    `fetch_options` and `retry_options` override FetchSettings and RetryPolicy fields."""
    return portal.ingest_sources(load_sources(sources_path, only or ()), db_path,
                                 FetchSettings(**(fetch_options or {})), RetryPolicy(**(retry_options or {})),
                                 wait, on_source, PORTAL_TASKS)
