"""Indicators: a number attached to a measured quantity, with unit, comparator and kind."""

from dataclasses import dataclass
from functools import lru_cache

import regex

from pipeline.nlp import Sentence

from .context import AnalyzedDocument, syllable_window, syllables_after, syllables_before
from .cues import cue_spans
from .kinds import KindClues, decide_kind
from .naming import (act_names_it, after_name, category, counted_in_name, indicator_name, is_share_of_before,
                     name_reach, names_a_quantity, only_a_place, same_quantity_before, starts_with_act)
from .numbers import NUMBER, NUMBER_WORDS, parse_number, parse_number_words, scaled
from .periods import period_at
from .rules import alt, load_yaml
from .schema import IndicatorRow

_PER_CAPITA = regex.compile(r"bình quân đầu người|bình quân mỗi người")
_FROM_BEFORE = regex.compile(r"từ\s*$")
_LETTER = regex.compile(r"\p{L}")
_SENTENCE_END = regex.compile(r"[.;:!?]\s*$")
_DIGIT = regex.compile(r"\d")
_NOT_SPACE = regex.compile(r"[^\s]")

_COMPARATORS = {"CMP_GE": ">=", "CMP_GT": ">", "CMP_LE": "<=", "CMP_LT": "<"}
# Comparators that must stand right before the number: "trên" and "hơn" are also
# prepositions ("trên địa bàn"), so a far one says nothing.
_ADJACENT_ONLY = {"CMP_GT", "CMP_LT"}
_NEAR, _FAR = 12, 70
_SYMBOLS = {"≥": ">=", "≤": "<=", ">": ">", "<": "<"}  # "≥98%" in a table cell
_EVERY_YEAR = "(?:mỗi năm|hằng năm|hàng năm)"
_TIMES_BEFORE = regex.compile(r"gấp\s*$")
_TIMES_AFTER = regex.compile(r"^\s*lần(?!\p{L})")
_THOUSANDS_COMMA = regex.compile(r"\d{1,3},\d{3}")
_NAME_WITH_NUMBER = regex.compile(r"(?<=\S\s+)\p{Lu}\p{Ll}*\s+\p{Lu}\p{Ll}*\s+$")


def _second_end(folded: str, position: int, unit: str):
    """The high end of a range that repeats its unit ("10% đến 15%", "1.000 đồng - 2.000 đồng")."""
    return regex.compile(rf"\s*(?:đến|-|–)\s*(?P<n>{NUMBER})\s*{regex.escape(unit)}(?!\p{{L}})").match(folded, position)


# after a figure: a comparison with what came before; between two: one act counted two ways
_COMPARED = regex.compile(r"\s*(?:so với|cao hơn|thấp hơn)(?!\p{L})")
_SAME_ACT = regex.compile(r"\s*(?:với|cùng với)\s*")
_PART_REACH = 300  # characters from the figure a breakdown ("trong đó ...") is part of


