"""Indicators: a number attached to a measured quantity, with unit, comparator and kind."""

from collections.abc import Callable

import regex

from . import dates
from .categories import category
from .context import AnalyzedDocument, syllables_after, syllables_before
from .cues import Cue, sentence_cues
from .figures import (
    DIGIT,
    LETTER,
    NOT_SPACE,
    SENTENCE_END,
    SYMBOLS,
    Figure,
    clause_bounds,
    figure_patterns,
    read_figure,
    read_rate,
)
from .kinds import KindClues, decide_kind
from .name_links import breakdown_total, opens_next_item, restates_previous, same_sentence
from .name_words import (
    act_names_it,
    coordinated_act,
    counted_in_name,
    ends_with_act,
    final_act,
    first_quantity_head,
    gives_to,
    is_share_of_before,
    names_a_quantity,
    object_of_preposition,
    only_a_place,
    place_list_end,
    qualifies,
    same_quantity_before,
    starts_with_act,
)
from .naming import after_name, indicator_name, name_reach
from .periods import period_at
from .rules import load_yaml
from .schema import IndicatorRow, join_rule_id

# offset -> the periods around a figure and whether they may decide its kind
Context = Callable[[int], tuple[list[dates.Interval], bool]]

_COMPARATORS = {"CMP_GE": ">=", "CMP_GT": ">", "CMP_LE": "<=", "CMP_LT": "<"}
_AFTER_LABELS = {"trở lên": "CMP_GE_AFTER", "trở xuống": "CMP_LE_AFTER"}


# Comparators that must stand right before the number: "trên" and "hơn" are also
# prepositions ("trên địa bàn"), so a far one says nothing.
_ADJACENT_ONLY = {"CMP_GT", "CMP_LT"}


_NEAR, _FAR = 12, 70


_ASIDE_CLOSES = regex.compile(r"\s*\)")


# a mark right after a counted noun: nothing after it qualifies the noun ("63 vụ, bắt 117 đối
# tượng"); an aside is no such mark ("40 hộ (hơn 50 ha) đạt ..." goes on to what it counts)
_CLAUSE_GOES_ON = regex.compile(r"\s*(?:\([^()]*\)\s*)?+[^\p{L}\s]")


_PART_REACH = 300  # characters from the figure a breakdown ("trong đó ...") is part of


_NAME_SYLLABLES = 24


def _name_window(text: str, clause_start: int, clause_end: int, number_start: int, unit_end: int) -> tuple[int, int]:
    """The part of a clause whose words a figure's name is cut from: the syllables before
    the figure (a name has at most `max_words` words after its lead-in) and a few after it
    as the segmenter's right context. Segmenting only this part is what keeps it cheap."""
    reach = syllables_before(text, name_reach(text, clause_start, number_start), 6, clause_start)
    start = max(reach, syllables_before(text, number_start, _NAME_SYLLABLES, clause_start))
    # a long quantity ("Tỷ lệ rác thải ... được xử lý đúng quy định đạt 90%"), or one a list
    # follows ("tỷ lệ nam, nữ thanh niên ..."), from its head
    head = first_quantity_head(
        text, syllables_before(text, number_start, 2 * _NAME_SYLLABLES, clause_start), number_start
    )
    return start if head is None else min(start, head), syllables_after(text, unit_end, 3, clause_end)


def extract_indicators(analyzed: AnalyzedDocument, context: Context | None = None) -> list[IndicatorRow]:
    """Indicators of a document. For a figure whose sentence names no period,
    `context(offset)` gives the periods around it and whether they may decide its kind
    (a task's lead line does; a news headline does not)."""
    patterns = figure_patterns()
    rows: list[IndicatorRow] = []
    for index, sentence in enumerate(analyzed.sentences):
        if not analyzed.segmenter.needs_words(sentence):
            continue
        folded = analyzed.folded[sentence.start : sentence.end]
        cues = None
        consumed_until = -1
        for match in patterns["number"].finditer(folded):
            if match.start() < consumed_until:
                continue
            figure = read_figure(analyzed, index, folded, match, patterns)
            if figure is None:
                continue
            read_rate(figure, patterns)
            if cues is None:
                cues = _cues(analyzed, index)
            _read_comparator(figure, cues, patterns)
            rows.append(_row(analyzed, figure, cues, rows, context))
            consumed_until = figure.unit_end
    return _without_headline_repeats(rows, analyzed)


