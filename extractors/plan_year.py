"""The year a plan names in its title: a deadline of its own (the plan's year), and the year
its months and quarters without one fall in."""

from functools import lru_cache

import regex

from . import dates
from .context import AnalyzedDocument
from .rules import alt, load_yaml
from .schema import DeadlineRow

_YEAR = r"(?:19|20)\d{2}"
_TITLE_END = regex.compile(r"^(?:căn cứ|thực hiện|kính gửi|để|nhằm|trên cơ sở|theo)(?!\p{L})|[.:;]$")
_TITLE_YEAR = regex.compile(rf"(?<!tháng \d{{1,2}} )(?<!giai đoạn |nhiệm kỳ |thời kỳ )năm ({_YEAR})(?!\s*[-–]\s*\d)")


def plan_year(analyzed: AnalyzedDocument) -> DeadlineRow | None:
    """The year a plan's title names: "KẾ HOẠCH" on its own line, then title lines with "năm 2019"."""
    folded = analyzed.folded
    types = set(load_yaml("deadlines.yaml")["plan_types"])
    lines = [(m.start(), m.group()) for m in regex.finditer(r"[^\n]+", folded[:3000])][:25]
    for index, (_, line) in enumerate(lines):
        if line.strip(" *#_") not in types or not analyzed.text[lines[index][0] :].lstrip(" *#_")[:1].isupper():
            continue
        for start, title in lines[index + 1 : index + 5]:
            if _TITLE_END.search(title.strip(" *_")):
                break
            found = _TITLE_YEAR.search(title)
            if found and (analyzed.year is None or int(found.group(1)) >= analyzed.year):
                interval = dates.year(int(found.group(1)))
                at = start + found.start()
                sentence = analyzed.sentence_at(at)
                return DeadlineRow(
                    text=analyzed.text[at : start + found.end()],
                    start_date=interval.start,
                    end_date=interval.end,
                    granularity="year",
                    valid=True,
                    note=None,
                    sentence=sentence.text if sentence else title,
                    start=at,
                    end=start + found.end(),
                    rule_id="deadline.plan_year",
                )
        return None
    return None


def year_of_undated(analyzed: AnalyzedDocument, planned: DeadlineRow | None) -> int | None:
    """The year a month or quarter without one falls in: the document's, or the year of the
    plan it is or announces in its title when that comes later ('Kế hoạch ... năm 2025' issued
    in October 2024: its 'trong quý I' is of 2025)."""
    if planned and planned.start_date:
        named = int(planned.start_date[:4])
    else:
        found = _TITLE_YEAR.search(_plan_title(analyzed.folded))
        named = int(found.group(1)) if found else 0
    return named if analyzed.year is not None and named > analyzed.year else analyzed.year


def _plan_title(folded: str) -> str:
    """The document's first line when it names a plan ('ban hành Kế hoạch ... năm 2025')."""
    first = folded[: folded.find("\n")] if "\n" in folded else folded[:300]
    return first if _plan_type().search(first) else ""


@lru_cache(maxsize=1)
def _plan_type() -> regex.Pattern[str]:
    types = alt(load_yaml("deadlines.yaml")["plan_types"], name="deadlines.yaml plan_types")
    return regex.compile(rf"(?<!\p{{L}}){types}(?!\p{{L}})")
