"""A document as extractors see it: text, tone-folded text, sentences, lazy spaCy Docs."""

import re
from bisect import bisect_right
from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

import regex
from spacy.tokens import Doc

from pipeline.text.nlp import Segmenter, Sentence, split_sentences, word_spans
from pipeline.text.normalize import fold_for_matching

if TYPE_CHECKING:
    from .kinds import Sections


class Table(Protocol):
    """A table as the parser read it (pipeline.parse.document.Table): its page and cells."""

    page: int | None
    rows: list[list[str]]


class AnalyzedDocument:
    def __init__(
        self,
        text: str,
        segmenter: Segmenter,
        published_date: str | None = None,
        title: str | None = None,
        tables: "Sequence[Table] | None" = None,
    ):
        self.text = text
        self.title = title
        self.tables = tables or []  # pipeline.parse.document.Table: cells as the parser read them
        self.segmenter = segmenter
        self.published_date = published_date
        self._docs: dict[int, Doc] = {}
        self._words: dict[tuple[int, int, int], list[tuple[int, int]]] = {}

    @cached_property
    def folded(self) -> str:
        """Lower case, old-style tones, same length as `text`: offsets carry over."""
        return fold_for_matching(self.text)

    @cached_property
    def sentences(self) -> list[Sentence]:
        return split_sentences(self.text)

    @cached_property
    def sections(self) -> "Sections":
        """The role of the heading each line stands under (kinds.Sections)."""
        from .kinds import Sections

        return Sections(self.text, self.title)

    @cached_property
    def document_role(self) -> str | None:
        """Whether the document sets targets or reports results, by its type (kinds.document_role)."""
        from .kinds import document_role, own_type

        return document_role(self.title, self.text[:_HEAD], own_type(self.text[:_HEAD]))

    @property
    def year(self) -> int | None:
        return int(self.published_date[:4]) if self.published_date else None

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [sentence.start for sentence in self.sentences]

    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence holding `offset` (sentences are in order and do not overlap)."""
        index = bisect_right(self._sentence_starts, offset) - 1
        if index >= 0 and offset < self.sentences[index].end:
            return self.sentences[index]
        return None

    def doc(self, index: int) -> Doc:
        """The spaCy Doc of sentence `index` (syllables, no word tags), built on first use."""
        if index not in self._docs:
            self._docs[index] = self.segmenter.doc(self.sentences[index])
        return self._docs[index]

    def word_doc(self, index: int, start: int = 0, end: int | None = None) -> Doc:
        """The same Doc with the segmenter's words in `[start, end)` of the sentence as BIO
        tags: only for rules that need words, and only where they read."""
        return self.segmenter.add_words(self.doc(index), self.words(index, start, end))

    def words(self, index: int, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
        """The segmenter's words in `[start, end)` of sentence `index`, as offsets into the
        sentence. Word segmentation is the costly step: a rule asks for the part it reads."""
        sentence = self.sentences[index]
        end = len(sentence.text) if end is None else end
        key = (index, start, end)
        if key not in self._words:
            self._words[key] = [(start + a, start + b) for a, b in word_spans(sentence.text[start:end])]
        return self._words[key]


_HEAD = 1500  # the header and first paragraph: where a document states its own type

_SYLLABLE = re.compile(r"\S+")
_SYLLABLE_BACKWARD = regex.compile(r"(?r)\S+")


def syllables_before(text: str, position: int, count: int, lower: int = 0) -> int:
    """Where the last `count` whole syllables of `text[lower:position]` start (a syllable
    cut by `position` comes with them)."""
    wanted = count + (1 if position > lower and not text[position - 1].isspace() else 0)
    start = position
    for _, match in zip(range(wanted), _SYLLABLE_BACKWARD.finditer(text, lower, position)):
        start = match.start()  # read from the end: a long clause is not walked from its start
    return start


def syllables_after(text: str, position: int, count: int, upper: int | None = None) -> int:
    """Where the first `count` syllables of `text[position:upper]` end."""
    ends = [
        m.end() for _, m in zip(range(count), _SYLLABLE.finditer(text, position, len(text) if upper is None else upper))
    ]
    return ends[-1] if ends else position


def syllable_window(text: str, position: int, before: int, after: int) -> tuple[int, int]:
    """Offsets of up to `before` syllables before `position` and `after` from it: the part
    of a sentence whose words decide the word at `position` (the syllables before are the
    segmenter's left context)."""
    return syllables_before(text, position, before), syllables_after(text, position, after)
