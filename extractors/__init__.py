"""Rule-based extractors for tasks, indicators, deadlines, citations and quality flags."""

from .citations import extract_citations
from .context import AnalyzedDocument
from .deadlines import extract_deadlines
from .indicators import extract_indicators
from .rules import rules_digest
from .schema import Extraction, FlagRow
from .tables import with_table_cells
from .tasks import extract_tasks

__version__ = "0.1.0"


def extractor_version() -> str:
    """The code version and a digest of the rule files: stored on every extracted row."""
    return f"{__version__}+{rules_digest()}"


def extract(analyzed: AnalyzedDocument) -> Extraction:
    tasks, flags = extract_tasks(analyzed)
    deadlines = extract_deadlines(analyzed)
    flags += [FlagRow("invalid_date", f"{row.text!r}: {row.note}", row.start, row.end)
              for row in deadlines if not row.valid]
    indicators = with_table_cells(extract_indicators(analyzed), analyzed)
    return Extraction(tasks=tasks, indicators=indicators, deadlines=deadlines,
                      citations=extract_citations(analyzed), flags=flags)
