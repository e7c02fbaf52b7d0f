"""Title, publication date and province, read from the text when the source does not say."""

import csv
import re
import unicodedata
from collections import Counter
from functools import lru_cache
from itertools import chain
from pathlib import Path

import regex

from extractors.dates import check_date, iso
from pipeline.parse.document import ParsedDocument
from pipeline.text.normalize import fold_for_matching

_PROVINCES = Path(__file__).parent / "data" / "provinces.tsv"
_DATE_NUM = regex.compile(r"(?<!\d)(\d{1,2})[/\-.](\d{1,2})[/\-.]((?:19|20)\d{2})(?!\d)")
_ISO_DATE = regex.compile(r"(?<![\d/.-])((?:19|20)\d{2})-(\d{2})-(\d{2})(?![\d/-])")  # "Ngày đăng: 2021-03-15"
# a portal's stamp: "thứ ba, 16 07 2019 14:30" (day and month separated by spaces)
_WEEKDAY_STAMP = regex.compile(
    r"(?:thứ (?:hai|ba|tư|năm|sáu|bảy)|chủ nhật),?[ \t]+(\d{1,2})[ \t]+(\d{1,2})[ \t]+((?:19|20)\d{2})(?!\d)",
    regex.IGNORECASE,
)
_DATE_WORDS = regex.compile(r"ngày (\d{1,2}) tháng (\d{1,2}) năm ((?:19|20)\d{2})", regex.IGNORECASE)
# "Lâm Đồng, ngày    tháng 12 năm 2025": a signed copy's header with the day left blank.
_HEADER_MONTH = regex.compile(r"\p{L}, ngày\s+tháng (\d{1,2}) năm ((?:19|20)\d{2})", regex.IGNORECASE)
# "Sáng 20/1", "Chiều 26-7", "Sáng ngày 15.3", "Ngày 7/9/2025": the day of the event a news item reports.
_EVENT_DAY = regex.compile(
    r"(?:^|[\s(-])(?:(?:sáng|chiều|tối|trưa|đêm)(?: ngày)?|ngày|hôm nay|hôm qua) (?:mồng |mùng )?"
    r"(\d{1,2})([/.-])(\d{1,2})(?:\2((?:19|20)\d{2}))?(?![\d/.-]\d)",
    regex.IGNORECASE,
)
# A dateline: "HÀ TĨNH, 15/3 -", "(Baolaocai.vn) 15/3 -" at the top of a news item.
_DATELINE = regex.compile(
    r"^[(\p{Lu}][\p{L}.() ]{1,40}?,?[ \t]+(?:ngày[ \t]+)?(\d{1,2})([/.-])(\d{1,2})(?:\2((?:19|20)\d{2}))?"
    r"[ \t]*(?:\([^)]{1,30}\))?[ \t]*[-–—:]"
)
# What a date stands after when it is not the document's: a cited document's number ("Quyết định số
# 265/QĐ-TTg ngày 31/12/2021", "Kế hoạch 188/KH-UBND năm 2025") or a deadline's cue ("trước ngày").
_CITED_BEFORE = regex.compile(
    r"(?:\d+[a-zđ]?[ \t]*[/-][ \t]*\p{Lu}[\p{L}\d/.&-]*|(?:quyết định|nghị quyết|chỉ thị|kế hoạch|công văn|"
    r"thông báo|kết luận|văn bản|công điện|quy định|hướng dẫn|báo cáo|thông tư|nghị định)(?: số)?)"
    r"[ \t]*,?[ \t]*(?:(?:được[ \t]+)?ban hành[ \t]+)?(?:vào[ \t]+)?(?:ngày[ \t]*)?$"
    r"|(?:trước|đến|tới|từ|hết|chậm nhất|hạn|kể từ|cho đến|tính đến)[ \t]+(?:ngày[ \t]*)?$",
    regex.IGNORECASE,
)
_OWN_NUMBER_BEFORE = regex.compile(r"(?:^|\n)[ \t|*]*Số[ \t]*:?[ \t]*\S*[ \t]*,?[ \t]*(?:ngày[ \t]*)?$")
_YEAR = regex.compile(r"(?<!\d)(?<!\d[/.-])((?:19|20)\d{2})(?!\d)")  # "quý II/2025" yes, "7/2/2025" no
_CENTRAL_ISSUER = regex.compile(
    r"thủ tướng|chính phủ|văn phòng chính phủ|\bbộ [a-zđ]|trung ương|quốc hội", regex.IGNORECASE
)


@lru_cache(maxsize=1)
def province_table() -> dict[str, str]:
    """Province (until 30 June 2025) -> the province it belongs to from 1 July 2025."""
    with _PROVINCES.open(encoding="utf-8") as handle:
        return {
            row["province_until_2025_06_30"]: row["province_from_2025_07_01"]
            for row in csv.DictReader(handle, delimiter="\t")
        }


