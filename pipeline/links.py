"""Links between stored documents: replaces/amends/implements/cites by number, and
duplicate_of for reposted copies; resolved again after every batch, so a target
ingested later is found."""

import sqlite_utils

from . import duplicates

# The relations this module writes; others in document_links (attachments) are left alone.
RELATIONS = ("replaces", "amends", "implements", "cites", "duplicate_of")


def canonical_of(db: sqlite_utils.Database, document: dict, signature: list[int] | None) -> str | None:
    """The id of a stored document whose text this one repeats, if any: compared with the
    documents that share a MinHash band with it (duplicates.band_keys), not with all.

    Documents with different numbers of their own are different documents, however
    alike (a Công điện and the one that replaces it)."""
    if signature is None:
        return None
    keys = duplicates.band_keys(signature)
    rows = db.execute(
        f"""SELECT s.document_id, s.minhash, d.canonical_id FROM document_signatures s
           JOIN documents d ON d.id = s.document_id
           WHERE s.document_id IN (SELECT document_id FROM document_bands WHERE key IN ({', '.join('?' * len(keys))}))
           AND coalesce(d.canonical_id, d.id) != ? AND (d.doc_number IS NULL OR ? IS NULL OR upper(d.doc_number) = upper(?))
           ORDER BY d.ingested_at, d.id""",
        [*keys, document["id"], document.get("doc_number"), document.get("doc_number")]).fetchall()
    for other_id, stored, other_canonical in rows:
        if duplicates.similarity(signature, duplicates.decode(stored)) >= duplicates.THRESHOLD:
            return other_canonical or other_id
    return None


def store_links(db: sqlite_utils.Database, document_id: str, links: list[dict], signature: list[int] | None,
                canonical_id: str | None) -> None:
    """Replace a document's outgoing links and its signature (inside the caller's transaction)."""
    db.execute(f"DELETE FROM document_links WHERE from_document_id = ? AND relation IN ({', '.join('?' * len(RELATIONS))})",
               [document_id, *RELATIONS])
    rows = [{**link, "from_document_id": document_id, "to_document_id": None} for link in links]
    if canonical_id:
        rows.append({"from_document_id": document_id, "to_number": None, "to_document_id": canonical_id,
                     "relation": "duplicate_of", "start": None, "end": None})
    db["document_links"].insert_all(rows)
    db.execute("DELETE FROM document_signatures WHERE document_id = ?", [document_id])
    db.execute("DELETE FROM document_bands WHERE document_id = ?", [document_id])
    if signature is not None:
        db["document_signatures"].insert({"document_id": document_id, "minhash": duplicates.encode(signature)})
        db["document_bands"].insert_all({"document_id": document_id, "key": key} for key in duplicates.band_keys(signature))


def resolve(db: sqlite_utils.Database, stored: list[str]) -> None:
    """Point links at the stored documents that carry their numbers, and mark replaced
    documents with the id of the one that replaces them. Only links still unresolved or
    touching the documents just `stored` can change: the others are left as they are, so
    the work per batch does not grow with the store."""
    marks = ", ".join("?" * len(stored))
    with db.conn:
        # OR IGNORE: a link that would repeat an existing (from, to, relation) stays unresolved.
        db.execute(f"""UPDATE OR IGNORE document_links SET to_document_id = (
                          SELECT d.id FROM documents d WHERE upper(d.doc_number) = upper(document_links.to_number)
                          AND d.id != document_links.from_document_id ORDER BY d.ingested_at LIMIT 1)
                      WHERE to_number IS NOT NULL AND (to_document_id IS NULL OR to_document_id IN ({marks})
                                                       OR from_document_id IN ({marks}))""", [*stored, *stored])
        db.execute("""UPDATE documents SET superseded_by = (
                          SELECT l.from_document_id FROM document_links l
                          WHERE l.relation = 'replaces' AND l.to_document_id = documents.id LIMIT 1)
                      WHERE superseded_by IS NOT NULL
                         OR id IN (SELECT to_document_id FROM document_links WHERE relation = 'replaces')""")
