"""Sentences, spaCy Docs of syllables, and underthesea's word segmentation on demand.

A Doc holds one token per syllable, number or punctuation mark, split by a regex: token
patterns match syllables, so building one needs no word segmentation. underthesea's
words, the costly part, are added only when a rule asks (`Segmenter.add_words`), as BIO
tags in `token.tag_` ("B-W" starts a word, "I-W" continues it), the scheme underthesea's
own CRF uses. `token.norm_` is the lower-cased, tone-folded form that rule patterns match on.
"""

from dataclasses import dataclass
from functools import cached_property, lru_cache

import regex
import spacy
from spacy.tokens import Doc
from underthesea import sent_tokenize, word_tokenize

from .normalize import fold_for_matching


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


_NEEDS_WORDS = regex.compile(r"\d|\b(?:mười|mươi|một|hai|ba|bốn|năm|sáu|bảy|tám|chín)\b", regex.IGNORECASE)


# Numbers stay whole ("1.250,5"), syllables are runs of letters and digits, any other mark is a token.
_TOKEN = regex.compile(r"\d+(?:[.,]\d+)*|\w+|[^\w\s]")

_fold_syllable = lru_cache(maxsize=1 << 16)(fold_for_matching)  # syllables repeat: fold each once

_LABEL_ONLY = regex.compile(r"\(?(?:\d{1,2}(?:\.\d{1,2})*|[a-zđ]|[IVX]{1,4})[.)]")


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with offsets into `text`: line breaks always end one, and underthesea
    splits each line further."""
    sentences = []
    for line in regex.finditer(r"[^\n]+", text):
        cursor = line.start()
        label_start = None  # a list label ("1.", "a)") the segmenter cut off its item
        for piece in sent_tokenize(line.group()):
            piece = piece.strip()
            if not piece:
                continue
            found = text.find(piece, cursor, line.end())
            if found < 0:  # the segmenter altered the text: keep the rest of the line whole
                sentences.append(Sentence(cursor, line.end(), text[cursor:line.end()]))
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


class Segmenter:
    """Loads spaCy's Vietnamese vocabulary once; turns sentences into Docs."""

    @cached_property
    def nlp(self) -> spacy.Language:
        # The tokenizer (pyvi) is never called: `doc` builds Docs from a regex split.
        return spacy.blank("vi")

    def doc(self, sentence: Sentence) -> Doc:
        """The sentence as a Doc of syllables, without the segmenter's words."""
        text = sentence.text
        tokens = list(_TOKEN.finditer(text))
        words = [token.group() for token in tokens]
        spaces = [tokens[i].end() < tokens[i + 1].start() for i in range(len(tokens) - 1)] + [False][:len(tokens)]
        # "W" until `add_words`: patterns asking for B-W / I-W then match nothing, without error.
        doc = Doc(self.nlp.vocab, words=words, spaces=spaces, tags=["W"] * len(words))
        for token in doc:
            token.norm_ = _fold_syllable(token.text)
        doc.user_data["offset"] = sentence.start + (tokens[0].start() if tokens else 0)
        doc.user_data["sentence"] = text
        doc.user_data["token_offsets"] = [token.span() for token in tokens]
        return doc

    @staticmethod
    def add_words(doc: Doc) -> Doc:
        """Tag the Doc's tokens with underthesea's words (B-W / I-W), once per Doc."""
        if doc.user_data.get("words"):
            return doc
        text = doc.user_data["sentence"]
        ends, cursor = [], 0  # the end offset of each segmenter word in the sentence
        for word in word_tokenize(text):
            for syllable in word.split():
                found = text.find(syllable, cursor)
                if found >= 0:
                    cursor = found + len(syllable)
            ends.append(cursor)
        word_index, previous = 0, -1
        for token, match in zip(doc, _TOKEN.finditer(text)):
            while word_index < len(ends) and ends[word_index] <= match.start():
                word_index += 1
            token.tag_ = "I-W" if word_index == previous else "B-W"
            previous = word_index
        doc.user_data["words"] = True
        return doc

    @staticmethod
    def needs_words(sentence: Sentence) -> bool:
        """Only sentences with a number in digits or words carry indicators."""
        return bool(_NEEDS_WORDS.search(sentence.text))


def words(doc: Doc) -> list[str]:
    """The segmenter's words, rebuilt from the BIO tags."""
    result: list[str] = []
    for token in doc:
        if token.tag_ == "I-W" and result:
            result[-1] += " " + token.text
        else:
            result.append(token.text)
    return result
