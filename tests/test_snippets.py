"""Table-driven snippets written from gold/GUIDELINES.md: the real extractors on short
Vietnamese texts, with exact expected values. The cases live in tests/snippets/*.yaml."""

from pathlib import Path

import pytest
import yaml

from extractors import (
    AnalyzedDocument,
    extract,
    extract_citations,
    extract_deadlines,
    extract_indicators,
    innermost_task,
)
from extractors.parties import extract_parties
from pipeline.text.nlp import Segmenter

SNIPPETS = Path(__file__).parent / "snippets"
DEFAULT_DATE = "2021-03-01"


def _cases(name: str):
    params = []
    for case in yaml.safe_load((SNIPPETS / name).read_text(encoding="utf-8")):
        marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if case.get("xfail") else []
        params.append(pytest.param(case, id=case["id"], marks=marks))
    return params


@pytest.fixture(scope="module")
def segmenter():
    return Segmenter()


def _analyze(case, segmenter):
    return AnalyzedDocument(case["text"], segmenter, case.get("date", DEFAULT_DATE), case.get("title"))


def _close(value):
    return round(float(value), 6) if value is not None else None


# Keys checked only where a case gives them: names, categories, periods and assignees
# are asserted where the text makes them unambiguous.
_OPTIONAL = ("name", "category", "period_start", "period_end", "assignee", "kind_basis", "name_basis", "rule_id")


@pytest.mark.parametrize("case", _cases("indicators.yaml") + _cases("indicators_cues.yaml"))
def test_indicators(case, segmenter):
    rows = extract(_analyze(case, segmenter)).indicators
    got = [
        {
            "value": _close(r.value),
            "value_high": _close(r.value_high),
            "unit": r.unit,
            "per": r.per,
            "comparator": r.comparator,
            "kind": r.kind,
        }
        for r in rows
    ]
    want = [
        {
            "value": _close(e["value"]),
            "value_high": _close(e.get("value_high")),
            "unit": e["unit"],
            "per": e.get("per"),
            "comparator": e["comparator"],
            "kind": e["kind"],
        }
        for e in case["expect"]
    ]
    assert got == want
    for row, expected in zip(rows, case["expect"]):
        assert {k: getattr(row, k) for k in _OPTIONAL if k in expected} == {
            k: expected[k] for k in _OPTIONAL if k in expected
        }


@pytest.mark.parametrize("case", _cases("negatives.yaml"))
def test_negatives(case, segmenter):
    rows = extract_indicators(_analyze(case, segmenter))
    assert [(r.value, r.unit, r.rule_id) for r in rows] == []


@pytest.mark.parametrize("case", _cases("deadlines.yaml"))
def test_deadlines(case, segmenter):
    rows = extract_deadlines(_analyze(case, segmenter))
    got = [{"start": r.start_date, "end": r.end_date, "granularity": r.granularity, "valid": r.valid} for r in rows]
    assert got == [{k: v for k, v in e.items() if k not in ("recurrence", "rule_id")} for e in case["expect"]]
    assert [r.recurrence for r in rows] == [e.get("recurrence") for e in case["expect"]]
    assert [r.rule_id for r, e in zip(rows, case["expect"]) if "rule_id" in e] == [
        e["rule_id"] for e in case["expect"] if "rule_id" in e
    ]
    for row in rows:
        assert row.valid or row.note, "an invalid date must say why"


@pytest.mark.parametrize("case", _cases("tasks.yaml"))
def test_tasks(case, segmenter):
    extraction = extract(_analyze(case, segmenter))
    rows = extraction.tasks
    got = [{"label": r.label, "parent": r.parent.label if r.parent else None} for r in rows]
    assert got == [{"label": e["label"], "parent": e["parent"]} for e in case["expect"]]
    for row, expected in zip(rows, case["expect"]):
        assert row.text.startswith(expected["starts"]), (row.label, row.text)
        if "assignee" in expected:
            assert row.assignee == expected["assignee"], row.label
        if "section" in expected:
            assert row.section == expected["section"], row.label
    if "deadline_tasks" in case:  # each deadline's text -> the label of the task it stands in
        task_of = innermost_task(rows)
        assert {d.text: task_of(d.start).label if task_of(d.start) else None for d in extraction.deadlines} == case[
            "deadline_tasks"
        ]


@pytest.mark.parametrize("case", _cases("parties.yaml"))
def test_parties(case, segmenter):
    rows = extract_parties(_analyze(case, segmenter))
    assert [{"party": r.party, "role": r.role} for r in rows] == case["expect"]


@pytest.mark.parametrize("case", _cases("citations.yaml"))
def test_citations(case, segmenter):
    rows = extract_citations(_analyze(case, segmenter))
    got = [{"number": r.number, "type": r.doc_type, "date": r.issued_date} for r in rows]
    assert got == case["expect"]


def test_thousands_comma_is_flagged(segmenter):
    """'33,293 người' is read as 33293 (no fraction of a person) and says so in quality_flags."""
    extraction = extract(AnalyzedDocument("Năm 2024, dân số toàn huyện là 33,293 người.", segmenter, "2025-03-01"))
    assert [(row.value, row.rule_id) for row in extraction.indicators] == [(33293, "ind.thousands_comma")]
    assert [(flag.code, flag.start, flag.end) for flag in extraction.flags] == [("thousands_comma", 31, 43)]
