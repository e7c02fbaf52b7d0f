"""Phrase patterns (rules/*.jsonl entries whose pattern is a string) found in a sentence's
syllable tokens by their folded form, as spaCy's PhraseMatcher on NORM finds them in a Doc
of the sentence: building a Doc and running a SpanRuler cost more than the whole match."""

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, NamedTuple, TypeAlias

import regex

from pipeline.text.nlp import syllables, token_matches
from pipeline.text.normalize import fold_for_matching

# A syllable's folded form, the NORM a Doc's token gets (nlp.SyllableTokenizer): the same
# syllables come back in every sentence.
fold_syllable = lru_cache(maxsize=1 << 16)(fold_for_matching)

_WIDE_GAP = regex.compile(r"\s\s")  # `regex`'s \s: the characters between two tokens


class Tokens:
    """A sentence's tokens as a Doc of it has them (nlp.syllables): their offsets into the
    sentence, texts and folded forms."""

    def __init__(self, text: str) -> None:
        matches = list(token_matches(text))
        self.text = text
        self.spans = [match.span() for match in matches]
        self.texts = [match.group() for match in matches]
        self.norms = list(map(fold_syllable, self.texts))

    def doc_offset(self, index: int) -> int:
        """Where token `index` starts in the text of a Doc of the sentence, counted from the
        sentence's first token: a Doc keeps one space between tokens, whatever the sentence had."""
        if not _WIDE_GAP.search(self.text):
            return self.spans[index][0] - self.spans[0][0]
        spans = self.spans
        return sum(end - start + (end < spans[i + 1][0]) for i, (start, end) in enumerate(spans[:index]))


class Match(NamedTuple):
    """A phrase found at tokens `[start, end)`, with its pattern's label and id."""

    start: int
    end: int
    label: str
    id: str


class _Node:
    """A node of the phrase trie: the phrase that ends here (label, id), if one does, and
    the nodes of the syllables that may follow."""

    __slots__ = ("phrase", "next")

    def __init__(self) -> None:
        self.phrase: tuple[str, str] | None = None
        self.next: dict[str, _Node] = {}


class Phrases:
    """The phrase patterns of a rule file as a trie of their folded syllables. Two phrases
    of one file may not fold to the same syllables (a Doc's SpanRuler would order them by
    the hashes of their labels)."""

    def __init__(self, entries: Iterable[Mapping[str, Any]]) -> None:
        self._trie: dict[str, _Node] = {}
        for entry in entries:
            children, node = self._trie, None
            for word in syllables(entry["pattern"]):
                node = children.setdefault(fold_for_matching(word), _Node())
                children = node.next
            assert node is not None, f"{entry['id']!r}: an empty phrase"
            if node.phrase is not None:
                raise ValueError(f"phrases {node.phrase[1]!r} and {entry['id']!r} fold to the same syllables")
            node.phrase = (entry["label"], entry["id"])

    def find(self, norms: Sequence[str]) -> list[Match]:
        """Every match of every phrase in a sentence's folded tokens, overlapping ones
        included, in order of start and then end."""
        found = []
        trie, count = self._trie, len(norms)
        for start in [i for i, norm in enumerate(norms) if norm in trie]:
            node: _Node | None = trie[norms[start]]
            end = start + 1
            while node is not None:
                if node.phrase is not None:
                    found.append(Match(start, end, *node.phrase))
                if end == count:
                    break
                node = node.next.get(norms[end])
                end += 1
        return found


def first_longest(matches: Iterable[Match]) -> list[Match]:
    """spaCy's `first_longest_spans_filter`: the longest matches first, of equal ones the
    first, each kept unless its first or last token is in one kept before; by start."""
    kept: list[Match] = []
    seen: set[int] = set()
    for match in sorted(matches, key=lambda m: (m.end - m.start, -m.start), reverse=True):
        if match.start not in seen and match.end - 1 not in seen:
            kept.append(match)
            seen.update(range(match.start, match.end))
    return sorted(kept, key=lambda m: m.start)


_Tree: TypeAlias = dict[str, "_Tree"]  # syllable -> the syllables after it; "" where a phrase ends


def phrase_regex(phrases: Iterable[Sequence[str]]) -> str:
    """A regex of phrases, each a sequence of syllables with any white space between them,
    factored by common prefixes ("sở\\s*(?:nội\\s*vụ|tài\\s*chính)"): it matches what the
    alternation of the phrases matches, and `re` tries far fewer branches at each position."""
    tree: _Tree = {}
    for phrase in phrases:
        node = tree
        for syllable in phrase:
            node = node.setdefault(syllable, {})
        node[""] = {}
    return _subtree_regex(tree)


def _subtree_regex(node: _Tree) -> str:
    branches = [
        re.escape(syllable) + (rf"\s*{_subtree_regex(rest)}" if set(rest) - {""} else "")
        for syllable, rest in sorted(node.items())
        if syllable
    ]
    return f"(?:{'|'.join(branches)}){'?' if '' in node else ''}"
