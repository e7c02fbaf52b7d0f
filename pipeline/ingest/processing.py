"""Processing one input: archive, parse, extract, in a time-boxed child; and packing a batch's rows for the writer."""

import threading
from collections.abc import Iterable, Iterator
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
from pipeline.settings import limits, raw_dir_for
from pipeline.store import duplicates, packed
from pipeline.store.archive import archive, sha256
from pipeline.text.nlp import Segmenter


@dataclass
class Outcome:
    """What became of one input: its status and the rows to store."""

    status: str
    url: str
    document: dict = field(default_factory=dict)  # empty for an unchanged input
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
    return _stored_outcome(item, "changed" if known else "new", base, parsed, extraction)


def _stored_outcome(item: SourceFile, status: str, base: dict, parsed, extraction) -> Outcome:
    """A parsed and extracted input as the rows to store: its document row (metadata, own
    number), pages, extracted rows, references to other documents, MinHash signature."""
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
        {"document_id": base["id"], "page": p.number, "start": p.start, "end": p.end, "confidence": p.confidence}
        for p in parsed.pages
    ]
    references = [
        {"to_number": r.number, "relation": r.relation, "start": r.start, "end": r.end}
        for r in identity.references(parsed.text, own.doc_number)
    ]
    signature = duplicates.signature(parsed.text)
    return Outcome(
        status,
        item.url,
        document,
        pages,
        rows_of(base["id"], extraction),
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
        answers = box.map(process, [(item, version, raw_dir) for item, version in zip(items, known)], seconds)
    return [_outcome_of(item, answer) for item, answer in zip(items, answers)]


def _outcome_of(item, answer) -> Outcome:
    """What the child answered for `item`: its outcome, or an error naming where it stopped."""
    if isinstance(answer, timebox.Stopped):
        return failed(item, answer.reason)
    if isinstance(answer, RuntimeError):  # what process raised: a bug, not the input's fault; say where
        return failed(item, str(answer))
    return answer  # type: ignore[no-any-return]


_WARM: list[bool] = []  # set once the models are loaded
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

    return {
        "tasks_extracted": tasks,
        "indicators_extracted": with_ids("indicator", extraction.indicators),
        "deadlines_extracted": with_ids("deadline", extraction.deadlines),
        "citations_extracted": with_ids("citation", extraction.citations),
        "parties_extracted": with_ids("party", extraction.parties),
        "quality_flags": _flag_rows(document_id, extraction.flags, version),
    }


def _flag_rows(document_id: str, flags: list, version: str) -> list[dict]:
    return [
        {
            "id": store.stable_id(document_id, "flag", f.code, f.start, f.end),
            "document_id": document_id,
            "code": f.code,
            "message": f.message,
            "start": f.start,
            "end": f.end,
            "extractor_version": version,
        }
        for f in flags
    ]


def process_batch(items: list[SourceFile], db_path: str | Path) -> ProcessedBatch:
    """Process files, skipping those whose bytes and extractor version are already stored,
    and pack the rows extracted for the writer. Only reads the store, so worker processes
    can run this side by side."""
    return _packed(process_all(items, _known(items, db_path), raw_dir_for(db_path)))


def process_batches(batches: Iterable[list[SourceFile]], db_path: str | Path) -> Iterator[ProcessedBatch]:
    """`process_batch` for each batch, in order; in a time-boxed child, each batch is sent to
    it before the one before is handed over, so that the child processes it while the caller
    stores that one (what is stored of a batch is looked up before the batch before is stored,
    as when workers process batches)."""
    seconds = limits().document_seconds
    if not seconds or not timebox.available():
        yield from (process_batch(batch, db_path) for batch in batches)
        return
    warm_up()
    raw_dir = raw_dir_for(db_path)
    with timebox.Timebox() as box:
        sent: list[SourceFile] | None = None
        for batch in batches:
            box.submit(process, [(item, version, raw_dir) for item, version in zip(batch, _known(batch, db_path))])
            if sent is not None:
                yield _packed([_outcome_of(item, box.answer(seconds)) for item in sent])
            sent = batch
        if sent is not None:
            yield _packed([_outcome_of(item, box.answer(seconds)) for item in sent])


def _known(items: list[SourceFile], db_path: str | Path) -> list[tuple | None]:
    """What is stored of each item (store.known_version), None for each if nothing is."""
    db = store.open_reader(db_path)
    if not db:
        return [None] * len(items)
    try:
        return [store.known_version(db, store.stable_id(item.url)) for item in items]
    finally:
        db.close()


def _packed(outcomes: list[Outcome]) -> ProcessedBatch:
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
