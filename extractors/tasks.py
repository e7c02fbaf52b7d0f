"""Numbered task lists: labels, nesting, the text of each item, announced counts."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypedDict

import regex

from .context import AnalyzedDocument
from .numbers import NUMBER_WORDS, parse_number_words
from .rules import alt, load_yaml
from .schema import FlagRow, TaskRow

_LINE = regex.compile(r"[^\n]+")
_NEXT_LINE_TEXT = regex.compile(r"\n[ \t]*(?:\*\*[ \t]*)?(?=[\p{Lu}\p{N}\"“(])")
_BULLET_LINE = regex.compile(r"\n[ \t]*[-+•]")

_LEAD = r"^[ \t]*(?:\*\*|#+\s*|__)?[ \t]*"
# "2.1. Số nhiệm vụ đã hoàn thành Nhiệm vụ 45": a row of a statistics table ends in a bare
# figure (a year ends a task's line as often: "... trong năm 2021").
# "Đồng chí Phó Trưởng ban - Ủy viên: Trực tiếp chỉ đạo ...": a person given duties, not an entry
# of a list of attendees
_DUTY_AFTER_COLON = regex.compile(r":\s*\p{L}+(?:\s+\S+){4,}")
_STATISTIC_ROW = regex.compile(r"(?:^|\s)(?:\d[\d.,]*|%)\s*$")
_YEAR_END = regex.compile(r"(?:năm|đến|giai đoạn|quý [IV]+/)\s*(?:19|20)\d{2}\.?\s*$", regex.IGNORECASE)


@dataclass
class _Label:
    style: str
    value: tuple[int, ...]
    label: str
    rule_id: str
    line_start: int
    text_start: int
    inline: bool = False


class _Rules(TypedDict):
    labels: list[tuple[str, str, regex.Pattern[str]]]
    lone_labels: list[tuple[str, str, regex.Pattern[str]]]
    inline_labels: list[tuple[str, str, regex.Pattern[str]]]
    any_label: regex.Pattern[str]
    any_inline: regex.Pattern[str]
    section: regex.Pattern[str]
    ordinals: dict[str, int]
    not_item: regex.Pattern[str]
    name_item: regex.Pattern[str]
    not_section: regex.Pattern[str]
    part: regex.Pattern[str]
    announced: regex.Pattern[str]


# A label is followed by a capital, a digit or a quote; word labels ("Một là,",
# "Thứ nhất,") also by a comma or colon and a lower-case word: "Một là, nâng cao ...".
_LOWER_OK = r"|[ \t]*[,:][ \t]+(?=\p{Ll})"


def _label_and_sep(entry: dict[str, Any], label: str = "{}") -> str:
    """A label rule's pattern and the separator that may follow it."""
    # "Thứ nhất là tăng cường ...": the ordinal, then "là" before the text
    copula = r"|[ \t]+là[ \t]*[,:]?[ \t]+(?=\p{L})" if entry.get("copula") else ""
    return (
        "(?P<label>"
        + label.format(entry["regex"])
        + r")(?P<sep>"
        + copula[1:]
        + ("|" if copula else "")
        + r"[ \t]*[,:.]?[ \t]+(?=[\p{Lu}\p{N}\"“(*])|\*\*[ \t]*(?=[\p{Lu}\p{N}\"“(*])"
        + (_LOWER_OK if entry.get("word_label") else "")
        + ")"
    )


_LabelPatterns = list[tuple[str, str, "regex.Pattern[str]"]]


