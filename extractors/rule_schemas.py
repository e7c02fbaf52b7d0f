"""The shape of each rule file in `rules/`, checked when the file is loaded (`rules.py`)."""

from dataclasses import dataclass, field
from typing import Any

import regex

Path_ = tuple[str | int, ...]
Problem = tuple[Path_, str]


class Schema:
    def problems(self, value: Any, path: Path_) -> list[Problem]:
        raise NotImplementedError


@dataclass(frozen=True)
class Text(Schema):
    """A non-empty string."""

    def problems(self, value: Any, path: Path_) -> list[Problem]:
        return (
            [] if isinstance(value, str) and value.strip() else [(path, f"expected a non-empty string, got {value!r}")]
        )


# A pattern's id: dotted lower-case ASCII words ("cmp.it_nhat", "end.truoc"). Ids are carried
# into rows' rule_ids, joined by "+" (`extractors.schema.join_rule_id`), so they hold none.
ID = regex.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+")


@dataclass(frozen=True)
class Id(Schema):
    """A pattern's id (`ID`)."""

    def problems(self, value: Any, path: Path_) -> list[Problem]:
        if isinstance(value, str) and ID.fullmatch(value):
            return []
        return [(path, f"expected an id of dotted lower-case words (like 'cmp.it_nhat'), got {value!r}")]


@dataclass(frozen=True)
class Choice(Schema):
    """One of a few strings."""

    options: tuple[str, ...]

    def problems(self, value: Any, path: Path_) -> list[Problem]:
        return [] if value in self.options else [(path, f"expected one of {list(self.options)}, got {value!r}")]


@dataclass(frozen=True)
class Pattern(Schema):
    """A regular expression (the `regex` module's syntax) that compiles."""

    def problems(self, value: Any, path: Path_) -> list[Problem]:
        if not isinstance(value, str) or not value:
            return [(path, f"expected a regular expression, got {value!r}")]
        try:
            regex.compile(value)
        except regex.error as error:
            return [(path, f"not a valid regular expression: {error}")]
        return []


@dataclass(frozen=True)
class Integer(Schema):
    minimum: int = 1

    def problems(self, value: Any, path: Path_) -> list[Problem]:
        if isinstance(value, bool) or not isinstance(value, int) or value < self.minimum:
            return [(path, f"expected an integer >= {self.minimum}, got {value!r}")]
        return []


@dataclass(frozen=True)
class Flag(Schema):
    def problems(self, value: Any, path: Path_) -> list[Problem]:
        return [] if isinstance(value, bool) else [(path, f"expected true or false, got {value!r}")]


@dataclass(frozen=True)
class ListOf(Schema):
    """A non-empty list; `length` fixes its size, `unique` names a key each item's value of
    which must differ."""

    item: Schema
    length: int | None = None
    unique: str | None = None

    def problems(self, value: Any, path: Path_) -> list[Problem]:
        if not isinstance(value, list) or not value:
            return [(path, f"expected a non-empty list, got {value!r}")]
        if self.length is not None and len(value) != self.length:
            return [(path, f"expected {self.length} entries, got {len(value)}")]
        found = [problem for i, item in enumerate(value) for problem in self.item.problems(item, (*path, i))]
        if self.unique and not found:
            seen: set[Any] = set()
            for i, item in enumerate(value):
                if item[self.unique] in seen:
                    found.append(((*path, i), f"duplicate {self.unique} {item[self.unique]!r}"))
                seen.add(item[self.unique])
        if isinstance(self.item, Text) and not found:
            found += [((*path, i), f"{entry!r} listed twice") for i, entry in enumerate(value) if entry in value[:i]]
        return found


def Words(length: int | None = None) -> ListOf:  # noqa: N802 (reads as a type in the tables below)
    """A non-empty list of distinct non-empty phrases: vocabulary for `rules.alt`."""
    return ListOf(Text(), length)


@dataclass(frozen=True)
class MapOf(Schema):
    """A non-empty mapping from non-empty strings to values of one shape."""

    value: Schema

    def problems(self, value: Any, path: Path_) -> list[Problem]:
        if not isinstance(value, dict) or not value:
            return [(path, f"expected a non-empty mapping, got {value!r}")]
        found = [
            ((*path, str(key)), f"expected a non-empty string key, got {key!r}")
            for key in value
            if not isinstance(key, str) or not key.strip()
        ]
        return found + [problem for key, item in value.items() for problem in self.value.problems(item, (*path, key))]


@dataclass(frozen=True)
class Record(Schema):
    """A mapping with these keys (all required unless listed in `optional`) and no others."""

    keys: dict[str, Schema]
    optional: frozenset[str] = field(default_factory=frozenset)

    def problems(self, value: Any, path: Path_) -> list[Problem]:
        if not isinstance(value, dict):
            return [(path, f"expected a mapping with keys {sorted(self.keys)}, got {value!r}")]
        found: list[Problem] = [
            ((*path, key), f"unknown key (known: {', '.join(sorted(self.keys))})")
            for key in value
            if key not in self.keys
        ]
        found += [(path, f"missing key {key!r}") for key in self.keys if key not in value and key not in self.optional]
        return found + [
            problem
            for key, schema in self.keys.items()
            if key in value
            for problem in schema.problems(value[key], (*path, key))
        ]


