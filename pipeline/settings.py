"""Default paths and run-wide settings."""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CORPUS = REPO_ROOT / "corpus"
OUTPUT_DIR = Path(os.environ.get("DIRECTIVES_OUTPUT", "output"))
DEFAULT_DB = OUTPUT_DIR / "directives.db"
SUPPORTED_SUFFIXES = (".txt", ".html", ".htm", ".pdf", ".docx")
BATCH_SIZE = 16


def raw_dir_for(db_path) -> Path:
    """The raw-bytes archive that belongs to a database: `raw/` beside it."""
    return Path(db_path).resolve().parent / "raw"
