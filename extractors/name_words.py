"""Word tests the name steps (naming.py, indicators.py) ask of a phrase: is it an act, a
place, a quantity, an aside that restates the figure before; on the folded word lists of
rules/names.yaml (name_rules.py)."""

from functools import lru_cache

import regex

from pipeline.text.normalize import fold_for_matching

from .name_rules import name_rules as _rules


def first_quantity_head(text: str, start: int, end: int) -> int | None:
    """Where the first word that starts a quantity (`quantity_heads`) stands in text[start:end]."""
    match = _rules()["quantity_head_anywhere"].search(fold_for_matching(text[start:end]))
    return None if match is None else start + match.start()


def place_list_end(folded: str, unit: str, position: int) -> int | None:
    """Where a list of kinds of place that goes on a counted place ends ('3 xã, phường, thị trấn
    trên địa bàn ...'), or None."""
    if fold_for_matching(unit) not in _rules()["place_words"]:
        return None
    match = _rules()["place_list"].match(folded, position)
    return match.end() if match else None


def coordinated_act(phrase: str) -> int:
    """Where 'và' and an act start a second predicate in a phrase ('người có công và thực hiện
    việc chi trả'), or the phrase's length."""
    match = _rules()["and_act"].search(fold_for_matching(phrase))
    return match.start() if match else len(phrase)


def ends_with_act(before: str) -> bool:
    """Whether the words right before a figure end with an act, past any comparator
    ('đẩy mạnh giải ngân 100% vốn', 'tăng thêm ít nhất 10% số nhóm trẻ'): a share there is
    a share of what follows it."""
    return bool(_rules()["act_at_end"].search(fold_for_matching(before)))


def final_act(before: str) -> str:
    """The act the words before a figure end with, without the comparators after it
    ('cơ quan chức năng mới kiểm tra được' -> 'kiểm tra'), or ''."""
    match = _rules()["final_act"].search(fold_for_matching(before))
    return before[match.start("act") : match.end("act")] if match else ""


def gives_to(before: str) -> bool:
    """Whether the words before a counted noun end with a word that makes it the receiver
    of the act ('tặng Huy hiệu Đảng cho 10.293 đảng viên'): the act names the figure."""
    words = fold_for_matching(before).split()
    return bool(words) and words[-1] in _rules()["gives_to"]


def qualifies(phrase: str) -> bool:
    """Whether a phrase after a counted noun qualifies it ('vi phạm', 'truy nã đặc biệt nguy
    hiểm'), not a preposition or a conjunction that goes on with the clause ('đến các cơ quan');
    a place that only says where is passed over ('trên địa bàn không có tệ nạn ma túy')."""
    words = folded_words(phrase.replace(",", " , ").split())
    words = trim_phrase(words, _rules()["where_only"], at_end=False)[:2] if len(words) > 3 else words[:2]
    return (
        bool(words)
        and words[0] != ","
        and not any(" ".join(words[:n]) in _rules()["qualifier_not_after"] for n in (1, 2))
    )


def is_share_of_before(folded_after: str) -> bool:
    """'đạt 102% kế hoạch', '98% so với cùng kỳ': a share of the figure before, which names it."""
    return bool(_rules()["share_of"].match(folded_after))


def same_quantity_before(name: str) -> bool:
    """'cùng kỳ quý I tăng 6,26%': the same quantity as the figure before, in the period compared;
    '(chỉ tiêu đề ra là tối thiểu 98%)': its plan."""
    folded = fold_for_matching(name)
    return bool(_rules()["same_quantity"].match(folded)) or folded in _rules()["plan_words"]


def restates_in_aside(between: str, rest_of_aside: str) -> bool:
    """Whether a figure opens an aside right after the figure before it ('hơn 409 ha (350 hộ)
    nuôi tôm'): the same quantity counted another way, named as that figure is; not when the
    aside goes on with its own words ('giảm 6,69% (1.311 hộ thoát nghèo)')."""
    own_words = _OWN_WORDS.match(rest_of_aside)
    return bool(_rules()["aside_opens"].fullmatch(fold_for_matching(between))) and not own_words


