"""Explain a document: its stored text with every extracted span highlighted and the
rule that produced it, for the terminal (rich) or as a standalone HTML page."""

import html
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text

from pipeline.errors import DirectivesError
from pipeline.store import open_db

# kind -> (rich style, HTML colour)
STYLES = {
    "indicator": ("bold black on yellow", "#fff3a3"),
    "deadline": ("bold white on blue", "#b9d7ff"),
    "citation": ("bold black on green", "#c4f0c4"),
    "party": ("bold white on magenta", "#f2c4f0"),
    "task": ("bold cyan", "#e0e0e0"),
}


class DocumentNotFound(DirectivesError):
    """No stored document matches an id, name or URL."""


@dataclass(frozen=True)
class Span:
    kind: str
    start: int
    end: int
    rule_id: str
    detail: str


_QUERIES = {
    # the kind and the name, each with the step that decided it (kind_basis, name_basis)
    "indicator": "SELECT start, end, rule_id, printf('%g %s %s %s [%s] · %s [%s] · %s', value, unit, comparator, kind, "
    "coalesce(kind_basis, '-'), name, coalesce(name_basis, '-'), coalesce(category, '-')) "
    "FROM indicators WHERE document_id = ?",
    "deadline": "SELECT start, end, rule_id, coalesce(start_date, '…') || ' – ' || coalesce(end_date, '…') "
    "FROM deadlines WHERE document_id = ?",
    "citation": "SELECT start, end, rule_id, doc_type || ' ' || number FROM citations WHERE document_id = ?",
    "party": "SELECT start, end, rule_id, party || ' (' || role || ')' FROM parties WHERE document_id = ?",
    # a task is marked at its start: its label, and its assignee when known
    "task": "SELECT start, start, rule_id, label || coalesce(' → ' || assignee, '') FROM tasks WHERE document_id = ?",
}


def find_document(db, key: str) -> dict:
    """A document by id, URL or file name, else by a unique name prefix ('003')."""
    rows = db.execute(
        "SELECT id, name, url, title, text FROM documents WHERE id = ? OR url = ? OR name = ?", [key, key, key]
    ).fetchall()
    if not rows:
        rows = db.execute("SELECT id, name, url, title, text FROM documents WHERE name LIKE ? || '%'", [key]).fetchall()
    if len(rows) != 1:
        names = ", ".join(row[1] for row in rows[:5])
        reason = f"matches {len(rows)} documents ({names})" if rows else "no document with this id, URL or name"
        raise DocumentNotFound(f"{key}: {reason}")
    return dict(zip(("id", "name", "url", "title", "text"), rows[0]))


def explain(db_path, key: str) -> tuple[dict, list[Span]]:
    """A document and its extracted spans, in text order."""
    db = open_db(db_path)
    try:
        document = find_document(db, key)
        spans = [
            Span(kind, start, end, rule_id, detail)
            for kind, sql in _QUERIES.items()
            for start, end, rule_id, detail in db.execute(sql, [document["id"]]).fetchall()
        ]
    finally:
        db.close()
    return document, sorted(spans, key=lambda s: (s.start, -s.end))


def _pieces(text: str, spans: list[Span]):
    """(piece of text, spans covering it, spans ending after it, tasks marked before it)."""
    cuts = sorted({0, len(text)} | {s.start for s in spans} | {s.end for s in spans})
    for left, right in zip(cuts, cuts[1:] + [None]):
        marks = [s for s in spans if s.kind == "task" and s.start == left]
        if right is None:
            yield "", [], [], marks
            break
        covering = [s for s in spans if s.kind != "task" and s.start <= left and right <= s.end]
        ending = [s for s in covering if s.end == right]
        yield text[left:right], covering, ending, marks


def to_rich(text: str, spans: list[Span]) -> Text:
    out = Text()
    for piece, covering, ending, marks in _pieces(text, spans):
        for mark in marks:
            out.append(f"[{mark.detail} {mark.rule_id}]", style=STYLES["task"][0])
        out.append(piece, style=STYLES[covering[-1].kind][0] if covering else None)
        for span in ending:
            out.append(f"⟨{span.rule_id}: {span.detail}⟩", style="dim")
    return out


def to_html(document: dict, spans: list[Span]) -> str:
    """A standalone page: spans as <mark> with the rule id after them and details on hover."""
    body = []
    for piece, covering, ending, marks in _pieces(document["text"], spans):
        for mark in marks:
            body.append(f'<span class="task" title="{html.escape(mark.rule_id)}">[{html.escape(mark.detail)}]</span>')
        chunk = html.escape(piece)
        for span in reversed(covering):
            chunk = f'<mark class="{span.kind}" title="{html.escape(span.rule_id + ": " + span.detail)}">{chunk}</mark>'
        body.append(chunk)
        for span in ending:
            body.append(f'<sup class="{span.kind}">{html.escape(span.rule_id)}</sup>')
    css = "".join(
        f"mark.{kind}, sup.{kind}, span.{kind} {{background: {colour}}}\n" for kind, (_, colour) in STYLES.items()
    )
    legend = " ".join(f'<mark class="{kind}">{kind}</mark>' for kind in STYLES)
    title = html.escape(document["title"] or document["name"] or document["id"])
    return (
        f'<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8"><title>{title}</title>\n'
        f"<style>body {{font-family: sans-serif; max-width: 60em; margin: 2em auto}}\n"
        f"pre {{white-space: pre-wrap; line-height: 1.6}} sup {{font-size: 0.7em}}\n{css}</style></head>\n"
        f"<body><h1>{title}</h1><p>{html.escape(document['url'])}</p><p>{legend}</p>\n"
        f"<pre>{''.join(body)}</pre></body></html>\n"
    )


def write_html(document: dict, spans: list[Span], path: str | Path) -> Path:
    path = Path(path)
    path.write_text(to_html(document, spans), encoding="utf-8")
    return path