# Spellings seen in the wild, folded; each maps to the name in the table.
_VARIANTS = {
    "tp.hcm": "Hồ Chí Minh",
    "tp hcm": "Hồ Chí Minh",
    "tp. hồ chí minh": "Hồ Chí Minh",
    "thành phố hồ chí minh": "Hồ Chí Minh",
    "br-vt": "Bà Rịa - Vũng Tàu",
    "bà rịa–vũng tàu": "Bà Rịa - Vũng Tàu",
    "bà rịa-vũng tàu": "Bà Rịa - Vũng Tàu",
    "đăk lăk": "Đắk Lắk",
    "đắc lắc": "Đắk Lắk",
    "dak lak": "Đắk Lắk",
    "đăk nông": "Đắk Nông",
    "dak nong": "Đắk Nông",
    "huế": "Thừa Thiên Huế",
    "thừa thiên - huế": "Thừa Thiên Huế",
}


@lru_cache(maxsize=1)
def _province_names() -> dict[str, str]:
    names = {fold_for_matching(name): name for name in province_table()}
    names.update({fold_for_matching(k): v for k, v in _VARIANTS.items()})
    return names


def canonical_province(name: str | None) -> str | None:
    """The table's spelling of a province name ("Thanh Hoá" -> "Thanh Hóa"), or None."""
    if not name:
        return None
    return _province_names().get(fold_for_matching(name.strip()))


def current_province(name: str | None) -> str | None:
    return province_table().get(canonical_province(name) or "")


@lru_cache(maxsize=1)
def _province_re() -> re.Pattern:
    """Every name, the longest that fits first, with no letter on either side. The names are
    written as a trie (`_trie_pattern`) so that each position of the text tries one branch per
    first letter instead of every name, and the look-behind comes after that letter, so `re`
    skips to the positions a name can start at; `regex` tried its look-behind at every character."""
    return re.compile("(" + _trie_pattern(sorted(_province_names()), r"(?<![^\W\d_].)") + r")(?![^\W\d_])")


def _trie_pattern(names: list[str], after_first: str = "", depth: int = 0) -> str:
    """An alternation of `names` (all sharing their first `depth` characters) factored by
    their next character: longer names before a name that ends here, so that it matches
    what the alternation of the names longest first matches (two names that go on with
    different characters cannot both fit at one place). `after_first` follows the first character."""
    branches = []
    for char in sorted({name[depth] for name in names if len(name) > depth}):
        longer = [name for name in names if len(name) > depth and name[depth] == char]
        branches.append(re.escape(char) + (after_first if depth == 0 else "") + _trie_pattern(longer, "", depth + 1))
    if any(len(name) == depth for name in names):
        branches.append("")
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


_ALSO_PERSON_NAMES = {"Hồ Chí Minh"}
# Provincial portals are <province>.gov.vn (and their departments' <unit>.<province>.gov.vn),
# provincial newspapers bao<province>.vn.
_PORTAL_DOMAIN = regex.compile(
    r"(?<![\w.])(?:[a-z0-9-]+\.)*?([a-z]+)\.gov\.vn|(?<![\w.])bao([a-z]+)\.(?:com\.|org\.)?vn"
)


@lru_cache(maxsize=1)
def _province_domains() -> dict[str, str]:
    """ "binhdinh" -> "Bình Định", the name a province's portal and newspaper domains use."""
    return {ascii_fold(name).replace(" ", "").replace("-", ""): name for name in province_table()}


def ascii_fold(text: str) -> str:
    """Drop Vietnamese diacritics: "Bình Định" -> "binh dinh"."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def province_from_text(text: str, context: str = "") -> str | None:
    """The province a text is about: the most mentioned one, if named after tỉnh/thành phố
    or at least twice. None for a text issued by a central body. `context` (a page
    title, a site name) counts as text placed before the document."""
    folded = f"{fold_for_matching(context)}\n{fold_for_matching(text)}" if context else fold_for_matching(text)
    head = folded[:600]
    counts: Counter[str] = Counter()
    anchored: set[str] = set()
    for match in _province_re().finditer(folded):
        start, end = match.span()
        name = _province_names()[match.group(1)]
        before = folded[max(0, start - 12) : start]
        if name == "Hà Nội" and regex.match(r",? ngày", folded[end : end + 7]):
            continue  # "Hà Nội, ngày ..." is where a central document was signed
        counts[name] += 1
        if regex.search(r"(tỉnh|thành phố|tp\.?|tỉnh ủy) $", before):
            anchored.add(name)
    for portal, newspaper in _PORTAL_DOMAIN.findall(folded[:600]):
        from_domain = _province_domains().get(portal or newspaper)
        if from_domain:
            counts[from_domain] += 1
            anchored.add(from_domain)
    # A lone mention counts when no other province is named, except a name that is
    # also a person's ("tư tưởng Hồ Chí Minh").
    candidates = [
        (n, name)
        for name, n in counts.most_common()
        if name in anchored or n >= 2 or len(counts) == 1 and name not in _ALSO_PERSON_NAMES
    ]
    if not candidates:
        return None
    if _CENTRAL_ISSUER.search(head) and not anchored:
        return None
    return candidates[0][1]


def _valid(day: int, month: int, year: int) -> str | None:
    return None if check_date(year, month, day) else iso(year, month, day)


def _not_own(text: str, start: int) -> bool:
    """Whether the date at `start` is a cited document's or a deadline's, not the document's."""
    before = text[max(0, start - 80) : start]
    return bool(_CITED_BEFORE.search(before)) and not _OWN_NUMBER_BEFORE.search(before)


