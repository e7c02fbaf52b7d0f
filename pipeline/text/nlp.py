"""Sentences, spaCy Docs of syllables, and underthesea's word segmentation on demand.

A Doc holds one token per syllable, number or punctuation mark, split by a regex: token
patterns match syllables, so building one needs no word segmentation. underthesea's
words, the costly part, are added only when a rule asks (`Segmenter.add_words`), as BIO
tags in `token.tag_` ("B-W" starts a word, "I-W" continues it), the scheme underthesea's
own CRF uses. `token.norm_` is the lower-cased, tone-folded form that rule patterns match on.
"""

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import regex
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab
from underthesea import sent_tokenize, word_tokenize
from underthesea.pipeline import sent_tokenize as sent_tokenize_module

from pipeline.text.normalize import fold_for_matching

# The sentence splitter's patterns of ASCII characters are stdlib `re`: it runs them faster than `regex`.
_LINE = re.compile(r"[^\n]+")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


_NEEDS_WORDS = regex.compile(r"\d|\b(?:mười|mươi|một|hai|ba|bốn|năm|sáu|bảy|tám|chín)\b", regex.IGNORECASE)


# Numbers stay whole ("1.250,5"), syllables are runs of letters and digits, any other mark is a token.
_TOKEN = regex.compile(r"\d+(?:[.,]\d+)*|\w+|[^\w\s]")

_LABEL_ONLY = regex.compile(r"\(?(?:\d{1,2}(?:\.\d{1,2})*|[a-zđ]|[IVX]{1,4})[.)]")


def syllables(text: str) -> list[str]:
    """The tokens a Doc of `text` has: syllables, numbers, punctuation marks."""
    return [token.group() for token in _TOKEN.finditer(text)]


def token_matches(text: str, start: int = 0, end: int | None = None) -> Iterator["regex.Match[str]"]:
    """The tokens a Doc of `text` has, as matches: their offsets and texts (from `start`, which
    must not cut a token, to `end`)."""
    return _TOKEN.finditer(text, start, len(text) if end is None else end)


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with offsets into `text`, in order and not overlapping: line breaks always
    end one, and underthesea splits each line further."""
    sentences = []
    for line in _LINE.finditer(text):
        cursor = line.start()
        label_start = None  # a list label ("1.", "a)") the segmenter cut off its item
        for piece in _sent_tokenize(line.group()):
            piece = piece.strip()
            if not piece:
                continue
            found = text.find(piece, cursor, line.end())
            if found < 0:  # the segmenter altered the text: keep the rest of the line whole
                start = cursor if label_start is None else label_start
                sentences.append(Sentence(start, line.end(), text[start : line.end()]))
                label_start = None
                break
            cursor = found + len(piece)
            if _LABEL_ONLY.fullmatch(piece):
                label_start = found if label_start is None else label_start
                continue
            start = found if label_start is None else label_start
            sentences.append(Sentence(start, cursor, text[start:cursor]))
            label_start = None
        if label_start is not None:
            sentences.append(Sentence(label_start, cursor, text[label_start:cursor]))
    return sentences


def _sent_tokenize(text: str) -> list[str]:
    """underthesea's `sent_tokenize`, its boundary rule tried only at the marks that can end a
    sentence: its own loop steps through every character in Python."""
    if not text.strip():
        return []
    rule = _punkt()
    sentences, start, n = [], 0, len(text)
    mark = _SENTENCE_MARK.search(text)
    while mark:
        i = mark.start()
        if text.startswith("...", i):  # an ellipsis ends a sentence before a capital or the end
            dots_end = _end(_DOTS, text, i)
            after = _end(_INLINE_SPACE, text, dots_end)
            if after >= n or text[after].isupper():
                sentences.append(text[start:dots_end].strip())
                start = _end(_ANY_SPACE, text, dots_end)
            mark = _SENTENCE_MARK.search(text, dots_end)
            continue
        if rule._is_sentence_boundary(text, i):
            end = _end(_MARKS, text, i)
            sentences.append(text[start:end].strip())
            start = _end(_ANY_SPACE, text, end)
            mark = _SENTENCE_MARK.search(text, start)
            continue
        mark = _SENTENCE_MARK.search(text, i + 1)
    sentences.append(text[start:].strip())
    return [sentence for sentence in sentences if sentence]


@lru_cache(maxsize=1)
def _punkt() -> Any:
    sent_tokenize("")  # loads the model
    return sent_tokenize_module.sentence_tokenizer


_SENTENCE_MARK, _MARKS, _DOTS = re.compile(r"[.?!]"), re.compile(r"[.?!]+"), re.compile(r"\.+")
_INLINE_SPACE, _ANY_SPACE = re.compile(r"[ \t]*"), re.compile(r"[ \t\n\r]*")


def _end(pattern: "re.Pattern[str]", text: str, position: int) -> int:
    """Where `pattern`, which always matches at `position` (a mark found there, or spaces
    that may be none), ends."""
    match = pattern.match(text, position)
    assert match is not None
    return match.end()


class SyllableTokenizer:
    """A spaCy tokenizer: one token per syllable, number or punctuation mark (`_TOKEN`).
    Each word's lexeme gets its folded form as NORM once, so rule patterns, phrase
    patterns included, match on NORM without a pass over every token."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self._normed: set[str] = set()

    def __call__(self, text: str) -> Doc:
        tokens = list(_TOKEN.finditer(text))
        words = [token.group() for token in tokens]
        for word in set(words) - self._normed:
            self.vocab[word].norm_ = fold_for_matching(word)
            self._normed.add(word)
        spaces = [tokens[i].end() < tokens[i + 1].start() for i in range(len(tokens) - 1)] + [False][: len(tokens)]
        # No tags until `add_words` (setting them doubles the cost of a Doc).
        doc = Doc(self.vocab, words=words, spaces=spaces)
        doc.user_data["token_offsets"] = [token.span() for token in tokens]
        return doc