def _cues(analyzed: AnalyzedDocument, index: int) -> list[Cue]:
    """The cue spans of a sentence, with offsets into the sentence."""
    return sentence_cues(analyzed.sentences[index].text)


def _read_comparator(figure: Figure, cues: list[Cue], patterns: dict[str, regex.Pattern[str]]) -> None:
    """The figure's comparator, and the id of the cue that set it (none for a symbol)."""
    folded, start = figure.folded, figure.number_start
    if figure.high is not None:
        figure.comparator = "range"
        return
    symbol = SYMBOLS.get(folded[start - 1 : start])
    figure.comparator, figure.comparator_cue = (
        (symbol, None) if symbol else _comparator(cues, folded, start, figure.clause_start)
    )
    after = patterns["after_cmp"].match(folded[figure.unit_end :])
    if after:
        figure.comparator = ">=" if after.group("cmp") == "trở lên" else "<="
        at = figure.unit_end + after.start("cmp")
        label = _AFTER_LABELS[after.group("cmp")]
        figure.comparator_cue = next((cue.id for cue in cues if cue.start == at and cue.label == label), None)
        figure.unit_end += after.end()


def _row(
    analyzed: AnalyzedDocument,
    figure: Figure,
    cues: list[Cue],
    rows: list[IndicatorRow],
    context: Context | None,
) -> IndicatorRow:
    """The figure's row: its period and kind (kinds.decide_kind), its name and category; its
    rule_id names the figure's reader, then the cues that set its comparator and its kind."""
    sentence, folded, start = figure.sentence, figure.folded, figure.number_start
    period = period_at(folded, start, analyzed.year, (figure.clause_start, figure.clause_end))
    inherited, decisive = context(sentence.start + start) if period is None and context else ([], False)
    figure_before = rows[-1] if rows and 0 <= sentence.start + start - rows[-1].end < _PART_REACH else None
    kind, basis, kind_cue = decide_kind(
        KindClues(
            cues=cues,
            folded=folded,
            number_start=start,
            clause_start=figure.clause_start,
            comparator=figure.comparator,
            published=analyzed.published_date,
            own_period=period,
            context_period=inherited[-1] if inherited and decisive else None,
            kind_before=figure_before.kind if figure_before else None,
            figure_ends=[row.end - sentence.start for row in rows if row.start >= sentence.start],
            section_role=analyzed.sections.role_at(sentence.start + start),
            document_role=analyzed.document_role,
        )
    )
    if inherited:
        period = inherited[-1] if kind == "target" else inherited[0]
    name, name_basis = _name(analyzed, figure, rows)
    return IndicatorRow(
        name=name,
        name_basis=name_basis,
        category=category(name, sentence.text[figure.clause_start : start]),
        value=figure.value,
        value_high=figure.high,
        unit=figure.unit,
        per=figure.per,
        comparator=figure.comparator,
        kind=kind,
        kind_basis=basis,
        period_start=period.start if period else None,
        period_end=period.end if period else None,
        sentence=sentence.text,
        start=sentence.start + start,
        end=sentence.start + figure.unit_end,
        rule_id=join_rule_id(figure.rule_id, figure.comparator_cue, kind_cue),
    )


