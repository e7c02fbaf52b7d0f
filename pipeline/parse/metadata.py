"""Title, publication date and province, read from the text when the source does not say."""

import csv
import re
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path

import regex

from extractors.dates import check_date, iso

from pipeline.parse.document import ParsedDocument
from pipeline.text.normalize import fold_for_matching

_PROVINCES = Path(__file__).parent / "data" / "provinces.tsv"
_DATE_NUM = regex.compile(r"(?<!\d)(\d{1,2})[/\-.](\d{1,2})[/\-.]((?:19|20)\d{2})(?!\d)")
_DATE_WORDS = regex.compile(r"ngày (\d{1,2}) tháng (\d{1,2}) năm ((?:19|20)\d{2})", regex.IGNORECASE)
# "Lâm Đồng, ngày    tháng 12 năm 2025": a signed copy's header with the day left blank.
_HEADER_MONTH = regex.compile(r"\p{L}, ngày\s+tháng (\d{1,2}) năm ((?:19|20)\d{2})", regex.IGNORECASE)
_EVENT_DAY = regex.compile(r"(?:^|[\s(-])(?:sáng|chiều|tối|trưa|ngày|hôm nay) (\d{1,2})/(\d{1,2})(?:/((?:19|20)\d{2}))?(?!\d)",
                           regex.IGNORECASE)
_YEAR = regex.compile(r"(?<!\d)(?<!\d[/.-])((?:19|20)\d{2})(?!\d)")  # "quý II/2025" yes, "7/2/2025" no
_CENTRAL_ISSUER = regex.compile(r"thủ tướng|chính phủ|văn phòng chính phủ|\bbộ [a-zđ]|trung ương|quốc hội",
                                regex.IGNORECASE)


@lru_cache(maxsize=1)
def province_table() -> dict[str, str]:
    """Province (until 30 June 2025) -> the province it belongs to from 1 July 2025."""
    with _PROVINCES.open(encoding="utf-8") as handle:
        return {row["province_until_2025_06_30"]: row["province_from_2025_07_01"]
                for row in csv.DictReader(handle, delimiter="\t")}


# Spellings seen in the wild, folded; each maps to the name in the table.
_VARIANTS = {"tp.hcm": "Hồ Chí Minh", "tp hcm": "Hồ Chí Minh", "tp. hồ chí minh": "Hồ Chí Minh",
             "thành phố hồ chí minh": "Hồ Chí Minh", "br-vt": "Bà Rịa - Vũng Tàu",
             "bà rịa–vũng tàu": "Bà Rịa - Vũng Tàu", "bà rịa-vũng tàu": "Bà Rịa - Vũng Tàu",
             "đăk lăk": "Đắk Lắk", "đắc lắc": "Đắk Lắk", "dak lak": "Đắk Lắk", "đăk nông": "Đắk Nông",
             "dak nong": "Đắk Nông", "huế": "Thừa Thiên Huế", "thừa thiên - huế": "Thừa Thiên Huế"}


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
    """Every name, longest first, with no letter on either side (stdlib `re`: `regex` tried
    its look-behind at every character and took most of `province_from_text`'s time)."""
    names = sorted(_province_names(), key=len, reverse=True)
    return re.compile(r"(?<![^\W\d_])(" + "|".join(map(re.escape, names)) + r")(?![^\W\d_])")


_ALSO_PERSON_NAMES = {"Hồ Chí Minh"}
# Provincial portals are <province>.gov.vn (and their departments' <unit>.<province>.gov.vn),
# provincial newspapers bao<province>.vn.
_PORTAL_DOMAIN = regex.compile(r"(?<![\w.])(?:[a-z0-9-]+\.)*?([a-z]+)\.gov\.vn|(?<![\w.])bao([a-z]+)\.(?:com\.|org\.)?vn")


@lru_cache(maxsize=1)
def _province_domains() -> dict[str, str]:
    """"binhdinh" -> "Bình Định", the name a province's portal and newspaper domains use."""
    return {ascii_fold(name).replace(" ", "").replace("-", ""): name for name in province_table()}


def ascii_fold(text: str) -> str:
    """Drop Vietnamese diacritics: "Bình Định" -> "binh dinh"."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def province_from_text(text: str, context: str = "") -> str | None:
    """The province a text is about: the most mentioned one, if named after tỉnh/thành phố
    or at least twice. None for a text issued by a central body. `context` (a page
    title, a site name) counts as text placed before the document."""
    folded = fold_for_matching(f"{context}\n{text}" if context else text)
    head = folded[:600]
    counts: Counter[str] = Counter()
    anchored: set[str] = set()
    for match in _province_re().finditer(folded):
        start, end = match.span()
        name = _province_names()[match.group(1)]
        before = folded[max(0, start - 12):start]
        if name == "Hà Nội" and regex.match(r",? ngày", folded[end:end + 7]):
            continue  # "Hà Nội, ngày ..." is where a central document was signed
        counts[name] += 1
        if regex.search(r"(tỉnh|thành phố|tp\.?|tỉnh ủy) $", before):
            anchored.add(name)
    for portal, newspaper in _PORTAL_DOMAIN.findall(folded[:600]):
        name = _province_domains().get(portal or newspaper)
        if name:
            counts[name] += 1
            anchored.add(name)
    # A lone mention counts when no other province is named, except a name that is
    # also a person's ("tư tưởng Hồ Chí Minh").
    candidates = [(n, name) for name, n in counts.most_common()
                  if name in anchored or n >= 2 or len(counts) == 1 and name not in _ALSO_PERSON_NAMES]
    if not candidates:
        return None
    if _CENTRAL_ISSUER.search(head) and not anchored:
        return None
    return candidates[0][1]


def _valid(day: int, month: int, year: int) -> str | None:
    return None if check_date(year, month, day) else iso(year, month, day)


def date_from_text(text: str) -> str | None:
    """The publication date a text states near its top: a dated header line
    ("Cập nhật: 14/01/2021", "Hà Nội, ngày 10 tháng 01 năm 2026"; "YYYY-MM" where the
    header leaves the day blank), else the first event day ("Sáng 20/1", "Ngày 7/9/2025")
    with the year taken from the text around it."""
    for line in text.split("\n")[:5]:
        match = _DATE_NUM.search(line) if len(line) < 60 else None
        found = match and _valid(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if found:
            return found
    for match in _DATE_WORDS.finditer(text[:400]):
        found = _valid(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if found:
            return found
    header = _HEADER_MONTH.search(text[:400])
    if header and 1 <= int(header.group(1)) <= 12:
        return f"{header.group(2)}-{int(header.group(1)):02d}"
    lead = text[:1200]
    match = _EVENT_DAY.search(lead)
    if match:
        day, month = int(match.group(1)), int(match.group(2))
        year = match.group(3)
        if year is None:
            years = [int(y) for y in _YEAR.findall(lead)]
            year = max(years) if years else None
        if year:
            return _valid(day, month, int(year))
    match = _DATE_NUM.search(lead) or _DATE_WORDS.search(lead)
    if match:
        return _valid(int(match.group(1)), int(match.group(2)), int(match.group(3)))
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


_BYLINE = regex.compile(r"^\p{Lu}[\p{L}.]*(?:[ \t]+\p{Lu}[\p{L}.]*){1,4}(?:[ \t]*[–-][ \t]*\p{Lu}[\p{L}.]*(?:[ \t]+\p{Lu}[\p{L}.]*){1,4})?$")


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
