"""Plain text as scraped: decode, drop furniture lines, undo legacy word segmentation."""

import html

import regex

from pipeline.parse import limits, sniff
from pipeline.parse.decode import decode
from pipeline.parse.document import ParsedDocument
from pipeline.parse.furniture import strip_furniture
from pipeline.text.normalize import clean_text

# "Phấn_đấu ... 13-13,5 % / năm": corpora that joined syllables with "_" and spaced
# out punctuation. Seen when two or more words in a line carry an underscore.
_SEGMENTED = regex.compile(r"\p{L}_\p{L}")
# "Ph&aacute;t triển", "&#7871;": text exported with HTML entities.
_ENTITY = regex.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,5}|#x[0-9a-fA-F]{2,4});")


def unsegment(text: str) -> str:
    """Join "Phấn_đấu" back to "Phấn đấu" and close spaces before punctuation."""
    text = regex.sub(r"(?<=\p{L})_(?=\p{L})", " ", text)
    text = regex.sub(r" +([,.;:%)\]!?])", r"\1", text)
    text = regex.sub(r"([(\[]) +", r"\1", text)
    return regex.sub(r"(\d) ?% ?/ ?(\p{L})", r"\1%/\2", text)


def parse_text(data: bytes, charset: str | None = None, source: str = "<bytes>") -> ParsedDocument:
    text = decode(data, charset)
    sniff.check_decoded(text, source)
    limits.check_text(text, source)  # before the costly clean-up of a text too long to keep
    if len(_ENTITY.findall(text)) >= 3:
        text = html.unescape(text)
    if len(_SEGMENTED.findall(text)) > 10:
        text = unsegment(text)
    return ParsedDocument(text=clean_text(strip_furniture(clean_text(text))), kind="txt")
