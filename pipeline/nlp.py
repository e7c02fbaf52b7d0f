"""Vietnamese segmentation with underthesea, and spaCy Docs built from its tokens.

A Doc holds one token per syllable (or punctuation mark) so that token patterns match
whatever way the word segmenter grouped the syllables; the segmenter's words are kept as
BIO tags in `token.tag_` ("B-W" starts a word, "I-W" continues it), the scheme
underthesea's own CRF uses. `token.norm_` is the lower-cased, tone-folded form that
rule patterns match on.
"""

from dataclasses import dataclass
from functools import cached_property

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
        # The tokenizer (pyvi) is never called: Docs are built from underthesea's words.
        return spacy.blank("vi")

    def doc(self, sentence: Sentence) -> Doc:
        words, spaces, tags = [], [], []
        cursor = 0
        text = sentence.text
        for word in word_tokenize(text):
            for position, syllable in enumerate(word.split()):
                found = text.find(syllable, cursor)
                if found < 0:
                    continue
                if words and found > cursor:
                    spaces[-1] = True
                words.append(syllable)
                spaces.append(False)
                tags.append("B-W" if position == 0 else "I-W")
                cursor = found + len(syllable)
        doc = Doc(self.nlp.vocab, words=words, spaces=spaces, tags=tags)
        for token in doc:
            token.norm_ = fold_for_matching(token.text)
        doc.user_data["offset"] = sentence.start + (text.find(words[0]) if words else 0)
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
