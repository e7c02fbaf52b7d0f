"""Throughput of each pipeline stage and of the whole ingest, on a generated corpus.

    python benchmarks/throughput.py [--docs 2000] [--json figures.json]

Stages run alone, then the whole ingest in one process (`ratio_pipeline_vs_segment_all`:
underthesea word_tokenize over the same texts ÷ the ingest's time), then the Prefect flow
with a process pool of 1 and of 2 workers (`ratio_2_workers_vs_1`), after a warm-up run
so Prefect's start-up is not counted. Peak RSS is the largest of this process and its workers.

The corpus mixes text, HTML and PDF documents made from the bundled seeds and the test
fixtures; numbers in text and HTML are varied per copy so no two documents are alike
(PDF copies differ by a trailing comment, so their hashes differ too).
"""

import argparse
import json
import os
import random
import resource
import shutil
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # as the CLI does, before Prefect loads

import regex
from underthesea import word_tokenize

from extractors import AnalyzedDocument, extract
from pipeline import store
from pipeline.flows import ingest_files
from pipeline.ingest import batches, ingest, rows_of, segmenter
from pipeline.parse_html import parse_html
from pipeline.parse_pdf import parse_pdf
from pipeline.parse import parse_document
from pipeline.settings import BATCH_SIZE
from pipeline.sources import discover
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.task_runners import ProcessPoolTaskRunner

REPO = Path(__file__).resolve().parent.parent
SEEDS = sorted((REPO / "corpus" / "seeds").glob("*.txt"))
FIXTURES = REPO / "tests" / "fixtures"


def _vary(text: str, rng: random.Random) -> str:
    return regex.sub(r"(?<=\s)\d{2,3}(?=[\s%])", lambda m: str(rng.randint(10, 999)), text)


