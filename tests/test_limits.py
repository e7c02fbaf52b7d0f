"""Hostile files, made here: each is an error naming it, in bounded time and memory, and the
good file queued behind it is stored. The limits are made small through their environment
variables (settings.Limits) so that each case takes seconds."""

import io
import os
import resource
import shutil
import signal
import time
import zipfile
from contextlib import contextmanager

import pypdfium2 as pdfium
import pytest
import sqlite_utils
from conftest import FIXTURES, SEEDS

from pipeline.errors import DirectivesError, LimitError, NotTextError, ParseError
from pipeline.ingest.files import discover
from pipeline.ingest.steps import ingest
from pipeline.parse.dispatch import parse_document

GOOD = FIXTURES / "kehoach-12-langson.docx"
PROSE = (
    "Ủy ban nhân dân tỉnh yêu cầu các sở, ngành, địa phương tập trung thực hiện các nhiệm vụ trọng tâm, "
    "phấn đấu giải ngân vốn đầu tư công đạt 95% trở lên trước ngày 31 tháng 12 năm 2021.\n"
)
MEASURED: list[tuple] = []  # (case, seconds, peak RSS in MB, this process's RSS in MB), printed at the end (pytest -s)


def measure(case: str, function) -> tuple[float, float, str]:
    """Run `function()` in a forked child: (seconds, how far the child's peak RSS went past this
    process's RSS in MB, what it returned or raised)."""
    before = _rss_mb()
    read, write = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            try:
                outcome = f"returned {function()!r}"[:2000]
            except Exception as error:
                outcome = f"{type(error).__name__}: {error}"[:2000]
            os.write(write, outcome.encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        outcome = pipe.read().decode()
    _, _, usage = os.wait4(pid, 0)
    seconds, peak = time.monotonic() - started, usage.ru_maxrss / 1024
    MEASURED.append((case, round(seconds, 2), round(peak), round(before)))
    return seconds, peak - before, outcome


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    for case, seconds, peak, before in MEASURED:
        print(f"\n{case}: {seconds} s, peak RSS {peak} MB (the test process: {before} MB)")


@contextmanager
def within(seconds: float):
    """Fail instead of hanging: SIGALRM past `seconds`."""

    def expire(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _statuses(db_path) -> dict[str, tuple[str, str | None]]:
    return {row["name"]: (row["status"], row["error"]) for row in sqlite_utils.Database(db_path)["documents"].rows}


def _docx_inflating_to(size: int) -> bytes:
    """The fixture DOCX with `size` bytes of spaces inside its document.xml (a comment)."""
    out = io.BytesIO()
    with zipfile.ZipFile(GOOD) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "word/document.xml":
                head, tail = data.split(b"?>", 1)
                padding = b"<!--" + b" " * size + b"-->"
                data = head + b"?>" + padding + tail
            target.writestr(member.filename, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def _lie_about_size(data: bytes, member: str, size: int) -> bytes:
    """A zip whose headers declare `size` bytes for `member` (both the local and the central header)."""
    patched = bytearray(data)
    name = member.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := patched.find(signature, start)) >= 0:
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if patched[name_at : name_at + len(name)] == name:
                patched[start + offset : start + offset + 4] = size.to_bytes(4, "little")
            start += 4
    return bytes(patched)


def test_a_docx_inflating_past_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("DIRECTIVES_MAX_UNZIPPED_BYTES", "20000000")
    bomb = _docx_inflating_to(200_000_000)  # 200 MB of document.xml in ~200 KB
    assert len(bomb) < 1_000_000
    seconds, growth, outcome = measure(
        "DOCX inflating to 200 MB (limit 20 MB)", lambda: parse_document(bomb, "bomb.docx")
    )
    assert (
        outcome.startswith("LimitError: bomb.docx: ")
        and "bytes in the zip's members (declared), over the limit of 20,000,000 (DIRECTIVES_MAX_UNZIPPED_BYTES)"
        in outcome
    )
    assert seconds < 10 and growth < 100
    liar = _lie_about_size(bomb, "word/document.xml", 1_000)  # declares 1 KB: the bytes that come out are counted
    seconds, growth, outcome = measure(
        "DOCX declaring 1 KB, inflating to 200 MB", lambda: parse_document(liar, "liar.docx")
    )
    assert outcome.startswith("ParseError: liar.docx: not a readable zip (BadZipFile: ")
    assert seconds < 10 and growth < 100


def test_a_docx_inflating_within_the_limit_is_read(monkeypatch):
    monkeypatch.setenv("DIRECTIVES_MAX_UNZIPPED_BYTES", "20000000")
    assert "giải ngân vốn đầu tư công" in parse_document(_docx_inflating_to(1_000_000), "ok.docx").text


def _pdf(pages: int, width: float = 595, height: float = 842) -> bytes:
    pdf = pdfium.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(width, height)
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    return out.getvalue()


def test_a_pdf_of_too_many_pages_is_refused_before_reading(monkeypatch):
    monkeypatch.setenv("DIRECTIVES_MAX_PDF_PAGES", "1000")
    blank = _pdf(5000)
    seconds, growth, outcome = measure(
        "PDF of 5,000 blank pages (limit 1,000)", lambda: parse_document(blank, "blank.pdf")
    )
    assert outcome == ("LimitError: blank.pdf: 5,000 pages, over the limit of 1,000 (DIRECTIVES_MAX_PDF_PAGES)")
    assert seconds < 10 and growth < 200


def _ocr_ready() -> bool:
    from pipeline.parse.ocr import ocr_available

    return ocr_available()


@pytest.mark.skipif(not shutil.which("tesseract"), reason="OCR needs Tesseract")
def test_a_huge_page_is_not_rendered_for_ocr():
    if not _ocr_ready():
        pytest.skip("Tesseract has no Vietnamese model")
    huge = _pdf(1, 4000, 4000)  # a few hundred bytes: 16,667 x 16,667 pixels at 300 dpi
    assert len(huge) < 1000
    seconds, growth, outcome = measure("PDF of one 4000 x 4000 pt page, OCR", lambda: parse_document(huge, "huge.pdf"))
    assert outcome == (
        "LimitError: huge.pdf: 277,788,889 pixels on page 1 (16667 x 16667 at 300 dpi) to render for "
        "OCR, over the limit of 40,000,000 (DIRECTIVES_MAX_OCR_PIXELS)"
    )
    assert seconds < 10 and growth < 100


@pytest.mark.skipif(not shutil.which("tesseract"), reason="OCR needs Tesseract")
def test_ocr_reads_at_most_the_page_cap(monkeypatch):
    if not _ocr_ready():
        pytest.skip("Tesseract has no Vietnamese model")
    monkeypatch.setenv("DIRECTIVES_OCR_MAX_PAGES", "2")
    blank = _pdf(300)
    seconds, growth, outcome = measure("PDF of 300 blank pages, OCR of 2", lambda: parse_document(blank, "scan.pdf"))
    assert outcome == "EmptyDocumentError: scan.pdf: no text layer, and OCR found no text"
    assert seconds < 30 and growth < 400


def test_text_past_the_character_limit_is_refused_early(monkeypatch):
    monkeypatch.setenv("DIRECTIVES_MAX_TEXT_CHARS", "1000000")
    big = (PROSE * 40_000).encode()  # 9.7 MB, 7.3 million characters
    seconds, growth, outcome = measure("9.7 MB .txt (limit 1 M characters)", lambda: parse_document(big, "big.txt"))
    assert outcome == (
        "LimitError: big.txt: 7,320,000 characters of text, over the limit of 1,000,000 (DIRECTIVES_MAX_TEXT_CHARS)"
    )
    assert seconds < 5 and growth < 150


def test_a_file_past_the_byte_limit_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setenv("DIRECTIVES_MAX_FILE_BYTES", "1000000")
    (tmp_path / "big.txt").write_bytes(PROSE.encode() * 20_000)
    shutil.copy(GOOD, tmp_path)
    summary = ingest(discover([tmp_path]), tmp_path / "d.db")
    assert summary.documents == {"new": 1, "failed": 1}
    assert _statuses(tmp_path / "d.db")["big.txt"] == (
        "error",
        f"{tmp_path / 'big.txt'}: 4,840,000 bytes, over the limit of 1,000,000 (DIRECTIVES_MAX_FILE_BYTES)",
    )


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("random.html", bytes(range(256)) * 64, "not text: a NUL byte at offset 0 (binary data)"),
        ("noise.html", os.urandom(50_000).replace(b"\x00", b"\x01"), "not text: "),
        ("picture.txt", b"\x89PNG\r\n\x1a\n" + b"x" * 100, "not text: the bytes are a PNG image"),
        ("archive.html", b"\x1f\x8b\x08\x00" + b"y" * 100, "not text: the bytes are GZIP data"),
        ("program.txt", b"\x7fELF\x02\x01\x01" + b"z" * 100, "not text: the bytes are an ELF executable"),
        ("bundle.html", b"PK\x03\x04" + b"w" * 100, "not text: the bytes are a ZIP archive"),
        ("replaced.txt", ("Tỉnh ủy " * 100 + "\ufffd" * 200).encode(), "not text: 200 of 1,000 characters undecodable"),
    ],
)
def test_bytes_that_are_not_text_are_refused_whatever_the_name(name, data, reason):
    with pytest.raises(NotTextError) as error:
        parse_document(data, name)
    assert str(error.value).startswith(f"{name}: {reason}")


