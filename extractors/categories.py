"""An indicator's category looked up in a lexicon (rules/categories.yaml), and abbreviations
expanded (rules/abbreviations.yaml) for look-ups and for the names of bodies."""

from functools import lru_cache
from typing import Any

import regex

from pipeline.text.normalize import fold_for_matching

from .rules import RuleError, alt, load_yaml

_DIGIT = regex.compile(r"\d")


@lru_cache(maxsize=1)
def _rules() -> dict[str, Any]:
    abbreviations = load_yaml("abbreviations.yaml")
    categories = load_yaml("categories.yaml")["categories"]
    for entry in categories:
        if set(entry) != {"id", "label", "keywords"} or not entry["keywords"]:
            raise RuleError(f"categories.yaml: entry {entry!r} needs id, label and keywords")
    return {
        "abbreviation": regex.compile(rf"(?<![\p{{L}}\-]){alt(abbreviations)}(?![\p{{L}}\-])"),
        "expansions": abbreviations,
        "categories": [
            (
                entry["label"],
                regex.compile(rf"(?<!\p{{L}}){alt([fold_for_matching(w) for w in entry['keywords']])}(?!\p{{L}})"),
            )
            for entry in categories
        ],
    }


def expand_abbreviations(text: str) -> str:
    """'xã đạt chuẩn NTM' -> 'xã đạt chuẩn nông thôn mới'."""
    rules = _rules()
    abbreviation: regex.Pattern[str] = rules["abbreviation"]
    return abbreviation.sub(lambda m: rules["expansions"][m.group()], text)


def category(name: str, before: str) -> str | None:
    """The first category (in the table's order) whose keywords occur in the name; else the
    category of the keyword nearest before the figure in its clause, after any other figure."""
    categories: list[tuple[str, regex.Pattern[str]]] = _rules()["categories"]
    folded = fold_for_matching(expand_abbreviations(name))
    for label, pattern in categories:
        if pattern.search(folded):
            return label
    folded = fold_for_matching(expand_abbreviations(_DIGIT.split(before)[-1]))
    hits = [(m.end(), label) for label, pattern in categories for m in pattern.finditer(folded)]
    return max(hits)[1] if hits else None
