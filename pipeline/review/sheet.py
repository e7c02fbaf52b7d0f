"""The review spreadsheet: its columns per category, and cells turned into values and back.

Numbers are shown with a plain dot decimal and no grouping (`945.4`, `33.293`), as a
spreadsheet in an English locale writes them; a cell that still shows the exported text
is the stored value, whatever `parse_number` would make of it. What staff type is read the
Vietnamese or the English way (`95,5`, `95.5`; `5.835` is 5835). Dates are ISO.
"""

import datetime as dt
from decimal import Decimal
from functools import lru_cache

import regex

from extractors.numbers import parse_number
from extractors.rules import load_yaml

TEXT, NUMBER, INTEGER, DATE, FLAG = "text", "number", "integer", "date", "flag"

# Editable fields as they are named in the sheet, with their type. The deadline's own
# `note` (why a date is invalid) is `date_note`, since `note` is the reviewer's column.
EDITABLE = {
    "indicators": {"name": TEXT, "value": NUMBER, "value_high": NUMBER, "unit": TEXT, "per": TEXT,
                   "comparator": TEXT, "kind": TEXT, "period_start": DATE, "period_end": DATE},
    "tasks": {"label": TEXT, "ordinal": INTEGER, "level": INTEGER, "section": TEXT, "text": TEXT},
    "deadlines": {"text": TEXT, "start_date": DATE, "end_date": DATE, "granularity": TEXT, "valid": FLAG,
                  "date_note": TEXT},
    "citations": {"number": TEXT, "doc_type": TEXT, "issued_date": DATE, "text": TEXT},
}
DB_COLUMN = {"date_note": "note"}
# Fields an added row must fill.
REQUIRED_FOR_ADD = {"indicators": ("value", "kind"), "tasks": ("label", "text"), "deadlines": ("text",),
                    "citations": ("number",)}

DOCUMENT_COLUMNS = ("document_title", "document_url", "document_date")
_PROVENANCE = {"indicators": ("task_id", "start", "end", "rule_id"), "tasks": ("parent_id", "start", "end", "rule_id"),
               "deadlines": ("task_id", "start", "end", "rule_id"), "citations": ("start", "end", "rule_id")}
STATUSES = ("", "ok", "delete")

COMPARATORS = ("=", ">=", ">", "<=", "<", "range")
_COMPARATOR_SPELLINGS = {"≥": ">=", "≤": "<=", "=>": ">=", "=<": "<="}
KINDS = ("target", "result")
GRANULARITIES = ("day", "month", "quarter", "half-year", "year", "multi-year")


def has_sentence(category: str) -> bool:
    return category != "tasks"


def readonly_columns(category: str) -> tuple[str, ...]:
    """Context columns: shown to the reviewer, refused when changed."""
    return ("document_id", *DOCUMENT_COLUMNS, *(("sentence",) if has_sentence(category) else ()),
            *_PROVENANCE[category])


def columns(category: str) -> list[str]:
    """The sheet's columns in order."""
    context = ["sentence"] if has_sentence(category) else []
    return ["id", "document_id", *DOCUMENT_COLUMNS, *context, *EDITABLE[category], "status", "note",
            *_PROVENANCE[category]]


def required_columns(category: str) -> list[str]:
    return ["id", "document_id", *EDITABLE[category], "status"]


def guess_category(header: list[str]) -> str | None:
    """The category whose editable columns the header holds best (at least half of them)."""
    present = set(header)
    scores = {c: len(present & set(fields)) / len(fields) for c, fields in EDITABLE.items()}
    best = max(scores, key=scores.get)
    return best if scores[best] >= 0.5 else None


def column_types(category: str) -> dict[str, str]:
    """Every column of the sheet with its type: editable fields as in EDITABLE, offsets as
    integers, the document's date as a date, the rest (ids, codes, sentences) text."""
    types = {name: TEXT for name in columns(category)}
    types.update(EDITABLE[category], start=INTEGER, end=INTEGER, document_date=DATE)
    return types