def check(data: Any, schema: Schema) -> list[Problem]:
    """Every place where `data` departs from `schema`, as (path, message)."""
    return schema.problems(data, ())


# The roles of a deadline cue (rules/deadlines.yaml `cues`).
DEADLINE_CUE_ROLES = ("end_only", "within", "start_only", "cue_before_la")

YAML_SCHEMAS: dict[str, Schema] = {
    "abbreviations.yaml": MapOf(Text()),
    "categories.yaml": Record(
        {"categories": ListOf(Record({"id": Text(), "label": Text(), "keywords": Words()}), unique="id")}
    ),
    "citations.yaml": Record({"types": Words(), "codes": MapOf(Text()), "abbreviations": MapOf(Text())}),
    "deadlines.yaml": Record(
        {
            "cues": ListOf(
                Record({"id": Id(), "role": Choice(DEADLINE_CUE_ROLES), "phrase": Text()}),
                unique="id",
            ),
            "recurrence": MapOf(Text()),
            "relative_years": MapOf(Integer(minimum=0)),
            "not_after": Words(),
            "reported": Words(),
            "as_of_cues": Words(),
            "directive": Words(),
            "plan_types": Words(),
            "lunar_stems": ListOf(Words(), length=10),
            "lunar_branches": ListOf(Words(), length=12),
            "time_column_headers": Words(),
        }
    ),
    "kinds.yaml": Record(
        {
            "steps": Words(),
            "section_roles": Record({"target": Words(), "result": Words()}),
            "document_roles": Record({"target": Words(), "result": Words()}),
            "meeting_news": Words(),
        }
    ),
    "names.yaml": Record(
        {
            "start_after": Words(),
            "trim_end": Words(),
            "trim_start": Words(),
            "max_words": Integer(),
            "name_ends": Words(),
            "qualifier_not_after": Words(),
            "comparators_between": Words(),
            "next_item": Words(),
            "not_naming_acts": Words(),
            "changes": Words(),
            "changed_to": Words(),
            "gives_to": Words(),
            "where_only": Words(),
            "plan_words": Words(),
            "object_of": Words(),
            "after_ends": Words(),
            "comma_ends": Words(),
            "max_after": Integer(),
            "generic_counted": Words(),
            "measures": Words(),
            "share_of": Words(),
            "same_quantity": Words(),
            "quantity_heads": Words(),
            "places": Words(),
            "acts": Words(),
        }
    ),
    "negatives.yaml": Record({"before": MapOf(Pattern()), "after": MapOf(Pattern())}),
    "parties.yaml": Record(
        {"assignee_before": Words(), "assignee_after": Words(), "not_before": Words(), "coordinator_before": Words()}
    ),
    "tables.yaml": Record({"target_headers": Words(), "max_unit_chars": Integer(), "unit_headers": Words()}),
    "tasks.yaml": Record(
        {
            "labels": ListOf(
                Record(
                    {
                        "id": Id(),
                        "style": Text(),
                        "regex": Pattern(),
                        "inline": Flag(),
                        "word_label": Flag(),
                        "copula": Flag(),
                    },
                    optional=frozenset({"inline", "word_label", "copula"}),
                ),
                unique="id",
            ),
            "section": Pattern(),
            "ordinal_words": MapOf(Integer()),
            "not_task_item_starts": Words(),
            "place_words": Words(),
            "not_task_sections": Words(),
            "part_names": Words(),
            "part_heads": Words(),
            "announced_nouns": Words(),
        }
    ),
    "units.yaml": Record(
        {
            "percent": Words(),
            "percentage_points": Words(),
            "scales": Words(),
            "currencies": Words(),
            "money_scales_alone": Words(),
            "units": Words(),
            "not_units": Words(),
            "per_words": Words(),
            "fallback_verbs": Words(),
        }
    ),
}

# The labels each pattern file may use: those its reader (cues.py, parties.py) acts on.
JSONL_LABELS: dict[str, frozenset[str]] = {
    "cues.jsonl": frozenset(
        {
            "CMP_GE",
            "CMP_GT",
            "CMP_LE",
            "CMP_LT",
            "CMP_APPROX",
            "CMP_GE_AFTER",
            "CMP_LE_AFTER",
            "TARGET",
            "RESULT",
            "MAYBE_TARGET",
            "MAYBE_RESULT",
            "DIRECTIVE",
            "PART",
            "WORD",
        }
    ),
    "bodies.jsonl": frozenset({"BODY"}),
    "bodies_generic.jsonl": frozenset({"BODY"}),
}

TSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "tet.tsv": ("year", "tet"),
}
