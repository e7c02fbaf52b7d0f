"""Rule-based extractors for tasks, indicators, deadlines, citations and quality flags."""

from collections.abc import Callable, Sequence

from .categories import category
from .citations import extract_citations
from .context import AnalyzedDocument
from .deadlines import extract_deadlines
from .indicators import extract_indicators
from .parties import assign, extract_parties
from .periods import context_periods, context_texts
from .rules import rules_digest
from .schema import Extraction, FlagRow, IndicatorRow, TaskRow, base_rule_id
from .tables import with_table_cells
from .tasks import extract_tasks

__version__ = "0.1.0"


def extractor_version() -> str:
    """The code version and a digest of the rule files: stored on every extracted row."""
    return f"{__version__}+{rules_digest()}"


def innermost_task(tasks: Sequence[TaskRow]) -> Callable[[int], TaskRow | None]:
    """offset -> the innermost task whose text contains it, or None."""
    by_size = sorted(tasks, key=lambda t: t.end - t.start)
    return lambda offset: next((t for t in by_size if t.start <= offset < t.end), None)


def _start_of(analyzed: AnalyzedDocument, row: IndicatorRow) -> int:
    sentence = analyzed.sentence_at(row.start)
    return sentence.start if sentence else row.start


def extract(analyzed: AnalyzedDocument) -> Extraction:
    tasks, flags = extract_tasks(analyzed)
    deadlines = extract_deadlines(analyzed)
    flags += [
        FlagRow("invalid_date", f"{row.text!r}: {row.note}", row.start, row.end) for row in deadlines if not row.valid
    ]
    task_of = innermost_task(tasks)
    prose = extract_indicators(
        analyzed,
        lambda offset: context_periods(
            context_texts(offset, task_of, tasks, analyzed.text), analyzed.title, analyzed.year
        ),
    )
    indicators = with_table_cells(prose, analyzed)
    for row in indicators:
        if base_rule_id(row.rule_id) == "ind.table_cell":  # named by its row and column headers
            row.category = category(row.name, "")
    flags += [
        FlagRow(
            "thousands_comma",
            f"{row.sentence[row.start - _start_of(analyzed, row) :][:40]!r}: a comma read "
            f"as a thousands separator ({row.value:g} {row.unit}): what is counted has no fraction",
            row.start,
            row.end,
        )
        for row in indicators
        if base_rule_id(row.rule_id) == "ind.thousands_comma"
    ]
    parties = extract_parties(analyzed)
    assign(tasks, indicators, parties, task_of)
    return Extraction(
        tasks=tasks,
        indicators=indicators,
        deadlines=deadlines,
        citations=extract_citations(analyzed),
        flags=flags,
        parties=parties,
    )


__all__ = [
    "AnalyzedDocument",
    "Extraction",
    "assign",
    "category",
    "extract",
    "extract_citations",
    "extract_deadlines",
    "extract_indicators",
    "extract_parties",
    "extract_tasks",
    "extractor_version",
    "innermost_task",
    "with_table_cells",
]
