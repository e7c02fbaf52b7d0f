"""Parties: the government and Party bodies a directive names (a gazetteer of phrases,
rules/bodies.jsonl, and generic spaCy token patterns), with their role (assignee or coordinator) from
the cue words around them (rules/parties.yaml)."""

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from functools import cache, lru_cache

import regex
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from pipeline.text.nlp import syllables
from pipeline.text.normalize import fold_for_matching

from .categories import expand_abbreviations
from .context import AnalyzedDocument, syllable_window
from .phrases import Match, Phrases, Tokens, phrase_regex
from .rules import alt, load_patterns, load_yaml
from .schema import IndicatorRow, PartyRow, TaskRow

_CLAUSE_BREAK = regex.compile(r"[;.:\n]")

BodySpan = tuple[int, int, str]  # (start, end, rule id): tokens or offsets
_GENERIC_REACH = 20  # tokens from a generic head: longer than any body's name
# Where a generic pattern (rules/bodies_generic.jsonl) can start, in the sentence and in its
# folded form: the token Matcher, costly per token, runs only from such places.
_GENERIC_BODY = regex.compile(r"(?<!\w)(?i:sở|ban)\s+\p{Lu}")
_LOCAL_BODY = regex.compile(r"(?<!\w)(?:ubnd|hđnd|ủy ban nhân dân)\s+(?:huyện|xã|phường|quận|thị)(?!\w)")
_RECIPIENT_ENTRY = regex.compile(r"^\s*;")
_LISTED_WITH = regex.compile(r"^\s*(?:,|và|cùng|;)?\s*(?:và\s+)?$")


@cache
def _phrases() -> Phrases:
    return Phrases(load_patterns("bodies.jsonl"))


@cache
def _generic_matcher(vocab: Vocab, tags: bool = True) -> Matcher:
    """The generic patterns (bodies_generic.jsonl), keyed by their ids: they run on a few
    tokens from each place one can start, not on the whole sentence. Without their word
    `tags` they find every span they could find, whatever the segmenter's words."""
    matcher = Matcher(vocab, validate=True)
    for entry in load_patterns("bodies_generic.jsonl"):
        specs = [{key: value for key, value in spec.items() if tags or key != "TAG"} for spec in entry["pattern"]]
        matcher.add(entry["id"], [specs])
    return matcher


@lru_cache(maxsize=1)
def _cues() -> dict[str, regex.Pattern[str]]:
    rules = load_yaml("parties.yaml")
    return {
        "assignee_before": regex.compile(rf"(?<!\p{{L}}){alt(rules['assignee_before'])}(?:\s+cho)?\s*$"),
        "not_before": regex.compile(rf"(?<!\p{{L}}){alt(rules['not_before'])}\s*$"),
        "coordinator_before": regex.compile(rf"(?<!\p{{L}}){alt(rules['coordinator_before'])}\s*$"),
        "assignee_after": regex.compile(rf"^\s*(?:{alt(rules['assignee_after'])})"),
        "item_start": regex.compile(r"(?:^|\n)[ \t]*(?:[-+•*]|\(?\d{1,2}(?:\.\d{1,2})*[.)]|[a-zđ]\))[ \t]*$"),
    }


@lru_cache(maxsize=1)
def _named_body() -> re.Pattern[str]:
    """Where a named body (bodies.jsonl) may be in folded text: its folded syllables in
    order. A sentence without one, or a generic head, names no body and gets no Doc.
    (`re`, not `regex`: it scans an alternation of literals several times faster.)"""
    return re.compile(
        phrase_regex(
            [fold_for_matching(s) for s in syllables(entry["pattern"])] for entry in load_patterns("bodies.jsonl")
        )
    )


def body_spans(named: Sequence[Match], doc: Doc | None = None, heads: Sequence[int] = ()) -> list[BodySpan]:
    """The body spans of a sentence, longest first and not overlapping; of equal spans a
    named body (`named`, the matches of bodies.jsonl) wins over a generic pattern ("Sở Nội
    vụ" over "Sở <word>"). Generic patterns run on the sentence's Doc from the tokens `heads`."""
    spans = [(match.start, match.end, match.id) for match in named]
    if heads:
        assert doc is not None, "generic patterns read a Doc"
        spans += _generic_spans(doc, heads)
    chosen: list[BodySpan] = []
    taken: set[int] = set()
    for start, end, rule_id in sorted(spans, key=lambda s: (s[0] - s[1], ".generic." in s[2], s[0])):
        if not taken.intersection(range(start, end)):
            chosen.append((start, end, rule_id))
            taken.update(range(start, end))
    return sorted(chosen)


def _generic_spans(doc: Doc, heads: Sequence[int]) -> list[BodySpan]:
    """The generic patterns' spans from the tokens `heads`, by start, end and id."""
    matcher = _generic_matcher(doc.vocab)
    for head in heads:  # the Matcher wants tags where it reads: "W" where the segmenter's words are not
        for token in doc[head : head + _GENERIC_REACH]:
            token.tag_ = token.tag_ or "W"
    generic = {
        (span.start, span.end, span.label_)
        for head in heads
        for span in matcher(doc[head : head + _GENERIC_REACH], as_spans=True)
    }
    return sorted(generic)


