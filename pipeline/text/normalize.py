"""Unicode NFC, whitespace clean-up and one tone-placement convention for matching."""

import re
import unicodedata

# Old-style tone placement ("hòa", "thủy", "Khánh Hòa"), as in the provinces table.
# Each pair maps new style -> old style; both sides have the same length, so a folded
# string keeps the character offsets of the original.
_TONE_MARKS = ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323")


def _build_tone_pairs() -> dict[str, str]:
    pairs = {}
    for first, second in (
        ("o", "a"),
        ("o", "e"),
        ("u", "y"),
        ("O", "A"),
        ("O", "E"),
        ("U", "Y"),
        ("o", "A"),
        ("O", "a"),
        ("u", "Y"),
        ("U", "y"),
    ):
        for mark in _TONE_MARKS:
            new = first + unicodedata.normalize("NFC", second + mark)
            old = unicodedata.normalize("NFC", first + mark) + second
            pairs[new] = old
    return pairs


_TONE_PAIRS = _build_tone_pairs()


def _tone_pattern() -> str:
    """The pairs as one character class per first letter ("o[àáảãạ…]|O[…]|…"): the same
    two-character matches as an alternation of the pairs, found many times faster."""
    seconds: dict[str, set[str]] = {}
    for pair in _TONE_PAIRS:
        assert len(pair) == 2, pair
        seconds.setdefault(pair[0], set()).add(pair[1])
    return "|".join(
        f"{re.escape(first)}[{''.join(map(re.escape, sorted(chars)))}]" for first, chars in sorted(seconds.items())
    )


# Only at the end of a syllable ("hoàng" is right as it is); after q the u is a glide
# and the tone stays on y ("quý"). The q test looks behind the pair once it has matched
# (a leading look-behind would be tried at every position of the text).
_TONE_RE = re.compile(r"(" + _tone_pattern() + r")(?<![qQ]..)(?!\w)")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold_tones(text: str) -> str:
    """Move tone marks to the old-style position (hoà -> hòa, thuỷ -> thủy); same length."""
    return _TONE_RE.sub(lambda m: _TONE_PAIRS[m.group(1)], text)


_SPACE = r"[ \t\u00a0\u2002-\u200b\u3000]"
# Runs of spaces but a lone " ": most spaces are one, and replacing each with itself was most of the cost.
_SPACES = re.compile(rf"(?: {_SPACE}|[\t\u00a0\u2002-\u200b\u3000]){_SPACE}*")
_BLANK_LINES = re.compile(r"\n{3,}")
# What `_SPACES` finds when it finds anything: a space other than " " (two " " are a plain string test).
_ODD_SPACE = re.compile(r"[\t\u00a0\u2002-\u200b\u3000]")


def clean_text(text: str) -> str:
    """NFC, unified line ends, runs of spaces collapsed, at most one blank line.

    Text is often clean already (parsers clean it twice, around the removal of furniture
    lines): the substitutions run only where a plain search finds something for them."""
    text = nfc(text).replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    if "  " in text or _ODD_SPACE.search(text):
        text = _SPACES.sub(" ", text)
    text = "\n".join([line.strip() for line in text.split("\n")])
    return (_BLANK_LINES.sub("\n\n", text) if "\n\n\n" in text else text).strip()


_last_folded = ("", "")  # the last long text folded, and its fold: one tuple, swapped whole
_LONG = 1000  # characters from which a text is a document's, folded by its extractors and for its province


def fold_for_matching(text: str) -> str:
    """Lower case with old-style tones: for lexicon look-ups, never for storage. A text and a
    line joined to it by "\n" fold to their two folds so joined: nothing folds across a line break."""
    global _last_folded
    last = _last_folded
    if text is last[0]:
        return last[1]
    folded = fold_tones(nfc(text)).lower()
    if len(text) >= _LONG:
        _last_folded = (text, folded)
    return folded
