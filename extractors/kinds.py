"""The kind of a figure, target or result, as a decision list (rules/kinds.yaml `steps`):
a cue in its own clause, its sentence, a period of its sentence wholly past or to come,
the role of the section it stands in, its document's type, and last a period from its
context against the document's date. The step that decides is kept as `kind_basis`."""

from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import regex

from pipeline.text.normalize import fold_for_matching

from . import dates
from .cues import Cue
from .rules import RuleError, alt, load_yaml

STEPS = ("clause_cue", "sentence_cue", "period", "section", "document_type", "default")
KIND_OF = {"TARGET": "target", "RESULT": "result", "MAYBE_TARGET": "target", "MAYBE_RESULT": "result"}
_DEADLINE_CUE = regex.compile(r"trước ngày|chậm nhất|hạn chót|hoàn thành trước")
_ROLES = ("target", "result")
# A line's label and its rank: the lower the rank, the larger the part it opens.
_LINE = regex.compile(r"[^\n]*")
_LABEL = regex.compile(
    r"^[ \t]*(?:\*\*|#+[ \t]*|__)?[ \t]*"
    r"(?:(?P<roman>[IVX]{1,4})[.)]|(?P<number>\d{1,2}(?:\.\d{1,2}){1,3}\.?|\d{1,2}[.)])"
    r"|(?P<letter>[a-zđ])[.)]|(?P<bullet>[-+•–]))(?=[ \t])[ \t]*"
)
_HEADING_MAX_WORDS = 16
_HEADING_MAX_CHARS = 160  # a longer unlabeled line is prose whatever its words
_FIGURE = regex.compile(r"\d\s*%|\d[\d.,]*\s+\p{Ll}")
_PARAGRAPH = 99  # rank of a line that opens no part (prose, a table row)


@dataclass
class KindClues:
    """What a figure's kind is decided from. `cues` are the cue spans of the folded
    sentence; `own_period` is the period its sentence names, `context_period` one its
    context gives (a task's lead line, a list's intro, a heading), when that may decide."""

    cues: list[Cue]
    folded: str
    number_start: int
    clause_start: int
    comparator: str
    published: str | None
    own_period: dates.Interval | None = None
    context_period: dates.Interval | None = None
    kind_before: str | None = None
    figure_ends: list[int] = field(default_factory=list)
    section_role: str | None = None
    document_role: str | None = None


@lru_cache(maxsize=1)
def _rules() -> dict[str, Any]:
    rules = load_yaml("kinds.yaml")
    if tuple(rules.get("steps", ())) != STEPS:
        raise RuleError(f"kinds.yaml: steps must be {list(STEPS)}, got {rules.get('steps')!r}")
    compiled: dict[str, Any] = {}
    for key in ("section_roles", "document_roles"):
        if set(rules.get(key) or {}) != set(_ROLES):
            raise RuleError(f"kinds.yaml: {key} needs exactly the roles {list(_ROLES)}")
        compiled[key] = {
            role: regex.compile(
                rf"{alt([fold_for_matching(w) for w in words], name=f'kinds.yaml {key}')}"
                r"(?!\p{L})"
            )
            for role, words in rules[key].items()
        }
    meeting_words = alt([fold_for_matching(w) for w in rules["meeting_news"]], name="kinds.yaml meeting_news")
    compiled["meeting_news"] = regex.compile(rf"(?<!\p{{L}}){meeting_words}(?!\p{{L}})")
    return compiled


def heading_role(text: str) -> str | None:
    """The role of a heading's text (after its label): the role whose words it starts with,
    unless it names the other role's words too."""
    folded = fold_for_matching(text).strip(" *#_:")
    roles = _rules()["section_roles"]
    starts = [role for role in _ROLES if roles[role].match(folded)]
    if len(starts) != 1:
        return None
    other = "result" if starts[0] == "target" else "target"
    return None if regex.search(rf"(?<!\p{{L}}){roles[other].pattern}", folded) else starts[0]


def _line_rank(line: str) -> tuple[int, str]:
    """A line's rank and its text after the label: Roman headings and headings in capitals
    open the largest parts, numbered ones (1., 1.1.) smaller ones, then lettered items and
    bullets; a short unlabeled line is a heading only if it starts with a role's words."""
    if line.lstrip().startswith("|"):
        return _PARAGRAPH, ""
    match = _LABEL.match(line)
    rest = line[match.end() :] if match else line.strip(" \t*#_")
    if match is None:
        if len(rest) > _HEADING_MAX_CHARS:
            return _PARAGRAPH, rest
        if rest.isupper() and len(rest.split()) <= _HEADING_MAX_WORDS:
            return 1, rest
        if len(rest.split()) <= _HEADING_MAX_WORDS and not rest.rstrip().endswith((".", ";")) and heading_role(rest):
            return 5, rest
        return _PARAGRAPH, rest
    if match.group("roman"):
        return 1, rest
    if match.group("number"):
        return 2 + match.group("number").rstrip(".)").count("."), rest
    return (6 if match.group("letter") else 7), rest


