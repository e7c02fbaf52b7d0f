"""The word lists of rules/names.yaml (with units.yaml's fallback verbs) compiled for the name
steps of naming.py: tone-folded sets and patterns, built once."""

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import regex

from pipeline.text.normalize import fold_for_matching

from .rules import alt, load_yaml


@lru_cache(maxsize=1)
def name_rules() -> dict[str, Any]:
    """The word lists of rules/names.yaml as sets and patterns, built once."""
    names = load_yaml("names.yaml")
    fold: Callable[[list[str]], list[str]] = lambda words: [fold_for_matching(w) for w in words]  # noqa: E731
    acts = names["acts"] + load_yaml("units.yaml")["fallback_verbs"]
    return {
        **_act_patterns(names, acts),
        "start_after": frozenset(fold(names["start_after"])),
        "trim_end": frozenset(fold(names["trim_end"])),
        "trim_start": frozenset(fold(names["trim_start"])),
        "name_ends": frozenset(fold(names["name_ends"])),
        "qualifier_not_after": frozenset(fold(names["qualifier_not_after"])),
        "max_words": int(names["max_words"]),
        "max_after": int(names["max_after"]),
        "after_end": regex.compile(
            rf"(?<!\p{{L}}){alt(fold(names['after_ends']), name='names.yaml after_ends')}(?!\p{{L}})"
            r"|[;:.()\[\]!?…|]|(?<!(?:mức độ|cấp độ|loại|hạng|nhóm|tổ|lớp) )\d"
            r"(?![\d.,]*\s+(?:(?:tháng|năm)\s+(?:đến|-|–)\s+\d+\s+)?(?:tháng\s+)?tuổi)"
            rf"|,\s*{alt(fold(names['comma_ends'] + acts), name='names.yaml comma_ends')}(?!\p{{L}})"
        ),
        "plan_words": frozenset(fold(names["plan_words"])),
        "object_of": regex.compile(rf"(?<!\p{{L}}){alt(fold(names['object_of']), name='names.yaml object_of')}\s*$"),
        "generic_counted": frozenset(fold(names["generic_counted"])),
        "measures": frozenset(w.lower() for w in names["measures"]),
        "gives_to": frozenset(fold(names["gives_to"])),
        "where_only": frozenset(fold(names["where_only"])),
        "place_words": frozenset(fold(names["places"])),
        "scales": frozenset(w.lower() for w in load_yaml("units.yaml")["scales"]),
        "same_quantity": regex.compile(
            rf"^{alt(fold(names['same_quantity']), name='names.yaml same_quantity')}(?!\p{{L}})"
        ),
        "quantity_head_anywhere": regex.compile(
            rf"(?<!\p{{L}}){alt(fold(names['quantity_heads']), name='names.yaml quantity_heads')}(?!\p{{L}})"
        ),
        "quantity_head": regex.compile(  # a quantity, or its total: "tổng quy mô", "tổng giá trị"
            rf"^(?:tổng )?{alt(fold(names['quantity_heads']), name='names.yaml quantity_heads')}(?!\p{{L}})"
        ),
        "place": regex.compile(
            rf"^(?i:{alt(names['places'], name='names.yaml places')})(?:\s+\p{{Lu}}[\p{{L}}\-]*|\s+\d+)*$"
        ),
        "place_list": regex.compile(  # ", phường, thị trấn" after "3 xã"
            rf"(?:\s*,\s*(?:{alt(fold(names['places']), name='names.yaml places')})(?!\p{{L}}))+"
            rf"(?:\s+và\s+{alt(fold(names['places']), name='names.yaml places')}(?!\p{{L}}))?"
        ),
        "share_of": regex.compile(rf"^\s*{alt(fold(names['share_of']), name='names.yaml share_of')}(?!\p{{L}})"),
    }


def _act_patterns(names: dict[str, Any], acts: list[str]) -> dict[str, regex.Pattern[str]]:
    """Where an act stands in a name: at its start, at its end past comparators, after 'và'."""
    fold: Callable[[list[str]], list[str]] = lambda words: [fold_for_matching(w) for w in words]  # noqa: E731
    naming_acts = [act for act in acts if act not in names["not_naming_acts"]]
    return {
        "act_at_end": regex.compile(
            rf"(?<!\p{{L}}){alt(fold(names['acts']), name='names.yaml acts')}"
            rf"(?:\s+{alt(fold(names['comparators_between']), name='names.yaml comparators_between')})*\s*$"
        ),
        "final_act": regex.compile(  # "mới kiểm tra được": the act, past the comparators after it
            rf"(?<!\p{{L}})(?P<act>{alt(fold(naming_acts), name='names.yaml acts')})"
            rf"(?:\s+{alt(fold(names['comparators_between']), name='names.yaml comparators_between')})*\s*$"
        ),
        "aside_opens": regex.compile(  # "409 ha (350 hộ)", "325 hộ (hơn 382 ha)", "99 phòng (giảm 46 phòng)"
            rf"\s*\(\s*(?:{alt(fold(names['changes']), name='names.yaml changes')}\s+)?"
            rf"(?:{alt(fold(names['comparators_between']), name='names.yaml comparators_between')}\s+)*"
        ),
        "changed_to": regex.compile(  # "từ 145 phòng trực thuộc giảm xuống còn 99 phòng"
            rf"\s*(?:\p{{L}}+\s+){{0,3}}?{alt(fold(names['changes']), name='names.yaml changes')}"
            rf"\s+{alt(fold(names['changed_to']), name='names.yaml changed_to')}\s*"
        ),
        "next_item": regex.compile(
            rf"(?<!\p{{L}}){alt(fold(names['next_item']), name='names.yaml next_item')}"
            rf"(?:\s+{alt(fold(names['comparators_between']), name='names.yaml comparators_between')})*\s*$"
        ),
        "and_act": regex.compile(rf"\s*(?<!\p{{L}})và\s+{alt(fold(acts), name='names.yaml acts')}(?!\p{{L}})"),
        "act": regex.compile(
            rf"^{alt(fold(acts), name='names.yaml acts')}"
            r"(?!\p{L})"
        ),
    }
