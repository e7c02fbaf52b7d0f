"""Is a PDF text layer real Vietnamese text? A score from diacritics, syllables and text per page.

Scanned PDFs often carry a text layer that is of no use: OCR that lost its diacritics
("UBND TINH HA TINH"), or only a signature stamp over image pages. Such layers are
re-read by OCR.
"""

from dataclasses import dataclass

import regex

_WORD = regex.compile(r"\p{L}+")
# Letters that exist only in Vietnamese-with-diacritics (plus đ).
_DIACRITIC = regex.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]",
                           regex.IGNORECASE)
# A Vietnamese syllable: consonant onset, vowel nucleus, allowed coda (no "x" or "z" codas etc.).
_SYLLABLE = regex.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
    r"[aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ]{1,3}"
    r"(?:ng|nh|ch|[cmnpt])?", regex.IGNORECASE)

MIN_DIACRITIC_SHARE = 0.2  # real Vietnamese prose: 0.5-0.7 of its syllables carry a mark
MIN_SYLLABLE_SHARE = 0.6  # legacy-font mojibake and garbage fail this
MIN_CHARS_PER_PAGE = 200  # a signature stamp or page numbers only


@dataclass
class Plausibility:
    words: int
    diacritic_share: float
    syllable_share: float
    chars_per_page: float

    @property
    def plausible(self) -> bool:
        return (self.chars_per_page >= MIN_CHARS_PER_PAGE and self.diacritic_share >= MIN_DIACRITIC_SHARE
                and self.syllable_share >= MIN_SYLLABLE_SHARE)

    def reason(self) -> str:
        return (f"{self.chars_per_page:.0f} characters per page, {self.diacritic_share:.0%} of words with "
                f"Vietnamese diacritics, {self.syllable_share:.0%} Vietnamese syllables")


def score(text: str, pages: int = 1) -> Plausibility:
    """How much `text` (spread over `pages` pages) looks like Vietnamese."""
    words = [w for w in _WORD.findall(text) if len(w) > 1 or _DIACRITIC.match(w)]
    total = len(words) or 1
    marked = sum(1 for w in words if _DIACRITIC.search(w))
    syllables = sum(1 for w in words if _SYLLABLE.fullmatch(w))
    return Plausibility(len(words), marked / total, syllables / total, len(text.strip()) / max(pages, 1))
