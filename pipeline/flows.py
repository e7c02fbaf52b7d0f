"""Prefect flows: orchestration only; every step is a library function in `ingest`."""

from collections import deque
from contextlib import contextmanager
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.settings import PREFECT_API_URL
from prefect.task_runners import TaskRunner

from pipeline import prefect_env, store
from pipeline.ingest import steps
from pipeline.ingest.files import SourceFile, discover
from pipeline.ingest.workers import ForkedProcessPoolTaskRunner
from pipeline.portal import steps as portal
from pipeline.portal.fetch import FetchSettings
from pipeline.portal.fetch_state import RetryPolicy
from pipeline.portal.runs import SourceRun
from pipeline.portal.sources import load_sources
from pipeline.settings import BATCH_SIZE, DEFAULT_DB, STORE_SIZE


@task(name="process-batch", cache_policy=NO_CACHE)
def process_batch(items: list[SourceFile], db_path: str) -> steps.ProcessedBatch:
    return steps.process_batch(items, db_path)


@flow(name="ingest-files", log_prints=True)
def ingest_files(
    paths: list[str] | None = None,
    db_path: str = "output/directives.db",
    batch_size: int = BATCH_SIZE,
    workers: int = 1,
    store_size: int = STORE_SIZE,
) -> steps.Summary:
    """Ingest files and folders (the bundled corpus by default) into `db_path`.

    Batches of documents go through one parse-and-extract task each, submitted to the
    flow's task runner (`workers` processes with `ingest_files_with_workers`), two per worker
    at a time so memory stays flat, the last ones smaller so the workers finish together
    (`ingest.batches`); the flow stores the results itself (one SQLite writer), `store_size`
    documents per transaction, then indexes them for search while the workers go on.
    Storing is a plain call, not a task: every task run costs the Prefect server CPU (its
    events and states), CPU the workers need when there are as many of them as cores.
    """
    writer = steps.BatchWriter(db_path, store_size, steps.batch_stored)
    pending: deque = deque()

    def collect_oldest() -> None:
        writer.add(pending.popleft().result())

    with store.held_open(db_path):
        for batch in steps.batches(discover(paths), batch_size, workers):
            pending.append(process_batch.submit(batch, str(Path(db_path))))
            if len(pending) >= 2 * workers:
                collect_oldest()
        while pending:
            collect_oldest()
        writer.flush()
    return writer.summary


def ingest_files_with_workers(
    workers: int, dask_address: str | None = None, on_batch=None, **parameters
) -> steps.Summary:
    """Run the ingest-files flow with `workers` processes extracting, or on the Dask
    cluster at `dask_address` (optional extra `dask`); either way this process stores,
    calling `on_batch(size)` after each batch."""
    with steps.reporting_batches(on_batch or (lambda size: None)):
        if dask_address:
            from prefect_dask import DaskTaskRunner

            runner: TaskRunner = DaskTaskRunner(address=dask_address)
        elif workers > 1:
            runner = ForkedProcessPoolTaskRunner(max_workers=workers)
        else:
            return ingest_files(**parameters)
        with _shared_api():
            configured = ingest_files.with_options(task_runner=runner)  # type: ignore[arg-type]  # invariant futures
            return configured(workers=workers, **parameters)


@contextmanager
def _shared_api():
    """Without a configured Prefect API every worker process would start a temporary
    server of its own (seconds each): start this process's one now and point workers at it."""
    if PREFECT_API_URL.value():
        yield
        return
    with prefect_env.temporary_api():  # a server that ends with this process, SIGKILL or not
        yield


# Portal tasks take the run's HTTP client, which is not hashable: no input caching.
discover_urls = task(name="discover", cache_policy=NO_CACHE)(portal.discover)
fetch_documents = task(name="fetch-batch", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=30)(portal.fetch_batch)
process_documents = task(name="process-batch", cache_policy=NO_CACHE)(steps.process_batch)
store_documents = task(name="store-batches", cache_policy=NO_CACHE)(steps.store_batches)
record_fetches = task(name="record-fetches", cache_policy=NO_CACHE)(portal.record_batch)
index_documents = task(name="index-stored", cache_policy=NO_CACHE)(steps.index_stored)
PORTAL_TASKS = portal.Steps(
    discover=discover_urls,
    fetch=fetch_documents,
    process=process_documents,
    store=store_documents,
    record=record_fetches,
    index=index_documents,
)


@flow(name="ingest-portals", log_prints=True)
def ingest_portals(
    sources_path: str = "corpus/sources.toml",
    only: list[str] | None = None,
    db_path: str = str(DEFAULT_DB),
    wait: float = 0.0,
    fetch_options: dict | None = None,
    retry_options: dict | None = None,
    on_source=None,
) -> list[SourceRun]:
    """Ingest the portals of a sources file: discover, fetch, process, store, per source.

    `fetch_options` and `retry_options` override FetchSettings and RetryPolicy fields."""
    return portal.ingest_sources(
        load_sources(sources_path, only or ()),
        db_path,
        FetchSettings(**(fetch_options or {})),
        RetryPolicy(**(retry_options or {})),
        wait,
        on_source,
        PORTAL_TASKS,
    )