def _label_patterns(labels: list[dict[str, Any]]) -> tuple[_LabelPatterns, _LabelPatterns, _LabelPatterns]:
    """The label rules as patterns: at a line's start, inside a paragraph, alone on a line."""
    compiled = [(entry["style"], entry["id"], regex.compile(_LEAD + _label_and_sep(entry))) for entry in labels]
    # Inside a paragraph a label follows a full stop, semicolon or colon; after a semicolon
    # or colon a word label may be lower case ("...; hai là, ..."). The mark is matched, not
    # looked behind at, so the scan jumps from mark to mark.
    inline = [
        (
            entry["style"],
            entry["id"],
            regex.compile(
                r"(?:[.!?][ \t]+" + _label_and_sep(entry) + r"|[;:][ \t]+" + _label_and_sep(entry, "(?i:{})") + ")"
            ),
        )
        for entry in labels
        if entry.get("inline")
    ]
    # "1." alone on its line, its text on the next (a list item whose content is a paragraph)
    lone = [
        (entry["style"], entry["id"], regex.compile(_LEAD + "(?P<label>" + entry["regex"] + r")[ \t]*(?:\*\*)?[ \t]*$"))
        for entry in labels
        if not entry.get("word_label")
    ]
    return compiled, inline, lone


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    rules = load_yaml("tasks.yaml")
    compiled, inline, lone = _label_patterns(rules["labels"])
    return {
        "labels": compiled,
        "lone_labels": lone,
        "inline_labels": inline,
        # Whether a line may hold a label at all: one look instead of a try of every label rule.
        "any_label": regex.compile(_LEAD + "(?:" + "|".join(entry["regex"] for entry in rules["labels"]) + ")"),
        "any_inline": regex.compile("|".join(f"(?:{pattern.pattern})" for _, _, pattern in inline)),
        "section": regex.compile(_LEAD + r"(?P<label>" + rules["section"] + r")[ \t]+(?=\p{Lu})"),
        "ordinals": rules["ordinal_words"],
        "not_item": regex.compile(rf"^{alt(rules['not_task_item_starts'])}(?!\p{{L}})", regex.IGNORECASE),
        # "Xã An Hòa", "Phường 3": an item that is only a place name, to the end of its line.
        "name_item": regex.compile(
            rf"^{alt(rules['place_words'])}(?:[ \t]+(?:\p{{Lu}}\p{{L}}*|\d+))+[ \t]*[.;,]?[ \t]*(?:\n|$)"
        ),
        "not_section": regex.compile(
            rf"^(?:[IVXL]+\.|Điều \d+\.?|Chương [IVXL]+\.?)?[ \t]*{alt(rules['not_task_sections'])}"
            rf"(?:[ \t]*(?:,|và|-)[ \t]*{alt(rules['not_task_sections'])})*[ \t]*(?::|$)",
            regex.IGNORECASE,
        ),
        "part": regex.compile(
            rf"^(?:{alt(rules['part_names'])}[ \t]*(?::|\.?[ \t]*$)"
            rf"|{alt(rules['part_heads'])}(?:[ \t]+\p{{L}}+){{1,2}}[ \t]*:?[ \t]*$)",
            regex.IGNORECASE,
        ),
        "announced": regex.compile(
            rf"(?<!\p{{L}})(?P<count>\d{{1,3}}|{NUMBER_WORDS}) (?:{alt(rules['announced_nouns'])})(?!\p{{L}})",
            regex.IGNORECASE,
        ),
    }


def _label(style: str, match: regex.Match[str], rule_id: str, start: int, end: int, rules: _Rules) -> _Label:
    return _Label(style, _value(style, match.group("n"), rules["ordinals"]), match.group("label"), rule_id, start, end)


def _value(style: str, raw: str, ordinals: dict[str, int]) -> tuple[int, ...]:
    if style in ("mot_la", "thu_nhat"):
        return (ordinals[raw.lower()],)
    if style == "letter_paren":
        return ("abcdđefghijklmnopqrstuvwxyz".index(raw),)
    return tuple(int(part) for part in raw.split("."))


_LETTERS = "abcdđefghijklmnopqrstuvwxyz"


def _successor(previous: tuple[int, ...], value: tuple[int, ...], style: str) -> bool:
    if style == "letter_paren" and len(previous) == len(value) == 1 and previous[0] < value[0]:
        # a) b) c) d) đ) e) g) h): "đ" is a letter of its own, and the Vietnamese alphabet has
        # no f, j, w, z; a list may use them or not
        return all(_LETTERS[index] in "đfjwz" for index in range(previous[0] + 1, value[0]))
    if len(previous) != len(value):
        return False
    return value[:-1] == previous[:-1] and value[-1] == previous[-1] + 1


