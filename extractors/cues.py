"""Cue phrases (comparators, target/result cues, rules/cues.jsonl) in a sentence, as a spaCy
SpanRuler keeping the first longest of overlapping spans would label them in a Doc of it."""

from functools import cache
from typing import NamedTuple

from .phrases import Match, Phrases, Tokens, first_longest
from .rules import load_patterns


class Cue(NamedTuple):
    """A cue span as offsets into its sentence: its label and the `id` of the pattern that
    matched it (carried into the rule_id of the row it decides)."""

    label: str
    start: int
    end: int
    id: str


@cache
def _phrases() -> Phrases:
    return Phrases(load_patterns("cues.jsonl"))


def cue_matches(tokens: Tokens) -> list[Match]:
    """Every cue phrase of a sentence, the longest of overlapping ones (labels WORD included:
    they are there to hide the shorter cue inside them, "giao" in "giao thông")."""
    return first_longest(_phrases().find(tokens.norms))


def sentence_cues(text: str) -> list[Cue]:
    """The cues of a sentence. A capitalized cue inside a sentence is part of a name ("Làng
    Canh Giao"), not the word "giao". Offsets count from the sentence's first token with one
    space between tokens, as in a spaCy Doc of it: the same as in the sentence unless it has
    runs of white space."""
    tokens = Tokens(text)
    if not tokens.spans:
        return []
    first = tokens.spans[0][0]
    return [
        Cue(
            match.label,
            first + tokens.doc_offset(match.start),
            first + tokens.doc_offset(match.end - 1) + len(tokens.texts[match.end - 1]),
            match.id,
        )
        for match in cue_matches(tokens)
        if match.label != "WORD" and not _inside_name(tokens, match.start)
    ]


# Marks after which a capital starts a sentence or a phrase rather than continuing a name
# (spaCy's punctuation: '|', a math symbol, is not one of them).
_NAME_BOUNDARY = frozenset('.:;!?("“-–')


def _inside_name(tokens: Tokens, start: int) -> bool:
    if not tokens.texts[start][:1].isupper() or start == 0:
        return False
    return tokens.texts[start - 1] not in _NAME_BOUNDARY
