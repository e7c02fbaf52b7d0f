"""Where a deadline may start in folded text: `deadlines._pattern` is tried only there."""

import re
from functools import lru_cache

from .deadline_cues import phrases
from .rule_schemas import DEADLINE_CUE_ROLES

# What each alternative of `deadlines._pattern` after the cue begins with, up to where it may branch:
# a day, month, hour or count of months in digits, a weekday, the word of a period.
_BODY_STARTS = (
    r"\d\d?(?:\s*(?:giờ|h)|[/.-]\d| tháng )",
    "tết nguyên đán",
    "ngày",
    "mồng",
    "mùng",
    "thứ ",
    "chủ nhật",
    "quý ",
    "ba tháng ",
    "sáu tháng ",
    "chín tháng ",
    r"tháng \d",
    r"cuối\s+tháng ",
    r"giữa\s+tháng ",
    r"đầu\s+tháng ",
    r"cuối\s+năm ",
    "năm ",
)
# Letters a deadline never follows (`deadlines._pattern` starts after a non-letter): folded text is lower case.
_LETTERS = "a-zà-ãè-êìíò-õù-úýăđĩũơưạ-ỹ"


@lru_cache(maxsize=1)
def starts() -> re.Pattern[str]:
    """The character before each place a deadline may start: one that is no letter, then a cue
    and what may follow it, or what a time expression begins with. The alternatives are
    grouped by their first character, and the scan stops only at non-letters."""
    # a cue before "là" may have words before the time expression ("Thời hạn nộp báo cáo là ..."),
    # another has it right after a space or colon (or "vào")
    before_la = set(phrases("cue_before_la"))
    body = "(?:" + "|".join(_BODY_STARTS) + ")"
    cues = [
        re.escape(phrase) + (r"[\s:]" if phrase in before_la else r"(?:\s+vào)?:?\s+" + body)
        for phrase in phrases(*DEADLINE_CUE_ROLES)
    ]
    by_first: dict[str, list[str]] = {}
    for start in cues + list(_BODY_STARTS):
        first = 2 if start.startswith("\\") else 1
        by_first.setdefault(start[:first], []).append(start[first:])
    grouped = "|".join(
        f"{first}(?:{'|'.join(sorted(set(rests), key=lambda rest: (-len(rest), rest)))})"
        for first, rests in sorted(by_first.items())
    )
    return re.compile(f"[^{_LETTERS}](?={grouped})")