@lru_cache(maxsize=1)
def _patterns() -> dict[str, regex.Pattern]:
    units = load_yaml("units.yaml")
    negatives = load_yaml("negatives.yaml")
    low = lambda words: [w.lower() for w in words]  # noqa: E731
    unit_re = (rf"(?P<pp>{alt(low(units['percentage_points']))})"
               rf"|(?P<pct>{alt(low(units['percent']))})"
               rf"|(?:(?P<scale>{alt(units['scales'])})\s+)?(?P<currency>{alt(low(units['currencies']))})"
               rf"|(?:(?P<cscale>{alt(units['scales'])})\s+)?(?P<unit>{alt(low(units['units']))})"
               rf"|(?P<bare_scale>{alt(units['scales'])})")
    return {
        "number": regex.compile(
            rf"(?<![\d.,/\p{{L}}])(?P<num>{NUMBER}|{NUMBER_WORDS}(?=\s))"
            rf"(?:\s*(?:-|–|đến)\s*(?P<high>{NUMBER})(?!\d))?(?![\d])"),
        "unit": regex.compile(rf"^\s*(?:{unit_re})(?!\p{{L}})"),
        "fraction": regex.compile(rf"^/(?P<den>{NUMBER})\s*"),
        "per_slash": regex.compile(rf"^\s*/\s*(?P<per>{alt(low(units['per_words']))}|\p{{L}}+)(?!\p{{L}})"),
        "per_every": regex.compile(rf"^\s*(?:{_EVERY_YEAR}|/ năm)"),
        # "mỗi năm tạo việc làm cho 20 nghìn lao động": the rate stated before the figure
        "per_every_before": regex.compile(rf"{_EVERY_YEAR}[^\d;:()]{{0,40}}$"),
        "per_population": regex.compile(r"^\s*(?:trên|/)\s*(?P<per>(?:1|một) vạn dân|(?:1|một) nghìn dân|[\d.]+ (?:dân|người|bé gái|phụ nữ|trẻ))"),
        # "95% trở lên", "1.500 đảng viên mới trở lên"
        "after_cmp": regex.compile(r"^(?:\s+\p{L}+){0,3}?\s*(?P<cmp>trở lên|trở xuống)"),
        # each ends at the end of the text before the number: matched from the end (10x faster)
        "not_before": regex.compile("|".join(f"(?:{p})" for p in negatives["before"].values()), regex.REVERSE),
        "not_after": regex.compile("|".join(f"(?:{p})" for p in negatives["after"].values())),
        "not_unit": regex.compile(rf"^{alt(low(units['not_units']))}$"),
        "list_noun": regex.compile(rf"^{alt(low(load_yaml('tasks.yaml')['announced_nouns']))}$"),
        "fallback_verb": regex.compile(rf"(?:^|\s){alt(low(units['fallback_verbs']))}\s*$"),
    }


_NAME_SYLLABLES = 24


def _clause_bounds(folded: str, position: int) -> tuple[int, int]:
    start = max(folded.rfind(";", 0, position), folded.rfind(":", 0, position)) + 1
    end = folded.find(";", position)
    return start, (end if end >= 0 else len(folded))


def _name_window(text: str, clause_start: int, clause_end: int, number_start: int, unit_end: int) -> tuple[int, int]:
    """The part of a clause whose words a figure's name is cut from: the syllables before
    the figure (a name has at most `max_words` words after its lead-in) and a few after it
    as the segmenter's right context. Segmenting only this part is what keeps it cheap."""
    reach = syllables_before(text, name_reach(text, clause_start, number_start), 2, clause_start)
    return (max(reach, syllables_before(text, number_start, _NAME_SYLLABLES, clause_start)),
            syllables_after(text, unit_end, 3, clause_end))


@dataclass
class _Figure:
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


def extract_indicators(analyzed: AnalyzedDocument, context=None) -> list[IndicatorRow]:
    """Indicators of a document. For a figure whose sentence names no period,
    `context(offset)` gives the periods around it and whether they may decide its kind
    (a task's lead line does; a news headline does not)."""
    patterns = _patterns()
    rows: list[IndicatorRow] = []
    for index, sentence in enumerate(analyzed.sentences):
        if not analyzed.segmenter.needs_words(sentence):
            continue
        folded = analyzed.folded[sentence.start:sentence.end]
        cues = None
        consumed_until = -1
        for match in patterns["number"].finditer(folded):
            if match.start() < consumed_until:
                continue
            figure = _read_figure(analyzed, index, folded, match, patterns)
            if figure is None:
                continue
            _read_rate(figure, patterns)
            if cues is None:
                cues = _cues(analyzed, index)
            _read_comparator(figure, cues, patterns)
            rows.append(_row(analyzed, figure, cues, rows, context))
            consumed_until = figure.unit_end
    return _without_headline_repeats(rows, analyzed)


def _cues(analyzed: AnalyzedDocument, index: int) -> list[tuple[str, int, int]]:
    """The cue spans of a sentence as (label, start, end) offsets into the sentence."""
    doc = analyzed.doc(index)
    shift = doc.user_data["offset"] - analyzed.sentences[index].start
    return [(span.label_, span.start_char + shift, span.end_char + shift)
            for span in cue_spans(analyzed.segmenter.nlp, doc)]


