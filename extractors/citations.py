"""References to other documents: type, number and date ("Chỉ thị số 45-CT/TW ngày 20/6/2020")."""

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import regex

from . import dates
from .context import AnalyzedDocument
from .rules import alt, load_yaml
from .schema import CitationRow

# A code may wrap at a hyphen in text extracted from PDF: "2764/QĐ-\nTTg" (joined back).
# A dot inside a code ("QĐ.UBND") is part of it, one ending the sentence is not.
# A letter may follow the digits ("30c/NQ-CP"); a dash or slash may stand with a space on either
# side ("75/KH- UBND", "46 - CT/TW", "3020 /STC-VP") before a code in capitals: the stored number
# drops the spaces.
_SPACED_DASH = r"(?:[ \t][-/][ \t]?|[-/][ \t])(?=\p{Lu}{2})"
# "Chỉ thị 05 CT/TW": the dash before a code with a slash left out (stored as "05-CT/TW")
_SPACE_FOR_DASH = r"[ \t](?=\p{Lu}{2,}[ \t]?/[ \t]?\p{Lu})"
_NUMBER = (
    r"\d+[a-zđ]?(?:\.\d+)?(?:/\d{4})?(?:(?:[/-]|" + _SPACED_DASH + "|" + _SPACE_FOR_DASH + r")"
    r"\p{Lu}(?:[\p{Lu}\p{Ll}Đđ\d]|\.(?=[\p{L}\d]))*"
    r"(?:(?:[/-]|-\n|" + _SPACED_DASH + r")[\p{Lu}Đ\d][\p{Lu}\p{Ll}Đđ\d]*)*)?"
)
_PERIOD_AFTER = regex.compile(r"\s+(?:tháng|quý|tuần|ngày|năm)(?!\p{L})")
_OWN_NUMBER = regex.compile(r"^\s*Số\s*:?\s*(" + _NUMBER + ")", regex.MULTILINE)


# A name between a type word and "số" ("Luật Đất đai số ..."): at most this many words.
_NAMED_WORDS = 12


def _type_words(rules: dict[str, Any]) -> str:
    """The type words as one case-blind alternation; "Quyết\nđịnh số ...": a type word may wrap
    at a line break."""
    return "(?i:" + alt(rules["types"]).replace(r"\ ", r"\s+") + ")"


@lru_cache(maxsize=1)
def _patterns() -> tuple[regex.Pattern[str], dict[str, str], dict[str, str], dict[str, str]]:
    rules = load_yaml("citations.yaml")
    # A name may stand between the type and "số" ("Luật Đất đai số 31/2024/QH15") when the
    # number is coded; another type word there starts the citation itself ("Kế hoạch thực
    # hiện Nghị định số ..."). A type word in lower case ("văn bản số 991/TTg-ĐMDN", "thông
    # báo 67/TB-VPCP") counts before a coded number; "số 19/NQ-CP" alone (its type word
    # misspelt) by its code.
    types = _type_words(rules)
    pattern = regex.compile(
        rf"(?:(?<!\p{{L}})(?P<type>{types})(?:(?P<named>(?:\s+(?!(?:{types})(?!\p{{L}}))\p{{L}}+){{1,{_NAMED_WORDS}}}?)\s+[Ss]ố:?|\s+[Ss]ố:?)?"
        rf"|(?<![\p{{L}}\d/])(?P<so>[Ss]ố)(?=:?\s*\d+[a-zđ]?/))(?:\s+số)?\s*(?P<number>{_NUMBER})(?![\d\p{{L}}])"
        r"(?:\s*(?:năm (?P<year>\d{4})|,?\s*(?:được ban hành\s+|ban hành\s+)?ngày\s*"
        r"(?:(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})|(?P<wd>\d{1,2})\s+tháng\s+(?P<wm>\d{1,2})\s+năm\s+(?P<wy>\d{4}))))?"
    )
    canonical: dict[str, str] = {written.lower(): written for written in rules["types"]}
    return pattern, rules["codes"], rules["abbreviations"], canonical


@lru_cache(maxsize=1)
def _finders() -> tuple[regex.Pattern[str], regex.Pattern[str], regex.Pattern[str]]:
    """What `_matches` scans with: the first digit of a number that follows "số" or the last
    word of a type, the words before it where a citation may start, and those starts."""
    rules = load_yaml("citations.yaml")
    last_words = [written.split()[-1] for written in rules["types"]] + ["số"]
    last_letters = "".join(sorted({word[-1] for word in last_words}))
    number = regex.compile(
        rf"\d(?<=(?i:[{last_letters}]):?\s*\d)(?<=(?<!\p{{L}})(?i:{alt(last_words)}):?\s*\d)"
    )  # the letter first: checking it is cheaper than checking the words
    # a type's words, a name, "số:" and another "số": the words a citation has before its number
    words = max(len(written.split()) for written in rules["types"]) + _NAMED_WORDS + 2
    before = regex.compile(rf"(?r)(?:[\p{{L}}:]+\s*){{1,{words}}}")
    start = regex.compile(rf"(?<!\p{{L}}){_type_words(rules)}|(?<![\p{{L}}\d/])[Ss]ố")
    return number, before, start


