"""Throughput of each pipeline stage and of the whole ingest, on a generated corpus.

    python benchmarks/throughput.py [--docs 2000] [--json figures.json]

Parsing, segmenting and extracting run alone; then the whole ingest in one process
(`ratio_pipeline_vs_segment_all`: underthesea word_tokenize over the same texts ÷ the
ingest's time, the two taking turns every 256 documents so that both see the machine at
the same speed), whose own account gives the store stage (`store_batches`: documents,
extracted rows, links and signatures; `store_rows_per_s` counts the extracted rows) and
the search index built after it; a second ingest of the unchanged corpus; then the
Prefect flow with a process pool of 1 and of 2 workers (`ratio_2_workers_vs_1`; run in
the order 1, 2, 2, 1 for the same reason), after a warm-up run so Prefect's start-up is
not counted; just before them, what two processes get from this machine side by side
(`cpu_scaling_2_vs_1`: `word_tokenize` in two processes ÷ one, the ceiling of the worker
ratio). Peak RSS is the largest of this process and its workers. First of all, the
cores other processes keep busy while this one sleeps (`background_busy_cores`): two workers
have only what those leave of the machine (a Prefect server left running by an interrupted
run takes about 0.04 of a core).

The corpus (`build_corpus`) mixes text and HTML articles made of the seeds' clauses, numbers
varied, with copies of the fixture PDF."""

import argparse
import gc
import html
import json
import multiprocessing
import os
import random
import resource
import shutil
import tempfile
import time
from pathlib import Path

from pipeline import prefect_env

prefect_env.set_defaults()  # as the CLI runs an ingest; before Prefect is imported

import regex
from underthesea import word_tokenize

from extractors import AnalyzedDocument, extract
from pipeline.cli import exit_on_sigterm
from pipeline.flows import ingest_files
from pipeline.ingest.steps import Summary, ingest, merge, segmenter
from pipeline.parse.html_page import parse_html
from pipeline.parse.pdf_file import parse_pdf
from pipeline.parse.dispatch import parse_document
from pipeline.ingest.files import discover
from pipeline.ingest.workers import ForkedProcessPoolTaskRunner
from prefect.settings import PREFECT_API_URL, temporary_settings

REPO = Path(__file__).resolve().parent.parent
_BODY = regex.compile(r"(?:<p>.*</p>\n)+")  # the fixture article's paragraphs
_SENTENCE_END = regex.compile(r"(?<=\D[.!?])\s+(?=\p{Lu})")
SEEDS = sorted((REPO / "corpus" / "seeds").glob("*.txt"))
FIXTURES = REPO / "tests" / "fixtures"


def _vary(text: str, rng: random.Random) -> str:
    return regex.sub(r"(?<=\s)\d{2,3}(?=[\s%])", lambda m: str(rng.randint(10, 999)), text)