def _near_successor(previous: _Label, label: _Label) -> bool:
    """Word numbering that skips a number (5. then 7.) or repeats one (2. then 2.): items at the
    start of their lines, of the same style and depth."""
    if previous.inline or label.inline or previous.style != label.style or len(previous.value) != len(label.value):
        return False
    if previous.value[:-1] != label.value[:-1]:
        return False
    step = label.value[-1] - previous.value[-1]
    return step == 2 or step == 0 and label.value[-1] >= 2


def _first(value: tuple[int, ...]) -> bool:
    return value[-1] in (0, 1)


def _find_labels(text: str) -> tuple[list[_Label], list[tuple[int, str]]]:
    rules = _rules()
    labels, sections = [], []
    for line in _LINE.finditer(text):
        section = rules["section"].match(line.group())
        if section:
            sections.append((line.start(), line.group().strip(" *#")))
            continue
        if rules["any_label"].match(line.group()):
            label = _line_label(text, line, rules)
            if label is not None:
                labels.append(label)
        if not rules["any_inline"].search(line.group()):
            continue
        inline = [
            (match.start("label"), style, rule_id, match)
            for style, rule_id, pattern in rules["inline_labels"]
            for match in pattern.finditer(line.group())
        ]
        for position, style, rule_id, match in sorted(inline, key=lambda found: found[0]):
            labels.append(_label(style, match, rule_id, line.start() + position, line.start() + match.end(), rules))
    return labels, sections


def _line_label(text: str, line: regex.Match[str], rules: _Rules) -> _Label | None:
    """The label at the start of `line`, its text after it or, a label alone on its line, on the next."""
    for style, rule_id, pattern in rules["labels"]:
        match = pattern.match(line.group())
        if match:
            raw = match.group("n")
            return _Label(
                style,
                _value(style, raw, rules["ordinals"]),
                match.group("label"),
                rule_id,
                line.start(),
                line.start() + match.end(),
            )
    for style, rule_id, pattern in rules["lone_labels"]:
        match = pattern.match(line.group())
        following = _NEXT_LINE_TEXT.match(text, line.end()) if match else None
        if match and following:
            return _label(style, match, rule_id, line.start(), following.end(), rules)
    return None


def _build_lists(labels: list[_Label], section_starts: Sequence[int] = ()) -> list[list[tuple[_Label, int]]]:
    """Group labels into lists of consecutive items; each item keeps its nesting level.
    A section heading (`II. ...`) closes every open list: lists never nest across sections."""
    lists: list[list[tuple[_Label, int]]] = []
    stack: list[list[tuple[_Label, int]]] = []  # open lists, outermost first
    pending_sections = sorted(section_starts)
    for label in labels:
        if pending_sections and pending_sections[0] < label.line_start:
            stack.clear()
            pending_sections = [start for start in pending_sections if start > label.line_start]
        depth = next(
            (
                depth
                for depth in range(len(stack) - 1, -1, -1)
                if stack[depth][-1][0].style == label.style
                and _successor(stack[depth][-1][0].value, label.value, label.style)
            ),
            None,
        )
        if depth is None and not _first(label.value):
            depth = next(
                (depth for depth in range(len(stack) - 1, -1, -1) if _near_successor(stack[depth][-1][0], label)), None
            )
        if depth is not None:
            del stack[depth + 1 :]
            stack[depth].append((label, depth))
        else:
            if _first(label.value):
                if stack and stack[-1][-1][0].style == label.style:
                    stack.clear()  # a new list of the same style starts over
                new = [(label, len(stack))]
                stack.append(new)
                lists.append(new)
    return [items for items in lists if len(items) >= 2]


