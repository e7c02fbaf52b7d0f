"""Links between stored documents: replaces/amends/implements/cites by number, and
duplicate_of for reposted copies; resolved again after every batch, so a target
ingested later is found."""

import json
from collections import Counter
from typing import NamedTuple

import sqlite_utils

from pipeline.store import duplicates
from pipeline.store import packed
from pipeline.store import writes

# The relations this module writes; others in document_links (attachments) are left alone.
RELATIONS = ("replaces", "amends", "implements", "cites", "duplicate_of")
# The stored documents sharing at least SHARED_BANDS bands with each document of a batch
# (its position in the JSON array of the batch's band keys).
_SHARING_BANDS = f"""SELECT batch.key, b.document_id FROM json_each(?) batch, json_each(batch.value) own
                     JOIN document_bands b ON b.key = own.value
                     GROUP BY batch.key, b.document_id HAVING count(*) >= {duplicates.SHARED_BANDS}"""
_CANDIDATES = """SELECT d.id, coalesce(d.canonical_id, d.id), d.doc_number, d.ingested_at, s.minhash
                 FROM documents d JOIN document_signatures s ON s.document_id = d.id WHERE d.id IN ({})"""


class _Stored(NamedTuple):
    """A stored document that shares bands with one of the batch's."""
    canonical_id: str  # its original's id, or its own
    document: dict  # its id and doc_number, as `_alike` reads them
    signature: list[int]
    ingested_at: str


def canonical_ids(db: sqlite_utils.Database, batch: list[tuple[dict, list[int] | None, list[int]]]) -> list[str | None]:
    """For each (document, signature, band keys) of a batch about to be stored, in order:
    the id of the original it repeats, if any. A document is compared with the stored
    originals that share enough MinHash bands with it (duplicates.SHARED_BANDS), not with
    all, oldest first, and the first alike enough answers; then with the documents before
    it in the batch. Only originals have bands stored (`ingest.store_documents`), so a copy of an
    article reposted a thousand times reads the original, not every copy. Documents of the
    batch already stored are passed over.

    Documents with different numbers of their own are different documents, however
    alike (a Công điện and the one that replaces it)."""
    ids = frozenset(document["id"] for document, _, _ in batch)
    sharing: dict[int, list[str]] = {}
    for position, other_id in db.execute(_SHARING_BANDS, [json.dumps([bands for _, _, bands in batch])]):
        if other_id not in ids:
            sharing.setdefault(position, []).append(other_id)
    stored = {other_id: _Stored(original, {"id": other_id, "doc_number": number}, duplicates.decode(minhash),
                                ingested_at or "")
              for other_id, original, number, ingested_at, minhash
              in writes.execute_in(db, _CANDIDATES, list({i for found in sharing.values() for i in found}))}
    found: list[str | None] = []
    by_band: dict[int, list[int]] = {}
    for index, (document, signature, bands) in enumerate(batch):
        oldest_first = sorted(sharing.get(index, ()), key=lambda other_id: (stored[other_id].ingested_at, other_id))
        canonical = next((other.canonical_id for other in (stored[other_id] for other_id in oldest_first)
                          if other.canonical_id != document["id"]
                          and _alike(document, signature, other.document, other.signature)), None)
        if canonical is None:
            shared = Counter(earlier for key in bands for earlier in by_band.get(key, ()))
            originals = ((found[earlier] or batch[earlier][0]["id"], earlier) for earlier in sorted(shared)
                         if shared[earlier] >= duplicates.SHARED_BANDS)
            canonical = next((original for original, earlier in originals
                              if original != document["id"] and _alike(document, signature, *batch[earlier][:2])),
                             None)
        for key in bands:
            by_band.setdefault(key, []).append(index)
        found.append(canonical)
    return found