def _sentence_bodies(analyzed: AnalyzedDocument, index: int, heads: list[int], local: list[int]) -> list[BodySpan]:
    """The bodies sentence `index` names, as offsets into it: named bodies, and generic ones
    from the local heads `local` and from the heads "Sở/Ban <Word>" in `heads` that no named
    body covers (only these need the segmenter's words, and a Doc)."""
    sentence = analyzed.sentences[index]
    tokens = Tokens(sentence.text)
    starts = [start for start, _ in tokens.spans]
    named = _phrases().find(tokens.norms)
    chosen = body_spans(named, analyzed.doc(index) if local else None, [bisect_left(starts, head) for head in local])
    covered = {tokens.spans[start][0] for start, _, rule_id in chosen if ".generic." not in rule_id}
    uncovered = [head for head in heads if head not in covered]
    if uncovered:
        doc, generic_heads = analyzed.doc(index), [bisect_left(starts, head) for head in sorted(local + uncovered)]
        chosen = body_spans(named)
        if not _named_win(doc, generic_heads, chosen):
            # a "Sở <Word>" no named body covers: the generic patterns need the segmenter's words after it
            for head in uncovered:
                analyzed.word_doc(index, *syllable_window(sentence.text, head, 3, 10))
            chosen = body_spans(named, doc, generic_heads)
    return [(tokens.spans[start][0], tokens.spans[end - 1][1], rule_id) for start, end, rule_id in chosen]


def _named_win(doc: Doc, heads: Sequence[int], named: list[BodySpan]) -> bool:
    """Whether the named bodies chosen alone (`named`) win over every span a generic pattern
    could find from `heads`, whatever the segmenter's words: a generic span loses to a chosen
    named one it overlaps that is as long or longer (body_spans), so the words change nothing."""
    matcher = _generic_matcher(doc.vocab, tags=False)
    return all(
        any(start < span.end and span.start < end and end - start >= len(span) for start, end, _ in named)
        for head in heads
        for span in matcher(doc[head : head + _GENERIC_REACH], as_spans=True)
    )


def _role(folded: str, start: int, end: int, previous: tuple[int, str] | None) -> str | None:
    cues = _cues()
    before = folded[max(0, start - 40) : start]
    if cues["not_before"].search(before):
        return None
    clause = _CLAUSE_BREAK.split(folded[max(0, start - 200) : start])[-1]
    if cues["coordinator_before"].search(before) or "phối hợp" in clause and not cues["assignee_before"].search(before):
        return "coordinator"  # "phối hợp với các bộ, cơ quan liên quan và các địa phương"
    if cues["assignee_before"].search(before):
        return "assignee"
    if previous and _LISTED_WITH.match(folded[previous[0] : start]):
        return previous[1]
    if cues["assignee_after"].match(folded[end : end + 25]):
        return "assignee"  # "Sở Y tế chủ trì", "b) Sở Nội vụ: ..."
    line_rest = folded[end : (folded.find("\n", end) + 1 or len(folded) + 1) - 1]
    if cues["item_start"].search(folded[max(0, start - 12) : start]) and not _RECIPIENT_ENTRY.match(line_rest):
        return "assignee"  # "- Các sở, ban, ngành căn cứ ...", not "- Thường trực Tỉnh ủy;" (a recipient)
    return None


def extract_parties(analyzed: AnalyzedDocument) -> list[PartyRow]:
    rows = []
    for index, sentence in enumerate(analyzed.sentences):
        heads = [m.start() for m in _GENERIC_BODY.finditer(sentence.text)]
        local = [
            m.start() - sentence.start for m in _LOCAL_BODY.finditer(analyzed.folded, sentence.start, sentence.end)
        ]
        if not heads and not local and not _named_body().search(analyzed.folded, sentence.start, sentence.end):
            continue
        spans = _sentence_bodies(analyzed, index, heads, local)
        previous = None
        for start, end, rule_id in sorted(spans):
            absolute = sentence.start + start
            role = _role(analyzed.folded, absolute, sentence.start + end, previous)
            if role is None:
                previous = None
                continue
            previous = (sentence.start + end, role)
            name = expand_abbreviations(" ".join(sentence.text[start:end].split()))
            rows.append(
                PartyRow(
                    party=name[0].upper() + name[1:],
                    role=role,
                    sentence=sentence.text,
                    start=absolute,
                    end=sentence.start + end,
                    rule_id=rule_id,
                )
            )
    return rows


def assign(
    tasks: list[TaskRow],
    indicators: list[IndicatorRow],
    parties: list[PartyRow],
    task_of: Callable[[int], TaskRow | None],
) -> None:
    """A task's assignee: the first assignee named in its own text (before its first
    sub-item), else its parent's; an indicator's: its sentence's, else its task's."""
    for task in sorted(tasks, key=lambda t: (t.level, t.start)):
        children = [t.start for t in tasks if t.parent is task]
        own_end = min(children, default=task.end)
        own = [p for p in parties if p.role == "assignee" and task.start <= p.start < own_end]
        if own:
            task.assignee = own[0].party
        elif task.parent is not None:
            task.assignee = task.parent.assignee
    for row in indicators:
        in_sentence = [
            p
            for p in parties
            if p.role == "assignee"
            and p.sentence == row.sentence
            and row.start - len(row.sentence) <= p.start < row.start
        ]
        enclosing = task_of(row.start)
        row.assignee = in_sentence[-1].party if in_sentence else (enclosing.assignee if enclosing else None)