def test_text_in_utf16_and_a_few_bad_bytes_are_still_text():
    assert "Ủy ban nhân dân" in parse_document(("\ufeff" + PROSE * 3).encode("utf-16-le"), "utf16.txt").text
    damaged = PROSE.encode() * 20 + b"\xff\xfe" + PROSE.encode()
    assert "giải ngân" in parse_document(damaged, "damaged.txt").text


def test_random_bytes_named_html_are_an_error_and_the_run_goes_on(tmp_path):
    (tmp_path / "junk.html").write_bytes(os.urandom(200_000))
    shutil.copy(GOOD, tmp_path)
    summary = ingest(discover([tmp_path]), tmp_path / "d.db")
    assert summary.documents == {"new": 1, "failed": 1}
    status, error = _statuses(tmp_path / "d.db")["junk.html"]
    assert status == "error" and error.startswith(f"{tmp_path / 'junk.html'}: not text: ")
    assert (
        sqlite_utils.Database(tmp_path / "d.db")
        .execute(
            "SELECT count(*) FROM indicators i JOIN documents d ON d.id = i.document_id WHERE d.name = 'junk.html'"
        )
        .fetchone()[0]
        == 0
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # no writer: an open for reading would wait forever
    with within(60):
        summary = ingest(discover([fifo, GOOD]), tmp_path / "d.db")
    assert summary.documents == {"new": 1, "failed": 1}
    assert _statuses(tmp_path / "d.db")["pipe.txt"] == ("error", f"{fifo}: not a regular file (a FIFO): refused")
    assert summary.errors == [f"error: {fifo}: not a regular file (a FIFO): refused"]


def test_a_device_is_refused(tmp_path):
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")  # endless bytes
    with within(60):
        summary = ingest(discover([link, GOOD]), tmp_path / "d.db")
    assert summary.documents == {"new": 1, "failed": 1}
    assert _statuses(tmp_path / "d.db")["zero.txt"] == (
        "error",
        f"{link}: not a regular file (a character device): refused",
    )


def test_a_document_past_its_time_is_stopped_and_the_next_is_stored(tmp_path, monkeypatch):
    """A text that takes far longer than the limit to segment and extract: its child process is
    killed, the document is an error, and the file queued behind it is stored."""
    monkeypatch.setenv("DIRECTIVES_MAX_DOCUMENT_SECONDS", "3")
    slow = tmp_path / "a-slow.txt"
    slow.write_text(
        "".join(seed.read_text(encoding="utf-8") for seed in sorted(SEEDS.glob("*.txt"))) * 60, encoding="utf-8"
    )
    shutil.copy(GOOD, tmp_path / "b-good.docx")
    started = time.monotonic()
    summary = ingest(discover([tmp_path]), tmp_path / "d.db")
    elapsed = time.monotonic() - started
    MEASURED.append(
        (
            "a text past a 3 s limit per document, then a good DOCX (whole ingest)",
            round(elapsed, 2),
            round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
            round(_rss_mb()),
        )
    )
    assert summary.documents == {"new": 1, "failed": 1}
    statuses = _statuses(tmp_path / "d.db")
    assert statuses["a-slow.txt"] == (
        "error",
        f"{slow}: stopped after 3 s, the limit of time per document (DIRECTIVES_MAX_DOCUMENT_SECONDS)",
    )
    assert statuses["b-good.docx"] == ("ok", None)
    assert elapsed < 20


def test_a_bad_limit_value_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("DIRECTIVES_MAX_TEXT_CHARS", "lots")
    with pytest.raises(DirectivesError, match="DIRECTIVES_MAX_TEXT_CHARS='lots': not a number"):
        parse_document(b"x", "x.txt")


def test_limit_errors_are_parse_errors():
    assert issubclass(LimitError, ParseError) and issubclass(NotTextError, ParseError)


def test_a_process_forked_after_documents_were_timeboxed_uses_children_of_its_own(tmp_path):
    """The idle document processes belong to the process that forked them: a process forked
    from it (a test's child, a fork-started worker) forks its own."""
    ingest(discover([GOOD]), tmp_path / "first.db")  # leaves an idle child in this process
    seconds, _, outcome = measure(
        "ingest in a process forked after an ingest", lambda: ingest(discover([GOOD]), tmp_path / "second.db").documents
    )
    assert outcome == "returned Counter({'new': 1})"
    assert _statuses(tmp_path / "second.db")["kehoach-12-langson.docx"] == ("ok", None)
