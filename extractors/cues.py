"""A spaCy SpanRuler that labels cue phrases (comparators, target/result cues) in a Doc."""

from functools import cache
from typing import Any, NamedTuple

from spacy.language import Language
from spacy.pipeline import SpanRuler
from spacy.tokens import Doc, Span

from .rules import load_patterns

CUES_KEY = "cues"


class Cue(NamedTuple):
    """A cue span as offsets into its sentence: its label and the `id` of the pattern that
    matched it (carried into the rule_id of the row it decides)."""

    label: str
    start: int
    end: int
    id: str


def add_ruler(nlp: Language, name: str, spans_key: str, rule_file: str, **config: Any) -> SpanRuler:
    """A SpanRuler for a rule file's patterns: phrases go to its PhraseMatcher on NORM
    (the folded syllable), token patterns to its Matcher."""
    ruler = nlp.add_pipe(
        "span_ruler",
        name=name,
        config={"spans_key": spans_key, "phrase_matcher_attr": "NORM", "validate": True, **config},
    )
    assert isinstance(ruler, SpanRuler)
    ruler.add_patterns(list(load_patterns(rule_file)))
    return ruler


@cache
def _ruler(nlp: Language) -> SpanRuler:
    return add_ruler(
        nlp, "cue_ruler", CUES_KEY, "cues.jsonl", spans_filter={"@misc": "spacy.first_longest_spans_filter.v1"}
    )


def cue_spans(nlp: Language, doc: Doc) -> list[Span]:
    """The cue spans of a Doc, computed once per Doc. A capitalized cue inside a
    sentence is part of a name ("Làng Canh Giao"), not the word "giao"."""
    if CUES_KEY not in doc.spans:
        _ruler(nlp)(doc)
    return [span for span in doc.spans[CUES_KEY] if span.label_ != "WORD" and not _inside_name(span)]


def _inside_name(span: Span) -> bool:
    first = span[0]
    if not first.text[:1].isupper() or first.i == 0:
        return False
    previous = span.doc[first.i - 1]
    return not (previous.is_punct and previous.text in '.:;!?("“-–|')