def _context_year(text: str, lead: str) -> int | None:
    """The year of a date written without one ("Sáng 18/4", "15.3"): the latest year the lead
    names outside cited documents' dates, else the year the whole text names most often so."""
    for scope in (lead, text):
        years = [int(m.group(1)) for m in _ANY_YEAR.finditer(scope) if not _not_own(scope, m.start())]
        if years:
            return max(years) if scope is lead else Counter(years).most_common(1)[0][0]
    return None


# A year, with the day and month written before it if any (where a cited date starts).
_ANY_YEAR = regex.compile(
    r"(?:(?<!\d)\d{1,2}[/.-](?:\d{1,2}[/.-])?|ngày \d{1,2} tháng \d{1,2} năm |(?<!\p{L})tháng \d{1,2} năm )?"
    r"(?<!\d)((?:19|20)\d{2})(?!\d)",
    regex.IGNORECASE,
)


def date_from_text(text: str) -> str | None:
    """The publication date a text states near its top: a dated header line
    ("Cập nhật: 14/01/2021", "Hà Nội, ngày 10 tháng 01 năm 2026", "thứ ba, 16 07 2019 14:30"; "YYYY-MM" where the
    header leaves the day blank), a dateline ("HÀ TĨNH, 15/3 -"), else the first event day
    ("Sáng 20/1", "Chiều 26-7", "Ngày 7/9/2025") with the year taken from the text around it.
    Never a cited document's date or a deadline: a text that states none has none."""
    offset = 0
    for line in text.split("\n")[:5]:
        iso_date = _ISO_DATE.search(line) if len(line) < 60 else None
        if iso_date and _valid(int(iso_date.group(3)), int(iso_date.group(2)), int(iso_date.group(1))):
            return _valid(int(iso_date.group(3)), int(iso_date.group(2)), int(iso_date.group(1)))
        match = (_DATE_NUM.search(line) or _WEEKDAY_STAMP.search(line)) if len(line) < 60 else None
        found = (
            match
            and not _not_own(text, offset + match.start())
            and _valid(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        )
        if found:
            return found
        offset += len(line) + 1
    for match in _DATE_WORDS.finditer(text[:400]):
        found = not _not_own(text, match.start()) and _valid(
            int(match.group(1)), int(match.group(2)), int(match.group(3))
        )
        if found:
            return found
    header = _HEADER_MONTH.search(text[:400])
    if header and 1 <= int(header.group(1)) <= 12:
        return f"{header.group(2)}-{int(header.group(1)):02d}"
    lead = text[:1200]
    for match in chain([_DATELINE.match(text[:200])], _EVENT_DAY.finditer(lead)):  # searched as far as needed
        if not match or _not_own(lead, match.start(1)):
            continue
        day, month = int(match.group(1)), int(match.group(3))
        year = int(match.group(4)) if match.group(4) else _context_year(text, lead)
        return _valid(day, month, year) if year else None
    return None


def title_from_text(text: str) -> str | None:
    """The first short line that is not a date line and does not end a sentence."""
    for line in text.split("\n")[:8]:
        line = line.strip()
        if not line or _DATE_NUM.search(line) and len(line) < 40:
            continue
        if len(line) <= 200 and not line.endswith((".", ":", ";")):
            return line
        return None
    return None


_BYLINE = regex.compile(
    r"^\p{Lu}[\p{L}.]*(?:[ \t]+\p{Lu}[\p{L}.]*){1,4}(?:[ \t]*[–-][ \t]*\p{Lu}[\p{L}.]*(?:[ \t]+\p{Lu}[\p{L}.]*){1,4})?$"
)


def byline_from_text(text: str) -> str | None:
    """News items end with the reporter's name on a line of its own ("Bích Huệ",
    "TRÍ DŨNG – PHƯƠNG DUNG"): the last line, if it is two to five capitalized words."""
    lines = [line.strip() for line in text.strip().split("\n") if line.strip()]
    for line in reversed(lines[-2:]):
        if len(line) <= 50 and _BYLINE.match(line):
            return line
    return None


def complete(parsed: ParsedDocument) -> None:
    """Fill in what the parser could not read from the text."""
    parsed.title = parsed.title or title_from_text(parsed.text)
    parsed.published_date = parsed.published_date or date_from_text(parsed.text)
    parsed.author = parsed.author or byline_from_text(parsed.text)