def _clauses() -> list[tuple[int, int, str]]:
    """The seeds' clauses (parts of a sentence between semicolons), each with the numbers
    of its paragraph and sentence."""
    lines = [line for path in SEEDS for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    sentences = [(paragraph, sentence) for paragraph, line in enumerate(lines)
                 for sentence in _SENTENCE_END.split(line)]
    return [(paragraph, number, clause) for number, (paragraph, sentence) in enumerate(sentences)
            for clause in sentence.split("; ")]


def _article(clauses: list[tuple[int, int, str]], rng: random.Random, size: int) -> list[str]:
    """Paragraphs of clauses drawn from all the seeds, kept in their order, until `size`
    characters, numbers varied: two articles share a few clauses, as two articles of one
    portal share phrases, so none is taken for a repost of another (pipeline/store/duplicates.py)."""
    picked, length = [], 0
    for index in rng.sample(range(len(clauses)), len(clauses)):
        picked.append(index)
        length += len(clauses[index][2])
        if length >= size:
            break
    paragraphs: dict[int, dict[int, list[str]]] = {}
    for index in sorted(picked):
        paragraph, sentence, clause = clauses[index]
        paragraphs.setdefault(paragraph, {}).setdefault(sentence, []).append(_vary(clause, rng))
    return [" ".join("; ".join(parts) for parts in sentences.values()) for sentences in paragraphs.values()]


def build_corpus(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """`count` documents: 70% text and 20% HTML articles of 4-8 KB, each mixed from
    the seeds' clauses; 10% copies of the fixture PDF (one text: stored once, the copies
    as reposts, as attachments reposted by several portals are)."""
    rng = random.Random(seed)
    html_template = (FIXTURES / "kehoach-12-langson.html").read_text(encoding="utf-8")
    pdf = (FIXTURES / "kehoach-12-langson.pdf").read_bytes()
    clauses = _clauses()
    paths = []
    for index in range(count):
        kind = "pdf" if index % 10 == 9 else "html" if index % 10 >= 7 else "txt"
        path = folder / f"doc{index:06d}.{kind}"
        if kind == "pdf":
            path.write_bytes(pdf + f"\n% copy {index}\n".encode())
        else:
            article = _article(clauses, rng, rng.randint(4000, 8000))
            if kind == "txt":
                path.write_text("\n\n".join(article), encoding="utf-8")
            else:
                body = "\n".join(f"<p>{html.escape(line)}</p>" for line in article)
                path.write_text(_BODY.sub(lambda m: body + "\n", html_template, count=1), encoding="utf-8")
        paths.append(path)
    return paths


def _rate(count: float, seconds: float) -> float:
    return count / seconds if seconds else float("inf")


def background_busy_cores(seconds: float = 3.0) -> float | None:
    """Cores busy (all processes, as /proc/stat counts them) while this process sleeps for
    `seconds`; None where there is no /proc/stat."""
    def busy() -> float:
        with open("/proc/stat", encoding="ascii") as stat:
            ticks = [int(field) for field in stat.readline().split()[1:]]
        return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and iowait

    try:
        before = busy()
    except OSError:
        return None
    time.sleep(seconds)
    return (busy() - before) / seconds


def _tokenize_seconds(texts: list[str]) -> float:
    started = time.perf_counter()
    for text in texts:
        word_tokenize(text)
    return time.perf_counter() - started


def _warm_then_tokenize(texts: list[str], start, seconds) -> None:
    """Warm up, wait for `start`, then put the seconds of `word_tokenize` over `texts` on `seconds`."""
    # a forked process copies the pages of every object the collector touches: copy them first
    gc.collect()
    _tokenize_seconds(texts[:4])
    start.wait()
    seconds.put(_tokenize_seconds(texts))


def _side_by_side_seconds(texts: list[str], processes: int) -> float:
    """Seconds of the slowest of `processes` forked processes running `word_tokenize` over
    `texts` at the same time, each warmed up first."""
    context = multiprocessing.get_context("fork")
    start, seconds = context.Barrier(processes), context.Queue()
    children = [context.Process(target=_warm_then_tokenize, args=(texts, start, seconds)) for _ in range(processes)]
    for child in children:
        child.start()
    slowest = max(seconds.get() for _ in children)
    for child in children:
        child.join()
    return slowest


def cpu_scaling(texts: list[str]) -> float:
    """What two processes get from this machine: underthesea `word_tokenize` over `texts`
    in one forked process alone, in two side by side, then in one alone again; the pair's
    work per second over one's. No ingest of 2 workers can do better than this against 1."""
    alone = _side_by_side_seconds(texts, 1)
    side_by_side = _side_by_side_seconds(texts, 2)
    return (alone + _side_by_side_seconds(texts, 1)) / side_by_side


def peak_rss_mb() -> float:
    return max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024


def flow_seconds(corpus: Path, db_path: Path, workers: int) -> float:
    """The ingest-files flow with a process pool of `workers`, pool start-up included."""
    flow = ingest_files.with_options(task_runner=ForkedProcessPoolTaskRunner(max_workers=workers))
    started = time.perf_counter()
    flow(paths=[str(corpus)], db_path=str(db_path), workers=workers)
    return time.perf_counter() - started


def run_flows(work: Path, sample: Path) -> tuple[float, float]:
    """Seconds of two runs of the flow with 1 and of two with 2 process workers, all
    reporting to one temporary Prefect server started (and warmed up by a one-document run)
    beforehand, with the settings the CLI gives them (`prefect_env.run_settings`)."""
    from prefect.server.api.server import SubprocessASGIServer  # here: worker processes import this module

    server = SubprocessASGIServer()
    server.start()
    with prefect_env.run_settings(), temporary_settings({PREFECT_API_URL: server.api_url}):
        (work / "warmup").mkdir()
        shutil.copy(sample, work / "warmup")
        flow_seconds(work / "warmup", work / "warmup.db", 1)
        # in the order 1, 2, 2, 1: the machine's speed drifts during a run, and each figure
        # is the sum of one run before and one after the middle
        seconds = [flow_seconds(work / "corpus", work / f"flow{run}.db", workers)
                   for run, workers in enumerate((1, 2, 2, 1))]
        return seconds[0] + seconds[3], seconds[1] + seconds[2]


def _stage_seconds(paths: list[Path], segment) -> tuple[dict[str, float], int]:
    """Seconds spent segmenting and extracting (each document parsed first, untimed, and
    nothing kept past it, so memory stays flat in N); characters seen."""
    seconds = {"segment": 0.0, "extract": 0.0}
    chars = 0
    for path in paths:
        parsed = parse_document(path.read_bytes(), str(path))
        chars += len(parsed.text)
        started = time.perf_counter()
        analyzed = AnalyzedDocument(parsed.text, segment, parsed.published_date, parsed.title, parsed.tables)
        for index, sentence in enumerate(analyzed.sentences):
            if segment.needs_words(sentence):
                analyzed.doc(index)
        segmented = time.perf_counter()
        extract(analyzed)
        seconds["segment"] += segmented - started
        seconds["extract"] += time.perf_counter() - segmented
    return seconds, chars


def _ingest_beside_word_tokenize(items: list, db_path: Path, chunk: int = 256) -> tuple[float, float, Summary]:
    """Seconds of underthesea word_tokenize over the parsed texts and of the whole ingest,
    a chunk of documents at a time, one after the other (so both see the machine at the
    same speed); the ingest's summary."""
    baseline = ingesting = 0.0
    summary = Summary()
    for start in range(0, len(items), chunk):
        part = items[start:start + chunk]
        for item in part:
            text = parse_document(item.read_bytes(), str(item.path)).text
            started = time.perf_counter()
            word_tokenize(text)
            baseline += time.perf_counter() - started
        started = time.perf_counter()
        merge(summary, ingest(part, db_path))
        ingesting += time.perf_counter() - started
    return baseline, ingesting, summary


def run(count: int) -> dict:
    figures: dict = {"docs": count, "background_busy_cores": background_busy_cores()}
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
        word_tokenize("Khởi động 1 lần.")
        seconds, chars = _stage_seconds(paths, segment)
        figures["segment_docs_per_s"] = _rate(count, seconds["segment"])
        figures["segment_chars_per_s"] = _rate(chars, seconds["segment"])
        figures["extract_docs_per_s"] = _rate(count, seconds["extract"])
        figures["extract_chars_per_s"] = _rate(chars, seconds["extract"])

        items = discover([work / "corpus"])
        baseline, first, summary = _ingest_beside_word_tokenize(items, work / "ingest.db")
        figures["word_tokenize_all_docs_per_s"] = _rate(count, baseline)
        stored = summary.documents["new"]
        figures["store_docs_per_s"] = _rate(stored, summary.seconds["store"])
        figures["store_rows_per_s"] = _rate(sum(summary.rows.values()), summary.seconds["store"])
        figures["index_docs_per_s"] = _rate(stored, summary.seconds["index"])
        figures["ingest_docs_per_s"] = _rate(count, first)
        figures["ingest_chars_per_s"] = _rate(chars, first)
        figures["ratio_pipeline_vs_segment_all"] = baseline / first

        started = time.perf_counter()
        ingest(items, work / "ingest.db")
        figures["rerun_fraction"] = (time.perf_counter() - started) / first

        figures["cpu_scaling_2_vs_1"] = cpu_scaling([parse_document(path.read_bytes(), str(path)).text
                                                     for path in paths[:40]])
        one, two = run_flows(work, paths[0])
        figures["flow_1_worker_docs_per_s"] = _rate(2 * count, one)
        figures["flow_2_workers_docs_per_s"] = _rate(2 * count, two)
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
    exit_on_sigterm()  # a run stopped by `timeout` stops its Prefect server and removes its corpus
    figures = run(args.docs)
    width = max(map(len, figures))
    for key, value in figures.items():
        shown = "n/a" if value is None else f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"
        print(f"{key:<{width}}  {shown}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