def _read_figure(analyzed: AnalyzedDocument, index: int, folded: str, match, patterns) -> _Figure | None:
    """The number at `match` with its unit, or None when it is not a measured quantity
    (a date, an ordinal, a code, a year range, a number word without a counted noun)."""
    sentence = analyzed.sentences[index]
    rest = folded[match.end():]
    before = folded[max(0, match.start() - 30):match.start()]
    fraction = None if match.group("high") else patterns["fraction"].match(rest)
    if patterns["not_before"].search(before) or not fraction and patterns["not_after"].match(rest):
        return None  # a date, an ordinal or rank ("tháng 12/2025", "xếp hạng 11/34"), a code
    if _NAME_WITH_NUMBER.search(sentence.text, max(0, match.start() - 60), match.start()):
        return None  # "xã Phù Mỹ 1", "Quận Bình Thạnh 2": a number in a proper name
    if fraction:
        rest = rest[fraction.end():]
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
    unit, unit_end, rule_id, value, high, scale = _read_unit(sentence.text, offset, unit_match, value, high)
    if unit_match and not unit:
        unit_match = None  # a scale word alone: "1,2 triệu" of whatever follows
    if not unit_match and _TIMES_BEFORE.search(before) and _TIMES_AFTER.match(rest):
        unit, rule_id = sentence.text[unit_end:unit_end + _TIMES_AFTER.match(rest).end()].strip(), "ind.times"
        unit_end += _TIMES_AFTER.match(rest).end()  # "tăng gấp 1,8 lần"
    elif not unit_match:
        fallback = _fallback_unit(analyzed, index, sentence.start + unit_end, folded[:match.start()], patterns,
                                  share=bool(fraction))
        if fallback is None:
            return None
        unit, unit_end = fallback[0], fallback[1] - sentence.start
        rule_id = "ind.fallback_word"
    if unit_match and high is None:  # "từ 1.000 đồng đến 2.000 đồng": the unit on both ends
        second = _second_end(folded, unit_end, folded[offset + unit_match.start():unit_end].strip())
        if second:
            high = parse_number(second.group("n"))
            high = scaled(high, scale)
            unit_end = second.end()
    if _THOUSANDS_COMMA.fullmatch(raw) and high is None and counted_in_name(unit) and rule_id != "ind.money":
        value, rule_id = int(raw.replace(",", "")), "ind.thousands_comma"  # "33,293 người": no fraction of a person
    if high is not None and _FROM_BEFORE.search(folded[:match.start()]):
        rule_id = "ind.range"
    figure = _Figure(index, sentence, folded, match.start(), value, high, unit, unit_end, rule_id, bool(fraction))
    figure.clause_start, figure.clause_end = _clause_bounds(folded, match.start())
    return figure


def _read_unit(text: str, offset: int, unit_match, value: float, high: float | None):
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
        currency = text[offset + unit_match.start("currency"):offset + unit_match.end("currency")]
        return (f"{groups['scale']} {currency}" if groups["scale"] else currency), unit_end, "ind.money", value, high, None
    if groups["unit"]:
        unit = text[offset + unit_match.start("unit"):offset + unit_match.end("unit")]
        scale = groups["cscale"]
        if not scale:
            return unit, unit_end, "ind.unit_lexicon", value, high, None
        return unit, unit_end, "ind.scaled_count", scaled(value, scale), scaled(high, scale) if high is not None else None, scale
    return "", unit_end, "ind.unit_lexicon", scaled(value, groups["bare_scale"]), high, None


def _read_rate(figure: _Figure, patterns) -> None:
    """The basis of a rate: "/năm", "/hộ", "trên 1 vạn dân", "mỗi năm", "bình quân đầu người"."""
    folded, unit_end = figure.folded, figure.unit_end
    tail = folded[unit_end:]
    for key in ("per_slash", "per_population"):
        per_match = patterns[key].match(tail)
        if per_match:
            figure.per = figure.sentence.text[unit_end + per_match.start("per"):unit_end + per_match.end("per")]
            figure.unit_end += per_match.end()
            return
    lead = folded[figure.clause_start:figure.number_start]
    if patterns["per_every"].match(tail) or patterns["per_every_before"].search(lead):
        figure.per = "năm"
    elif _PER_CAPITA.search(lead):
        figure.per = "người"


