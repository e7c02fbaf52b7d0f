"""Sentence splitting (the fast scan gives underthesea's own sentences) and text cleaning."""

import random
from functools import lru_cache

import pytest
from conftest import FIXTURES, SEEDS, SHARED
from underthesea import sent_tokenize

from extractors import AnalyzedDocument
from pipeline.errors import DirectivesError
from pipeline.parse.dispatch import parse_document
from pipeline.text.nlp import _sent_tokenize, split_sentences
from pipeline.text.normalize import clean_text

REAL = SHARED / "corpus" / "real"


@pytest.mark.parametrize(
    "text",
    [
        "Xin chào. Tôi là A... Và b... c. TP. HCM 1.500 tr.đ? Có! ...",
        "Giải ngân đạt 95%.. Còn lại?! Xong",
        "   ",
        "",
        "Hết...",
        "a... b",
        "A.B. C",
        "\t1. Mục một.  2. Mục hai",
        "Thứ nhất, ...; hai là, tăng 3,5%...Trong đó",
        "Q. Ba Đình. Xã An Hòa.",
    ],
)
def test_scan_splits_as_underthesea(text):
    assert _sent_tokenize(text) == sent_tokenize(text)


def test_scan_splits_random_text_as_underthesea():
    pieces = [".", "..", "...", "?", "!", " ", "\t", "\r", "a", "A", "Đ", "đ", "1", "ty", "TP", "x.y", "…"]
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        assert _sent_tokenize(text) == sent_tokenize(text), text


def test_scan_splits_the_documents_as_underthesea():
    lines = [line for _, text in _documents() for line in text.split("\n")]
    assert len(lines) > 100
    assert [_sent_tokenize(line) for line in lines] == [sent_tokenize(line) for line in lines]


@lru_cache(maxsize=1)
def _documents() -> list[tuple[str, str]]:
    """(path, text) of the seeds and the HTML and text documents, parsed once for the tests here."""
    paths = [*SEEDS.glob("*.txt"), *FIXTURES.glob("*.html"), *REAL.glob("*.html"), *REAL.glob("*.txt")]
    return [(str(path), _text(path)) for path in sorted(paths)]


def _text(path) -> str:
    try:
        return parse_document(path.read_bytes(), str(path)).text
    except DirectivesError:  # the fixtures of bad input
        return ""


def test_sentences_keep_offsets_and_list_labels():
    text = "1. Tăng cường kiểm tra. Báo cáo trước ngày 30/11/2021.\na) Rà soát... Hoàn thành"
    assert [(s.start, s.end, s.text) for s in split_sentences(text)] == [
        (0, 23, "1. Tăng cường kiểm tra."),
        (24, 54, "Báo cáo trước ngày 30/11/2021."),
        (55, 68, "a) Rà soát..."),
        (69, 79, "Hoàn thành"),
    ]


def test_sentence_at_finds_the_sentence_holding_an_offset():
    text = "1. Tăng cường kiểm tra. Báo cáo trước ngày 30/11/2021.\na) Rà soát... Hoàn thành"
    analyzed = AnalyzedDocument(text, segmenter=None)
    assert [getattr(analyzed.sentence_at(offset), "text", None) for offset in (0, 22, 23, 24, 53, 54, 78, 79)] == [
        "1. Tăng cường kiểm tra.",
        "1. Tăng cường kiểm tra.",
        None,
        "Báo cáo trước ngày 30/11/2021.",
        "Báo cáo trước ngày 30/11/2021.",
        None,
        "Hoàn thành",
        None,
    ]


def test_sentences_of_the_documents_are_in_order_and_do_not_overlap():
    for path, text in _documents():
        sentences = split_sentences(text)
        assert all(a.start < a.end <= b.start for a, b in zip(sentences, sentences[1:])), path


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("a  b\t c\u00a0d \u3000 e", "a b c d e"),
        ("  Điều 1. \r\n\r\n\r\n\tNội dung\u200b ", "Điều 1.\n\nNội dung"),
        ("hoa\u0300 a b", "hoà a b"),
        ("\ufeffx\ry", "x\ny"),
        ("\ufeffđã sạch\n\nkhông đổi", "đã sạch\n\nkhông đổi"),
        ("e \u0301x\u2028\nz\x85", "e \u0301x\nz"),  # what str.strip takes for white space
    ],
)
def test_clean_text(raw, clean):
    """Clean text comes back as it is: parsers clean twice."""
    assert clean_text(raw) == clean
    assert clean_text(clean) == clean


def test_a_fold_joined_by_a_line_break_is_the_folds_joined():
    from pipeline.text.normalize import fold_for_matching

    head, body = "Tỉnh Khánh Hoà ΣΑΣ", "quý Hoà bình\u0301 " + "Thuỷ lợi. " * 150
    assert fold_for_matching(f"{head}\n{body}") == f"{fold_for_matching(head)}\n{fold_for_matching(body)}"
    assert fold_for_matching(head) == "tỉnh khánh hòa σας"
    assert fold_for_matching(body) is fold_for_matching(body)  # a document's text is folded once
    assert fold_for_matching(body)[:20] == "quý hòa bình\u0301 thủy l"
