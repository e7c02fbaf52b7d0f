"""Score stored extractions against gold JSON files by the rules of GUIDELINES.md."""

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.store import open_db
from pipeline.text.normalize import fold_for_matching

CATEGORIES = ("tasks", "indicators", "deadlines", "citations")
NAME_RIGHT = 0.8  # GUIDELINES: a name is right when its syllables overlap the gold's with F1 >= 0.8
_MONEY_SCALES = {"nghìn": 1e3, "ngàn": 1e3, "triệu": 1e6, "tỷ": 1e9, "tỉ": 1e9, "nghìn tỷ": 1e12}


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    scores: dict[str, Score] = field(default_factory=lambda: {c: Score() for c in CATEGORIES})
    comparator_right: int = 0
    comparator_total: int = 0
    metadata: dict[str, list] = field(default_factory=lambda: {"published_date": [], "province": []})
    misses: dict[str, list[str]] = field(default_factory=dict)
    missing_documents: list[str] = field(default_factory=list)
    # indicators matched on value and unit alone (kind and sentence not asked)
    value_unit: Score = field(default_factory=Score)
    # the name's syllable F1 against the gold name (best of its alternatives), per matched indicator
    name_scores: list[float] = field(default_factory=list)

    @property
    def names_right(self) -> float:
        """Share of matched indicators whose name reaches syllable F1 >= NAME_RIGHT."""
        return sum(s >= NAME_RIGHT for s in self.name_scores) / len(self.name_scores) if self.name_scores else 1.0


def _fold(text) -> str:
    return " ".join(fold_for_matching(str(text or "")).replace("*", " ").split())


def _money(value: float, unit: str) -> tuple[float, str]:
    """945.4 tỷ đồng and 945400000000 đồng compare alike."""
    unit = _fold(unit)
    for scale, factor in sorted(_MONEY_SCALES.items(), key=lambda s: -len(s[0])):
        if unit.startswith(scale + " "):
            return value * factor, unit[len(scale) + 1 :]
    return value, unit