def _name(analyzed: AnalyzedDocument, figure: Figure, rows: list[IndicatorRow]) -> tuple[str, str]:
    """What the figure measures (GUIDELINES, the indicator's name) and the step that decided it
    (`name_basis`), the first that applies: the figure restates the one before it (`previous`);
    a share that opens an aside is named by the aside's words (`words_after`); a label before a
    colon (`label`); a share right after an act is a share of what follows it
    (`share_of_what_follows`); a quantity named before it (`quantity_before`); what it counts
    (`counted_noun`, or `act` for the act before it); a measure of what follows it
    (`measure_of_what_follows`); the words before it (`words_before`); what follows it
    (`words_after`)."""
    text, start, folded = figure.sentence.text, figure.number_start, figure.folded
    earlier = same_sentence(rows, text)
    previous_name = earlier[-1].name if earlier else ""
    if earlier and restates_previous(figure, earlier[-1]):
        return previous_name, "previous"  # "đạt 102% kế hoạch", "tăng 55 vụ so với ...", "89 vụ với 124 đối tượng"
    share = figure.unit in ("%", "điểm %")
    if share and _opens_aside_with_words(folded, figure):
        inside = _after(analyzed, figure, figure.unit_end, keep_case=False)
        if inside and qualifies(inside):  # "Sở Y tế (98% hồ sơ được giải quyết đúng hạn)": the aside says what
            return inside, "words_after"
    before = _before_name(analyzed, figure, earlier[-1].end - figure.sentence.start if earlier else 0)
    if earlier and same_quantity_before(before):
        return previous_name, "previous"
    counted = counted_in_name(figure.unit) and not share
    after = _after(analyzed, figure, figure.unit_end, keep_case=counted)  # it follows the noun: "căn nhà Đại đoàn kết"
    counts_nothing = not after or counted and _CLAUSE_GOES_ON.match(folded, figure.unit_end)
    if share and qualifies(after) and not starts_with_act(after) and opens_next_item(figure, earlier):
        return after, "share_of_what_follows"  # "tối thiểu 5% đối với A và ít nhất 10% B"
    if not share and counts_nothing and (total := breakdown_total(figure, earlier)):
        return total.name, "previous"  # "219 trường hợp (năm 2015: 28 trường hợp; năm 2016: ...)"
    if not before and counts_nothing and (label := _label_name(analyzed, figure)):
        return label, "label"  # "trong đó đồng chủ trì phát hiện: 63 vụ, bắt ..."
    if share and qualifies(after) and ends_with_act(folded[figure.clause_start : start]):
        return after, "share_of_what_follows"  # "đẩy mạnh giải ngân 100% vốn đầu tư công"
    object_of = object_of_preposition(folded[figure.clause_start : start])
    if (
        before
        and not object_of
        and (names_a_quantity(before) or share and is_share_of_before(folded[figure.unit_end :]))
    ):
        return before, "quantity_before"
    if counted:
        unit, unit_end = figure.unit, figure.unit_end
        if places_end := place_list_end(folded, unit, unit_end):  # "3 xã, phường, thị trấn ..."
            unit, unit_end = text[unit_end - len(unit) : places_end], places_end
            after = _after(analyzed, figure, unit_end, keep_case=True)
        return _counted_name(before, unit, "" if _CLAUSE_GOES_ON.match(folded, unit_end) else after)
    if not share and qualifies(after) and not starts_with_act(after):
        return after, "measure_of_what_follows"  # "thu giữ 3 kg ma túy tổng hợp"
    if before and (not share and len(before.split()) > 2 or share and after and not starts_with_act(before)):
        return before, "words_before"  # "khu vực dịch vụ tăng 7,33% và ...": the quantity is named before the share
    if after and (qualifies(after) or not before):  # not "mỗi hộ" after "Chi phí không quá 5 triệu đồng"
        return after, "words_after"
    return (before, "words_before") if before else (previous_name, "previous")  # "258,72 km2 (đạt 259% ...)"


def _after(analyzed: AnalyzedDocument, figure: Figure, position: int, *, keep_case: bool) -> str:
    """`after_name` from `position` to the end of the figure's clause."""
    text, clause_end = figure.sentence.text, figure.clause_end
    words_of = lambda: analyzed.words(figure.index, position, _after_window(text, position, clause_end))  # noqa: E731
    return after_name(figure.folded, text, words_of, position, clause_end, keep_case=keep_case)


def _opens_aside_with_words(folded: str, figure: Figure) -> bool:
    """Whether a figure opens an aside that goes on after it ('Sở Y tế (98% hồ sơ ...)'), not
    one that only restates the quantity before it ('Số hộ còn lại (168 hộ)')."""
    return folded[figure.clause_start : figure.number_start].rstrip().endswith("(") and not _ASIDE_CLOSES.match(
        folded, figure.unit_end
    )


