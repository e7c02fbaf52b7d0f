"""Full-text search (SQLite FTS5) over documents, tasks and indicator sentences.

Vietnamese needs two columns. `unicode61` with its default `remove_diacritics 1` strips
some marks and not others ("tỉnh" matches "tính", "mới" does not match "môi"), so the
index keeps diacritics (`remove_diacritics 0`) in `text` (exact search; tone marks moved
to one convention, so "hoà" finds "hòa") and adds `folded`: the same text with every
diacritic removed and đ -> d, folded here in Python (accent-insensitive search).
Both columns have the length of the original, so a hit's offsets are offsets into it.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass

import sqlite_utils

from .normalize import fold_tones, nfc

TABLE = "search_index"
_CREATE = (f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
           "kind UNINDEXED, ref_id UNINDEXED, document_id UNINDEXED, text, folded, "
           "tokenize = 'unicode61 remove_diacritics 0')")
_TOKEN = re.compile(r"\w+")
_QUOTED = re.compile(r'"([^"]*)"')


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    base = {"đ": "d", "Đ": "D"}.get(base, base)
    return base if len(base) == 1 else char


def fold_accents(text: str) -> str:
    """Remove every Vietnamese diacritic and đ -> d, one character for one: "Đồng" -> "Dong"."""
    return "".join(_fold_char(c) for c in text)


def exact_form(text: str) -> str:
    """NFC with the old-style tone placement: what the `text` column holds."""
    return fold_tones(nfc(text))


def create_index(db: sqlite_utils.Database) -> None:
    """Create the index and fill it from the documents already stored."""
    db.execute(_CREATE)
    for (document_id,) in db.execute("SELECT id FROM documents").fetchall():
        refresh_search(db, document_id)


def refresh_search(db: sqlite_utils.Database, document_id: str) -> None:
    """Re-index one document from the public views; call after any write or correction."""
    db.execute(f"DELETE FROM {TABLE} WHERE document_id = ?", [document_id])
    rows = db.execute("""
        SELECT 'document', id, id, coalesce(title, '') || char(10) || coalesce(text, '')
        FROM documents WHERE id = ? AND (title IS NOT NULL OR text IS NOT NULL)
        UNION ALL SELECT 'task', id, document_id, text FROM tasks WHERE document_id = ?
        UNION ALL SELECT 'indicator', min(id), document_id, sentence FROM indicators
                  WHERE document_id = ? AND sentence IS NOT NULL GROUP BY sentence""",
                      [document_id] * 3).fetchall()
    db.conn.executemany(f"INSERT INTO {TABLE} (kind, ref_id, document_id, text, folded) VALUES (?, ?, ?, ?, ?)",
                        [(kind, ref, doc, exact_form(text), fold_accents(exact_form(text)))
                         for kind, ref, doc, text in rows if text])


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


def search(db: sqlite_utils.Database, query: str, accents: bool = True, province: str | None = None,
           since: str | None = None, kinds: tuple[str, ...] | None = None, limit: int = 20) -> list[Hit]:
    """Best matches first (bm25). `province` matches the province or the current province."""
    phrases = parse_query(query)
    if not phrases:
        return []
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
