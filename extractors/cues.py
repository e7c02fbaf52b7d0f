"""A spaCy SpanRuler that labels cue phrases (comparators, target/result cues) in a Doc."""

from functools import lru_cache

import regex

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.normalize import fold_for_matching

from .rules import load_patterns

CUES_KEY = "cues"


def token_pattern(phrase: str) -> list[dict]:
    """"trở lên" -> [{"NORM": "trở"}, {"NORM": "lên"}]: one token per syllable or punctuation mark, folded."""
    return [{"NORM": piece} for piece in regex.findall(r"[\p{L}\p{N}]+|[^\s\p{L}\p{N}]", fold_for_matching(phrase))]


def ruler_patterns(name: str) -> list[dict]:
    """A rule file's patterns for a SpanRuler: phrases become token patterns on NORM."""
    return [{**p, "pattern": token_pattern(p["pattern"]) if isinstance(p["pattern"], str) else p["pattern"]}
            for p in load_patterns(name)]


@lru_cache(maxsize=None)
def _ruler(nlp: Language):
    ruler = nlp.add_pipe("span_ruler", name="cue_ruler", config={
        "spans_key": CUES_KEY, "spans_filter": {"@misc": "spacy.first_longest_spans_filter.v1"},
        "validate": True})
    ruler.add_patterns(ruler_patterns("cues.jsonl"))
    return ruler


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
    return not (previous.is_punct and previous.text in ".:;!?(\"“-–|")
