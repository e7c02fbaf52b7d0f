"""A document as extractors see it: text, tone-folded text, sentences, lazy spaCy Docs."""

from functools import cached_property

from pipeline.nlp import Segmenter, Sentence, split_sentences
from pipeline.normalize import fold_for_matching


class AnalyzedDocument:
    def __init__(self, text: str, segmenter: Segmenter, published_date: str | None = None, tables=None):
        self.text = text
        self.tables = tables or []  # pipeline.document.Table: cells as the parser read them
        self.segmenter = segmenter
        self.published_date = published_date
        self._docs: dict[int, object] = {}

    @cached_property
    def folded(self) -> str:
        """Lower case, old-style tones, same length as `text`: offsets carry over."""
        return fold_for_matching(self.text)

    @cached_property
    def sentences(self) -> list[Sentence]:
        return split_sentences(self.text)

    @property
    def year(self) -> int | None:
        return int(self.published_date[:4]) if self.published_date else None

    def sentence_at(self, offset: int) -> Sentence | None:
        for sentence in self.sentences:
            if sentence.start <= offset < sentence.end:
                return sentence
        return None

    def doc(self, index: int):
        """The spaCy Doc of sentence `index`, segmented on first use."""
        if index not in self._docs:
            self._docs[index] = self.segmenter.doc(self.sentences[index])
        return self._docs[index]