class Segmenter:
    """Loads spaCy's Vietnamese vocabulary once; turns sentences into Docs."""

    @cached_property
    def nlp(self) -> Language:
        # pyvi's tokenizer (and the scikit-learn it imports, seconds per process) is replaced at once
        nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
        nlp.tokenizer = SyllableTokenizer(nlp.vocab)
        return nlp

    def doc(self, sentence: Sentence) -> Doc:
        """The sentence as a Doc of syllables, without the segmenter's words."""
        doc: Doc = self.nlp.make_doc(sentence.text)
        offsets = doc.user_data["token_offsets"]
        doc.user_data["offset"] = sentence.start + (offsets[0][0] if offsets else 0)
        doc.user_data["sentence"] = sentence.text
        return doc

    @staticmethod
    def add_words(doc: Doc, words: list[tuple[int, int]]) -> Doc:
        """Tag the Doc's tokens inside `words` (the segmenter's words as offsets into the
        sentence) B-W / I-W; tokens outside them keep their tag."""
        offsets = doc.user_data["token_offsets"]
        starts = [token_start for token_start, _ in offsets]
        for start, end in words:
            i = bisect_left(starts, start)
            while i < len(offsets) and offsets[i][1] <= end:
                doc[i].tag_ = "B-W" if offsets[i][0] == start else "I-W"
                i += 1
        return doc

    @staticmethod
    def needs_words(sentence: Sentence) -> bool:
        """Only sentences with a number in digits or words carry indicators."""
        return bool(_NEEDS_WORDS.search(sentence.text))


def _inside_word(text: str) -> list[bool]:
    """For each `_TOKEN` of `text`: does it continue the segmenter's word of the token before?"""
    ends, cursor = [], 0  # the end offset of each segmenter word in the text
    for word in word_tokenize(text):
        for syllable in word.split():
            found = text.find(syllable, cursor)
            if found >= 0:
                cursor = found + len(syllable)
        ends.append(cursor)
    inside, word_index, previous = [], 0, -1
    for match in _TOKEN.finditer(text):
        while word_index < len(ends) and ends[word_index] <= match.start():
            word_index += 1
        inside.append(word_index == previous)
        previous = word_index
    return inside


def word_spans(text: str) -> list[tuple[int, int]]:
    """The segmenter's words of `text` as (start, end) offsets, each a run of `_TOKEN`s."""
    spans: list[tuple[int, int]] = []
    for match, inside in zip(_TOKEN.finditer(text), _inside_word(text)):
        if inside and spans:
            spans[-1] = (spans[-1][0], match.end())
        else:
            spans.append(match.span())
    return spans