def format_cell(value) -> str:
    """A stored value as the sheet shows it: `945.4`, `5835`, ISO dates, text as is."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return _plain(value)
    return str(value)


def exact_number_text(value) -> str:
    """A number as `parse_number` reads it back exactly (`945,4`, `33,293`, `5835`): the
    text of a typed spreadsheet cell, and of the values an added row's id is made of."""
    if isinstance(value, float) and not isinstance(value, bool):
        return _plain(value).replace(".", ",")
    return format_cell(value)


def _plain(value: float) -> str:
    """Shortest round-tripping decimal, never in exponent form (1e-06 -> 0.000001)."""
    if value.is_integer():
        return str(int(value))
    return format(Decimal(repr(value)), "f")


@lru_cache(maxsize=1)
def known_units() -> frozenset[str]:
    """Units the extractor's lexicon can produce, folded to lower case."""
    units = load_yaml("units.yaml")
    money = [f"{scale} {currency}" for scale in units["scales"] for currency in units["currencies"]]
    words = [*units["percent"], *units["percentage_points"], *units["currencies"], *money, *units["units"]]
    return frozenset(word.lower() for word in words)


class CellError(ValueError):
    """A cell that cannot be read as its column's type."""


def parse_cell(kind: str, text: str, allow_invalid_date: bool = False):
    """A cell as a stored value (None when empty); raises CellError saying what is wrong."""
    if kind == TEXT:
        return text.strip() or None  # line breaks inside a task's text are kept
    text = " ".join(text.split())
    if text == "":
        return None
    if kind == NUMBER:
        return float(parse_signed_number(text))
    if kind == INTEGER:
        value = parse_signed_number(text)
        if not float(value).is_integer():
            raise CellError("not a whole number")
        return int(value)
    if kind == FLAG:
        folded = text.lower()
        if folded in ("1", "true", "yes", "có"):
            return 1
        if folded in ("0", "false", "no", "không"):
            return 0
        raise CellError("expected 1 or 0")
    if kind == DATE:
        return parse_date(text, allow_invalid_date)
    raise ValueError(f"unknown column type {kind!r}")


def parse_signed_number(text: str) -> float | int:
    sign = -1 if text[:1] in ("-", "−") else 1
    try:
        return sign * parse_number(text.lstrip("-−").strip())
    except ValueError:
        raise CellError("not a number (write 95,5 or 95.5; 5.835 is five thousand eight hundred thirty-five)") from None


_DATE_FORMS = (regex.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?: 00:00(?::00)?)?"),
               regex.compile(r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})"))


def parse_date(text: str, allow_invalid: bool = False) -> str:
    """An ISO date from `2021-11-30` or `30/11/2021`; an impossible date only when allowed
    (a deadline kept with `valid = 0`)."""
    for form in _DATE_FORMS:
        match = form.fullmatch(text)
        if match:
            year, month, day = (int(match.group(k)) for k in "ymd")
            iso = f"{year:04d}-{month:02d}-{day:02d}"
            try:
                dt.date(year, month, day)
            except ValueError:
                if allow_invalid and 1 <= month <= 12 and 1 <= day <= 31:
                    return iso
                raise CellError("not a date that exists") from None
            return iso
    raise CellError("not a date (write 2021-11-30 or 30/11/2021)")


def check_allowed(category: str, field: str, value, extra_units: frozenset[str] = frozenset()):
    """The value in its canonical spelling, or CellError when outside the allowed set."""
    if value is None:
        return None
    if field == "comparator":
        value = _COMPARATOR_SPELLINGS.get(value, value)
        if value not in COMPARATORS:
            raise CellError(f"comparator must be one of {', '.join(COMPARATORS)}")
    elif field == "kind" and category == "indicators":
        if value.lower() not in KINDS:
            raise CellError(f"kind must be one of {', '.join(KINDS)}")
        value = value.lower()
    elif field == "unit":
        if value.lower() not in known_units() | extra_units:
            raise CellError("unknown unit (not in extractors/rules/units.yaml nor used in the database)")
    elif field == "granularity" and value not in GRANULARITIES:
        raise CellError(f"granularity must be one of {', '.join(GRANULARITIES)}")
    return value