def extract_tasks(analyzed: AnalyzedDocument) -> tuple[list[TaskRow], list[FlagRow]]:
    text = analyzed.text
    rules = _rules()
    labels, sections = _find_labels(text)
    lists = _build_lists(labels, [start for start, _ in sections])
    all_items = sorted((item for items in lists for item in items), key=lambda item: item[0].line_start)
    rows, flags = [], []
    by_label: dict[int, TaskRow] = {}
    for items in lists:
        first = items[0][0]
        section = next((title for start, title in reversed(sections) if start < first.line_start), None)
        if section and rules["not_section"].search(section):
            continue
        if sum(
            bool(
                rules["not_item"].match(text[label.text_start : label.text_start + 40])
                and not _DUTY_AFTER_COLON.search(_first_line(text, label))
                or rules["name_item"].match(text[label.text_start : label.text_start + 80])
                or _first_line(text, label).rstrip(" *_").endswith("!")
                or _STATISTIC_ROW.search(_first_line(text, label))
                and not _YEAR_END.search(_first_line(text, label))
            )
            for label, _ in items
        ) * 2 >= len(items):
            continue
        for label, level in items:
            if rules["part"].match(_first_line(text, label).strip(" *_")):
                continue  # "1. Mục đích": a part of the plan, a section for the items under it
            end = _item_end(text, label, level, all_items, sections)
            while end > label.text_start and (text[end - 1].isspace() or text[end - 1] == "*"):
                end -= 1
            row = TaskRow(
                label=label.label,
                ordinal=label.value[-1],
                text=text[label.text_start : end],
                start=label.text_start,
                end=end,
                rule_id=label.rule_id,
                level=level,
                section=section,
            )
            by_label[label.line_start] = row
            rows.append(row)
        flags.extend(_count_mismatch(text, items, rules))
    _link_parents(rows, all_items, by_label)
    rows.sort(key=lambda row: row.start)
    return rows, flags


def _first_line(text: str, label: _Label) -> str:
    end = text.find("\n", label.text_start)
    return text[label.text_start : end if end >= 0 else len(text)]


def _item_end(
    text: str, label: _Label, level: int, all_items: list[tuple[_Label, int]], sections: list[tuple[int, str]]
) -> int:
    """To the next label of this list or an outer one, or the next section; the last item
    of a list ends with its paragraph unless bullets ("-", "+") follow it."""
    following = [
        other.line_start
        for other, other_level in all_items
        if other.line_start > label.line_start and other_level <= level
    ]
    following += [start for start, _ in sections if start > label.line_start]
    if following:
        return min(following)
    end = text.find("\n", label.text_start)
    while end >= 0 and _BULLET_LINE.match(text[end : end + 4]):
        end = text.find("\n", end + 1)
    return len(text) if end < 0 else end


def _link_parents(rows: list[TaskRow], all_items: list[tuple[_Label, int]], by_label: dict[int, TaskRow]) -> None:
    open_items: dict[int, TaskRow] = {}
    for label, level in all_items:
        row = by_label.get(label.line_start)
        if row is None:
            # an item kept as a section ("1. Mục đích"): no parent for the items under it
            open_items = {lvl: item for lvl, item in open_items.items() if lvl < level}
            continue
        open_items[level] = row
        for deeper in [lvl for lvl in open_items if lvl > level]:
            del open_items[deeper]
        row.parent = open_items.get(level - 1) if level else None


def _count_mismatch(text: str, items: list[tuple[_Label, int]], rules: _Rules) -> list[FlagRow]:
    first = items[0][0]
    window_start = max(text.rfind("\n", 0, max(0, first.line_start - 1)), 0)
    window_start = max(text.rfind("\n", 0, max(0, window_start - 1)), 0)
    window = text[window_start : first.line_start]
    found = list(rules["announced"].finditer(window))
    if not found:
        return []
    match = found[-1]
    raw = match.group("count")
    announced = int(raw) if raw.isdigit() else parse_number_words(raw)
    enumerated = sum(1 for _, level in items if level == items[0][1])
    if announced == enumerated:
        return []
    return [
        FlagRow(
            "task_count_mismatch",
            f"the text announces {announced} ({match.group()!r}) but the list that follows has {enumerated} items",
            window_start + match.start(),
            window_start + match.end(),
        )
    ]
