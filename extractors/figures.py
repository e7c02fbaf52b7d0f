"""A figure in a sentence read as a number with its unit, scale, range and rate: the record
the indicator steps (indicators.py) decide kind, comparator and name for."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import regex

from pipeline.text.nlp import Sentence, token_matches

from .context import AnalyzedDocument, syllable_window
from .name_words import counted_in_name, qualifies
from .numbers import NUMBER, NUMBER_WORDS, SCALES, parse_number, parse_number_words, scaled
from .rules import alt, load_yaml

_WORD_NEXT = regex.compile(r"\s*\p{L}")
_PER_CAPITA = regex.compile(r"bình quân đầu người|bình quân mỗi người")


_FROM_BEFORE = regex.compile(r"từ\s*$")


LETTER = regex.compile(r"\p{L}")


SENTENCE_END = regex.compile(r"[.;:!?]\s*$")


DIGIT = regex.compile(r"\d")


NOT_SPACE = regex.compile(r"[^\s]")


SYMBOLS = {"≥": ">=", "≤": "<=", ">": ">", "<": "<"}  # "≥98%" in a table cell


_EVERY_YEAR = "(?:mỗi năm|hằng năm|hàng năm)"


_TIMES_BEFORE = regex.compile(r"gấp\s*$")


_TIMES_AFTER = regex.compile(r"^\s*lần(?!\p{L})")


_THOUSANDS_COMMA = regex.compile(r"\d{1,3},\d{3}")


_NAME_WITH_NUMBER = regex.compile(r"(?<=\S\s+)\p{Lu}\p{Ll}*\s+\p{Lu}\p{Ll}*\s+$")


# "394 tỷ 581 triệu đồng": an amount written in several scales, one currency at the end
_SCALE = "|".join(sorted(SCALES, key=len, reverse=True))
_COMPOUND_MONEY = regex.compile(
    rf"\s*(?P<first>{_SCALE})(?:\s+(?P<n>\d{{1,3}})\s*(?P<s>{_SCALE}))+\s*(?P<cur>đồng|VNĐ|VND)(?!\p{{L}})"
)


def _compound_money(text: str, offset: int, value: float) -> tuple[float, str, int] | None:
    """(value in the first scale, unit, where it ends) of an amount written in several scales,
    each smaller than the one before: '394 tỷ 581 triệu đồng' is 394.581 tỷ đồng."""
    match = _COMPOUND_MONEY.match(text, offset)
    if match is None:
        return None
    first = SCALES[match.group("first")]
    scales = [SCALES[word] for word in match.captures("s")]
    if any(later >= earlier for earlier, later in zip([first, *scales], scales)):
        return None
    total = value + sum(int(n) * scale / first for n, scale in zip(match.captures("n"), scales))
    unit = f"{match.group('first')} {match.group('cur')}"
    return round(total, 6), unit, match.end()


def _second_end(folded: str, position: int, unit: str) -> regex.Match[str] | None:
    """The high end of a range that repeats its unit ("10% đến 15%", "1.000 đồng - 2.000 đồng")."""
    return _second_end_pattern(unit).match(folded, position)


@lru_cache(maxsize=256)
def _second_end_pattern(unit: str) -> regex.Pattern[str]:
    return regex.compile(rf"\s*(?:đến|-|–)\s*(?P<n>{NUMBER})\s*{regex.escape(unit)}(?!\p{{L}})")


@lru_cache(maxsize=1)
def figure_patterns() -> dict[str, regex.Pattern[str]]:
    units = load_yaml("units.yaml")
    negatives = load_yaml("negatives.yaml")
    low: Callable[[list[str]], list[str]] = lambda words: [w.lower() for w in words]  # noqa: E731
    unit_re = (
        rf"(?P<pp>{alt(low(units['percentage_points']))})"
        rf"|(?P<pct>{alt(low(units['percent']))})"
        rf"|(?:(?P<scale>{alt(units['scales'])})\s+)?(?P<currency>{alt(low(units['currencies']))})(?!\s+chí(?!\p{{L}}))"
        rf"|(?:(?P<cscale>{alt(units['scales'])})\s+)?(?P<unit>{alt(low(units['units']))})"
        rf"|(?P<bare_scale>{alt(units['scales'])})"
    )
    return {
        "number": regex.compile(
            # a number word never starts a range of digits: "không đến 2%" is "not up to 2%";
            # a count after another count's word and a slash is one too: "27 vụ/31 đối tượng"
            rf"(?:(?<![\d.,/\p{{L}}])|(?<=\p{{L}}/))(?P<num>{NUMBER}|{NUMBER_WORDS}(?=\s)(?!\s*(?:-|–|đến)\s*\d))"
            rf"(?:\s*(?:-|–|đến)\s*(?P<high>{NUMBER})(?!\d))?(?![\d])"
        ),
        "unit": regex.compile(rf"^\s*(?:{unit_re})(?!\p{{L}})"),
        # "22/28 chỉ tiêu"; not "24/24h", a time of day
        "fraction": regex.compile(rf"^/(?P<den>(?>{NUMBER}))(?!\s*(?:h|giờ)(?!\p{{L}}))\s*"),
        "per_slash": regex.compile(rf"^\s*/\s*(?P<per>{alt(low(units['per_words']))}|\p{{L}}+)(?!\p{{L}})"),
        "per_every": regex.compile(rf"^\s*(?:{_EVERY_YEAR}|/ năm)"),
        # "mỗi năm tạo việc làm cho 20 nghìn lao động": the rate stated before the figure
        "per_every_before": regex.compile(rf"{_EVERY_YEAR}[^\d;:()]{{0,40}}$"),
        "per_population": regex.compile(
            r"^\s*(?:trên|/)\s*(?P<per>(?:1|một) vạn dân|(?:1|một) nghìn dân|[\d.]+ (?:dân|người|bé gái|phụ nữ|trẻ))"
        ),
        # "95% trở lên", "1.500 đảng viên mới trở lên"
        "after_cmp": regex.compile(r"^(?:\s+\p{L}+){0,3}?\s*(?P<cmp>trở lên|trở xuống)"),
        # each ends at the end of the text before the number: matched from the end, reading little
        "not_before": regex.compile("|".join(f"(?:{p})" for p in negatives["before"].values()), regex.REVERSE),
        "not_after": regex.compile("|".join(f"(?:{p})" for p in negatives["after"].values())),
        "not_unit": regex.compile(rf"^{alt(low(units['not_units']))}$"),
        "list_noun": regex.compile(rf"^{alt(low(load_yaml('tasks.yaml')['announced_nouns']))}$"),
        "fallback_verb": regex.compile(rf"(?:^|\s){alt(low(units['fallback_verbs']))}\s*$"),
    }


@dataclass
class Figure:
    """A number read in a sentence, and what the steps of `extract_indicators` find about it.
    Offsets are into the sentence."""

    index: int
    sentence: Sentence
    folded: str
    number_start: int
    value: float
    high: float | None
    unit: str
    unit_end: int
    rule_id: str
    share: bool
    clause_start: int = 0
    clause_end: int = 0
    per: str | None = None
    comparator: str = "="
    comparator_cue: str | None = None  # the id of the cue that set the comparator


def read_figure(
    analyzed: AnalyzedDocument,
    index: int,
    folded: str,
    match: regex.Match[str],
    patterns: dict[str, regex.Pattern[str]],
) -> Figure | None:
    """The number at `match` with its unit, or None when it is not a measured quantity
    (a date, an ordinal, a code, a year range, a number word without a counted noun)."""
    sentence = analyzed.sentences[index]
    rest = folded[match.end() :]
    before = folded[max(0, match.start() - 30) : match.start()]
    fraction = None if match.group("high") else patterns["fraction"].match(rest)
    if patterns["not_before"].search(before) or not fraction and patterns["not_after"].match(rest):
        return None  # a date, an ordinal or rank ("tháng 12/2025", "xếp hạng 11/34"), a code
    if _NAME_WITH_NUMBER.search(sentence.text, max(0, match.start() - 60), match.start()):
        return None  # "xã Phù Mỹ 1", "Quận Bình Thạnh 2": a number in a proper name
    if fraction:
        rest = rest[fraction.end() :]
    unit_match = patterns["unit"].match(rest)
    offset = match.end() + (fraction.end() if fraction else 0)
    raw = match.group("num")
    is_words = not raw[0].isdigit()
    value = parse_number_words(raw) if is_words else parse_number(raw)
    high = parse_number(match.group("high")) if match.group("high") else None
    if is_words and (raw in ("một", "không") or not (unit_match and unit_match.group("unit"))):
        return None  # "một" is as often "a" as "one" ("mỗi xã một sản phẩm"), "không" "not" ("không bản giấy")
    if high is not None and (value >= 1900 and high >= 1900 and not unit_match):
        return None
    if high is None and (compound := _compound_money(sentence.text, offset, value)):
        return _figure(index, sentence, folded, match.start(), *compound)  # "394 tỷ 581 triệu đồng"
    unit, unit_end, rule_id, value, high, scale = _read_unit(sentence.text, offset, unit_match, value, high)
    if unit_match and not unit:
        unit_match = None  # a scale word alone: "1,2 triệu" of whatever follows
    if not unit_match and _TIMES_BEFORE.search(before) and _TIMES_AFTER.match(rest):
        times = _TIMES_AFTER.match(rest)
        assert times is not None  # matched in the condition
        unit, rule_id = sentence.text[unit_end : unit_end + times.end()].strip(), "ind.times"
        unit_end += times.end()  # "tăng gấp 1,8 lần"
    elif not unit_match:
        fallback = _fallback_unit(
            analyzed, index, sentence.start + unit_end, folded[: match.start()], patterns, share=bool(fraction)
        )
        if fallback is None:
            return None
        unit, unit_end = fallback[0], fallback[1] - sentence.start
        rule_id = "ind.fallback_word"
    if unit_match and high is None:  # "từ 1.000 đồng đến 2.000 đồng": the unit on both ends
        second = _second_end(folded, unit_end, folded[offset + unit_match.start() : unit_end].strip())
        if second:
            high = parse_number(second.group("n"))
            high = scaled(high, scale)
            unit_end = second.end()
    if _THOUSANDS_COMMA.fullmatch(raw) and high is None and counted_in_name(unit) and rule_id != "ind.money":
        value, rule_id = int(raw.replace(",", "")), "ind.thousands_comma"  # "33,293 người": no fraction of a person
    if high is not None and _FROM_BEFORE.search(folded[: match.start()]):
        rule_id = "ind.range"
    figure = Figure(index, sentence, folded, match.start(), value, high, unit, unit_end, rule_id, bool(fraction))
    figure.clause_start, figure.clause_end = clause_bounds(folded, match.start())
    return figure


def _figure(index: int, sentence: Sentence, folded: str, start: int, value: float, unit: str, unit_end: int) -> Figure:
    """A money figure read whole by its own pattern."""
    figure = Figure(index, sentence, folded, start, value, None, unit, unit_end, "ind.money", False)
    figure.clause_start, figure.clause_end = clause_bounds(folded, start)
    return figure


def _read_unit(
    text: str, offset: int, unit_match: regex.Match[str] | None, value: float, high: float | None
) -> tuple[str, int, str, float, float | None, str | None]:
    """(unit, where it ends, rule id, value, high, count scale) of the unit read after a number:
    a share, points, money with its scale, a counted noun (a count scale multiplies the value),
    or a scale word alone (no unit: the counted word follows)."""
    if not unit_match:
        return "", offset, "ind.unit_lexicon", value, high, None
    groups, unit_end = unit_match.groupdict(), offset + unit_match.end()
    if groups["pp"]:
        return "điểm %", unit_end, "ind.percentage_points", value, high, None
    if groups["pct"]:
        return "%", unit_end, "ind.percent", value, high, None
    if groups["currency"]:
        currency = text[offset + unit_match.start("currency") : offset + unit_match.end("currency")]
        return (
            (f"{groups['scale']} {currency}" if groups["scale"] else currency),
            unit_end,
            "ind.money",
            value,
            high,
            None,
        )
    if groups["unit"]:
        unit = text[offset + unit_match.start("unit") : offset + unit_match.end("unit")]
        scale = groups["cscale"]
        if not scale:
            return unit, unit_end, "ind.unit_lexicon", value, high, None
        return (
            unit,
            unit_end,
            "ind.scaled_count",
            scaled(value, scale),
            scaled(high, scale) if high is not None else None,
            scale,
        )
    bare = groups["bare_scale"]
    rest = text[unit_end : unit_end + 60]
    if bare.lower() in _money_scales_alone() and not (_WORD_NEXT.match(rest) and qualifies(rest)):
        return f"{bare} đồng", unit_end, "ind.money", value, high, None  # "bố trí 14,7 tỷ để đầu tư"
    return "", unit_end, "ind.unit_lexicon", scaled(value, bare), high, None


@lru_cache(maxsize=1)
def _money_scales_alone() -> frozenset[str]:
    return frozenset(word.lower() for word in load_yaml("units.yaml")["money_scales_alone"])


def read_rate(figure: Figure, patterns: dict[str, regex.Pattern[str]]) -> None:
    """The basis of a rate: "/năm", "/hộ", "trên 1 vạn dân", "mỗi năm", "bình quân đầu người"."""
    folded, unit_end = figure.folded, figure.unit_end
    tail = folded[unit_end:]
    for key in ("per_slash", "per_population"):
        per_match = patterns[key].match(tail)
        if per_match:
            figure.per = figure.sentence.text[unit_end + per_match.start("per") : unit_end + per_match.end("per")]
            figure.unit_end += per_match.end()
            return
    lead = folded[figure.clause_start : figure.number_start]
    if patterns["per_every"].match(tail) or patterns["per_every_before"].search(lead):
        figure.per = "năm"
    elif _PER_CAPITA.search(lead):
        figure.per = "người"


def _fallback_unit(
    analyzed: AnalyzedDocument,
    index: int,
    position: int,
    folded_before: str,
    patterns: dict[str, regex.Pattern[str]],
    share: bool = False,
) -> tuple[str, int] | None:
    """The segmenter's word right after the number, when a cue verb precedes the number or
    the number is a share of a whole ("45/45 nhiệm vụ": a list's length is never written so,
    so the nouns that announce lists count here)."""
    if not share and not patterns["fallback_verb"].search(folded_before[-25:]):
        return None
    sentence = analyzed.sentences[index]
    text, here = sentence.text, position - sentence.start
    start, end = syllable_window(text, here, 3, 6)
    word_ends = dict(analyzed.words(index, start, end))  # start -> end of each segmenter word
    # from the window's start (after a space, where tokens split as from the sentence's start)
    token = next((t for t in token_matches(text, start, end) if t.start() >= here), None)
    if token is None or not token.group().isalpha() or token.start() not in word_ends or token.group()[0].isupper():
        return None  # the word after the number starts before it, or is no word
    word = " ".join(text[token.start() : word_ends[token.start()]].split())
    if patterns["not_unit"].match(word.lower()) and not (share and patterns["list_noun"].match(word.lower())):
        return None
    return word, sentence.start + word_ends[token.start()]


def clause_bounds(folded: str, position: int) -> tuple[int, int]:
    """The clause around a position: between the semicolons or colons before and after it."""
    start = max(folded.rfind(";", 0, position), folded.rfind(":", 0, position)) + 1
    end = folded.find(";", position)
    return start, (end if end >= 0 else len(folded))
