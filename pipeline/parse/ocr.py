"""OCR of scanned PDF pages: pypdfium2 renders each page, Tesseract (Vietnamese) reads it."""

import csv
import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

from pipeline.errors import ParseError
from pipeline.parse.limits import too_big
from pipeline.settings import limits
from pipeline.text.normalize import clean_text

DPI = 300
LANGUAGE = "vie"


@dataclass
class OcrPage:
    number: int
    text: str
    confidence: float | None  # mean word confidence, 0-100; None when no word was read


def ocr_available() -> bool:
    """Tesseract is installed and has its Vietnamese model."""
    if not shutil.which("tesseract"):
        return False
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True)
    return LANGUAGE in listed.stdout.split()


def ocr_pdf(data: bytes, source: str, max_pages: int | None = None) -> list[OcrPage]:
    """Text and confidence of each page (the first `max_pages` when given)."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise ParseError(source, f"cannot render the PDF for OCR ({error})") from error
    count = len(pdf) if max_pages is None else min(len(pdf), max_pages)
    cap = limits().ocr_pixels
    pages = []
    try:
        with tempfile.TemporaryDirectory(prefix="directives-ocr-") as tmp:
            for index in range(count):
                page = pdf[index]
                width, height = (round(side * DPI / 72) for side in page.get_size())
                if width * height > cap:  # checked before rendering: a bitmap of the page is held in memory
                    raise too_big(
                        source,
                        width * height,
                        f"pixels on page {index + 1} ({width} x {height} at {DPI} dpi) to render for OCR",
                        cap,
                        "ocr_pixels",
                    )
                image = Path(tmp) / f"page{index + 1}.png"
                page.render(scale=DPI / 72).to_pil().save(image)
                page.close()
                pages.append(_ocr_image(image, index + 1, source))
    finally:
        pdf.close()
    return pages


def _ocr_image(image: Path, number: int, source: str) -> OcrPage:
    base = image.with_suffix("")
    run = subprocess.run(
        ["tesseract", str(image), str(base), "-l", LANGUAGE, "--dpi", str(DPI), "txt", "tsv"],
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        raise ParseError(source, f"tesseract failed on page {number}: {run.stderr.strip()[-200:]}")
    text = clean_text(base.with_suffix(".txt").read_text(encoding="utf-8"))
    words = csv.DictReader(
        io.StringIO(base.with_suffix(".tsv").read_text(encoding="utf-8")), delimiter="\t", quoting=csv.QUOTE_NONE
    )
    confidences = [float(w["conf"]) for w in words if w["text"] and w["text"].strip() and float(w["conf"]) >= 0]
    confidence = round(sum(confidences) / len(confidences), 1) if confidences else None
    return OcrPage(number, text, confidence)