def _same_value(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def _value_unit_matches(gold: dict, row: dict) -> bool:
    gold_value, gold_unit = _money(float(gold["value"]), gold.get("unit", ""))
    value, unit = _money(float(row["value"]), row["unit"] or "")
    return _same_value(gold_value, value) and gold_unit == unit


def _indicator_matches(gold: dict, row: dict) -> bool:
    return (
        _value_unit_matches(gold, row)
        and gold.get("kind", row["kind"]) == row["kind"]
        and _fold(gold.get("evidence", "")) in _fold(row["sentence"])
    )


def syllable_f1(got: str, want: str) -> float:
    """F1 of the (tone-folded) syllables two names share, counted with repeats."""
    a, b = _fold(got).split(), _fold(want).split()
    common = sum((Counter(a) & Counter(b)).values())
    if not common:
        return 0.0
    precision, recall = common / len(a), common / len(b)
    return 2 * precision * recall / (precision + recall)


def name_score(gold: dict, name: str | None) -> float:
    """The best syllable F1 of a name against the gold `name` and its `name_alternatives`."""
    return max(syllable_f1(name or "", want) for want in [gold["name"], *gold.get("name_alternatives", [])])


def _task_matches(gold: dict, row: dict) -> bool:
    return _fold(gold["label"]) == _fold(row["label"]) and _fold(row["text"]).startswith(_fold(gold["starts"]))


def _deadline_matches(gold: dict, row: dict) -> bool:
    if not (_fold(gold["evidence"]) in _fold(row["text"]) or _fold(row["text"]) in _fold(gold["evidence"])):
        return False
    for key, column in (("start", "start_date"), ("end", "end_date")):
        if gold.get(key) and gold[key] != row[column]:
            return False
    return "valid" not in gold or bool(gold["valid"]) == bool(row["valid"])


def _citation_matches(gold: dict, row: dict) -> bool:
    return _fold(gold["number"]) == _fold(row["number"]) and _fold(gold["type"]) == _fold(row["doc_type"])


_MATCHERS = {
    "tasks": _task_matches,
    "indicators": _indicator_matches,
    "deadlines": _deadline_matches,
    "citations": _citation_matches,
}
_GOLD_KEYS = {"tasks": "tasks", "indicators": "indicators", "deadlines": "deadlines", "citations": "references"}
# Repeats of the same citation or deadline count once (GUIDELINES: "listed once"); a deadline
# with no interval (recurring, or its year unknown) is the same one by its words.
_GROUP_BY = {
    "deadlines": lambda r: (
        (r["start_date"], r["end_date"]) if r["valid"] and (r["start_date"] or r["end_date"]) else _fold(r["text"])
    ),
    "citations": lambda r: (_fold(r["number"]), _fold(r["doc_type"])),
}


def _describe(category: str, item: dict) -> str:
    keys = {
        "tasks": ("label", "starts", "text"),
        "indicators": ("value", "unit", "per", "comparator", "kind", "evidence", "name"),
        "deadlines": ("evidence", "text", "start", "end", "start_date", "end_date", "valid"),
        "citations": ("type", "doc_type", "number", "date", "issued_date"),
    }[category]
    return ", ".join(f"{k}={str(item[k])[:60]!r}" for k in keys if k in item and item[k] not in (None, ""))


def _score_category(category: str, gold_items: list[dict], rows: list[dict], report: Report, name: str) -> None:
    matcher = _MATCHERS[category]
    score = report.scores[category]
    if category in _GROUP_BY:
        groups: dict = {}
        for row in rows:
            groups.setdefault(_GROUP_BY[category](row), []).append(row)
        candidates = [group for group in groups.values()]
    else:
        candidates = [[row] for row in rows]
    used = [False] * len(candidates)
    required = [g for g in gold_items if not g.get("optional")]
    optional = [g for g in gold_items if g.get("optional")]
    for gold in required + optional:
        for index, group in enumerate(candidates):
            if not used[index] and any(matcher(gold, row) for row in group):
                used[index] = True
                if not gold.get("optional"):
                    score.tp += 1
                    if category == "indicators":
                        row = next(row for row in group if matcher(gold, row))
                        report.comparator_total += 1
                        report.comparator_right += gold.get("comparator", "=") == row["comparator"]
                        if gold.get("name"):
                            report.name_scores.append(name_score(gold, row["name"]))
                            if report.name_scores[-1] < NAME_RIGHT:
                                report.misses.setdefault(name, []).append(
                                    f"NAME {report.name_scores[-1]:.2f}: got {row['name']!r}, gold {gold['name']!r}"
                                )
                break
        else:
            if not gold.get("optional"):
                score.fn += 1
                report.misses.setdefault(name, []).append(f"MISS {category}: {_describe(category, gold)}")
    for index, group in enumerate(candidates):
        if not used[index]:
            score.fp += 1
            report.misses.setdefault(name, []).append(f"EXTRA {category}: {_describe(category, group[0])}")


def evaluate(gold_dir: Path, db_path) -> Report:
    report = Report()
    db = open_db(db_path)
    try:
        for gold_path in sorted(Path(gold_dir).glob("*.json")):
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            name = gold["document"]
            document = db.execute(
                "SELECT * FROM documents WHERE name = ? AND status = 'ok' ORDER BY updated_at DESC", [name]
            ).fetchone()
            if document is None:
                report.missing_documents.append(name)
                continue
            columns = [d[0] for d in db.execute("SELECT * FROM documents LIMIT 0").description]
            document = dict(zip(columns, document))
            _score_metadata(gold, document, report)
            for category in CATEGORIES:
                rows = [
                    dict(r)
                    for r in db.query(
                        f"SELECT * FROM {category} WHERE document_id = ? ORDER BY start", [document["id"]]
                    )
                ]
                _score_category(category, gold.get(_GOLD_KEYS[category], []), rows, report, name)
                if category == "indicators":
                    _score_value_unit(gold.get("indicators", []), rows, report.value_unit)
    finally:
        db.close()
    return report


def _score_value_unit(gold_items: list[dict], rows: list[dict], score: Score) -> None:
    """Indicators matched on value and unit only: how well figures are read, whatever their kind."""
    used = [False] * len(rows)
    for gold in sorted(gold_items, key=lambda g: bool(g.get("optional"))):
        index = next((i for i, row in enumerate(rows) if not used[i] and _value_unit_matches(gold, row)), None)
        if index is not None:
            used[index] = True
            score.tp += not gold.get("optional")
        elif not gold.get("optional"):
            score.fn += 1
    score.fp += used.count(False)


def _province(name: str | None) -> str:
    """A province as the reference names it: `TP Hồ Chí Minh` and `Thành phố Hồ Chí Minh` are `Hồ Chí Minh`."""
    folded = _fold(name).replace(".", " ")
    for prefix in ("thành phố ", "tp "):
        if folded.startswith(prefix):
            return folded[len(prefix) :].strip()
    return folded


def _score_metadata(gold: dict, document: dict, report: Report) -> None:
    name = gold["document"]
    if gold.get("published_date"):
        accepted = [gold["published_date"], *gold.get("published_date_alternatives", [])]
        report.metadata["published_date"].append(
            (name, document["published_date"] in accepted, document["published_date"], accepted[0])
        )
    if gold.get("province") and "optional" not in (gold.get("province_note") or ""):
        report.metadata["province"].append(
            (
                name,
                _province(document["province"]) == _province(gold["province"]),
                document["province"],
                gold["province"],
            )
        )


def format_report(report: Report, details: bool = True) -> str:
    lines = [f"{'category':<12} {'P':>6} {'R':>6} {'F1':>6} {'TP':>5} {'FP':>5} {'FN':>5}"]
    for category, score in report.scores.items():
        lines.append(
            f"{category:<12} {score.precision:6.3f} {score.recall:6.3f} {score.f1:6.3f} "
            f"{score.tp:5d} {score.fp:5d} {score.fn:5d}"
        )
    if report.comparator_total:
        lines.append(
            f"comparator right on {report.comparator_right}/{report.comparator_total} matched indicators "
            f"({report.comparator_right / report.comparator_total:.1%})"
        )
    vu = report.value_unit
    lines.append(
        f"indicators value+unit only: P {vu.precision:.3f} R {vu.recall:.3f} F1 {vu.f1:.3f} "
        f"(tp {vu.tp} fp {vu.fp} fn {vu.fn})"
    )
    if report.name_scores:
        right = sum(s >= NAME_RIGHT for s in report.name_scores)
        lines.append(
            f"names right (syllable F1 >= {NAME_RIGHT}): {right}/{len(report.name_scores)} = "
            f"{report.names_right:.3f}; mean syllable F1 "
            f"{sum(report.name_scores) / len(report.name_scores):.3f}"
        )
    for field_name, results in report.metadata.items():
        right = sum(ok for _, ok, _, _ in results)
        lines.append(f"{field_name}: {right}/{len(results)} right")
        lines.extend(f"  WRONG {name}: got {got!r}, gold {want!r}" for name, ok, got, want in results if not ok)
    for name in report.missing_documents:
        lines.append(f"NOT INGESTED: {name}")
    if details:
        for name, items in report.misses.items():
            lines.append(f"--- {name}")
            lines.extend(f"  {item}" for item in items)
    return "\n".join(lines)
