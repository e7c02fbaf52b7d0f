"""Default paths and run-wide settings."""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CORPUS = REPO_ROOT / "corpus"
OUTPUT_DIR = Path(os.environ.get("DIRECTIVES_OUTPUT", "output"))
DEFAULT_DB = OUTPUT_DIR / "directives.db"
SUPPORTED_SUFFIXES = (".txt", ".html", ".htm", ".pdf", ".docx")
# Documents per batch: each Prefect task run costs its worker (its settings and API client built
# again, its states sent) and the Prefect server a fixed amount of CPU, small per document only
# when a batch holds many documents.
BATCH_SIZE = 128
# Documents stored per transaction (whole batches, as they come): a commit writes every page a
# transaction changed to the write-ahead log, and stable ids and band keys land on random pages
# of their indexes, most of which a batch changes again after each commit.
STORE_SIZE = 256
# `directives sql`: seconds SQLite may spend on one statement (--timeout; 0 for no limit), and
# the virtual machine steps between two checks of that limit and of SIGTERM (a check costs
# a Python call; at this interval well under 1% of a statement's time).
SQL_TIMEOUT_SECONDS = float(os.environ.get("DIRECTIVES_SQL_TIMEOUT", "60"))
SQL_PROGRESS_STEPS = 10_000


def raw_dir_for(db_path) -> Path:
    """The raw-bytes archive that belongs to a database: `raw/` beside it."""
    return Path(db_path).resolve().parent / "raw"


def ocr_max_pages() -> int | None:
    """OCR at most this many pages of a scan (DIRECTIVES_OCR_MAX_PAGES; unset: all pages)."""
    value = os.environ.get("DIRECTIVES_OCR_MAX_PAGES")
    return int(value) if value else None
