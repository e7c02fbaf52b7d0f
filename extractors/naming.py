"""Indicator names: what a figure measures, cut on the segmenter's words by the word lists of
rules/names.yaml (categories and abbreviations: categories.py)."""

from collections.abc import Callable

import regex

from .name_rules import name_rules as _rules
from .name_words import folded_words as _folded
from .name_words import names_a_quantity, starts_with_act
from .name_words import trim_phrase as _trim

_WORD_OF_TWO = regex.compile(r"\p{L}{2,}")
_ROW_NUMBER = regex.compile(r"^\s*\d+(?:\.\d+)*\.?\s*")
_TWO_LETTERS = regex.compile(r"\p{L}{2}")
_CLAUSE_MARK = regex.compile(r"[;:]")
_PROPER_NAME = regex.compile(r"\S+ \p{Lu}")


_PARENTHESES = regex.compile(r"\([^()]*\)")
# periods and dates are asides too: "kế hoạch vốn năm 2025 là ..." measures "kế hoạch vốn"
_DATE_ASIDE = regex.compile(
    r"(?:(?:đến hết|đến|trong|vào|tính đến) )?(?:ngày )?\d{1,2}/\d{1,2}(?:/\d{4})?"
    r"|(?:(?:đến hết|đến|trong|của|vào) )?(?:\d{1,2} )?(?:năm|giai đoạn|quý [IV]+/?) ?(?:19|20)\d{2}"
    r"(?:\s*[-–]\s*(?:19|20)\d{2})?"
    r"|(?:(?:trong|của) )?(?:\d{1,2}|ba|sáu|chín) tháng(?! tuổi)(?: (?:đầu|cuối))?(?: năm)?(?: (?:19|20)\d{2}| nay)?"
    r"|(?:lũy kế )?từ đầu năm(?: (?:đến nay|đến thời điểm báo cáo))?|lũy kế"
    # a month or quarter of the report: "Doanh thu du lịch tháng 10 ước đạt ..." measures "Doanh thu du lịch"
    r"|(?:(?:trong|của|vào) )?(?:tháng \d{1,2}|quý (?:[IV]+|\d))(?:/(?:19|20)\d{2}| năm (?:19|20)\d{2})?(?![\d/])",
    regex.IGNORECASE,
)
_LETTER, _DIGIT = regex.compile(r"\p{L}"), regex.compile(r"\d")
# a word with a digit, or a mark no word holds; an age is part of what is measured ("trẻ em dưới 15 tuổi")
_AGE = r"(?=\s+(?:(?:tháng|năm)\s+(?:đến|-|–)\s+\d+\s+)?(?:tháng\s+)?tuổi(?!\p{L}))"
_NAME_BREAK = regex.compile(rf"\w*\d\w*(?!\w){_AGE.replace('?=', '?!', 1)}|[,;:!?\"“”]")
_AGE_NUMBER = regex.compile(rf"\d+{_AGE}")
_SYLLABLE = regex.compile(r"\S+")
_CAPITALS = regex.compile(r"\p{Lu}[\p{Lu}\d&]+")
_LIST_PIECES = 4  # a name may be a list of this many comma-separated pieces


def indicator_name(text: str, words: list[tuple[int, int]], clause_start: int, number_start: int) -> str:
    """The segmenter's words before a figure, back to a lead-in, a punctuation mark or a number:
    'Phấn đấu tỷ lệ giải ngân vốn ĐTC đạt 95%' -> 'tỷ lệ giải ngân vốn đầu tư công'."""
    rules = _rules()
    line = text[:number_start].rsplit("\n", 1)[-1]
    if "|" in line:  # a table row
        cell_start = number_start - len(line.rsplit("|", 1)[-1])
        if len(_WORD_OF_TWO.findall(text[cell_start:number_start])) < 2:
            return _row_name(line)  # a bare figure in its cell: the row's first cell names it
        clause_start = max(clause_start, cell_start)
    chosen = _list_name(_comma_pieces(text, words, clause_start, number_start))
    head = _quantity_head_at(chosen)
    if head is not None and (named := _trimmed(_before_first(chosen[head:], rules["name_ends"]))):
        chosen = named[: 2 * rules["max_words"]]  # the noun phrase a quantity word heads, whole
    else:
        chosen = _trimmed(_after_last(chosen, rules["start_after"])) or _quantity_before_lead_in(chosen)
        chosen = _last_words(chosen, rules["max_words"] * (2 if "," in chosen else 1))  # a list is longer
    return lower_first(" ".join(" ".join(chosen).split()).replace(" ,", ",").strip(" ,-–."))


