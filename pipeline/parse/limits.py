"""Bounds on what one input may cost (`settings.Limits`): reading a file, inflating a zip's members,
the text a document yields. Each check raises LimitError naming the input and the variable to raise."""

import os
import stat
import zipfile
from pathlib import Path

from pipeline.errors import LimitError, ParseError
from pipeline.settings import Limits, limits

_CHUNK = 1 << 20


def too_big(source: str, amount: int, unit: str, limit: int, name: str) -> LimitError:
    """'12,000,000 bytes, over the limit of 10,000,000 (DIRECTIVES_MAX_FILE_BYTES)'."""
    return LimitError(source, f"{amount:,} {unit}, over the limit of {limit:,} ({Limits.ENV[name]})")


def read_file(path: Path) -> bytes:
    """A regular file's bytes, at most `file_bytes` of them. A FIFO, socket or device is refused
    without blocking: opened non-blocking, then checked, before any read."""
    cap = limits().file_bytes
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as error:
        raise LimitError(str(path), f"cannot read ({error.strerror})") from error
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise LimitError(str(path), f"not a regular file ({_file_kind(mode)}): refused")
        size = os.fstat(descriptor).st_size
        if size > cap:
            raise too_big(str(path), size, "bytes", cap, "file_bytes")
        chunks, read = [], 0
        while chunk := os.read(descriptor, _CHUNK):
            read += len(chunk)
            if read > cap:  # grew while read
                raise too_big(str(path), read, "bytes", cap, "file_bytes")
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as error:
        raise LimitError(str(path), f"cannot read ({error.strerror})") from error
    finally:
        os.close(descriptor)


def _file_kind(mode: int) -> str:
    for test, kind in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISDIR, "a folder"),
    ):
        if test(mode):
            return kind
    return "not a plain file"


def check_size(data: bytes, source: str) -> None:
    cap = limits().file_bytes
    if len(data) > cap:
        raise too_big(source, len(data), "bytes", cap, "file_bytes")


def check_text(text: str, source: str) -> None:
    cap = limits().text_chars
    if len(text) > cap:
        raise too_big(source, len(text), "characters of text", cap, "text_chars")


def check_zip(archive: zipfile.ZipFile, source: str) -> None:
    """Inflate every member of a DOCX/XLSX (OOXML) zip, counting, before its reader does: the sizes
    its headers declare are checked first, then the bytes that really come out, since a zip bomb
    can declare small members."""
    cap = limits().unzipped_bytes
    members = archive.infolist()
    declared = sum(member.file_size for member in members)
    if declared > cap:
        raise too_big(source, declared, "bytes in the zip's members (declared)", cap, "unzipped_bytes")
    total = 0
    try:
        for member in members:
            with archive.open(member) as stream:
                while chunk := stream.read(_CHUNK):
                    total += len(chunk)
                    if total > cap:
                        raise too_big(
                            source, total, "bytes inflated from the zip's members (and more)", cap, "unzipped_bytes"
                        )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as error:
        raise ParseError(source, f"not a readable zip ({type(error).__name__}: {error})") from error
