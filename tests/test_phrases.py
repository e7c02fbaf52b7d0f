"""The phrase matcher (extractors.phrases) finds what spaCy's SpanRuler, whose work it took
over, finds in a Doc of the same sentence: every phrase of cues.jsonl and bodies.jsonl on
the folded syllables, the cue ruler's first-longest filter, the cue offsets a Doc gives."""

import re

import pytest
from spacy.language import Language
from spacy.pipeline import SpanRuler
from spacy.tokens import Doc, Span

from extractors import parties
from extractors.cues import Cue, cue_matches, sentence_cues
from extractors.phrases import Match, Phrases, Tokens, first_longest, phrase_regex
from extractors.rules import load_patterns
from pipeline.text.nlp import Segmenter

SNIPPETS = [
    "Phấn đấu đến năm 2025 đạt trên 95% kế hoạch đề ra.",
    "Bàn giao công trình giao thông; giao chỉ tiêu cho các xã.",
    "Tỷ lệ nợ thuế không  vượt\tquá 5%, đạt kế hoạch đề ra là 10 tỷ đồng.",
    "  Toàn tỉnh có thêm 12 xã; toàn tỉnh có 80 xã đạt chuẩn.",
    "Làng Canh Giao có thêm 3 hộ, (Giao 5 hộ) | Giao 2 hộ: Giao 4 hộ",
    "Giao Sở Nội vụ chủ trì, phối hợp với Sở Tài chính và Ủy ban nhân dân tỉnh.",
    "Ban Thường vụ Tỉnh ủy, Thường trực Tỉnh ủy và các huyện ủy, thành ủy.",
    "UBND  tỉnh giao Sở Kế hoạch và\nĐầu tư tham mưu; Bộ Nội vụ hướng dẫn.",
    "",
    "5%",
]


@pytest.fixture(scope="module")
def nlp() -> Language:
    """A Vietnamese pipeline with the two SpanRulers the matcher replaces, as they were set up."""
    nlp = Segmenter().nlp
    for name, rule_file, config in (
        ("cues", "cues.jsonl", {"spans_filter": {"@misc": "spacy.first_longest_spans_filter.v1"}}),
        ("bodies", "bodies.jsonl", {}),
    ):
        ruler = nlp.add_pipe(
            "span_ruler", name=name, config={"spans_key": name, "phrase_matcher_attr": "NORM", **config}
        )
        assert isinstance(ruler, SpanRuler)
        ruler.add_patterns(list(load_patterns(rule_file)))
    return nlp


def _ruler_doc(nlp: Language, text: str) -> Doc:
    doc = nlp.make_doc(text)
    for name in ("cues", "bodies"):
        doc = nlp.get_pipe(name)(doc)
    return doc


def _spans(doc: Doc, key: str) -> list[Match]:
    return [Match(span.start, span.end, span.label_, span.id_) for span in doc.spans[key]]


@pytest.mark.parametrize("text", SNIPPETS)
def test_matches_are_the_span_rulers(nlp, text):
    doc = _ruler_doc(nlp, text)
    assert cue_matches(Tokens(text)) == _spans(doc, "cues")
    assert parties._phrases().find(Tokens(text).norms) == _spans(doc, "bodies")


def _inside_name(span: Span) -> bool:
    """What extractors.cues tested on a Doc's span."""
    first = span[0]
    if not first.text[:1].isupper() or first.i == 0:
        return False
    previous = span.doc[first.i - 1]
    return not (previous.is_punct and previous.text in '.:;!?("“-–|')


@pytest.mark.parametrize("text", SNIPPETS)
def test_cues_are_the_span_rulers(nlp, text):
    doc = _ruler_doc(nlp, text)
    shift = doc.user_data["token_offsets"][0][0] if len(doc) else 0
    assert sentence_cues(text) == [
        Cue(span.label_, span.start_char + shift, span.end_char + shift, span.id_)
        for span in doc.spans["cues"]
        if span.label_ != "WORD" and not _inside_name(span)
    ]


def test_cues_of_a_sentence():
    assert sentence_cues("Làng Canh Giao có thêm 3 hộ, (Giao 5 hộ) | Giao 2 hộ: Giao 4 hộ") == [
        Cue("MAYBE_TARGET", 15, 22, "kind.co_them"),
        Cue("TARGET", 30, 34, "kind.giao"),
        Cue("TARGET", 54, 58, "kind.giao"),
    ]
    # a run of white space counts one, as in a Doc's text; offsets from the first token
    assert sentence_cues("  nợ  không   quá 5%") == [Cue("CMP_LE", 5, 14, "cmp.khong_qua")]


