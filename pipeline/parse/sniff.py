"""Is it text? Bytes handed to the text or HTML parser, whatever their name or Content-Type, must
look like text of some encoding: no binary magic number, no NUL, few control characters, and
once decoded few U+FFFD replacement characters."""

import codecs

from pipeline.errors import NotTextError

# Leading bytes of binary formats that reach a text parser under a wrong name or type (each holds
# bytes no text starts with).
MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\x1f\x8b", "GZIP data"),
    (b"\x7fELF", "an ELF executable"),
    (b"\xfd7zXZ\x00", "XZ data"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE2 file (.doc, .xls)"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1a\x45\xdf\xa3", "Matroska or WebM media"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
SAMPLE = 65536  # bytes looked at: enough to judge, cheap on a large file
MAX_CONTROL_SHARE = 0.01  # C0 controls other than tab, newlines, form feed and escape, in the sample
MAX_REPLACEMENT_SHARE = 0.01  # U+FFFD in the decoded text
_CONTROLS = bytes(byte for byte in range(0x20) if byte not in b"\t\n\r\x0c\x1b")


def check_bytes(data: bytes, source: str) -> None:
    """Raise NotTextError when `data` is binary: a known magic number, NUL bytes (outside
    UTF-16/32, which a BOM announces), or many control characters."""
    for magic, kind in MAGIC:
        if data.startswith(magic):
            raise NotTextError(source, f"not text: the bytes are {kind}")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return
    sample = data[:SAMPLE]
    nul = sample.find(b"\x00")
    if nul >= 0:
        raise NotTextError(source, f"not text: a NUL byte at offset {nul} (binary data)")
    controls = len(sample) - len(sample.translate(None, _CONTROLS))
    if sample and controls / len(sample) > MAX_CONTROL_SHARE:
        raise NotTextError(source, f"not text: {controls:,} control bytes in the first {len(sample):,} (binary data)")


def check_decoded(text: str, source: str) -> None:
    """Raise NotTextError when decoding left many U+FFFD replacement characters: bytes of no
    encoding the decoder knows."""
    replaced = text.count("\ufffd")
    if replaced and replaced > MAX_REPLACEMENT_SHARE * len(text):
        raise NotTextError(
            source, f"not text: {replaced:,} of {len(text):,} characters undecodable (U+FFFD) in any encoding tried"
        )