def _before_first(words: list[str], phrases: frozenset[str]) -> list[str]:
    """The words before the first of `phrases` (one to four whole words) after the first word."""
    folded = _folded(words)
    for start in range(1, len(words)):
        if any(" ".join(folded[start : start + n]) in phrases for n in range(1, 5)):
            return words[:start]
    return words


def _comma_pieces(text: str, words: list[tuple[int, int]], clause_start: int, number_start: int) -> list[list[str]]:
    """The words before a figure back to a number or a mark, nearest first, in pieces split at
    commas (a comma may only separate the items of a list: 'khu vực nông, lâm nghiệp')."""
    pieces: list[list[str]] = [[]]
    asides = _asides(text[clause_start:number_start])
    # a word the segmenter glued to the figure ("lưu 1.168") is cut where the figure starts
    clipped = [(start, min(end, number_start)) for start, end in words if clause_start <= start < number_start]
    for start, end in reversed(clipped):
        word = text[start:end].strip()
        if not word or word in "≥≤<>" or any(a <= start - clause_start < b for a, b in asides):
            continue  # "(theo chuẩn mới)" is an aside
        if word == "," and pieces[-1] and len(pieces) < _LIST_PIECES:
            pieces.append([])
            continue
        if (not _LETTER.search(word) or _DIGIT.search(word)) and not _AGE_NUMBER.match(text, start):
            break
        pieces[-1].insert(0, word)
    return pieces if pieces[-1] else pieces[:-1] or [[]]


def _list_name(pieces: list[list[str]]) -> list[str]:
    """The words of a name: the piece next to the figure, with the pieces before it when the name
    is a list: a quantity word heads it there ('tỷ lệ nam, nữ thanh niên được tư vấn, khám ...'),
    the near piece closes a list with 'và' ('khu vực nông, lâm nghiệp và thủy sản'), or the
    pieces are abbreviations ('thu BHXH, BHYT, BHTN'). A near piece of cue words alone ('mới
    chỉ đạt') leaves the name to the quantity before its comma."""
    chosen = pieces[0]
    # "Tỷ lệ ... còn thấp, mới chỉ đạt 46%": the quantity goes on across the comma
    across = len(pieces) > 1 and chosen and not _trimmed(chosen) and not _has_lead_in(pieces[1])
    if across and (head := _quantity_head_at(pieces[1])) is not None:
        return pieces[1][head:]
    for count in range(2, len(pieces) + 1):
        if _quantity_head_at(chosen) is not None or _has_lead_in(pieces[count - 2]):
            break  # a lead-in ('đã', 'chỉ có') starts a clause: the pieces are not one list
        head = _quantity_head_at(pieces[count - 1])
        if head is not None:
            return _joined(pieces[:count])[head:]
    count = 1  # a list of abbreviations: "thu BHXH, BHYT, BHTN"
    while count < len(pieces) and len(pieces[count - 1]) <= 2 and _CAPITALS.fullmatch(pieces[count - 1][0]):
        if not _CAPITALS.fullmatch(pieces[count][-1]):
            break
        count += 1
    if count > 1:
        return _joined(pieces[:count])
    if len(pieces) > 1 and _parallel(pieces[1], chosen):
        return _joined(pieces[:2])  # "giải ngân vốn đầu tư công cấp huyện, cấp xã làm chủ đầu tư"
    closes_list = "và" in _folded(chosen)[1:] and len(chosen) <= 6
    if len(pieces) > 1 and closes_list and len(pieces[1]) <= 3 and not starts_with_act(" ".join(pieces[1])):
        return _joined(pieces[:2])
    return chosen