def _alike(document: dict, signature: list[int] | None, other: dict, other_signature: list[int] | None) -> bool:
    if signature is None or other_signature is None:  # no text to compare: never a copy
        return False
    number, other_number = document.get("doc_number"), other.get("doc_number")
    return (other["id"] != document["id"]
            and (number is None or other_number is None or number.upper() == other_number.upper())
            and duplicates.similarity(signature, other_signature) >= duplicates.THRESHOLD)


def store_links(db: sqlite_utils.Database, document_ids: list[str], copies: dict[str, str],
                schemas: list[str]) -> None:
    """Replace the outgoing links, signatures and bands of the documents `document_ids`
    inside the caller's transaction, with those packed for them in the images attached as
    `schemas`, and link each of the `copies` (document id: its original's) to its
    original. Only an original's bands are stored: a copy is found through its original.
    Old bands are found by their keys, from the old signatures."""
    writes.execute_in(db, "DELETE FROM document_links WHERE from_document_id IN ({}) AND relation IN "
                        f"({', '.join(repr(relation) for relation in RELATIONS)})", document_ids)
    replaced = writes.execute_in(db, "SELECT document_id, minhash FROM document_signatures WHERE document_id IN ({})",
                                document_ids)
    db.conn.executemany("DELETE FROM document_bands WHERE key = ? AND document_id = ?",
                        [(key, document_id) for document_id, minhash in replaced
                         for key in duplicates.band_keys(duplicates.decode(minhash))])
    writes.execute_in(db, "DELETE FROM document_signatures WHERE document_id IN ({})", document_ids)
    for schema in schemas:
        for table in ("document_links", "document_signatures"):
            packed.copy(db, schema, table)
        packed.copy(db, schema, "document_bands", leaving_out=list(copies))
    writes.insert_rows(db, "document_links", [{"from_document_id": document_id, "to_document_id": original,
                                              "relation": "duplicate_of"} for document_id, original in copies.items()])


def resolve(db: sqlite_utils.Database, stored: list[str]) -> None:
    """Point links at the stored documents that carry their numbers, and mark replaced
    documents with the id of the one that replaces them, inside the caller's transaction
    (the one that stores `stored`). Only what the documents just `stored` can change is
    read, each part through an index: links from or to them, links still unresolved whose
    number one of them carries, the documents they replace or that named one of them as
    their replacement; so the work per batch does not grow with the store. (CROSS JOIN
    keeps the batch's documents as the outer loop: for a batch of many documents SQLite
    otherwise went in by `to_document_id IS NULL`, through every unresolved link.)"""
    marks = ", ".join("?" * len(stored))
    # OR IGNORE: a link that would repeat an existing (from, to, relation) stays unresolved.
    db.execute(f"""UPDATE OR IGNORE document_links SET to_document_id = (
                      SELECT d.id FROM documents d WHERE upper(d.doc_number) = upper(document_links.to_number)
                      AND d.id != document_links.from_document_id ORDER BY d.ingested_at LIMIT 1)
                  WHERE to_number IS NOT NULL AND rowid IN (
                      SELECT rowid FROM document_links WHERE from_document_id IN ({marks})
                      UNION SELECT rowid FROM document_links WHERE to_document_id IN ({marks})
                      UNION SELECT l.rowid FROM documents d CROSS JOIN document_links l
                                ON upper(l.to_number) = upper(d.doc_number)
                            WHERE d.id IN ({marks}) AND l.to_document_id IS NULL)""", stored * 3)
    db.execute(f"""UPDATE documents SET superseded_by = (
                      SELECT l.from_document_id FROM document_links l
                      WHERE l.relation = 'replaces' AND l.to_document_id = documents.id LIMIT 1)
                  WHERE id IN (
                      SELECT id FROM documents WHERE id IN ({marks}) OR superseded_by IN ({marks})
                      UNION SELECT to_document_id FROM document_links WHERE relation = 'replaces'
                            AND (from_document_id IN ({marks}) OR to_document_id IN ({marks})))""", stored * 4)
