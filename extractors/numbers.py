"""Vietnamese numbers: `5.835` = 5835, `945,4` = 945.4, scale words, number words."""

import regex

# A number as written: Vietnamese grouping (5.835 / 1.234.567,8), a decimal comma
# (945,4), a plain integer, or an English decimal point (8.3) when the group after the
# point is not exactly three digits.
NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+|\d+\.\d{1,2}(?!\d)|\d+"
NUMBER_RE = regex.compile(NUMBER)
_GROUPED, _DECIMAL_COMMA, _PLAIN = (
    regex.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?"),
    regex.compile(r"\d+,\d+"),
    regex.compile(r"\d+(?:\.\d+)?"),
)

SCALES = {
    "nghìn": 1_000,
    "ngàn": 1_000,
    "vạn": 10_000,
    "triệu": 1_000_000,
    "tỷ": 1_000_000_000,
    "tỉ": 1_000_000_000,
    "nghìn tỷ": 1_000_000_000_000,
    "ngàn tỷ": 1_000_000_000_000,
}

_UNITS = {
    "không": 0,
    "một": 1,
    "mốt": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "tư": 4,
    "năm": 5,
    "lăm": 5,
    "nhăm": 5,
    "sáu": 6,
    "bảy": 7,
    "bẩy": 7,
    "tám": 8,
    "chín": 9,
}
_DIGIT_WORDS = "không|một|hai|ba|bốn|năm|sáu|bảy|bẩy|tám|chín"
# Cardinal words as they precede a counted noun: "mười lăm", "hai mươi", "hai mươi mốt".
NUMBER_WORDS = (
    rf"(?:(?:{_DIGIT_WORDS}) trăm(?: linh| lẻ)?(?: (?:{_DIGIT_WORDS}))?"
    rf"|(?:hai|ba|bốn|năm|sáu|bảy|bẩy|tám|chín) mươi(?: (?:mốt|một|hai|ba|bốn|tư|lăm|nhăm|sáu|bảy|bẩy|tám|chín))?"
    rf"|mười(?: (?:một|hai|ba|bốn|lăm|sáu|bảy|bẩy|tám|chín))?"
    rf"|(?:{_DIGIT_WORDS}))"
)


def parse_number(text: str) -> float:
    """The value of a number written the Vietnamese way (or an English decimal).

    >>> parse_number("5.835"), parse_number("945,4"), parse_number("8.3")
    (5835, 945.4, 8.3)
    """
    text = text.strip()
    if _GROUPED.fullmatch(text):
        text = text.replace(".", "").replace(",", ".")
    elif _DECIMAL_COMMA.fullmatch(text):
        text = text.replace(",", ".")
    elif not _PLAIN.fullmatch(text):
        raise ValueError(f"not a number: {text!r}")
    value = float(text)
    return int(value) if value.is_integer() and "." not in text else value


def parse_number_words(text: str) -> int:
    """The value of a cardinal in words: "mười lăm" = 15, "hai mươi mốt" = 21."""
    words = text.lower().split()
    if not words:
        raise ValueError("empty number")
    total, current = 0, 0
    i = 0
    while i < len(words):
        word = words[i]
        if word == "trăm":
            total += current * 100
            current = 0
        elif word == "mươi":
            current *= 10
        elif word == "mười":
            current += 10
        elif word in ("linh", "lẻ"):
            pass
        elif word in _UNITS:
            value = _UNITS[word]
            if word in ("mốt", "lăm", "nhăm", "tư") and i == 0:
                raise ValueError(f"not a cardinal: {text!r}")
            current += value
        else:
            raise ValueError(f"not a number word: {word!r}")
        i += 1
    return total + current


def scaled(value: float, scale_word: str | None) -> float:
    """Multiply by a scale word: 179 nghìn = 179000; exact for decimals (1,2 triệu)."""
    if not scale_word:
        return value
    result = round(value * SCALES[scale_word], 6)
    return int(result) if float(result).is_integer() else result