def _read_comparator(figure: _Figure, cues, patterns) -> None:
    folded, start = figure.folded, figure.number_start
    if figure.high is not None:
        figure.comparator = "range"
        return
    figure.comparator = _SYMBOLS.get(folded[start - 1:start]) or _comparator(cues, folded, start, figure.clause_start)
    after = patterns["after_cmp"].match(folded[figure.unit_end:])
    if after:
        figure.comparator = ">=" if after.group("cmp") == "trở lên" else "<="
        figure.unit_end += after.end()


def _row(analyzed: AnalyzedDocument, figure: _Figure, cues, rows: list[IndicatorRow], context) -> IndicatorRow:
    """The figure's row: its period and kind (kinds.decide_kind), its name and category."""
    sentence, folded, start = figure.sentence, figure.folded, figure.number_start
    period = period_at(folded, start, analyzed.year, (figure.clause_start, figure.clause_end))
    inherited, decisive = context(sentence.start + start) if period is None and context else ([], False)
    figure_before = rows[-1] if rows and 0 <= sentence.start + start - rows[-1].end < _PART_REACH else None
    kind, basis = decide_kind(KindClues(
        cues=cues, folded=folded, number_start=start, clause_start=figure.clause_start,
        comparator=figure.comparator, published=analyzed.published_date, own_period=period,
        context_period=inherited[-1] if inherited and decisive else None,
        kind_before=figure_before.kind if figure_before else None,
        figure_ends=[row.end - sentence.start for row in rows if row.start >= sentence.start],
        section_role=analyzed.sections.role_at(sentence.start + start), document_role=analyzed.document_role))
    if inherited:
        period = inherited[-1] if kind == "target" else inherited[0]
    name = _name(analyzed, figure, rows)
    return IndicatorRow(
        name=name, category=category(name, sentence.text[figure.clause_start:start]),
        value=figure.value, value_high=figure.high, unit=figure.unit, per=figure.per, comparator=figure.comparator,
        kind=kind, kind_basis=basis,
        period_start=period.start if period else None, period_end=period.end if period else None,
        sentence=sentence.text, start=sentence.start + start, end=sentence.start + figure.unit_end,
        rule_id=figure.rule_id)


def _name(analyzed: AnalyzedDocument, figure: _Figure, rows: list[IndicatorRow]) -> str:
    """What the figure measures (GUIDELINES, the indicator's name): the quantity named before
    it; with none, what it counts after it; for a generic counted noun, the act before it."""
    text, start, folded = figure.sentence.text, figure.number_start, figure.folded
    same_sentence = _same_sentence(rows, text)
    share = figure.unit in ("%", "điểm %")
    share_of_plan = share and is_share_of_before(folded[figure.unit_end:])
    previous_end = same_sentence[-1].end - figure.sentence.start if same_sentence else figure.clause_start
    if same_sentence and (share_of_plan or _COMPARED.match(folded, figure.unit_end)
                          or _SAME_ACT.fullmatch(folded, previous_end, start)):
        return same_sentence[-1].name  # "đạt 102% kế hoạch", "tăng 55 vụ so với ...", "89 vụ với 124 đối tượng"
    words = analyzed.words(figure.index, *_name_window(text, figure.clause_start, figure.clause_end, start,
                                                         figure.unit_end))
    lead = folded[figure.clause_start:start].rstrip()
    # "Số hộ còn lại (168 hộ)": a figure that opens an aside restates the quantity before it
    name_end = figure.clause_start + len(lead) - 1 if lead.endswith("(") else start
    before = indicator_name(text, words, max(figure.clause_start, previous_end), name_end)
    if not before and figure.index and not _LETTER.search(folded[figure.clause_start:start]):
        before = _name_from_previous(analyzed, figure.index)  # a line broken before the figure
    if same_sentence and same_quantity_before(before):
        return same_sentence[-1].name
    if only_a_place(before):
        before = ""
    if before and (act_names_it(figure.unit) or names_a_quantity(before) or share and share_of_plan):
        return before
    counted = counted_in_name(figure.unit) and not share
    if before and not share and len(before.split()) > 2:
        return before
    after = after_name(folded, text, lambda: analyzed.words(figure.index, figure.unit_end, _after_window(
        text, figure.unit_end, figure.clause_end)), figure.unit_end, figure.clause_end)
    if share and before and after and not starts_with_act(before):
        return before  # "khu vực dịch vụ tăng 7,33% và ...": the quantity is named before the share
    if not counted:  # a share after an act counts what follows it; so does a measure ("1,3 tấn ma túy đá")
        return after or before or (same_sentence[-1].name if same_sentence else "")
    name = " ".join(part for part in (before, figure.unit, after) if part)
    if not name and same_sentence:
        return same_sentence[-1].name  # "258,72 km2 (đạt 259% so với quy định)": a share of the figure before
    return name