def _before_name(analyzed: AnalyzedDocument, figure: Figure, previous_end: int) -> str:
    """The name the words before a figure give: back to a lead-in or a mark in its clause; the
    end of the line before when the figure starts a line; the label of 'Nhân sự: 58 người'."""
    text, start, folded = figure.sentence.text, figure.number_start, figure.folded
    words = analyzed.words(
        figure.index, *_name_window(text, figure.clause_start, figure.clause_end, start, figure.unit_end)
    )
    lead = folded[figure.clause_start : start].rstrip()
    # "Số hộ còn lại (168 hộ)": a figure that opens an aside restates the quantity before it
    name_end = figure.clause_start + len(lead) - 1 if lead.endswith("(") else start
    before = indicator_name(text, words, max(figure.clause_start, previous_end), name_end)
    if not before and figure.index and not LETTER.search(folded[figure.clause_start : start]):
        before = _name_from_previous(analyzed, figure.index)  # a line broken before the figure
    return "" if only_a_place(before) else before


def _label_name(analyzed: AnalyzedDocument, figure: Figure) -> str:
    """The label before a colon that a bare figure follows: 'Nhân sự của cơ quan: 58 người'."""
    text, folded = figure.sentence.text, figure.folded
    colon = folded.rfind(":", 0, figure.clause_start)
    if colon < 0 or folded[colon + 1 : figure.number_start].strip():
        return ""
    label_start = clause_bounds(folded, colon)[0]
    words = analyzed.words(figure.index, syllables_before(text, colon, _NAME_SYLLABLES, label_start), colon)
    return indicator_name(text, words, label_start, colon)


def _counted_name(before: str, unit: str, qualifier: str) -> tuple[str, str]:
    """A figure that counts a noun (GUIDELINES): the noun and what qualifies it after the figure
    ('xây dựng 10 mô hình điển hình tiên tiến' -> 'mô hình điển hình tiên tiến'). The words
    before name it instead (`act`) when they already hold the noun ('hộ nghèo còn 1.200 hộ'),
    when the noun receives the act ('tặng ... cho 150 học sinh'), or when nothing qualifies the
    noun and it is generic ('lưu 1.168 đơn') or an act comes right before it: the act then,
    without its subject ('đoàn mới kiểm tra được 60 hộ' -> 'kiểm tra')."""
    if not qualifies(qualifier):
        qualifier = ""
    qualifier = qualifier[: coordinated_act(qualifier)]  # "hồ sơ chính sách ... và thực hiện việc chi trả"
    bare_act = not qualifier and len(before.split()) <= 2 and starts_with_act(before)  # "kết nạp được 4.028 đảng viên"
    if before and (f" {unit.lower()} " in f" {before.lower()} " or gives_to(before)):
        return (before.rsplit(" ", 1)[0] if gives_to(before) else before), "act"
    act = final_act(before)  # "cơ quan chức năng mới kiểm tra được 60 hộ": "kiểm tra"
    if before and not qualifier and (act_names_it(unit) or bare_act or act):
        return act or before, "act"
    return " ".join(part for part in (unit, qualifier) if part), "counted_noun"


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
    if SENTENCE_END.search(previous.text) or previous.end < analyzed.sentences[index].start - 2:
        return ""
    start = max(previous.text.rfind(";"), previous.text.rfind(":")) + 1
    return indicator_name(previous.text, analyzed.words(index - 1, start), start, len(previous.text))


def _comparator(cues: list[Cue], folded: str, number_start: int, clause_start: int) -> tuple[str, str | None]:
    """The comparator a cue before the number sets, and that cue's id ("=" and None without one)."""
    best: Cue | None = None
    for cue in cues:
        label, start, end = cue.label, cue.start, cue.end
        if label not in _COMPARATORS and label != "CMP_APPROX" or end > number_start or start < clause_start:
            continue
        gap = folded[end:number_start]
        if DIGIT.search(gap):
            continue
        limit = _NEAR if label in _ADJACENT_ONLY else _FAR
        if (
            number_start - end > limit
            or label in _ADJACENT_ONLY
            and NOT_SPACE.search(gap.replace("mức", "").replace("đạt", ""))
        ):
            continue
        if label != "CMP_APPROX":  # "tối thiểu đạt khoảng 60%": the bound wins over "about"
            best = cue
    return (_COMPARATORS[best.label], best.id) if best else ("=", None)
