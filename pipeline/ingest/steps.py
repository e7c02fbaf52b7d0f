"""Ingest local documents: read and archive, parse, segment, extract, store.

Plain functions over batches of files; `flows.py` composes them into a Prefect flow.
"""

import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import extractors
from extractors import AnalyzedDocument
from pipeline import store
from pipeline.errors import DirectivesError
from pipeline.ingest import timebox
from pipeline.ingest.files import SourceFile
from pipeline.parse import identity, metadata
from pipeline.parse.dispatch import parse_document
from pipeline.settings import BATCH_SIZE, STORE_SIZE, limits, raw_dir_for
from pipeline.store import duplicates, links, packed, search
from pipeline.store.archive import archive, sha256
from pipeline.text.nlp import Segmenter

STATUSES = ("new", "changed", "unchanged", "failed")


@dataclass
class Outcome:
    """What became of one input: its status and the rows to store."""

    status: str
    url: str
    document: dict | None = None
    pages: list[dict] = field(default_factory=list)
    rows: dict[str, list[dict]] = field(default_factory=dict)
    links: list[dict] = field(default_factory=list)  # references to other documents, by number
    signature: list[int] | None = None  # MinHash of the text, to find reposted copies
    bands: list[int] = field(default_factory=list)  # the signature's band keys (duplicates.band_keys)


@dataclass
class ProcessedBatch:
    """A batch's outcomes, with what their documents store besides their own row packed
    into one database image (`packed.pack`), by store table: pages, signatures, links
    by number, and the extracted rows and band keys that the writer leaves out for a
    reposted copy."""

    outcomes: list[Outcome]
    packed: bytes | None = None


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


_SEGMENTER = Segmenter()


def segmenter() -> Segmenter:
    """One segmenter per process: models load once, not per document."""
    return _SEGMENTER


def process(item: SourceFile, known: tuple | None, raw_dir: Path) -> Outcome:
    """Turn one input into a document row and extracted rows; never raises on bad input.

    `item` is anything with `url`, `name`, `source`, `province` and `read_bytes()`: a
    local file, or a document fetched from a portal (which may also carry the `charset`
    its HTTP headers declared)."""
    document_id = store.stable_id(item.url)
    stamp = store.now()
    base = {
        "id": document_id,
        "url": item.url,
        "name": item.name,
        "source": item.source,
        "updated_at": stamp,
        "extractor_version": extractors.extractor_version(),
    }
    try:
        data = item.read_bytes()
    except OSError as error:
        return Outcome(
            "failed", item.url, {**base, "status": "error", "error": f"{item.url}: cannot read ({error.strerror})"}
        )
    except DirectivesError as error:  # past a limit, or not a regular file
        return Outcome("failed", item.url, {**base, "status": getattr(error, "status", "error"), "error": str(error)})
    digest = sha256(data)
    if known and known[0] == digest and known[1] == base["extractor_version"] and known[2] == "ok":
        return Outcome("unchanged", item.url)
    raw_path = archive(data, raw_dir)
    base.update(content_sha256=digest, raw_path=str(raw_path))
    try:
        parsed = parse_document(data, _display_name(item), getattr(item, "charset", None))
        analyzed = AnalyzedDocument(parsed.text, segmenter(), parsed.published_date, parsed.title, tables=parsed.tables)
        extraction = extractors.extract(analyzed)
    except DirectivesError as error:
        return Outcome("failed", item.url, {**base, "status": getattr(error, "status", "error"), "error": str(error)})
    except Exception as error:  # an extractor bug must not stop the batch; say where it happened
        return Outcome(
            "failed",
            item.url,
            {**base, "status": "error", "error": f"{_display_name(item)}: {type(error).__name__}: {error}"},
        )
    province = metadata.canonical_province(item.province) or metadata.province_from_text(parsed.text, parsed.context)
    document = {
        **base,
        "title": parsed.title,
        "published_date": parsed.published_date,
        "province": province,
        "province_current": metadata.current_province(province),
        "author": parsed.author,
        "kind": parsed.kind,
        "text": parsed.text,
        "text_source": parsed.text_source,
        "status": "ok",
        "error": None,
    }
    own = identity.identify(parsed.text)
    document.update(doc_number=own.doc_number, doc_type=own.doc_type, issuer=own.issuer, signed_date=own.signed_date)
    pages = [
        {"document_id": document_id, "page": p.number, "start": p.start, "end": p.end, "confidence": p.confidence}
        for p in parsed.pages
    ]
    references = [
        {"to_number": r.number, "relation": r.relation, "start": r.start, "end": r.end}
        for r in identity.references(parsed.text, own.doc_number)
    ]
    status = "changed" if known else "new"
    signature = duplicates.signature(parsed.text)
    return Outcome(
        status,
        item.url,
        document,
        pages,
        rows_of(document_id, extraction),
        references,
        signature,
        duplicates.band_keys(signature) if signature is not None else [],
    )


def failed(item, reason: str) -> Outcome:
    """The outcome of an input whose processing was stopped (`timebox`): an error naming it."""
    return Outcome(
        "failed",
        item.url,
        {
            "id": store.stable_id(item.url),
            "url": item.url,
            "name": item.name,
            "source": item.source,
            "updated_at": store.now(),
            "extractor_version": extractors.extractor_version(),
            "status": "error",
            "error": f"{_display_name(item)}: {reason}",
        },
    )


