"""Ingest local documents: read and archive, parse, segment, extract, store.

Plain functions over batches of files; `flows.py` composes them into a Prefect flow.
"""

import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import store
from pipeline.ingest.files import SourceFile
from pipeline.ingest.processing import (  # noqa: F401  (the steps' API)
    Outcome,
    ProcessedBatch,
    failed,
    pack,
    process,
    process_all,
    process_batch,
    process_batches,
    rows_of,
    segmenter,
    warm_up,
)
from pipeline.settings import BATCH_SIZE, STORE_SIZE
from pipeline.store import links, packed, search

STATUSES = ("new", "changed", "unchanged", "failed")


@dataclass
class Summary:
    documents: Counter = field(default_factory=Counter)
    rows: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    seconds: Counter = field(default_factory=Counter)  # spent storing ("store") and indexing ("index")

    def add(self, outcome: Outcome) -> None:
        self.documents[outcome.status] += 1
        if outcome.status == "failed":  # 'error', or a named state such as 'no_article' or 'needs_ocr'
            self.errors.append(f"{outcome.document['status']}: {outcome.document['error']}")


def store_batches(processed: list[ProcessedBatch], db_path: str | Path) -> Summary:
    """Write processed batches: the documents, with the links between them and the stored
    ones resolved, and their packed rows, in one transaction (all or none of them) per
    `packed.MAX_ATTACHED` batches, failures after. Search entries follow at `index_stored`."""
    started = time.perf_counter()
    summary = Summary()
    with store.writer(db_path) as db:
        for group in batches(processed, packed.MAX_ATTACHED):
            outcomes = [outcome for batch in group for outcome in batch.outcomes]
            stored = [outcome for outcome in outcomes if outcome.status in ("new", "changed")]
            if stored:
                ids = [outcome.document["id"] for outcome in stored]
                with (
                    packed.attached(db, [batch.packed for batch in group if batch.packed]) as schemas,
                    store.transaction(db),
                ):
                    copied = store_documents(db, stored, schemas)
                    links.resolve(db, ids)
                    search.queue_documents(db, ids)
                for key, table in store.ROW_TABLES.items():
                    summary.rows[key] += copied[table]
            for outcome in outcomes:
                if outcome.status == "failed":
                    store.record_failure(db, outcome.document)
                summary.add(outcome)
    summary.seconds["store"] += time.perf_counter() - started  # type: ignore[assignment]  # a Counter adds floats too
    return summary


def store_documents(db, outcomes: list[Outcome], schemas: list[str]) -> Counter:
    """Write documents, with the rows packed for them in the images attached as `schemas`,
    inside the caller's transaction; extracted rows copied by table. A reposted copy of a
    stored article (or of one before it in `outcomes`) keeps its document row (text, URL,
    `canonical_id` naming the original), pages, signature and links, but no extracted
    rows and no bands, so every count sees the article once."""
    canonical = links.canonical_ids(db, [(outcome.document, outcome.signature, outcome.bands) for outcome in outcomes])
    store.write_documents(
        db,
        [
            {**outcome.document, "canonical_id": original or outcome.document["id"]}
            for outcome, original in zip(outcomes, canonical)
        ],
    )
    copies = {outcome.document["id"]: original for outcome, original in zip(outcomes, canonical) if original}
    links.store_links(db, [outcome.document["id"] for outcome in outcomes], copies, schemas)
    copied: Counter = Counter()
    for schema in schemas:
        packed.copy(db, schema, "pages")
        for table in store.ROW_TABLES.values():
            copied[table] += packed.copy(db, schema, table, leaving_out=list(copies))
    return copied


def store_and_index(processed: list[ProcessedBatch], db_path: str | Path) -> Summary:
    """`store_batches`, then `index_stored`: what an ingest does with processed batches;
    the write-ahead log is then copied into the database beside the next batch's work."""
    summary = store_batches(processed, db_path)
    merge(summary, index_stored(db_path))
    store.checkpoint_beside(db_path)
    return summary


def index_stored(db_path: str | Path) -> Summary:
    """Bring the full-text index up to date with the documents stored since it last was."""
    started = time.perf_counter()
    with store.writer(db_path) as db:
        search.catch_up(db)
    summary = Summary()
    summary.seconds["index"] += time.perf_counter() - started  # type: ignore[assignment]  # a Counter adds floats too
    return summary


# Who hears of each batch a flow stores (a progress bar): not a flow parameter, and not a global
# of the flow's module, because Prefect pickles the flow's parameters, and cloudpickle a flow's
# function with its module's globals, into every task a worker process runs.
_BATCH_LISTENERS: list = []


@contextmanager
def reporting_batches(on_batch):
    """Within this block, `on_batch(size)` is called after each batch the ingest-files flow stores."""
    _BATCH_LISTENERS.append(on_batch)
    try:
        yield
    finally:
        _BATCH_LISTENERS.remove(on_batch)


def batch_stored(size: int) -> None:
    for listener in _BATCH_LISTENERS:
        listener(size)


def batches(items: list, size: int, workers: int = 1) -> list[list]:
    """`items` in batches of `size`. For several `workers` taking them, the last batches
    shrink, each to a `2 * workers`-th of the items left (at least a quarter of `size`), so
    that the workers finish together instead of one processing a last full batch alone."""
    if workers == 1:
        return [items[i : i + size] for i in range(0, len(items), size)]
    found, start, smallest = [], 0, max(1, size // 4)
    while start < len(items):
        left = len(items) - start
        step = min(size, max(smallest, -(-left // (2 * workers))))
        found.append(items[start : start + step])
        start += step
    return found


class BatchWriter:
    """Processed batches stored `size` documents at a time, whole batches in the order
    they come, with `on_stored(batch size)` called for each batch once stored: a commit
    writes every page it changed to the write-ahead log, and a batch changes most
    pages of the random indexes again, so fewer, larger transactions write less log. A batch
    processed and not yet stored when a run stops is processed again by the next."""

    def __init__(self, db_path: str | Path, size: int = STORE_SIZE, on_stored=None):
        self.db_path, self.size, self.on_stored = db_path, size, on_stored
        self.summary = Summary()
        self._held: list[ProcessedBatch] = []

    def add(self, processed: ProcessedBatch) -> None:
        self._held.append(processed)
        if sum(len(batch.outcomes) for batch in self._held) >= self.size:
            self.flush()

    def flush(self) -> None:
        """Store what is held."""
        if not self._held:
            return
        held, self._held = self._held, []
        merge(self.summary, store_and_index(held, self.db_path))
        if self.on_stored:
            for batch in held:
                self.on_stored(len(batch.outcomes))


def ingest(
    items: list[SourceFile],
    db_path: str | Path,
    batch_size: int = BATCH_SIZE,
    store_size: int = STORE_SIZE,
    on_batch=None,
) -> Summary:
    """Ingest files without Prefect: the same steps the flow runs."""
    writer = BatchWriter(db_path, store_size, on_batch)
    with store.held_open(db_path):
        for processed in process_batches(batches(items, batch_size), db_path):
            writer.add(processed)
        writer.flush()
    return writer.summary


def merge(total: Summary, part: Summary) -> None:
    total.documents.update(part.documents)
    total.rows.update(part.rows)
    total.errors.extend(part.errors)
    total.seconds.update(part.seconds)
