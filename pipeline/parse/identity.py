"""A document's own identity from its header (number, type, issuer, signing date) and the
documents it names with a relation (replaces, amends, implements, cites)."""

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex

from extractors.dates import check_date, iso
from extractors.rules import load_yaml

_RELATIONS = Path(__file__).parent / "data" / "relations.tsv"
# A numbered document with a code: "63/CĐ-VPCP", "51/2025/QĐ-TTg", "28-KL/TU", "4625/BNV-CCHC".
NUMBER = r"\d+(?:\.\d+)?(?:/\d{4})?[/-]\p{Lu}[\p{L}\d.]*(?:[/-][\p{Lu}Đ\d][\p{L}\d.]*)*(?<![.])"
_OWN = regex.compile(r"^\|?\s*Số\s*:?\s*(" + NUMBER + ")", regex.MULTILINE)
_OWN_TYPED = regex.compile(r"^\s*(Công điện|Quyết định|Chỉ thị|Thông báo|Kế hoạch|Nghị quyết) số:?\s*(" + NUMBER + ")",
                           regex.MULTILINE | regex.IGNORECASE)
_SIGNED = regex.compile(r"(\p{Lu}[\p{L} .]{1,30}), ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")
_NATIONAL_MOTTO = regex.compile(r"\s*(?:CỘNG H(?:ÒA|OÀ) XÃ HỘI|ĐẢNG CỘNG SẢN VIỆT NAM|Độc lập\b).*$")
_TYPE_WORDS = r"(?:\p{L}+ ){0,4}?"
HEAD = 1500  # the header and first paragraph: where a document states its own number


@dataclass
class Identity:
    doc_number: str | None
    doc_type: str | None
    issuer: str | None
    signed_date: str | None


@dataclass
class Reference:
    number: str
    relation: str
    start: int
    end: int


def document_type(number: str | None) -> str | None:
    """The type a number's code names ("63/CĐ-VPCP" is a Công điện)."""
    codes = load_yaml("citations.yaml")["codes"]
    if number:
        for code in regex.findall(r"[/-](\p{Lu}[\p{L}]*)", number):
            if code in codes:
                return codes[code]
    return None


def identify(text: str) -> Identity:
    head = regex.sub(r"(\d) /(?=\p{Lu})", r"\1/", text[:HEAD])  # "1740 /QĐ-UBND" as typed or OCRed
    typed = _OWN_TYPED.search(head)
    own = _OWN.search(head)
    number = own.group(1) if own else typed.group(2) if typed else None
    code = regex.search(r"^\|?\s*Số\s*:?\s*/?\s*(\p{Lu}[\p{Lu}Đ ]*)-", head, regex.MULTILINE)
    doc_type = document_type(number) or (typed.group(1).capitalize() if typed else None) \
        or document_type("/" + code.group(1).replace(" ", "") if code else None)
    return Identity(number, doc_type, _issuer(head), _signed_date(head))


def _issuer(head: str) -> str | None:
    """The issuing body: the header's first line(s) before the national motto, in capitals."""
    lines = []
    for line in head.split("\n")[:4]:
        part = _NATIONAL_MOTTO.sub("", line.split("|")[0]).strip(" -_|:;.,")
        if not part or not part.isupper() or part.startswith("SỐ"):
            break
        if part not in lines:  # a two-column header read twice
            lines.append(part)
    return " ".join(lines) or None


def _signed_date(head: str) -> str | None:
    match = _SIGNED.search(head)
    if not match:
        return None
    day, month, year = (int(match.group(k)) for k in (2, 3, 4))
    return iso(year, month, day) if check_date(year, month, day) is None else None


@lru_cache(maxsize=1)
def _relation_patterns() -> list[tuple[str, regex.Pattern]]:
    lines = [line for line in _RELATIONS.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    patterns = []
    for row in csv.DictReader(lines, delimiter="\t"):
        if not row["pattern"].strip():
            raise ValueError(f"{_RELATIONS}: empty pattern for {row['relation']}")
        patterns.append((row["relation"], regex.compile(rf"(?:{row['pattern']})\s+{_TYPE_WORDS}(?:số:?\s*)?$",
                                                        regex.IGNORECASE)))
    return patterns


def references(text: str, own_number: str | None) -> list[Reference]:
    """Every other document the text names by number, with the relation its wording gives."""
    found = {}
    for match in regex.finditer(r"(?<![\p{L}\d/-])" + NUMBER, text):
        number = match.group()
        if own_number and number.upper() == own_number.upper():
            continue
        before = text[max(0, match.start() - 80):match.start()]
        relation = next((name for name, pattern in _relation_patterns() if pattern.search(before)), "cites")
        key = (number.upper(), relation)
        if key not in found:
            found[key] = Reference(number, relation, match.start(), match.end())
    return sorted(found.values(), key=lambda r: r.start)