def _last_words(words: list[str], count: int) -> list[str]:
    """The last `count` words, the commas between them not counted ('cấp huyện, cấp xã')."""
    kept = 0
    for start in range(len(words) - 1, -1, -1):
        kept += words[start] != ","
        if kept == count:
            return words[start:]
    return words


def _parallel(before: list[str], near: list[str]) -> bool:
    """Whether the piece next to a figure goes on a list the piece before it ends with, item by
    item: its first word starts the last item there too ('cấp huyện, cấp xã ...')."""
    syllables_before = " ".join(before).split()
    return len(syllables_before) >= 3 and _start_alike(syllables_before, " ".join(near).split())


def _start_alike(before: list[str], after: list[str]) -> bool:
    """Two items of a list around a comma start with the same syllable ('cấp huyện, cấp xã'):
    the syllables before the comma, and those after it."""
    return len(before) >= 2 and len(after) >= 2 and _folded(after[:1]) == _folded(before[-2:-1])


def _joined(pieces: list[list[str]]) -> list[str]:
    """Pieces read back from a figure (nearest first) in text order, with their commas."""
    return [w for piece in reversed(pieces) for w in [*piece, ","]][:-1]


def _has_lead_in(words: list[str]) -> bool:
    """A lead-in anywhere ('cả nước đã cổ phần hóa'), or a cue at the start ('chỉ có')."""
    return (
        _after_last(words, _rules()["start_after"]) != words
        or _trim(words, _rules()["trim_start"], at_end=False) != words
    )


def _quantity_head_at(words: list[str]) -> int | None:
    """The first of the words that starts a quantity (`quantity_heads`: 'tỷ lệ', 'tổng số',
    'tăng trưởng' ...) on whole words: the measured noun phrase starts there, whatever act
    or lead-in stands before it ('thúc đẩy tăng trưởng kinh tế', 'mục tiêu tỷ lệ ...')."""
    folded = _folded(words)
    for index in range(len(folded)):
        length, ends = 0, set()
        for following in folded[index : index + 4]:
            length += len(following) + (1 if length else 0)
            ends.add(length)
        match = _rules()["quantity_head"].match(" ".join(folded[index : index + 4]))
        if match and match.end() in ends and match.end() < length:  # the head and a word it heads
            return index
    return None