def _same_sentence(rows: list[IndicatorRow], text: str) -> list[IndicatorRow]:
    """The rows already read from this sentence (the last ones: rows come in text order)."""
    count = 0
    while count < len(rows) and rows[-1 - count].sentence is text:
        count += 1
    return rows[len(rows) - count:]


def _after_window(text: str, unit_end: int, clause_end: int) -> int:
    """Where the words a name may take after its figure end (the segmenter reads only these)."""
    return syllables_after(text, unit_end, _rules_max_after() + 2, clause_end)


def _rules_max_after() -> int:
    return int(load_yaml("names.yaml")["max_after"])


def _without_headline_repeats(rows: list[IndicatorRow], analyzed: AnalyzedDocument) -> list[IndicatorRow]:
    """A headline that repeats a figure of the body ("Phấn đấu có thêm 15 xã đạt chuẩn ...")
    is not a second indicator: the body's sentence is kept."""
    first_line = analyzed.text.split("\n", 1)[0]
    if not analyzed.title or first_line.strip() != analyzed.title.strip():
        return rows
    in_body = {(row.value, row.unit, row.kind) for row in rows if row.start >= len(first_line)}
    return [row for row in rows if row.start >= len(first_line) or (row.value, row.unit, row.kind) not in in_body]


def _name_from_previous(analyzed: AnalyzedDocument, index: int) -> str:
    """The name from the end of the sentence before, when that one does not end a sentence
    ("... tỷ lệ hồ sơ thanh toán trực tuyến đạt" / "91,61%.")."""
    previous = analyzed.sentences[index - 1]
    if _SENTENCE_END.search(previous.text) or previous.end < analyzed.sentences[index].start - 2:
        return ""
    start = max(previous.text.rfind(";"), previous.text.rfind(":")) + 1
    return indicator_name(previous.text, analyzed.words(index - 1, start), start, len(previous.text))


def _fallback_unit(analyzed: AnalyzedDocument, index: int, position: int, folded_before: str,
                   patterns, share: bool = False) -> tuple[str, int] | None:
    """The segmenter's word right after the number, when a cue verb precedes the number or
    the number is a share of a whole ("45/45 nhiệm vụ": a list's length is never written so,
    so the nouns that announce lists count here)."""
    if not share and not patterns["fallback_verb"].search(folded_before[-25:]):
        return None
    sentence = analyzed.sentences[index]
    doc = analyzed.word_doc(index, *syllable_window(sentence.text, position - sentence.start, 3, 6))
    base = doc.user_data["offset"]
    for i, token in enumerate(doc):
        if base + token.idx < position:
            continue
        if not token.is_alpha or token.tag_ != "B-W" or token.text[0].isupper():
            return None
        end = i + 1
        while end < len(doc) and doc[end].tag_ == "I-W":
            end += 1
        span = doc[i:end]
        if patterns["not_unit"].match(span.text.lower()) and not (share and patterns["list_noun"].match(span.text.lower())):
            return None
        return span.text, base + span.end_char
    return None


def _comparator(cues, folded: str, number_start: int, clause_start: int) -> str:
    best = None
    for label, start, end in cues:
        if label not in _COMPARATORS and label != "CMP_APPROX" or end > number_start or start < clause_start:
            continue
        gap = folded[end:number_start]
        if _DIGIT.search(gap):
            continue
        limit = _NEAR if label in _ADJACENT_ONLY else _FAR
        if number_start - end > limit or label in _ADJACENT_ONLY and _NOT_SPACE.search(gap.replace("mức", "").replace("đạt", "")):
            continue
        if label != "CMP_APPROX":  # "tối thiểu đạt khoảng 60%": the bound wins over "about"
            best = _COMPARATORS[label]
    return best or "="
