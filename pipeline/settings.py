"""Default paths and run-wide settings."""

import os
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Limits:
    """What one input may cost; each bound has an environment variable (`ENV`) that overrides it.
    Past a bound the input is an error naming it, and the run goes on."""

    file_bytes: int = 50_000_000  # bytes of one input file or fetched body
    unzipped_bytes: int = 200_000_000  # bytes of a DOCX's (or any OOXML file's) members, inflated, together
    pdf_pages: int = 2_000  # pages of one PDF
    ocr_pages: int = 100  # pages of a scan read by OCR: the first ones (0: all)
    ocr_pixels: int = 40_000_000  # pixels of one page rendered for OCR (an A3 page at 300 dpi is 17.4 M)
    text_chars: int = 3_000_000  # characters of text extracted from one document
    document_seconds: float = 600.0  # wall time to parse and extract one document (0: no limit, in-process)
    url_seconds: float = 120.0  # time spent fetching one URL, all its requests, redirects and retries

    ENV = {
        "file_bytes": "DIRECTIVES_MAX_FILE_BYTES",
        "unzipped_bytes": "DIRECTIVES_MAX_UNZIPPED_BYTES",
        "pdf_pages": "DIRECTIVES_MAX_PDF_PAGES",
        "ocr_pages": "DIRECTIVES_OCR_MAX_PAGES",
        "ocr_pixels": "DIRECTIVES_MAX_OCR_PIXELS",
        "text_chars": "DIRECTIVES_MAX_TEXT_CHARS",
        "document_seconds": "DIRECTIVES_MAX_DOCUMENT_SECONDS",
        "url_seconds": "DIRECTIVES_MAX_URL_SECONDS",
    }


def limits() -> Limits:
    """The limits in force: the defaults, with the environment's overrides."""
    values = {}
    for name, variable in Limits.ENV.items():
        text = os.environ.get(variable, "").strip()
        if not text:
            continue
        kind = type(getattr(Limits, name))
        try:
            value = kind(text)
        except ValueError:
            value = -1
        if value < 0:
            from pipeline.errors import DirectivesError

            raise DirectivesError(
                f"{variable}={text!r}: not a number of {'seconds' if kind is float else 'units'} >= 0"
            )
        values[name] = value
    return Limits(**values)


def ocr_max_pages() -> int | None:
    """OCR at most this many pages of a scan (DIRECTIVES_OCR_MAX_PAGES; 0: all pages)."""
    return limits().ocr_pages or None
