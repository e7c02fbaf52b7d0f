"""List numbers as a reader sees them: 3 -> "3", "c", "C", "iii", "III"."""

_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def roman(number: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while number >= value:
            out, number = out + letters, number - value
    return out


def formatted(number: int, fmt: str) -> str:
    """`fmt` as Word names it: decimal, lowerLetter, upperLetter, lowerRoman, upperRoman."""
    if fmt in ("lowerLetter", "upperLetter"):
        letter = "abcdefghijklmnopqrstuvwxyz"[(number - 1) % 26]
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        return roman(number).upper() if fmt == "upperRoman" else roman(number)
    return str(number)