def build_corpus(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """`count` documents: 70% text, 20% HTML, 10% PDF."""
    rng = random.Random(seed)
    html_template = (FIXTURES / "kehoach-12-langson.html").read_text(encoding="utf-8")
    pdf = (FIXTURES / "kehoach-12-langson.pdf").read_bytes()
    texts = [path.read_text(encoding="utf-8") for path in SEEDS]
    paths = []
    for index in range(count):
        kind = "pdf" if index % 10 == 9 else "html" if index % 10 >= 7 else "txt"
        path = folder / f"doc{index:06d}.{kind}"
        if kind == "txt":
            path.write_text(_vary(texts[index % len(texts)], rng), encoding="utf-8")
        elif kind == "html":
            path.write_text(_vary(html_template, rng), encoding="utf-8")
        else:
            path.write_bytes(pdf + f"\n% copy {index}\n".encode())
        paths.append(path)
    return paths


def _rate(count: float, seconds: float) -> float:
    return count / seconds if seconds else float("inf")


def peak_rss_mb() -> float:
    return max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024


def flow_seconds(corpus: Path, db_path: Path, workers: int) -> float:
    """The ingest-files flow with a process pool of `workers`, pool start-up included."""
    flow = ingest_files.with_options(task_runner=ProcessPoolTaskRunner(max_workers=workers))
    started = time.perf_counter()
    flow(paths=[str(corpus)], db_path=str(db_path), in_flight=2 * workers)
    return time.perf_counter() - started


def run_flows(work: Path, sample: Path) -> tuple[float, float]:
    """Seconds of the flow with 1 and with 2 process workers, all reporting to one Prefect
    server started (and warmed up by a one-document run) beforehand."""
    from prefect.server.api.server import SubprocessASGIServer  # here: worker processes import this module

    server = SubprocessASGIServer()
    server.start()
    with temporary_settings({PREFECT_API_URL: server.api_url}):
        (work / "warmup").mkdir()
        shutil.copy(sample, work / "warmup")
        flow_seconds(work / "warmup", work / "warmup.db", 1)
        return flow_seconds(work / "corpus", work / "one.db", 1), flow_seconds(work / "corpus", work / "two.db", 2)


def _stage_seconds(paths: list[Path], segment, db_path: Path) -> tuple[dict[str, float], int, int]:
    """Seconds spent segmenting, extracting and storing, batch by batch as the ingest goes
    (nothing kept past its batch, so memory stays flat in N); characters and rows seen."""
    seconds = {"segment": 0.0, "extract": 0.0, "store": 0.0}
    chars = total_rows = 0
    db = store.open_db(db_path)
    for batch in batches(paths, BATCH_SIZE):
        entries = []
        for path in batch:
            parsed = parse_document(path.read_bytes(), str(path))
            chars += len(parsed.text)
            started = time.perf_counter()
            analyzed = AnalyzedDocument(parsed.text, segment, parsed.published_date, parsed.title, parsed.tables)
            for index, sentence in enumerate(analyzed.sentences):
                if segment.needs_words(sentence):
                    analyzed.doc(index)
            segmented = time.perf_counter()
            extraction = extract(analyzed)
            seconds["segment"] += segmented - started
            seconds["extract"] += time.perf_counter() - segmented
            document_id = store.stable_id(str(path))
            rows = rows_of(document_id, extraction)
            total_rows += sum(len(table) for table in rows.values())
            entries.append(({"id": document_id, "url": f"bench:{path.name}", "text": parsed.text, "status": "ok",
                             "updated_at": store.now()}, [], rows))
        started = time.perf_counter()
        store.replace_documents(db, entries)
        seconds["store"] += time.perf_counter() - started
    db.close()
    return seconds, chars, total_rows


def run(count: int) -> dict:
    figures: dict = {"docs": count}
    work = Path(tempfile.mkdtemp(prefix="directives-bench-"))
    try:
        (work / "corpus").mkdir()
        paths = build_corpus(work / "corpus", count)
        html = [p for p in paths if p.suffix == ".html"]
        pdfs = [p for p in paths if p.suffix == ".pdf"]

        started, html_chars = time.perf_counter(), 0
        for path in html:
            html_chars += len(parse_html(path.read_bytes()).text)
        elapsed = time.perf_counter() - started
        figures["parse_html_docs_per_s"] = _rate(len(html), elapsed)
        figures["parse_html_chars_per_s"] = _rate(html_chars, elapsed)

        started, pages, pdf_chars = time.perf_counter(), 0, 0
        for path in pdfs:
            document = parse_pdf(path.read_bytes(), str(path))
            pages, pdf_chars = pages + len(document.pages), pdf_chars + len(document.text)
        elapsed = time.perf_counter() - started
        figures["pdf_docs_per_s"] = _rate(len(pdfs), elapsed)
        figures["pdf_chars_per_s"] = _rate(pdf_chars, elapsed)
        figures["pdf_pages_per_s"] = _rate(pages, elapsed)

        segment = segmenter()
        segment.doc(AnalyzedDocument("Khởi động 1 lần.", segment).sentences[0])  # load models outside timings
        baseline = 0.0
        for path in paths:
            text = parse_document(path.read_bytes(), str(path)).text
            started = time.perf_counter()
            word_tokenize(text)
            baseline += time.perf_counter() - started
        figures["word_tokenize_all_docs_per_s"] = _rate(count, baseline)
        seconds, chars, total_rows = _stage_seconds(paths, segment, work / "store.db")
        figures["segment_docs_per_s"] = _rate(count, seconds["segment"])
        figures["segment_chars_per_s"] = _rate(chars, seconds["segment"])
        figures["extract_docs_per_s"] = _rate(count, seconds["extract"])
        figures["extract_chars_per_s"] = _rate(chars, seconds["extract"])
        figures["store_docs_per_s"] = _rate(count, seconds["store"])
        figures["store_rows_per_s"] = _rate(total_rows, seconds["store"])

        items = discover([work / "corpus"])
        started = time.perf_counter()
        ingest(items, work / "ingest.db")
        first = time.perf_counter() - started
        figures["ingest_docs_per_s"] = _rate(count, first)
        figures["ingest_chars_per_s"] = _rate(chars, first)
        figures["ratio_pipeline_vs_segment_all"] = baseline / first

        started = time.perf_counter()
        ingest(items, work / "ingest.db")
        figures["rerun_fraction"] = (time.perf_counter() - started) / first

        one, two = run_flows(work, paths[0])
        figures["flow_1_worker_docs_per_s"] = _rate(count, one)
        figures["flow_2_workers_docs_per_s"] = _rate(count, two)
        figures["ratio_2_workers_vs_1"] = one / two
        figures["peak_rss_mb"] = peak_rss_mb()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000, help="documents in the generated corpus")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args()
    figures = run(args.docs)
    width = max(map(len, figures))
    for key, value in figures.items():
        shown = "n/a" if value is None else f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"
        print(f"{key:<{width}}  {shown}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
