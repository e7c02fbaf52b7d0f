"""The rows extractors produce, before they are stored."""

from dataclasses import dataclass, field

RULE_JOIN = "+"


def join_rule_id(base: str, *cue_ids: str | None) -> str:
    """A row's rule_id: the id of the reader that made it, then the ids of the rule-file
    patterns (cues) that decided it, in order, joined by '+' ("ind.percent+cmp.it_nhat")."""
    return RULE_JOIN.join(dict.fromkeys([base, *(cue for cue in cue_ids if cue)]))


def base_rule_id(rule_id: str) -> str:
    """The reader's id, the first part of a rule_id."""
    return rule_id.partition(RULE_JOIN)[0]


@dataclass
class TaskRow:
    label: str
    ordinal: int
    text: str
    start: int
    end: int
    rule_id: str
    level: int = 0
    section: str | None = None
    assignee: str | None = None
    parent: "TaskRow | None" = field(default=None, repr=False)


@dataclass
class IndicatorRow:
    name: str
    value: float
    unit: str
    comparator: str
    kind: str
    sentence: str
    start: int
    end: int
    rule_id: str
    value_high: float | None = None
    per: str | None = None
    period_start: str | None = None
    period_end: str | None = None
    category: str | None = None
    assignee: str | None = None
    kind_basis: str | None = None
    name_basis: str | None = None


@dataclass
class DeadlineRow:
    text: str
    start_date: str | None
    end_date: str | None
    granularity: str
    valid: bool
    note: str | None
    sentence: str
    start: int
    end: int
    rule_id: str
    recurrence: str | None = None


@dataclass
class CitationRow:
    number: str
    doc_type: str
    issued_date: str | None
    text: str
    sentence: str
    start: int
    end: int
    rule_id: str


@dataclass
class FlagRow:
    code: str
    message: str
    start: int | None
    end: int | None


@dataclass
class Extraction:
    tasks: list[TaskRow] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)
    deadlines: list[DeadlineRow] = field(default_factory=list)
    citations: list[CitationRow] = field(default_factory=list)
    flags: list[FlagRow] = field(default_factory=list)
    parties: list["PartyRow"] = field(default_factory=list)


@dataclass
class PartyRow:
    party: str
    role: str
    sentence: str
    start: int
    end: int
    rule_id: str