_OWN_WORDS = regex.compile(r"\s*\p{L}[^()]*\)")  # words after a figure, to the aside's end


def aside_start(folded: str, position: int) -> int | None:
    """Where the aside around `position` opens, if it stands in one."""
    opened = folded.rfind("(", 0, position)
    return opened if opened > folded.rfind(")", 0, position) else None


def changed_to(between: str) -> bool:
    """Whether the words between two figures say the first changed into the second ('từ 145
    phòng giảm xuống còn 99 phòng'): the same quantity, named as the first is."""
    return bool(_rules()["changed_to"].fullmatch(fold_for_matching(between)))


def object_of_preposition(before: str) -> bool:
    """Whether a figure follows a preposition ('chỉ số SIPAS trong tháng tại 22 xã'): it counts
    where or for whom, not the quantity named before it."""
    return bool(_rules()["object_of"].search(fold_for_matching(before)))


def names_a_quantity(name: str) -> bool:
    """'tỷ lệ giải ngân', 'tổng giá trị ...': the words before a figure name a quantity."""
    return bool(_rules()["quantity_head"].match(fold_for_matching(name)))


def starts_with_act(name: str) -> bool:
    """Whether a phrase starts with an act (names.yaml `acts`, units.yaml `fallback_verbs`):
    'đẩy mạnh giải ngân', not 'khu vực dịch vụ'."""
    return bool(_rules()["act"].match(fold_for_matching(name)))


def only_a_place(name: str) -> bool:
    """'tỉnh Bình Định': a place that only says where."""
    return bool(_rules()["place"].match(name.strip()))


def counted_in_name(unit: str) -> bool:
    """Whether a unit is a counted noun that belongs in a name ('xã đạt chuẩn'), not a measure."""
    words, measures = unit.lower().split(), _rules()["measures"]
    scaled_measure = len(words) > 1 and words[-1] in measures and words[-2] in _rules()["scales"]  # "tỷ đồng"
    return bool(words) and unit.lower() not in measures and not scaled_measure


def act_names_it(unit: str) -> bool:
    """A generic counted noun ('dự án', 'vụ', 'lượt'): the act before the figure names it."""
    words = fold_for_matching(unit).split()  # "văn bản QPPL" is a "văn bản"; "đơn vị" is no "đơn"
    return any(
        " ".join(words[:n]) in _rules()["generic_counted"] for n in range(1, len(words) + 1) if n > 1 or len(words) == 1
    )


def folded_words(words: list[str]) -> list[str]:
    """Words as the name lists hold them (`_folded_word`)."""
    return [_folded_word(w) for w in words]


@lru_cache(maxsize=1 << 14)
def _folded_word(word: str) -> str:
    """A segmenter's word as the name lists hold it: folded, its syllables one space apart
    (the same words come back for every figure near them)."""
    return " ".join(fold_for_matching(word).split())


def trim_phrase(words: list[str], phrases: frozenset[str], *, at_end: bool) -> list[str]:
    """The words without one of `phrases` (one to four whole words) at their end or start."""
    folded = folded_words(words)
    for n in range(min(4, len(words)), 0, -1):
        piece = folded[-n:] if at_end else folded[:n]
        if " ".join(piece) in phrases:
            return words[:-n] if at_end else words[n:]
    if at_end and words:  # the segmenter glued a cue to the word before it: "công đạt"
        syllables, folded_syllables = words[-1].split(), folded[-1].split()
        for n in range(len(syllables) - 1, 0, -1):
            if " ".join(folded_syllables[-n:]) in phrases:
                return words[:-1] + [" ".join(syllables[:-n])]
    return words


def leads_next_item(between: str) -> bool:
    """Whether the words between two figures end with 'và' or 'còn' and comparators ('... và ít
    nhất'): the second figure opens the next item of a list."""
    return bool(_rules()["next_item"].search(fold_for_matching(between)))
