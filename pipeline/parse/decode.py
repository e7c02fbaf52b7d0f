"""Bytes to str for text and HTML: BOMs, declared charsets, and a windows-1258 fallback."""

import codecs

import regex

_META_CHARSET = regex.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", regex.IGNORECASE)


def sniff_charset(data: bytes) -> str | None:
    """The charset a BOM or an HTML <meta> declares, if any."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    match = _META_CHARSET.search(data[:4096])
    if match:
        name = match.group(1).decode("ascii", "ignore").lower()
        try:
            return codecs.lookup(name).name
        except LookupError:
            return None
    return None


def decode(data: bytes, declared: str | None = None) -> str:
    """Decode with the declared or sniffed charset; if that fails, UTF-8, then windows-1258.

    Portals mislabel pages, so a declared charset that does not decode cleanly is
    dropped rather than trusted.
    """
    for charset in (declared, sniff_charset(data), "utf-8", "cp1258"):
        if not charset:
            continue
        try:
            return data.decode(charset)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("utf-8", errors="replace")
