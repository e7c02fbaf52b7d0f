"""The `directives` command line: a thin shell over the library."""

import os
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .settings import DEFAULT_DB

console = Console(stderr=True)


def db_option(function):
    return click.option("--db", "db_path", type=click.Path(dir_okay=False), default=str(DEFAULT_DB),
                        show_default=True, help="SQLite database file.")(function)


@click.group()
@click.version_option(package_name="directives")
def cli():
    """Turn Vietnamese directives into data: tasks, indicators, deadlines, citations.

    \b
    Example:
        directives ingest            # the bundled corpus into output/directives.db
        directives stats
    """


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@db_option
@click.option("--no-prefect", is_flag=True, help="Run the same steps without starting Prefect.")
def ingest(paths, db_path, no_prefect):
    """Ingest .txt, .html, .pdf and .docx files or folders (default: the bundled corpus).

    Unchanged files are skipped by content hash; changed ones are re-extracted and their
    old rows replaced. A file that cannot be parsed is stored with status 'error' and
    the run goes on.

    \b
    Example:
        directives ingest
        directives ingest ../shared/corpus/real --db output/real.db
    """
    from . import ingest as steps
    from .sources import discover

    items = discover(list(paths) or None)
    with _progress() as progress:
        bar = progress.add_task("Ingesting", total=len(items))
        advance = lambda n: progress.advance(bar, n)  # noqa: E731
        if no_prefect:
            summary = steps.ingest(items, db_path, on_batch=advance)
        else:
            _quiet_prefect()
            from .flows import ingest_files
            summary = ingest_files(paths=[str(p) for p in paths] or None, db_path=db_path, on_batch=advance)
    _print_summary(summary, db_path)
    if summary.documents["failed"]:
        for error in summary.errors:
            console.print(f"[red]error[/red] {error}")


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=False)


def _quiet_prefect() -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def _print_summary(summary, db_path) -> None:
    from . import stats

    table = Table(title=f"Ingest summary ({db_path})")
    for column in ("new", "changed", "unchanged", "failed", "tasks", "indicators", "deadlines", "citations", "flags"):
        table.add_column(column, justify="right")
    counts = [summary.documents[s] for s in ("new", "changed", "unchanged", "failed")]
    counts += [summary.rows[k] for k in ("tasks", "indicators", "deadlines", "citations", "flags")]
    table.add_row(*map(str, counts))
    Console().print(table)
    totals = stats.table_counts(db_path)
    Console().print("In the database: " + ", ".join(f"{n} {name}" for name, n in totals.items()))


@cli.command()
@click.option("--gold", "gold_dir", type=click.Path(exists=True, file_okay=False), required=True,
              help="Folder of gold JSON files (GUIDELINES.md format).")
@db_option
@click.option("--details/--no-details", default=True, help="List misses and extras per document.")
def evaluate(gold_dir, db_path, details):
    """Score the database against gold annotations: P/R/F1 per category.

    \b
    Example:
        directives ingest ../shared/corpus/seeds ../shared/corpus/real
        directives evaluate --gold ../shared/gold/dev
    """
    from .evaluate import evaluate as run, format_report

    _require_db(db_path)
    report = run(Path(gold_dir), db_path)
    click.echo(format_report(report, details=details))


@cli.command()
@db_option
def stats(db_path):
    """Counts per table and per province.

    \b
    Example:
        directives stats --db output/directives.db
    """
    from . import stats as library

    _require_db(db_path)
    console_out = Console()
    table = Table(title="Rows per table")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in library.table_counts(db_path).items():
        table.add_row(name, str(count))
    console_out.print(table)
    by_province = library.province_counts(db_path)
    table = Table(title="Per province")
    for column in by_province["columns"]:
        table.add_column(column, justify="right" if column != "province" else "left")
    for row in by_province["rows"]:
        table.add_row(*[str(value) for value in row])
    console_out.print(table)


@cli.command()
@click.argument("document")
@db_option
@click.option("--html", "html_path", type=click.Path(dir_okay=False), help="Write a standalone HTML page here.")
def explain(document, db_path, html_path):
    """Show a document's text with every extracted span highlighted and its rule id.

    DOCUMENT is a document id, URL or file name (or a unique prefix of the name).

    \b
    Example:
        directives explain 003_lamdong-bc329-cchc-2025-nhiemvu-2026.pdf --db output/real.db
        directives explain 003_lamdong --html output/003.html
    """
    from .errors import DirectivesError
    from .explain import explain as library, to_rich, write_html

    _require_db(db_path)
    try:
        found, spans = library(db_path, document)
    except DirectivesError as error:
        raise click.ClickException(str(error)) from error
    if html_path:
        console.print(f"wrote {write_html(found, spans, html_path)} ({len(spans)} spans)")
    else:
        Console().print(to_rich(found["text"], spans))


def _require_db(db_path) -> None:
    if not Path(db_path).exists():
        raise click.ClickException(f"{db_path}: no such database; run 'directives ingest --db {db_path}' first")


def main():
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