def _matches(text: str) -> Iterator[regex.Match[str]]:
    """`_patterns()[0].finditer(text)`, the pattern tried only where a citation can start: a
    type word or "số" among the words right before a number. Tried at every character, the
    pattern's case-blind type words were the cost; a number is rarer than a word."""
    pattern = _patterns()[0]
    number, before, start = _finders()
    end = 0
    for digit in number.finditer(text):
        words = before.match(text, end, digit.start()) if digit.start() > end else None
        if words is None:
            continue
        for found in start.finditer(text, words.start(), digit.start(), overlapped=True):
            if found.start() >= end and (match := pattern.match(text, found.start())):
                end = match.end()
                yield match


def _type_of(written: str, number: str, codes: dict[str, str], abbreviations: dict[str, str]) -> str:
    """The type a number's code stands for, unless the type word written before it has the
    code's initials too ('Thông tri số 04/TT-MTTW': TT is its code, not only Thông tư's)."""
    code = regex.search(r"[/-](\p{Lu}[\p{L}]*)(?:[/-]|$)", number)
    initials = "".join(word[0] for word in written.split()).upper()
    if code and code.group(1) in codes and not (len(written.split()) > 1 and initials == code.group(1).upper()):
        return codes[code.group(1)]
    return abbreviations.get(written, written)


def extract_citations(analyzed: AnalyzedDocument) -> list[CitationRow]:
    _, codes, abbreviations, canonical = _patterns()
    text = analyzed.text
    own = {regex.sub(r"\s+", "", m.group(1)) for m in _OWN_NUMBER.finditer(text[:1500])}
    rows = []
    for match in _matches(text):
        number = regex.sub(r"\s+", "", regex.sub(r"^(\d+[a-zđ]?)[ \t]+(?=\p{Lu})", r"\1-", match.group("number")))
        coded = "/" in number or "-" in number
        written = regex.sub(r"\s+", " ", match.group("type") or "")
        if (
            match.group("named")
            and not coded
            or number in own
            or regex.fullmatch(r"(?:19|20)\d{2}", number)
            and written != "Luật"
        ):
            continue
        if written[:1].islower() and not coded:
            continue  # "kế hoạch 5 năm": a type word in lower case cites only a coded number
        if not coded and not match.group("year") and _PERIOD_AFTER.match(text, match.end()):
            continue  # "Nghị quyết 6 tháng đầu năm": a number that counts months is a period
        if not written:
            code = regex.search(r"[/-](\p{Lu}[\p{L}]*)(?:[/-]|$)", number)
            if not code or code.group(1) not in codes:
                continue
        written = canonical.get(written.lower(), written)
        issued = None
        if match.group("d") or match.group("wd"):
            day, month, year = (
                int(match.group(k)) for k in (("d", "m", "y") if match.group("d") else ("wd", "wm", "wy"))
            )
            issued = dates.iso(year, month, day) if dates.check_date(year, month, day) is None else None
        sentence = analyzed.sentence_at(match.start())
        rows.append(
            CitationRow(
                number=number,
                doc_type=_type_of(written, number, codes, abbreviations),
                issued_date=issued,
                text=match.group(),
                sentence=sentence.text if sentence else match.group(),
                start=match.start(),
                end=match.end(),
                rule_id="cite.coded_number" if coded else "cite.bare_number",
            )
        )
    return _resolve_bare_numbers(_with_listed_numbers(rows, text))


# "các Công văn số: 2318/STC-VP ngày 02/10/2018; 2675/STC-VP ngày 13/11/2018": more coded
# numbers listed after a citation are documents of its type
_LISTED = regex.compile(
    r"\s*(?:[,;]|và)\s*(?P<number>\d+[a-zđ]?(?:/\d{4})?/\p{Lu}[\p{L}\d/.-]*\p{L})"
    r"(?P<date>\s*,?\s*ngày\s*(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4}))?"
)


def _with_listed_numbers(rows: list[CitationRow], text: str) -> list[CitationRow]:
    """The citations with the coded numbers listed right after each coded one."""
    out: list[CitationRow] = []
    for row in rows:
        out.append(row)
        if row.rule_id != "cite.coded_number":
            continue
        end = row.end
        while (listed := _LISTED.match(text, end)) and not any(r.start == listed.start("number") for r in rows):
            day, month, year = (int(listed.group(k)) if listed.group(k) else 0 for k in ("d", "m", "y"))
            valid = listed.group("date") and dates.check_date(year, month, day) is None
            out.append(
                CitationRow(
                    number=listed.group("number"),
                    doc_type=row.doc_type,
                    issued_date=dates.iso(year, month, day) if valid else None,
                    text=text[listed.start("number") : listed.end()],
                    sentence=row.sentence,
                    start=listed.start("number"),
                    end=listed.end(),
                    rule_id="cite.listed_number",
                )
            )
            end = listed.end()
    return out


def _resolve_bare_numbers(rows: list[CitationRow]) -> list[CitationRow]:
    """ "Nghị quyết số 101" after "Nghị quyết số 101-NQ/TU" is the same document."""
    full: dict[tuple[str, str], str] = {}
    for row in rows:
        digits = regex.match(r"\d+", row.number)
        assert digits is not None  # a cited number starts with its digits (`_NUMBER`)
        head = digits.group()
        if row.number != head:
            full.setdefault((row.doc_type, head), row.number)
    for row in rows:
        if row.number.isdigit() and (row.doc_type, row.number) in full:
            row.number = full[(row.doc_type, row.number)]
    return rows
