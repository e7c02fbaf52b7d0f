"""Parties: the government and Party bodies a directive names (a gazetteer of spaCy
SpanRuler patterns, rules/bodies.jsonl), with their role (assignee or coordinator) from
the cue words around them (rules/parties.yaml)."""

from functools import lru_cache

import regex
from spacy.language import Language
from spacy.tokens import Doc, Span

from .context import AnalyzedDocument, token_offsets
from .cues import add_ruler
from .naming import expand_abbreviations
from .rules import alt, load_yaml
from .schema import PartyRow

BODIES_KEY, GENERIC_KEY = "bodies", "generic_bodies"
# Sentences without one of these words name no body: they get no Doc.
_MAY_NAME_A_BODY = regex.compile(r"sở|ban|ủy|ubnd|hđnd|bộ|công an|mttq|mặt trận|chính phủ|văn phòng|"
                                 r"huyện|địa phương|tỉnh|cơ quan|kho bạc|cục|thanh tra|hội|đoàn")
# Where a generic pattern (rules/bodies_generic.jsonl) can start, in the sentence and in its
# folded form: the token Matcher, costly per token, runs only on such sentences.
_GENERIC_BODY = regex.compile(r"(?<!\w)(?i:sở|ban)\s+\p{Lu}")
_LOCAL_BODY = regex.compile(r"(?<!\w)(?:ubnd|hđnd|ủy ban nhân dân)\s+(?:huyện|xã|phường|quận|thị)(?!\w)")
_RECIPIENT_ENTRY = regex.compile(r"^\s*;")
_LISTED_WITH = regex.compile(r"^\s*(?:,|và|cùng|;)?\s*(?:và\s+)?$")


@lru_cache(maxsize=None)
def _ruler(nlp: Language):
    return add_ruler(nlp, "body_ruler", BODIES_KEY, "bodies.jsonl")


@lru_cache(maxsize=None)
def _generic_ruler(nlp: Language):
    return add_ruler(nlp, "generic_body_ruler", GENERIC_KEY, "bodies_generic.jsonl")


@lru_cache(maxsize=1)
def _cues() -> dict[str, regex.Pattern]:
    rules = load_yaml("parties.yaml")
    return {
        "assignee_before": regex.compile(rf"(?<!\p{{L}}){alt(rules['assignee_before'])}(?:\s+cho)?\s*$"),
        "not_before": regex.compile(rf"(?<!\p{{L}}){alt(rules['not_before'])}\s*$"),
        "coordinator_before": regex.compile(rf"(?<!\p{{L}}){alt(rules['coordinator_before'])}\s*$"),
        "assignee_after": regex.compile(rf"^\s*(?:{alt(rules['assignee_after'])})"),
        "item_start": regex.compile(r"(?:^|\n)[ \t]*(?:[-+•*]|\(?\d{1,2}(?:\.\d{1,2})*[.)]|[a-zđ]\))[ \t]*$"),
    }


def body_spans(nlp: Language, doc: Doc, generic: bool = True) -> list[Span]:
    """The body spans of a Doc, longest first and not overlapping; of equal spans a named
    body wins over a generic pattern ("Sở Nội vụ" over "Sở <word>")."""
    if BODIES_KEY not in doc.spans:
        _ruler(nlp)(doc)
    spans = list(doc.spans[BODIES_KEY])
    if generic:
        _generic_ruler(nlp)(doc)
        spans += doc.spans[GENERIC_KEY]
    chosen: list[Span] = []
    taken: set[int] = set()
    for span in sorted(spans, key=lambda s: (-len(s), ".generic." in s.id_, s.start)):
        if not taken.intersection(range(span.start, span.end)):
            chosen.append(span)
            taken.update(range(span.start, span.end))
    return sorted(chosen, key=lambda s: s.start)


def _role(folded: str, start: int, end: int, previous: tuple[int, str] | None) -> str | None:
    cues = _cues()
    before = folded[max(0, start - 40):start]
    if cues["not_before"].search(before):
        return None
    clause = regex.split(r"[;.:\n]", folded[max(0, start - 200):start])[-1]
    if cues["coordinator_before"].search(before) or "phối hợp" in clause and not cues["assignee_before"].search(before):
        return "coordinator"  # "phối hợp với các bộ, cơ quan liên quan và các địa phương"
    if cues["assignee_before"].search(before):
        return "assignee"
    if previous and _LISTED_WITH.match(folded[previous[0]:start]):
        return previous[1]
    if cues["assignee_after"].match(folded[end:end + 25]):
        return "assignee"  # "Sở Y tế chủ trì", "b) Sở Nội vụ: ..."
    line_rest = folded[end:(folded.find("\n", end) + 1 or len(folded) + 1) - 1]
    if cues["item_start"].search(folded[max(0, start - 12):start]) and not _RECIPIENT_ENTRY.match(line_rest):
        return "assignee"  # "- Các sở, ban, ngành căn cứ ...", not "- Thường trực Tỉnh ủy;" (a recipient)
    return None


def extract_parties(analyzed: AnalyzedDocument) -> list[PartyRow]:
    rows = []
    nlp = analyzed.segmenter.nlp
    for index, sentence in enumerate(analyzed.sentences):
        if not _MAY_NAME_A_BODY.search(analyzed.folded, sentence.start, sentence.end):
            continue
        doc = analyzed.doc(index)
        offsets = token_offsets(doc, sentence.text)
        heads = [m.start() for m in _GENERIC_BODY.finditer(sentence.text)]
        chosen = body_spans(nlp, doc, generic=bool(heads) or bool(_LOCAL_BODY.search(analyzed.folded, sentence.start, sentence.end)))
        named = {offsets[span.start][0] for span in chosen if ".generic." not in span.id_}
        if not doc.user_data.get("words") and not named.issuperset(heads):
            # a "Sở <Word>" no named body covers: the generic patterns need the segmenter's words
            chosen = body_spans(nlp, analyzed.word_doc(index))
        spans = [(offsets[span.start][0], offsets[span.end - 1][1], span.id_) for span in chosen]
        previous = None
        for start, end, rule_id in sorted(spans):
            absolute = sentence.start + start
            role = _role(analyzed.folded, absolute, sentence.start + end, previous)
            if role is None:
                previous = None
                continue
            previous = (sentence.start + end, role)
            name = expand_abbreviations(" ".join(sentence.text[start:end].split()))
            rows.append(PartyRow(party=name[0].upper() + name[1:], role=role, sentence=sentence.text,
                                 start=absolute, end=sentence.start + end, rule_id=rule_id))
    return rows


def assign(tasks, indicators, parties, task_of) -> None:
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
        in_sentence = [p for p in parties if p.role == "assignee" and p.sentence == row.sentence
                      and row.start - len(row.sentence) <= p.start < row.start]
        task = task_of(row.start)
        row.assignee = in_sentence[-1].party if in_sentence else (task.assignee if task else None)
