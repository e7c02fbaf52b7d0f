"""Full-text search (SQLite FTS5) over documents, tasks and indicator sentences.

Vietnamese needs two columns. `unicode61` with its default `remove_diacritics 1` strips
some marks and not others ("tỉnh" matches "tính", "mới" does not match "môi"), so the
index keeps diacritics (`remove_diacritics 0`) in `text` (exact search; tone marks moved
to one convention, so "hoà" finds "hòa") and adds `folded`: the same text with every
diacritic removed and đ -> d, folded here in Python (accent-insensitive search).
Both columns have the length of the original, so a hit's offsets are offsets into it.
A query typed without any diacritic ("giai ngan", as many people type) searches `folded`
unless told otherwise; a query with one searches `text`, so "tỉnh" never finds "tính".
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sqlite_utils

from pipeline.store import connection
from pipeline.text.normalize import fold_tones, nfc

TABLE = "search_index"
_CREATE = (f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
           "kind UNINDEXED, ref_id UNINDEXED, document_id UNINDEXED, text, folded, "
           "tokenize = 'unicode61 remove_diacritics 0')")
_TOKEN = re.compile(r"\w+")
_QUOTED = re.compile(r'"([^"]*)"')


class _FoldTable(dict):
    """A `str.translate` table filled on first sight of each character (C speed after that)."""

    def __missing__(self, code: int) -> int:
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
        base = {"đ": "d", "Đ": "D"}.get(base, base)
        self[code] = ord(base) if len(base) == 1 else code
        return self[code]


_FOLD = _FoldTable()


@lru_cache(maxsize=1)
def _fold_array() -> np.ndarray:
    """`_FOLD` for the whole Basic Multilingual Plane, as an array indexed by code point.
    A character without a canonical decomposition folds to itself, except đ and Đ."""
    table = np.arange(0x10000, dtype=np.uint32)
    plane = table[(table < 0xD800) | (table >= 0xE000)].tobytes().decode("utf-32-le")
    for char in [*filter(unicodedata.decomposition, plane), "đ", "Đ"]:
        table[ord(char)] = _FOLD[ord(char)]
    return table


def fold_accents(text: str) -> str:
    """Remove every Vietnamese diacritic and đ -> d, one character for one: "Đồng" -> "Dong"."""
    return text.translate(_FOLD)


def fold_accents_all(texts: list[str]) -> list[str]:
    """`fold_accents` of each text, all in one pass over their code points (a document's
    worth of text folds several times faster than with `str.translate`)."""
    joined = "".join(texts)
    if joined.isascii():
        return list(texts)
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if codes.max() > 0xFFFF:  # beyond the table: rare enough for the slow way
        return [text.translate(_FOLD) for text in texts]
    folded = _fold_array()[codes].tobytes().decode("utf-32-le", "surrogatepass")
    found, start = [], 0
    for text in texts:
        found.append(folded[start:start + len(text)])
        start += len(text)
    return found


def has_diacritics(text: str) -> bool:
    """Whether the text has a Vietnamese diacritic (or đ): the sign that its writer typed them."""
    return fold_accents(text) != text


def exact_form(text: str) -> str:
    """NFC with the old-style tone placement: what the `text` column holds."""
    return fold_tones(nfc(text))


def create_index(db: sqlite_utils.Database) -> None:
    """Create the index and fill it from the documents already stored."""
    db.execute(_CREATE)
    index_document_ids(db)
    for (document_id,) in db.execute("SELECT id FROM documents").fetchall():
        refresh_search(db, document_id)


def index_document_ids(db: sqlite_utils.Database) -> None:
    """An index on the document ids of the entries, in the table where FTS5 keeps their
    columns (`search_index_content`, column c2 = document_id), so re-indexing a document
    finds its old entries without reading every entry."""
    db.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_document ON {TABLE}_content (c2)")


def create_queue(db: sqlite_utils.Database) -> None:
    """The documents stored but not indexed yet (`queue_documents`, `catch_up`)."""
    db.execute(f"CREATE TABLE IF NOT EXISTS {TABLE}_pending (document_id TEXT PRIMARY KEY)")


def queue_documents(db: sqlite_utils.Database, document_ids: list[str]) -> None:
    """Mark documents for re-indexing, inside the transaction that writes them: the index
    follows at `catch_up`, so storing a batch does not wait for it."""
    db.conn.executemany(f"INSERT OR IGNORE INTO {TABLE}_pending (document_id) VALUES (?)",
                        [(document_id,) for document_id in document_ids])


def catch_up(db: sqlite_utils.Database, chunk: int = 256) -> int:
    """Index the queued documents, a chunk per transaction; how many were indexed."""
    done = 0
    while ids := [row[0] for row in db.execute(f"SELECT document_id FROM {TABLE}_pending LIMIT ?", [chunk])]:
        with connection.transaction(db):
            refresh_documents(db, ids)
            db.conn.executemany(f"DELETE FROM {TABLE}_pending WHERE document_id = ?", [(i,) for i in ids])
        done += len(ids)
    return done


def refresh_search(db: sqlite_utils.Database, document_id: str) -> None:
    """Re-index one document from the public views; call after any write or correction."""
    refresh_documents(db, [document_id])


def refresh_documents(db: sqlite_utils.Database, document_ids: list[str]) -> None:
    """Re-index documents from the public views."""
    for i in range(0, len(document_ids), 300):
        part = document_ids[i:i + 300]
        marks = ", ".join("?" * len(part))
        # old entries by rowid, found through index_document_ids (a `document_id IN` scans every entry)
        db.execute(f"DELETE FROM {TABLE} WHERE rowid IN (SELECT id FROM {TABLE}_content WHERE c2 IN ({marks}))", part)
        rows = db.execute(f"""
            SELECT 'document', id, id, coalesce(title, '') || char(10) || coalesce(text, '')
            FROM documents WHERE id IN ({marks}) AND (title IS NOT NULL OR text IS NOT NULL)
            UNION ALL SELECT 'task', id, document_id, text FROM tasks WHERE document_id IN ({marks})
            UNION ALL SELECT 'indicator', min(id), document_id, sentence FROM indicators
                      WHERE document_id IN ({marks}) AND sentence IS NOT NULL GROUP BY document_id, sentence""",
                          part * 3).fetchall()
        rows = [(kind, ref, doc, exact_form(text)) for kind, ref, doc, text in rows if text]
        db.conn.executemany(f"INSERT INTO {TABLE} (kind, ref_id, document_id, text, folded) VALUES (?, ?, ?, ?, ?)",
                            [(*row, folded) for row, folded in zip(rows, fold_accents_all([row[3] for row in rows]))])


def parse_query(query: str) -> list[list[str]]:
    """Phrases of syllables: quoted parts are phrases and other words single terms; a
    query without quotes is one phrase ("giải ngân" means the two syllables in a row)."""
    query = exact_form(query)
    if '"' not in query:
        phrases = [_TOKEN.findall(query)]
    else:
        phrases = [_TOKEN.findall(part) for part in _QUOTED.findall(query)]
        phrases += [[word] for word in _TOKEN.findall(_QUOTED.sub(" ", query))]
    return [phrase for phrase in phrases if phrase]


def _comparable(text: str, accents: bool) -> str:
    lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return lowered if accents else fold_accents(lowered)


def match_expression(phrases: list[list[str]], accents: bool) -> str:
    column = "text" if accents else "folded"
    return " AND ".join(f'{column} : "{" ".join(_comparable(t, accents) for t in phrase)}"' for phrase in phrases)


@dataclass
class Hit:
    kind: str
    ref_id: str
    document_id: str
    document: str
    province: str | None
    published_date: str | None
    text: str
    spans: list[tuple[int, int]]

    def snippet(self, width: int = 90) -> tuple[str, list[tuple[int, int]]]:
        """Context around the first match and the match spans within it."""
        first = self.spans[0][0] if self.spans else 0
        start = max(0, first - width)
        end = min(len(self.text), first + width)
        prefix = "…" if start else ""
        text = prefix + self.text[start:end].replace("\n", " ") + ("…" if end < len(self.text) else "")
        shift = len(prefix) - start
        return text, [(s + shift, e + shift) for s, e in self.spans if s >= start and e <= end]


def find_spans(text: str, phrases: list[list[str]], accents: bool) -> list[tuple[int, int]]:
    """Where the phrases occur in `text`, compared the way the index compares them."""
    haystack = _comparable(text, accents)
    spans = []
    for phrase in phrases:
        pattern = r"(?<!\w)" + r"\W+".join(re.escape(_comparable(t, accents)) for t in phrase) + r"(?!\w)"
        spans += [m.span() for m in re.finditer(pattern, haystack)]
    return sorted(spans)


def search(db: sqlite_utils.Database, query: str, accents: bool | None = None, province: str | None = None,
           since: str | None = None, kinds: tuple[str, ...] | None = None, limit: int = 20) -> list[Hit]:
    """Best matches first (bm25). `province` matches the province or the current province.
    `accents`: True matches diacritics exactly, False ignores them, None (the default)
    ignores them only when the query has none (`has_diacritics`)."""
    phrases = parse_query(query)
    if not phrases:
        return []
    if accents is None:
        accents = has_diacritics(query)
    sql = f"""SELECT s.kind, s.ref_id, s.document_id, d.name, d.province, d.published_date, s.text
              FROM {TABLE} s JOIN documents d ON d.id = s.document_id
              WHERE {TABLE} MATCH ?"""
    params: list = [match_expression(phrases, accents)]
    if province:
        sql += " AND (d.province = ? OR d.province_current = ?)"
        params += [province, province]
    if since:
        sql += " AND d.published_date >= ?"
        params.append(since)
    if kinds:
        sql += f" AND s.kind IN ({', '.join('?' * len(kinds))})"
        params += list(kinds)
    sql += " ORDER BY bm25(search_index) LIMIT ?"
    params.append(limit)
    return [Hit(*row[:6], text=row[6], spans=find_spans(row[6], phrases, accents))
            for row in db.execute(sql, params).fetchall()]
