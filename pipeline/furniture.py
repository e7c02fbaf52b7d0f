"""Drop page-furniture lines (toolbars, banners, comment forms) from scraped text."""

import csv
from functools import lru_cache
from pathlib import Path

import regex

_TABLE = Path(__file__).parent / "data" / "furniture.tsv"


@lru_cache(maxsize=1)
def _furniture_re() -> regex.Pattern:
    lines = [line for line in _TABLE.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    patterns = [row["pattern"] for row in csv.DictReader(lines, delimiter="\t")]
    if not patterns or any(not p.strip() for p in patterns):
        raise ValueError(f"{_TABLE}: empty pattern")
    return regex.compile(r"^(?:" + "|".join(f"(?:{p})" for p in patterns) + r")$", regex.IGNORECASE)


def is_furniture(line: str) -> bool:
    return bool(_furniture_re().match(line.strip()))


def strip_furniture(text: str) -> str:
    """Remove furniture lines; keep every other line as it is."""
    return "\n".join(line for line in text.split("\n") if not is_furniture(line))