class Sections:
    """For each line of a document, the role of the innermost enclosing heading that has
    one ("Mục tiêu cụ thể" > "- 100% hồ sơ ..."), computed once in a pass over the lines."""

    def __init__(self, text: str, title: str | None = None):
        self.starts, self.roles = [], []
        open_parts: list[tuple[int, str | None]] = []  # (rank, role), outermost first
        for line in _LINE.finditer(text):
            if not line.group().strip() or title and line.group().strip() == title.strip():
                continue  # a headline says what the document is about, not what its parts do
            rank, rest = _line_rank(line.group())
            # a line with a figure is an item, not a heading ("3. Đánh giá, xếp loại 100% cán bộ")
            own = (
                heading_role(rest)
                if rank < _PARAGRAPH and len(rest.split()) <= _HEADING_MAX_WORDS and not _FIGURE.search(rest)
                else None
            )
            if rank < _PARAGRAPH:
                while open_parts and open_parts[-1][0] >= rank:
                    open_parts.pop()
            enclosing = next((role for _, role in reversed(open_parts) if role), None)
            self.starts.append(line.start())
            self.roles.append(own or enclosing)
            if rank < _PARAGRAPH:
                open_parts.append((rank, own))

    def role_at(self, offset: int) -> str | None:
        index = bisect_right(self.starts, offset) - 1
        return self.roles[index] if index >= 0 else None


def document_role(title: str | None, head: str, doc_type: str | None = None) -> str | None:
    """Whether a document looks forward (target) or back (result): by its own type (the code
    of its number, or a heading in capitals in its first lines), else by the start of its
    title; news of a meeting looks back."""
    roles = _rules()["document_roles"]
    candidates = [doc_type] if doc_type else []
    candidates += [
        line.strip(" \t*#_") for line in head.split("\n")[:12] if line.strip() and line.strip(" \t*#_").isupper()
    ]
    if title:
        candidates.append(regex.sub(r"^(?:toàn văn|toan van)\s+", "", title.strip(), flags=regex.IGNORECASE))
    for candidate in candidates:
        folded = fold_for_matching(candidate)
        for role in _ROLES:
            if roles[role].match(folded):
                return role
    if title and _rules()["meeting_news"].search(fold_for_matching(title)):
        return "result"
    return None


_OWN_NUMBER = regex.compile(r"^\|?[ \t]*Số[ \t]*:?[ \t]*[\d.]*(?:/\d{4})?[/-](\p{Lu}[\p{L}]*)", regex.MULTILINE)


def own_type(head: str) -> str | None:
    """The type the code of the document's own number names ("Số: 188/KH-UBND": Kế hoạch)."""
    match = _OWN_NUMBER.search(head)
    return load_yaml("citations.yaml")["codes"].get(match.group(1)) if match else None


def _period_kind(period: dates.Interval | None, published: str | None, *, wholly: bool) -> str | None:
    """A period ended before the document's date makes a result, one after it a target;
    `wholly`: a period that holds the document's date decides nothing."""
    if not (period and period.end and published):
        return None
    if period.end < published:
        return "result"
    if wholly and period.start and period.start <= published:
        return None
    return "target"


def decide_kind(clues: KindClues) -> tuple[str, str, str | None]:
    """(kind, the step that decided it, the id of the cue that decided it or None)."""
    folded, number_start = clues.folded, clues.number_start
    own_period = _period_kind(clues.own_period, clues.published, wholly=True)
    # A cue after a figure in its own phrase qualifies that figure ("đạt 38,2% kế hoạch vốn
    # giao"), not the ones that follow; an aside starts a phrase ("đạt 46% (chỉ tiêu là 60%)").
    cues = [
        cue
        for cue in clues.cues
        if (cue.label in KIND_OF or cue.label == "PART")
        and not any(
            max(folded.rfind(",", 0, cue.start), folded.rfind(";", 0, cue.start), folded.rfind("(", 0, cue.start))
            < end
            <= cue.start
            for end in clues.figure_ends
        )
    ]
    in_clause = [c for c in cues if clues.clause_start <= c.start < number_start]
    if in_clause and in_clause[-1].label == "PART" and clues.kind_before:
        return clues.kind_before, "clause_cue", in_clause[-1].id
    maybe = None
    for basis, in_step in (("clause_cue", in_clause), ("sentence_cue", [c for c in cues if c.start < number_start])):
        found = [c for c in in_step if c.label != "PART"]
        if found and found[-1].label.startswith("MAYBE_"):
            if own_period:  # "toàn tỉnh có thêm 7 xã": plan or report, as the period says
                return own_period, "period", None
            maybe = maybe or found[-1]
        definite = [c for c in found if not c.label.startswith("MAYBE_")]
        if definite:
            return KIND_OF[definite[-1].label], basis, definite[-1].id
    if own_period:
        return own_period, "period", None
    phrase_start = max(
        clues.clause_start, folded.rfind(",", 0, number_start) + 1
    )  # "nỗ lực, quyết tâm của ..." are nouns
    directive = [c for c in clues.cues if c.label == "DIRECTIVE" and phrase_start <= c.start < number_start]
    if directive:
        return "target", "clause_cue", directive[-1].id
    # "đạt 95% trở lên", "trước ngày ...": a bound or a deadline is set for work to come (the
    # comparator's cue is the figure's already).
    if clues.comparator in (">=", "<="):
        return "target", "clause_cue", None
    if _DEADLINE_CUE.search(folded):
        return "target", "sentence_cue", None
    if clues.section_role:
        return clues.section_role, "section", None
    if clues.document_role:
        return clues.document_role, "document_type", None
    by_context = _period_kind(clues.own_period or clues.context_period, clues.published, wholly=False)
    if by_context:
        return by_context, "period", None
    return (KIND_OF[maybe.label], "default", maybe.id) if maybe else ("result", "default", None)
