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


_CRUMB_MARK = regex.compile(r"^[-*•]?\s*(?:[>»/›]|Trang chủ|Home)\s*$", regex.IGNORECASE)


def strip_breadcrumb(text: str) -> str:
    """Drop a leading breadcrumb trail ("- Trang chủ / - > / - Văn bản ... / - <title>")."""
    lines = text.split("\n")
    head = 0
    while head < len(lines) and regex.match(r"^[-*•]\s|^[>»›]\s*$", lines[head]):
        head += 1
    if head and any(_CRUMB_MARK.match(line) for line in lines[:head]):
        return "\n".join(lines[head:])
    return text