def process_all(items: list, known: list[tuple | None], raw_dir: Path) -> list[Outcome]:
    """`process` for each item in a child process, stopped past `Limits.document_seconds` (in this
    process when that is 0 or processes cannot fork): a document that hangs or crashes a parser
    is an error, and the documents after it are processed."""
    seconds = limits().document_seconds
    if not seconds or not timebox.available():
        return [process(item, version, raw_dir) for item, version in zip(items, known)]
    warm_up()
    with timebox.Timebox() as box:
        return [_process_in(box, item, version, raw_dir, seconds) for item, version in zip(items, known)]


def _process_in(box: timebox.Timebox, item, known: tuple | None, raw_dir: Path, seconds: float) -> Outcome:
    try:
        return box.call(process, (item, known, raw_dir), seconds)
    except timebox.Stopped as stopped:
        return failed(item, stopped.reason)
    except RuntimeError as error:  # what process raised: a bug, not the input's fault; say where
        return failed(item, str(error))


_WARM: list[bool] = []
_WARMING = threading.Lock()  # the models load lazily, and not safely from two threads at once


def warm_up() -> None:
    """Load the models once in this process, before children fork from it and share them."""
    with _WARMING:
        if not _WARM:
            extractors.extract(
                AnalyzedDocument(
                    "Sở Tài chính chủ trì, giải ngân đạt 95% trước ngày 30/11/2021.", segmenter(), "2021-01-01"
                )
            )
            _WARM.append(True)


def _display_name(item) -> str:
    """How errors name an input: its path for a local file, else its URL."""
    return str(getattr(item, "path", None) or item.url)


def rows_of(document_id: str, extraction: extractors.Extraction) -> dict[str, list[dict]]:
    """Extracted rows as table rows, with stable ids and provenance."""
    version = extractors.extractor_version()
    task_ids = {id(task): store.stable_id(document_id, "task", task.start, task.end) for task in extraction.tasks}
    spans = sorted(((t.start, t.end, task_ids[id(t)]) for t in extraction.tasks), key=lambda s: s[1] - s[0])

    def task_at(offset: int) -> str | None:
        return next((task_id for start, end, task_id in spans if start <= offset < end), None)

    tasks = [
        {
            "id": task_ids[id(t)],
            "document_id": document_id,
            "parent_id": task_ids[id(t.parent)] if t.parent is not None else None,
            "label": t.label,
            "ordinal": t.ordinal,
            "level": t.level,
            "section": t.section,
            "assignee": t.assignee,
            "text": t.text,
            "start": t.start,
            "end": t.end,
            "rule_id": t.rule_id,
            "extractor_version": version,
        }
        for t in extraction.tasks
    ]

    def with_ids(kind: str, items) -> list[dict]:
        rows = []
        for item in items:
            row = dict(vars(item))  # fields are plain values: no deep copy needed
            row.update(
                id=store.stable_id(document_id, kind, item.start, item.end),
                document_id=document_id,
                extractor_version=version,
            )
            if kind in ("indicator", "deadline", "party"):
                row["task_id"] = task_at(item.start)
            rows.append(row)
        return rows

    flags = [
        {
            "id": store.stable_id(document_id, "flag", f.code, f.start, f.end),
            "document_id": document_id,
            "code": f.code,
            "message": f.message,
            "start": f.start,
            "end": f.end,
            "extractor_version": version,
        }
        for f in extraction.flags
    ]
    return {
        "tasks_extracted": tasks,
        "indicators_extracted": with_ids("indicator", extraction.indicators),
        "deadlines_extracted": with_ids("deadline", extraction.deadlines),
        "citations_extracted": with_ids("citation", extraction.citations),
        "parties_extracted": with_ids("party", extraction.parties),
        "quality_flags": flags,
    }


def process_batch(items: list[SourceFile], db_path: str | Path) -> ProcessedBatch:
    """Process files, skipping those whose bytes and extractor version are already stored,
    and pack the rows extracted for the writer. Only reads the store, so worker processes
    can run this side by side."""
    db = store.open_reader(db_path)
    try:
        raw_dir = raw_dir_for(db_path)
        known = [store.known_version(db, store.stable_id(item.url)) if db else None for item in items]
    finally:
        if db:
            db.close()
    outcomes = process_all(items, known, raw_dir)
    return ProcessedBatch([replace(outcome, rows={}, pages=[], links=[]) for outcome in outcomes], pack(outcomes))


def pack(outcomes: list[Outcome]) -> bytes | None:
    """The rows of the documents to store, by store table, as a database image."""
    stored = [outcome for outcome in outcomes if outcome.status in ("new", "changed")]
    tables = {
        table: [row for outcome in stored for row in outcome.rows.get(table, [])] for table in store.ROW_TABLES.values()
    }
    tables["pages"] = [page for outcome in stored for page in outcome.pages]
    tables["document_signatures"] = [
        {"document_id": outcome.document["id"], "minhash": duplicates.encode(outcome.signature)}
        for outcome in stored
        if outcome.signature is not None
    ]
    tables["document_bands"] = [
        {"key": key, "document_id": outcome.document["id"]} for outcome in stored for key in outcome.bands
    ]
    tables["document_links"] = [
        {**link, "from_document_id": outcome.document["id"], "to_document_id": None}
        for outcome in stored
        for link in outcome.links
    ]
    return packed.pack(tables)


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
    summary.seconds["store"] += time.perf_counter() - started
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
    summary.seconds["index"] += time.perf_counter() - started
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
        for batch in batches(items, batch_size):
            writer.add(process_batch(batch, db_path))
        writer.flush()
    return writer.summary


def merge(total: Summary, part: Summary) -> None:
    total.documents.update(part.documents)
    total.rows.update(part.rows)
    total.errors.extend(part.errors)
    total.seconds.update(part.seconds)