def after_name(
    folded: str,
    text: str,
    words_of: Callable[[], list[tuple[int, int]]],
    start: int,
    end: int,
    *,
    keep_case: bool = False,
) -> str:
    """The phrase a figure counts, after it ("100% thủ tục hành chính được công bố, công khai"):
    to a clause mark, a number or a word of `after_ends`, at most `max_after` syllables, cut at
    the last comma within them or else at the end of one of the segmenter's words (`words_of()`,
    asked only then: segmenting is the costly step)."""
    rules = _rules()
    blank = lambda m: " " * len(m.group())  # noqa: E731  an aside in parentheses is skipped, not an end
    folded = folded[:start] + _PARENTHESES.sub(blank, folded[start:end]) + folded[end:]
    text = text[:start] + _PARENTHESES.sub(blank, text[start:end]) + text[end:]
    if folded[start:end].lstrip().startswith(","):
        return ""  # "tăng 3,99%, khu vực công nghiệp ...": a new clause, not what the figure counts
    stop = rules["after_end"].search(folded, start, end)
    phrase_end = stop.start() if stop else end
    syllables = list(_SYLLABLE.finditer(text, start, phrase_end))
    if len(syllables) > rules["max_after"]:
        limit = syllables[rules["max_after"] - 1].end()
        comma = text.rfind(",", syllables[rules["max_after"] // 2].start(), limit)
        ends = [e for _, e in words_of() if start < e <= limit]
        phrase_end = comma if comma > start else (max(ends) if ends else limit)
    words_after = text[start:phrase_end].replace(",", " , ").split()
    while (trimmed := _trim(words_after, rules["trim_end"], at_end=True)) != words_after:
        words_after = trimmed
    phrase = " ".join(words_after).replace(" , ", ", ").strip(" ,-–/")
    return phrase if keep_case else lower_first(phrase)


def name_reach(text: str, clause_start: int, number_start: int) -> int:
    """Where the words a figure's name may take begin: after the last number or separating
    mark before it that is not inside an aside, where `indicator_name` stops (marks such as
    '.' or '-' can sit inside one of the segmenter's words, 'TP.HCM': they do not count)."""
    before = text[clause_start:number_start]
    asides = _asides(before)
    reach = clause_start
    for mark in _NAME_BREAK.finditer(before):
        if not any(a <= mark.start() < b for a, b in asides) and not _parallel_comma(before, mark):
            reach = clause_start + mark.end()
    return reach


def _parallel_comma(text: str, mark: regex.Match[str]) -> bool:
    """A comma between two items of one list that start alike ('cấp huyện, cấp xã'): the name
    goes on before it (`_parallel`)."""
    return mark.group() == "," and _start_alike(text[: mark.start()].split()[-2:], text[mark.end() :].split()[:2])


def _asides(text: str) -> list[tuple[int, int]]:
    """Spans a name skips: parentheses, periods and dates."""
    return [m.span() for pattern in (_PARENTHESES, _DATE_ASIDE) for m in pattern.finditer(text)]


def _row_name(line: str) -> str:
    """The first cell with words of a table row, its last clause, at most twice `max_words` words."""
    cells = [_ROW_NUMBER.sub("", c).strip() for c in line.split("|")]
    first = next((c for c in cells if _TWO_LETTERS.search(c)), "")
    words = _CLAUSE_MARK.split(first)[-1].split()[: 2 * _rules()["max_words"]]
    return lower_first(" ".join(words))


def lower_first(name: str) -> str:
    """'Tỷ lệ hộ nghèo' -> 'tỷ lệ hộ nghèo'; a proper name ('Quy Nhơn', 'GRDP') keeps its case."""
    if len(name) > 1 and name[0].isupper() and name[1].islower() and not _PROPER_NAME.match(name):
        return name[0].lower() + name[1:]
    return name


def _trimmed(words: list[str]) -> list[str]:
    """Without cue words at either end ('đạt', 'ít nhất', 'tăng' ...)."""
    rules = _rules()
    while True:
        trimmed = _trim(_trim(words, rules["trim_end"], at_end=True), rules["trim_start"], at_end=False)
        if trimmed == words:
            return words
        words = trimmed


def _after_last(words: list[str], phrases: frozenset[str]) -> list[str]:
    """The words after the last lead-in phrase (one to four whole words)."""
    folded = _folded(words)
    for end in range(len(words), 0, -1):
        if any(" ".join(folded[end - n : end]) in phrases for n in range(1, min(4, end) + 1)):
            return words[end:]
    return words


def _quantity_before_lead_in(words: list[str]) -> list[str]:
    """With nothing after the last lead-in, the words before it when they name a quantity
    ('tốc độ tăng trưởng ... dự kiến tăng 7,51%'), not a body ('Sở ... phấn đấu có thêm 10 xã')."""
    before = _trimmed(_before_last(words, _rules()["start_after"]))
    return before if before and names_a_quantity(" ".join(before)) else []


def _before_last(words: list[str], phrases: frozenset[str]) -> list[str]:
    """The words before the last lead-in phrase."""
    folded = _folded(words)
    for end in range(len(words), 0, -1):
        for n in range(1, min(4, end) + 1):
            if " ".join(folded[end - n : end]) in phrases:
                return words[: end - n]
    return []
