"""Reviewed documents as gold JSON (format of GUIDELINES.md), for `directives evaluate`.

A document counts as reviewed when staff corrected or confirmed any of its rows; its gold
file lists every row the public (corrected) views hold for it.
"""

import json
from pathlib import Path

from pipeline.store import open_db

_EVIDENCE_WORDS = 12


def to_gold(db_path, out_dir: str | Path) -> list[Path]:
    """Write one `<document name stem>.json` per reviewed document; the files written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    db = open_db(db_path)
    try:
        documents = list(db.query("SELECT * FROM documents WHERE id IN (SELECT document_id FROM corrected_rows) "
                                  "AND status = 'ok' ORDER BY name"))
        written = []
        for document in documents:
            path = out_dir / f"{Path(document['name']).stem}.json"
            path.write_text(json.dumps(gold_document(db, document), ensure_ascii=False, indent=2) + "\n",
                            encoding="utf-8")
            written.append(path)
        return written
    finally:
        db.close()


def gold_document(db, document: dict) -> dict:
    def rows(view: str) -> list[dict]:
        return list(db.query(f"SELECT * FROM [{view}] WHERE document_id = ? ORDER BY start", [document["id"]]))

    return {
        "document": document["name"],
        "province": document["province"],
        "published_date": document["published_date"],
        "title_contains": document["title"] or "",
        "tasks": [{"label": t["label"], "starts": " ".join((t["text"] or "").split()[:8])} for t in rows("tasks")],
        "task_count_announced": [],
        "indicators": [_indicator(i) for i in rows("indicators")],
        "deadlines": _unique(_deadline(d) for d in rows("deadlines")),
        "references": _unique(_reference(c) for c in rows("citations")),
    }


def _indicator(row: dict) -> dict:
    item = {"value": row["value"], "unit": row["unit"] or "", "comparator": row["comparator"] or "=",
            "kind": row["kind"]}
    if row["value_high"] is not None:
        item["value_high"] = row["value_high"]
    if row["per"]:
        item["per"] = row["per"]
    if row["period_start"] and row["period_end"]:
        item["period"] = _period(row["period_start"], row["period_end"])
    item["evidence"] = _evidence(row)
    return item


def _evidence(row: dict) -> str:
    """Words of the sentence, which evaluate looks for in the matched row's sentence."""
    return " ".join((row["sentence"] or row["name"] or "").split()[:_EVIDENCE_WORDS])


def _period(start: str, end: str) -> str:
    if start[5:] == "01-01" and end[5:] == "12-31":
        return start[:4] if start[:4] == end[:4] else f"{start[:4]}-{end[:4]}"
    return f"{start}/{end}"


def _deadline(row: dict) -> dict:
    item = {"evidence": row["text"]}
    if row["start_date"]:
        item["start"] = row["start_date"]
    if row["end_date"]:
        item["end"] = row["end_date"]
    item["valid"] = bool(row["valid"])
    return item


def _reference(row: dict) -> dict:
    item = {"number": row["number"], "type": row["doc_type"]}
    if row["issued_date"]:
        item["date"] = row["issued_date"]
    return item


def _unique(items) -> list[dict]:
    """GUIDELINES: a citation or deadline repeated in a document is listed once."""
    seen, out = set(), []
    for item in items:
        key = json.dumps(item, sort_keys=True, ensure_ascii=False)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out
