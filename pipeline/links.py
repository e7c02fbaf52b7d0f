"""Links between stored documents: replaces/amends/implements/cites by number, and
duplicate_of for reposted copies; resolved again after every batch, so a target
ingested later is found."""

from collections import Counter
from itertools import groupby

import sqlite_utils

from . import duplicates, store

# The relations this module writes; others in document_links (attachments) are left alone.
RELATIONS = ("replaces", "amends", "implements", "cites", "duplicate_of")
# The documents of every band, oldest first: each band's rows come in that order from the
# index on (key, ingested_at, document_id), and SQLite merges them as they are read.
_SHARING_A_BAND = (" UNION ALL ".join(["SELECT ingested_at, document_id FROM document_bands WHERE key = ?"]
                                      * duplicates.BANDS) + " ORDER BY 1, 2")
_CANDIDATE = """SELECT d.canonical_id, s.minhash FROM documents d JOIN document_signatures s ON s.document_id = d.id
                WHERE d.id = ? AND coalesce(d.canonical_id, d.id) != ?
                AND (d.doc_number IS NULL OR ? IS NULL OR upper(d.doc_number) = upper(?))"""


def canonical_of(db: sqlite_utils.Database, document: dict, signature: list[int] | None,
                 ignore: frozenset = frozenset()) -> str | None:
    """The id of a stored document whose text this one repeats, if any: compared with the
    documents that share enough MinHash bands with it (duplicates.SHARED_BANDS), not with all,
    oldest first (ingested_at, then id); the first alike enough answers, so a copy of an
    article reposted a thousand times reads the original, not every copy. Documents in
    `ignore` are passed over.

    Documents with different numbers of their own are different documents, however
    alike (a Công điện and the one that replaces it)."""
    if signature is None:
        return None
    number = document.get("doc_number")
    rows = db.execute(_SHARING_A_BAND, duplicates.band_keys(signature))
    for other_id, bands in groupby(other_id for _, other_id in rows):  # a document's bands come together
        if sum(1 for _ in bands) < duplicates.SHARED_BANDS or other_id in ignore:
            continue
        row = db.execute(_CANDIDATE, [other_id, document["id"], number, number]).fetchone()
        if row and duplicates.similarity(signature, duplicates.decode(row[1])) >= duplicates.THRESHOLD:
            return row[0] or other_id
    return None


def canonical_ids(db: sqlite_utils.Database, batch: list[tuple[dict, list[int] | None]]) -> list[str | None]:
    """`canonical_of` for each (document, signature) of a batch about to be stored, in order:
    compared with the stored documents first, then with those before it in the batch."""
    ids = frozenset(document["id"] for document, _ in batch)
    found: list[str | None] = []
    by_band: dict[str, list[int]] = {}
    for index, (document, signature) in enumerate(batch):
        canonical = canonical_of(db, document, signature, ignore=ids)
        keys = duplicates.band_keys(signature) if signature is not None else []
        if canonical is None:
            shared = Counter(earlier for key in keys for earlier in by_band.get(key, ()))
            originals = ((found[earlier] or batch[earlier][0]["id"], earlier) for earlier in sorted(shared)
                         if shared[earlier] >= duplicates.SHARED_BANDS)
            canonical = next((original for original, earlier in originals
                              if original != document["id"] and _alike(document, signature, *batch[earlier])), None)
        for key in keys:
            by_band.setdefault(key, []).append(index)
        found.append(canonical)
    return found


def _alike(document: dict, signature: list[int], other: dict, other_signature: list[int]) -> bool:
    numbers = document.get("doc_number"), other.get("doc_number")
    return (other["id"] != document["id"] and (None in numbers or numbers[0].upper() == numbers[1].upper())
            and duplicates.similarity(signature, other_signature) >= duplicates.THRESHOLD)


def store_links(db: sqlite_utils.Database, stored: list[tuple[str, list[dict], list[int] | None, str | None]],
                ingested_at: dict[str, str]) -> None:
    """Replace the outgoing links and the signatures of (document id, links, signature,
    canonical id or None) inside the caller's transaction; `ingested_at` by document id
    goes on each band row. Old bands are found by their keys, from the old signatures."""
    ids = [document_id for document_id, _, _, _ in stored]
    store.execute_in(db, "DELETE FROM document_links WHERE from_document_id IN ({}) AND relation IN "
                        f"({', '.join(repr(relation) for relation in RELATIONS)})", ids)
    replaced = store.execute_in(db, "SELECT document_id, minhash FROM document_signatures WHERE document_id IN ({})", ids)
    db.conn.executemany("DELETE FROM document_bands WHERE key = ? AND document_id = ?",
                        [(key, document_id) for document_id, minhash in replaced
                         for key in duplicates.band_keys(duplicates.decode(minhash))])
    store.execute_in(db, "DELETE FROM document_signatures WHERE document_id IN ({})", ids)
    rows = [{**link, "from_document_id": document_id, "to_document_id": None}
            for document_id, links, _, _ in stored for link in links]
    rows += [{"from_document_id": document_id, "to_number": None, "to_document_id": canonical_id,
              "relation": "duplicate_of", "start": None, "end": None}
             for document_id, _, _, canonical_id in stored if canonical_id]
    store.insert_rows(db, "document_links", rows)
    signed = [(document_id, signature) for document_id, _, signature, _ in stored if signature is not None]
    db.conn.executemany("INSERT INTO document_signatures (document_id, minhash) VALUES (?, ?)",
                        [(document_id, duplicates.encode(signature)) for document_id, signature in signed])
    db.conn.executemany("INSERT INTO document_bands (document_id, key, ingested_at) VALUES (?, ?, ?)",
                        [(document_id, key, ingested_at.get(document_id))
                         for document_id, signature in signed for key in duplicates.band_keys(signature)])


def resolve(db: sqlite_utils.Database, stored: list[str]) -> None:
    """Point links at the stored documents that carry their numbers, and mark replaced
    documents with the id of the one that replaces them, inside the caller's transaction
    (the one that stores `stored`). Only what the documents just `stored` can change is
    read, each part through an index: links from or to them, links still unresolved whose
    number one of them carries, the documents they replace or that named one of them as
    their replacement; so the work per batch does not grow with the store."""
    marks = ", ".join("?" * len(stored))
    # OR IGNORE: a link that would repeat an existing (from, to, relation) stays unresolved.
    db.execute(f"""UPDATE OR IGNORE document_links SET to_document_id = (
                      SELECT d.id FROM documents d WHERE upper(d.doc_number) = upper(document_links.to_number)
                      AND d.id != document_links.from_document_id ORDER BY d.ingested_at LIMIT 1)
                  WHERE to_number IS NOT NULL AND rowid IN (
                      SELECT rowid FROM document_links WHERE from_document_id IN ({marks})
                      UNION SELECT rowid FROM document_links WHERE to_document_id IN ({marks})
                      UNION SELECT l.rowid FROM documents d JOIN document_links l
                                ON upper(l.to_number) = upper(d.doc_number)
                            WHERE d.id IN ({marks}) AND l.to_document_id IS NULL)""", stored * 3)
    db.execute(f"""UPDATE documents SET superseded_by = (
                      SELECT l.from_document_id FROM document_links l
                      WHERE l.relation = 'replaces' AND l.to_document_id = documents.id LIMIT 1)
                  WHERE id IN (
                      SELECT id FROM documents WHERE id IN ({marks}) OR superseded_by IN ({marks})
                      UNION SELECT to_document_id FROM document_links WHERE relation = 'replaces'
                            AND (from_document_id IN ({marks}) OR to_document_id IN ({marks})))""", stored * 4)