def test_first_longest_keeps_the_longest_then_the_first():
    matches = [Match(0, 2, "A", "a"), Match(1, 3, "B", "b"), Match(2, 3, "C", "c"), Match(3, 4, "D", "d")]
    assert first_longest(matches) == [Match(0, 2, "A", "a"), Match(2, 3, "C", "c"), Match(3, 4, "D", "d")]
    assert cue_matches(Tokens("đạt kế hoạch đề ra là")) == [Match(0, 5, "RESULT", "kind.dat_ke_hoach_de_ra")]


def test_phrases_match_folded_syllables_across_white_space():
    phrases = Phrases(
        [
            {"label": "A", "pattern": "ủy ban", "id": "a"},
            {"label": "B", "pattern": "Ủy ban nhân dân", "id": "b"},
            {"label": "C", "pattern": "nhân dân tỉnh Khánh Hoà", "id": "c"},
        ]
    )
    tokens = Tokens("UBND: Ủy  ban\nnhân dân tỉnh Khánh Hòa, ủy ban")
    assert tokens.norms[:4] == ["ubnd", ":", "ủy", "ban"]
    assert phrases.find(tokens.norms) == [
        Match(2, 4, "A", "a"),
        Match(2, 6, "B", "b"),
        Match(4, 9, "C", "c"),
        Match(10, 12, "A", "a"),
    ]
    assert phrases.find([]) == []


def test_two_phrases_with_the_same_syllables_are_an_error():
    with pytest.raises(ValueError, match="'a' and 'b' fold to the same syllables"):
        Phrases([{"label": "A", "pattern": "Thanh Hoá", "id": "a"}, {"label": "A", "pattern": "thanh  hóa", "id": "b"}])


def test_a_named_body_wins_over_an_equal_generic_one(analyze):
    analyzed = analyze("Giao Sở Nội vụ chủ trì.")
    tokens = Tokens(analyzed.sentences[0].text)
    named = parties._phrases().find(tokens.norms)
    assert named == [Match(1, 4, "BODY", "body.so.noi_vu")]
    doc = analyzed.word_doc(0)
    assert parties.body_spans(named, doc, [1]) == [(1, 4, "body.so.noi_vu")]
    assert parties.body_spans([], doc, [1]) == [(1, 4, "body.generic.so")]
    assert parties.body_spans(named) == [(1, 4, "body.so.noi_vu")]


def test_phrase_regex_is_a_trie_of_the_phrases():
    pattern = phrase_regex([["sở", "nội", "vụ"], ["sở", "tài", "chính"], ["sở"], ["bộ", "y", "tế"]])
    assert pattern == r"(?:bộ\s*(?:y\s*(?:tế))|sở\s*(?:nội\s*(?:vụ)|tài\s*(?:chính))?)"
    found = re.compile(pattern)
    assert [bool(found.search(text)) for text in ("bộ  y\ntế", "bộ y", "các sở, ban", "sở tài")] == [
        True,
        False,
        True,
        True,
    ]


def test_named_bodies_that_win_whatever_the_words_spare_the_segmenter(analyze):
    alone = analyze("Giao Ủy ban Kiểm tra Tỉnh ủy thực hiện.")
    named = parties.body_spans(parties._phrases().find(Tokens(alone.sentences[0].text).norms))
    assert named == [(1, 7, "body.uy_ban_kiem_tra_tinh_uy")]
    assert parties._named_win(alone.doc(0), [2], named)  # "ban Kiểm tra Tỉnh ủy" is inside the named body
    assert [row.party for row in parties.extract_parties(alone)] == ["Ủy ban Kiểm tra Tỉnh ủy"]
    assert alone._words == {}  # no word asked for
    # "Sở Du lịch", which no entry names, is within reach of the head "ban"
    both = analyze("Giao Ủy ban Kiểm tra Tỉnh ủy, Sở Du lịch thực hiện.")
    assert not parties._named_win(both.doc(0), [2], named)
    assert [row.party for row in parties.extract_parties(both)] == ["Ủy ban Kiểm tra Tỉnh ủy", "Sở Du lịch"]
