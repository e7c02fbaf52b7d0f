"""The store's schema: the tables of extracted rows and their columns (docs/schema.md).

Machine output lives in `*_extracted` tables; the public names (`tasks`, `indicators`,
`deadlines`, `citations`) are views over them, so corrections can be layered on
without changing what researchers query. See docs/schema.md.
"""

EXTRACTED = ("tasks", "indicators", "deadlines", "citations")


# The tables of rows extracted from a document's text, by the name an ingest's counts give
# them: replaced whenever the document is stored again.
ROW_TABLES = {
    "tasks": "tasks_extracted",
    "indicators": "indicators_extracted",
    "deadlines": "deadlines_extracted",
    "citations": "citations_extracted",
    "flags": "quality_flags",
    "parties": "parties_extracted",
}


_COLUMNS: dict[str, dict[str, type]] = {
    "documents": {
        "id": str,
        "url": str,
        "source": str,
        "name": str,
        "title": str,
        "published_date": str,
        "province": str,
        "province_current": str,
        "author": str,
        "kind": str,
        "text": str,
        "content_sha256": str,
        "raw_path": str,
        "status": str,
        "error": str,
        "extractor_version": str,
        "ingested_at": str,
        "updated_at": str,
    },
    "pages": {"document_id": str, "page": int, "start": int, "end": int},
    "tasks_extracted": {
        "id": str,
        "document_id": str,
        "parent_id": str,
        "label": str,
        "ordinal": int,
        "level": int,
        "section": str,
        "text": str,
        "start": int,
        "end": int,
        "rule_id": str,
        "extractor_version": str,
    },
    "indicators_extracted": {
        "id": str,
        "document_id": str,
        "task_id": str,
        "name": str,
        "value": float,
        "value_high": float,
        "unit": str,
        "per": str,
        "comparator": str,
        "kind": str,
        "period_start": str,
        "period_end": str,
        "sentence": str,
        "start": int,
        "end": int,
        "rule_id": str,
        "extractor_version": str,
    },
    "deadlines_extracted": {
        "id": str,
        "document_id": str,
        "task_id": str,
        "text": str,
        "start_date": str,
        "end_date": str,
        "granularity": str,
        "valid": int,
        "note": str,
        "sentence": str,
        "start": int,
        "end": int,
        "rule_id": str,
        "extractor_version": str,
    },
    "citations_extracted": {
        "id": str,
        "document_id": str,
        "number": str,
        "doc_type": str,
        "issued_date": str,
        "text": str,
        "sentence": str,
        "start": int,
        "end": int,
        "rule_id": str,
        "extractor_version": str,
    },
    "quality_flags": {
        "id": str,
        "document_id": str,
        "code": str,
        "message": str,
        "start": int,
        "end": int,
        "extractor_version": str,
    },
}


PARTY_COLUMNS = {
    "id": str,
    "document_id": str,
    "task_id": str,
    "party": str,
    "role": str,
    "sentence": str,
    "start": int,
    "end": int,
    "rule_id": str,
    "extractor_version": str,
}
