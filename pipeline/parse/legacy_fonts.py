"""Pre-Unicode Vietnamese fonts (TCVN3/ABC ".VnTime", VNI "VNI-Times") to Unicode.

Text typed in these fonts is stored as Latin-1 characters that only the font draws as
Vietnamese ("B¸o c¸o" is "Báo cáo" in .VnTime), so the font name of each run decides
which table applies. The tables are data files: `data/tcvn3.tsv`, `data/vni.tsv`.
"""

import csv
import unicodedata
from functools import lru_cache
from pathlib import Path

import regex

_DATA = Path(__file__).parent / "data"

# Font-name families; a subset prefix ("ABCDEF+.VnTime") or a style suffix does not matter.
_TCVN3_FONT = regex.compile(r"(?:^|\+)\.?Vn[A-Z]", regex.IGNORECASE)
_TCVN3_CAPITALS_FONT = regex.compile(r"(?:^|\+)\.?Vn\w*?H(?:[-,_ ]|$|Bold|Italic)", regex.IGNORECASE)
_VNI_FONT = regex.compile(r"(?:^|\+)VNI[-_ ]", regex.IGNORECASE)


@lru_cache(maxsize=2)
def _table(name: str) -> dict[int, str]:
    path = _DATA / f"{name}.tsv"
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    table = {}
    for row in csv.DictReader(lines, delimiter="\t"):
        value = regex.sub(r"U\+([0-9A-F]{4})", lambda m: chr(int(m.group(1), 16)), row["unicode"])
        if not value:
            raise ValueError(f"{path}: empty mapping for {row['legacy']}")
        table[int(row["legacy"], 16)] = value
    return table


def encoding_of_font(font_name: str | None) -> str | None:
    """'tcvn3', 'tcvn3-capitals', 'vni' or None (a Unicode font) for a font name."""
    if not font_name:
        return None
    if _VNI_FONT.search(font_name):
        return "vni"
    if _TCVN3_FONT.search(font_name):
        return "tcvn3-capitals" if _TCVN3_CAPITALS_FONT.search(font_name) else "tcvn3"
    return None


def to_unicode(text: str, encoding: str | None) -> str:
    """Text of a run in a legacy font as Unicode NFC; unchanged for encoding None."""
    if encoding is None:
        return text
    converted = text.translate(_table("vni" if encoding == "vni" else "tcvn3"))
    if encoding == "tcvn3-capitals":
        converted = converted.upper()
    return unicodedata.normalize("NFC", converted)


def from_unicode(text: str, encoding: str) -> str:
    """Unicode text as a legacy font stores it: how test samples of old documents are made."""
    text = unicodedata.normalize("NFC", text)
    if encoding != "vni":
        reverse = {value: chr(code) for code, value in _table("tcvn3").items()}
        return "".join(reverse.get(char, char) for char in text)
    table = _table("vni")
    letters = {value: chr(code) for code, value in table.items() if not unicodedata.combining(value[0])}
    marks = {value: chr(code) for code, value in table.items()
             if unicodedata.combining(value[0]) and chr(code).islower()}
    out = []
    for char in text:
        if char in letters:
            out.append(letters[char])
            continue
        base, *rest = list(unicodedata.normalize("NFD", char))
        if "\u031b" in rest:  # the horn makes a letter of its own: ơ, ư
            base = letters[unicodedata.normalize("NFC", base + "\u031b")]
            rest.remove("\u031b")
        out.append(letters.get(base, base))
        if rest:
            mark = marks["".join(sorted(rest, key=lambda m: m not in "\u0302\u0306"))]  # shape, then tone
            out.append(mark.upper() if char.isupper() else mark)
    return "".join(out)
