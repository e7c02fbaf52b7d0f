"""Indicators: a number attached to a measured quantity, with unit, comparator and kind."""

from functools import lru_cache

import regex

from .context import AnalyzedDocument, syllable_window, syllables_after, syllables_before
from .cues import cue_spans
from .naming import category, expand_abbreviations, indicator_name, name_reach
from .numbers import NUMBER, NUMBER_WORDS, parse_number, parse_number_words, scaled
from .periods import period_at
from .rules import alt, load_yaml
from .schema import IndicatorRow

_NAME_END = regex.compile(r"[,;.()|]")
_NOT_A_NAME = regex.compile(r"so với|trở lên|trở xuống")
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
_COUNTED = {"ind.unit_lexicon", "ind.scaled_count", "ind.fallback_word"}
_KIND_OF = {"TARGET": "target", "RESULT": "result", "MAYBE_TARGET": "target", "MAYBE_RESULT": "result"}
_EVERY_YEAR = "(?:mỗi năm|hằng năm|hàng năm)"
_PART_REACH = 300  # characters from the figure a breakdown ("trong đó ...") is part of
_DEADLINE_CUE = regex.compile(r"trước ngày|chậm nhất|hạn chót|hoàn thành trước")


@lru_cache(maxsize=1)
def _patterns() -> dict[str, regex.Pattern]:
    units = load_yaml("units.yaml")
    negatives = load_yaml("negatives.yaml")
    low = lambda words: [w.lower() for w in words]  # noqa: E731
    unit_re = (
        rf"(?P<pp>{alt(low(units['percentage_points']))})"
        rf"|(?P<pct>{alt(low(units['percent']))})"
        rf"|(?:(?P<scale>{alt(units['scales'])})\s+)?(?P<currency>{alt(low(units['currencies']))})"
        rf"|(?:(?P<cscale>{alt(units['scales'])})\s+)?(?P<unit>{alt(low(units['units']))})"
        rf"|(?P<bare_scale>{alt(units['scales'])})"
    )
    return {
        "number": regex.compile(
            rf"(?<![\d.,/\p{{L}}])(?P<num>{NUMBER}|{NUMBER_WORDS}(?=\s))"
            rf"(?:\s*(?:-|–|đến)\s*(?P<high>{NUMBER})(?!\d))?(?![\d])"
        ),
        "unit": regex.compile(rf"^\s*(?:{unit_re})(?!\p{{L}})"),
        "fraction": regex.compile(rf"^/(?P<den>{NUMBER})\s*"),
        "per_slash": regex.compile(rf"^\s*/\s*(?P<per>{alt(low(units['per_words']))}|\p{{L}}+)(?!\p{{L}})"),
        "per_every": regex.compile(rf"^\s*(?:{_EVERY_YEAR}|/ năm)"),
        # "mỗi năm tạo việc làm cho 20 nghìn lao động": the rate stated before the figure
        "per_every_before": regex.compile(rf"{_EVERY_YEAR}[^\d;:()]{{0,40}}$"),
        "per_population": regex.compile(
            r"^\s*(?:trên|/)\s*(?P<per>(?:1|một) vạn dân|(?:1|một) nghìn dân|[\d.]+ (?:dân|người))"
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
    return (
        max(reach, syllables_before(text, number_start, _NAME_SYLLABLES, clause_start)),
        syllables_after(text, unit_end, 3, clause_end),
    )


def _fallback_name(sentence: str, unit_end: int, unit: str) -> str:
    """With no words before the figure: its unit and the words that follow ("74 xã đạt chuẩn");
    a share names what follows it ("100% thủ tục hành chính")."""
    after = _NAME_END.split(sentence[unit_end:])[0].split()
    if _NOT_A_NAME.match(" ".join(after)):
        after = []
    return expand_abbreviations(" ".join(([] if "%" in unit else [unit]) + after[:8]).strip())


def extract_indicators(analyzed: AnalyzedDocument, context=None) -> list[IndicatorRow]:
    """Indicators of a document. For a figure whose sentence names no period,
    `context(offset)` gives the periods around it and whether they may decide its kind
    (a task's lead line does; a news headline does not)."""
    patterns = _patterns()
    rows: list[IndicatorRow] = []
    for index, sentence in enumerate(analyzed.sentences):
        if not analyzed.segmenter.needs_words(sentence):
            continue
        folded = analyzed.folded[sentence.start : sentence.end]
        doc, cues = None, None
        consumed_until = -1
        for match in patterns["number"].finditer(folded):
            if match.start() < consumed_until:
                continue
            rest = folded[match.end() :]
            before = folded[max(0, match.start() - 30) : match.start()]
            fraction = None if match.group("high") else patterns["fraction"].match(rest)
            if patterns["not_before"].search(before) or not fraction and patterns["not_after"].match(rest):
                continue  # a date, an ordinal or rank ("tháng 12/2025", "xếp hạng 11/34"), a code
            if fraction:
                rest = rest[fraction.end() :]
            unit_match = patterns["unit"].match(rest)
            offset = match.end() + (fraction.end() if fraction else 0)
            raw = match.group("num")
            is_words = not raw[0].isdigit()
            value = parse_number_words(raw) if is_words else parse_number(raw)
            high = parse_number(match.group("high")) if match.group("high") else None
            if is_words and (raw in ("một", "không") or not (unit_match and unit_match.group("unit"))):
                continue  # "một" is as often "a" as "one" ("mỗi xã một sản phẩm"), "không" "not" ("không bản giấy")
            if high is not None and (value >= 1900 and high >= 1900 and not unit_match):
                continue
            rule_id = "ind.unit_lexicon"
            if unit_match:
                groups = unit_match.groupdict()
                unit_end = offset + unit_match.end()
                if groups["pp"]:
                    unit, rule_id = "điểm %", "ind.percentage_points"
                elif groups["pct"]:
                    unit, rule_id = "%", "ind.percent"
                elif groups["currency"]:
                    currency = sentence.text[
                        offset + unit_match.start("currency") : offset + unit_match.end("currency")
                    ]
                    unit = f"{groups['scale']} {currency}" if groups["scale"] else currency
                    rule_id = "ind.money"
                elif groups["unit"]:
                    unit = sentence.text[offset + unit_match.start("unit") : offset + unit_match.end("unit")]
                    if groups["cscale"]:
                        value = scaled(value, groups["cscale"])
                        high = scaled(high, groups["cscale"]) if high is not None else None
                        rule_id = "ind.scaled_count"
                else:  # a scale word alone: "1,2 triệu" of whatever follows
                    value = scaled(value, groups["bare_scale"])
                    unit_match, unit_end = None, offset + unit_match.end()
                    unit = ""
            else:
                unit_end = offset
            if not unit_match:
                fallback = _fallback_unit(
                    analyzed, index, sentence.start + unit_end, folded[: match.start()], patterns, share=bool(fraction)
                )
                if fallback is None:
                    continue
                unit, unit_end = fallback[0], fallback[1] - sentence.start
                rule_id = "ind.fallback_word"
            clause_start, clause_end = _clause_bounds(folded, match.start())
            per = None
            tail = folded[unit_end:]
            for key in ("per_slash", "per_population"):
                per_match = patterns[key].match(tail)
                if per_match:
                    per = sentence.text[unit_end + per_match.start("per") : unit_end + per_match.end("per")]
                    unit_end += per_match.end()
                    break
            else:
                lead = folded[clause_start : match.start()]
                if patterns["per_every"].match(tail) or patterns["per_every_before"].search(lead):
                    per = "năm"
                elif _PER_CAPITA.search(lead):
                    per = "người"
            if doc is None:
                doc = analyzed.doc(index)
            if cues is None:
                shift = doc.user_data["offset"] - sentence.start
                cues = [
                    (span.label_, span.start_char + shift, span.end_char + shift)
                    for span in cue_spans(analyzed.segmenter.nlp, doc)
                ]
            comparator = (
                "range"
                if high is not None
                else (
                    _SYMBOLS.get(folded[match.start() - 1 : match.start()])
                    or _comparator(cues, folded, match.start(), clause_start)
                )
            )
            after = patterns["after_cmp"].match(folded[unit_end:])
            if after and high is None:
                comparator = ">=" if after.group("cmp") == "trở lên" else "<="
                unit_end += after.end()
            if high is not None and _FROM_BEFORE.search(folded[: match.start()]):
                rule_id = "ind.range"
            period = period_at(folded, match.start(), analyzed.year, (clause_start, clause_end))
            inherited, decisive = context(sentence.start + match.start()) if period is None and context else ([], False)
            figure_before = (
                rows[-1] if rows and 0 <= sentence.start + match.start() - rows[-1].end < _PART_REACH else None
            )
            kind = _kind(
                cues,
                match.start(),
                clause_start,
                clause_end,
                period or (inherited[-1] if inherited and decisive else None),
                analyzed.published_date,
                comparator,
                folded,
                figure_before.kind if figure_before else None,
                [row.end - sentence.start for row in rows if row.start >= sentence.start],
            )
            if inherited:
                period = inherited[-1] if kind == "target" else inherited[0]
            words = analyzed.words(
                index, *_name_window(sentence.text, clause_start, clause_end, match.start(), unit_end)
            )
            name = indicator_name(sentence.text, words, clause_start, match.start())
            if len(name.split()) <= (2 if rule_id in _COUNTED else 0):  # "kết nạp" + "đảng viên mới"
                name = f"{name} {_fallback_name(sentence.text, unit_end, unit)}".strip()
            if not name and index and not _LETTER.search(folded[clause_start : match.start()]):
                name = _name_from_previous(analyzed, index)  # a line broken before the figure
            if not name and rows and rows[-1].sentence is sentence.text:
                name = rows[-1].name  # "258,72 km2 (đạt 259% so với quy định)": a share of the figure before
            rows.append(
                IndicatorRow(
                    name=name,
                    category=category(name, sentence.text[clause_start : match.start()]),
                    value=value,
                    value_high=high,
                    unit=unit,
                    per=per,
                    comparator=comparator,
                    kind=kind,
                    period_start=period.start if period else None,
                    period_end=period.end if period else None,
                    sentence=sentence.text,
                    start=sentence.start + match.start(),
                    end=sentence.start + unit_end,
                    rule_id=rule_id,
                )
            )
            consumed_until = unit_end
    return _without_headline_repeats(rows, analyzed)


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


def _fallback_unit(
    analyzed: AnalyzedDocument, index: int, position: int, folded_before: str, patterns, share: bool = False
) -> tuple[str, int] | None:
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
        if patterns["not_unit"].match(span.text.lower()) and not (
            share and patterns["list_noun"].match(span.text.lower())
        ):
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
        if (
            number_start - end > limit
            or label in _ADJACENT_ONLY
            and _NOT_SPACE.search(gap.replace("mức", "").replace("đạt", ""))
        ):
            continue
        if label != "CMP_APPROX":  # "tối thiểu đạt khoảng 60%": the bound wins over "about"
            best = _COMPARATORS[label]
    return best or "="


def _kind(
    cues,
    number_start: int,
    clause_start: int,
    clause_end: int,
    period,
    published: str | None,
    comparator: str,
    folded: str,
    kind_before: str | None,
    figure_ends: list[int],
) -> str:
    """`kind_before`: the kind of the figure just before this one, which a breakdown
    ("..., trong đó 29 hợp tác xã") takes over; `figure_ends`: where the sentence's
    figures before this one end."""
    by_period = ("result" if period.end < published else "target") if period and period.end and published else None
    # A cue after a figure in its own phrase qualifies that figure ("đạt 38,2% kế hoạch vốn
    # giao"), not the ones that follow.
    kinds = [
        (label, start)
        for label, start, _ in cues
        if (label in _KIND_OF or label == "PART")
        and not any(max(folded.rfind(",", 0, start), folded.rfind(";", 0, start)) < end <= start for end in figure_ends)
    ]
    in_clause = [k for k in kinds if clause_start <= k[1] < number_start]
    if in_clause and in_clause[-1][0] == "PART" and kind_before:
        return kind_before
    kinds = [k for k in kinds if k[0] != "PART"]
    in_clause = [k for k in in_clause if k[0] != "PART"]
    in_sentence = [k for k in kinds if k[1] < number_start]
    for found in (in_clause, in_sentence):
        if found:
            label = found[-1][0]
            # "toàn tỉnh có thêm 7 xã": plan or report, as the period says
            return by_period if label.startswith("MAYBE_") and by_period else _KIND_OF[label]
    if by_period:
        return by_period
    phrase_start = max(
        clause_start, folded.rfind(",", 0, number_start) + 1
    )  # "nỗ lực, quyết tâm của ..., có 22" are nouns
    if any(label == "DIRECTIVE" and phrase_start <= start < number_start for label, start, _ in cues):
        return "target"
    # "đạt 95% trở lên", "trước ngày ...": a bound or a deadline is set for work to come.
    if comparator in (">=", "<=") or _DEADLINE_CUE.search(folded):
        return "target"
    return "result"
