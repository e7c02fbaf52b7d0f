"""The `directives` command line: a thin shell over the library."""

import signal
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from pipeline import prefect_env
from pipeline.settings import DEFAULT_DB

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
@click.option("--sources", "sources_path", type=click.Path(exists=True, dir_okay=False),
              help="Fetch from the portals of this sources file (corpus/sources.toml) instead of PATHs.")
@click.option("--only", multiple=True, metavar="NAME", help="With --sources: only this source (repeatable).")
@click.option("--wait", type=float, default=0.0, show_default=True,
              help="Seconds to wait for another run holding the database's lock.")
@click.option("--delay", type=float, help="With --sources: seconds between requests to one host.")
@click.option("--timeout", type=float, help="With --sources: seconds before a request times out.")
@click.option("--workers", type=click.IntRange(1), default=1, show_default=True,
              help="Processes that parse and extract files (Prefect's process pool); one process stores.")
@click.option("--dask-address", metavar="ADDRESS",
              help="Parse and extract on this Dask cluster (tcp://host:8786; extra 'dask'); this process stores.")
def ingest(paths, db_path, no_prefect, sources_path, only, wait, delay, timeout, workers, dask_address):
    """Ingest .txt, .html, .pdf and .docx files or folders (default: the bundled corpus),
    or, with --sources, fetch what is new on the portals of a sources file.

    Unchanged files are skipped by content hash; changed ones are re-extracted and their
    old rows replaced. A file that cannot be parsed is stored with status 'error' and
    the run goes on. With --sources, pages seen before are fetched conditionally, linked
    PDF/DOCX files are stored as documents of their own, failed URLs are retried on
    later runs, and each source's run is listed by 'directives runs'.

    \b
    Example:
        directives ingest
        directives ingest ../shared/corpus/real --db output/real.db --workers 2
        directives ingest /shared/archive --db /shared/out/d.db --dask-address tcp://10.0.0.5:8786
        directives ingest --sources corpus/sources.toml --only baolangson
    """
    from pipeline.errors import DirectivesError

    try:
        if sources_path:
            if paths:
                raise click.UsageError("give PATHs or --sources, not both")
            options = {k: v for k, v in {"delay": delay, "timeout": timeout}.items() if v is not None}
            _ingest_portals(sources_path, list(only), db_path, no_prefect, wait, options)
        else:
            if no_prefect and (workers > 1 or dask_address):
                raise click.UsageError("--workers and --dask-address run Prefect task runners: drop --no-prefect")
            _ingest_files(paths, db_path, no_prefect, wait, workers, dask_address)
    except DirectivesError as error:
        raise click.ClickException(str(error)) from None


def _ingest_files(paths, db_path, no_prefect, wait, workers=1, dask_address=None) -> None:
    from pipeline.ingest import steps
    from pipeline.store.lock import exclusive
    from pipeline.ingest.files import discover

    items = discover(list(paths) or None)
    with exclusive(db_path, wait), _progress() as progress:
        bar = progress.add_task("Ingesting", total=len(items))
        advance = lambda n: progress.advance(bar, n)  # noqa: E731
        if no_prefect:
            summary = steps.ingest(items, db_path, on_batch=advance)
        else:
            prefect_env.set_defaults()
            from pipeline.flows import ingest_files_with_workers
            with prefect_env.run_settings():
                summary = ingest_files_with_workers(workers, dask_address, paths=[str(p) for p in paths] or None,
                                                    db_path=db_path, on_batch=advance)
    _print_summary(summary, db_path)
    if summary.documents["failed"]:
        for error in summary.errors:
            console.print(f"[red]not extracted[/red] {error}", soft_wrap=True)


def _ingest_portals(sources_path, only, db_path, no_prefect, wait, fetch_options) -> None:
    from pipeline.portal import steps as portal_ingest
    from pipeline.portal.fetch import FetchSettings
    from pipeline.portal.sources import load_sources

    sources = load_sources(sources_path, only)
    with _progress() as progress:
        bar = progress.add_task("Fetching portals", total=len(sources))
        advance = lambda run: progress.advance(bar, 1)  # noqa: E731
        if no_prefect:
            done = portal_ingest.ingest_sources(sources, db_path, FetchSettings(**fetch_options), wait=wait,
                                                on_source=advance)
        else:
            prefect_env.set_defaults()
            from pipeline.flows import ingest_portals
            with prefect_env.run_settings():
                done = ingest_portals(sources_path=sources_path, only=only, db_path=db_path, wait=wait,
                                      fetch_options=fetch_options, on_source=advance)
    _print_runs([vars(run) for run in done], f"Portal ingest ({db_path})")
    if not any(run.stored_anything for run in done):
        Console().print("Nothing new: no document was added or changed.")
    for run in done:
        for error in run.errors:
            console.print(f"[red]failed[/red] {run.source}: {error}", soft_wrap=True)


def _print_runs(rows: list[dict], title: str) -> None:
    from pipeline.portal.runs import COUNTS

    table = Table(title=title)
    for column in ("source", *COUNTS):
        table.add_column(column.replace("_", " "), justify="left" if column == "source" else "right")
    for row in rows:
        table.add_row(row["source"], *[str(row[name] if row[name] is not None else "") for name in COUNTS])
    Console().print(table)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=False)


def _print_summary(summary, db_path) -> None:
    from pipeline.research import stats

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
    from pipeline.research.evaluate import evaluate as run, format_report

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
    from pipeline.research import stats as library

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
@db_option
@click.option("--limit", type=int, default=20, show_default=True, help="How many runs, newest first.")
def runs(db_path, limit):
    """List the latest portal ingest runs: one row per source, with its counts.

    \b
    Example:
        directives runs --limit 10
    """
    from pipeline.portal import runs as library

    _require_db(db_path)
    rows = library.recent(db_path, limit)
    _print_runs([{**row, "source": f"#{row['id']} {row['source']} {row['started']}"
                  + ("" if row["finished"] else " (unfinished)")} for row in rows], f"Ingest runs ({db_path})")


@cli.command()
@click.option("--cron", required=True, help='When to run, as a cron expression ("0 2 * * *": 02:00 daily).')
@click.option("--sources", "sources_path", type=click.Path(exists=True, dir_okay=False),
              default="corpus/sources.toml", show_default=True, help="The sources file to ingest.")
@click.option("--only", multiple=True, metavar="NAME", help="Only this source (repeatable).")
@db_option
@click.option("--name", default="nightly", show_default=True, help="The deployment's name.")
@click.option("--register-only", is_flag=True, help="Create or update the deployment and return, without serving it.")
def schedule(cron, sources_path, only, db_path, name, register_only):
    """Serve the portal ingest as a Prefect deployment on a cron schedule.

    Needs a Prefect server that keeps running ('prefect server start') and
    PREFECT_API_URL pointing at it: a temporary server would forget the schedule.
    Without --register-only the command keeps running and starts each scheduled run.

    \b
    Example:
        prefect server start &
        export PREFECT_API_URL=http://127.0.0.1:4200/api
        directives schedule --cron "0 2 * * *" --sources corpus/sources.toml
    """
    from pipeline.portal import schedule as library
    from pipeline.errors import DirectivesError
    from pipeline.portal.sources import load_sources

    try:
        load_sources(sources_path, list(only))  # a bad sources file fails now, not at 02:00
        if register_only:
            deployment_id = library.register(cron, sources_path, db_path, list(only), name)
            click.echo(f"Deployment ingest-portals/{name} ({deployment_id}) registered with cron {cron!r}.")
        else:
            library.serve(cron, sources_path, db_path, list(only), name)
    except DirectivesError as error:
        raise click.ClickException(str(error)) from None


@cli.command()
@click.argument("query")
@db_option
@click.option("--province", help="Only documents of this province (before or after the 2025 merger).")
@click.option("--since", metavar="DATE", help="Only documents published on or after this ISO date.")
@click.option("--accents/--no-accents", default=True, show_default=True,
              help="Match diacritics exactly, or ignore them all (đ = d).")
@click.option("--limit", default=20, show_default=True, help="At most this many hits.")
def search(query, db_path, province, since, accents, limit):
    """Full-text search over documents, tasks and indicator sentences.

    A query without quotes is one phrase (its syllables in a row); quoted parts are
    phrases and other words single terms. Hits are printed best first with their context.

    \b
    Example:
        directives search "giải ngân"
        directives search "nong thon moi" --no-accents --province "Lạng Sơn" --since 2021-01-01
    """
    from pipeline.store import search as library
    from pipeline.parse.metadata import canonical_province
    from pipeline.store.core import open_db

    _require_db(db_path)
    db = open_db(db_path)
    try:
        library.catch_up(db)  # documents an interrupted ingest stored but did not index
        hits = library.search(db, query, accents=accents, province=canonical_province(province) or province,
                              since=since, limit=limit)
    finally:
        db.close()
    out = Console(highlight=False)
    for hit in hits:
        snippet, spans = hit.snippet()
        text = Text(snippet)
        for start, end in spans:
            text.stylize("bold black on yellow", start, end)
        out.print(f"[bold]{hit.document}[/bold] · {hit.province or '-'} · {hit.published_date or '-'} · {hit.kind}")
        out.print(text)
    out.print(f"{len(hits)} hit(s)", style="dim")


@cli.command()
@click.argument("sql")
@db_option
@click.option("--csv", "fmt", flag_value="csv", help="Comma-separated values, streamed.")
@click.option("--json", "fmt", flag_value="json", help="A JSON array of objects, streamed.")
@click.option("--table", "fmt", flag_value="table", default=True, help="A table on the terminal (the default).")
@click.option("--param", "params", nargs=2, multiple=True, metavar="NAME VALUE", help="A named parameter (:NAME).")
def sql(sql, db_path, fmt, params):
    """Run one SQL query on the database, opened read-only (writes are refused).

    \b
    Example:
        directives sql "SELECT province, name, value, unit FROM indicators_by_province_year WHERE kind = 'target'"
        directives sql "SELECT * FROM deadlines_due WHERE end_date < :as_of" --param as_of 2022-01-01 --csv
    """
    from pipeline.research import sql as sqlquery

    try:
        columns, rows = sqlquery.run(db_path, sql, dict(params))
        if fmt == "csv":
            sqlquery.write_csv(columns, rows, sys.stdout)
        elif fmt == "json":
            sqlquery.write_json(columns, rows, sys.stdout)
        else:
            table = Table(*columns)
            for row in rows:
                table.add_row(*["" if value is None else str(value) for value in row])
            Console().print(table)
    except sqlquery.QueryError as error:
        raise click.ClickException(str(error)) from None


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8001, show_default=True, help="Port to listen on.")
def web(db_path, host, port):
    """Browse the database in Datasette: described tables, facets, canned queries.

    Needs the optional extra: pip install -e '.[web]'.

    \b
    Example:
        directives web --port 8001     # then open http://127.0.0.1:8001
    """
    from pipeline.research import web as library
    from pipeline.errors import DirectivesError

    _require_db(db_path)
    try:
        sys.exit(library.serve(db_path, host, port))
    except DirectivesError as error:
        raise click.ClickException(str(error)) from None


@cli.command()
@db_option
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), default="report.html",
              show_default=True, help="The HTML file to write.")
def report(db_path, output):
    """Write one offline HTML file with charts and tables of the database.

    \b
    Example:
        directives report -o output/report.html
    """
    from pipeline.research import report as library

    _require_db(db_path)
    library.write_report(db_path, output)
    console.print(f"wrote {output}", soft_wrap=True)


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
    from pipeline.errors import DirectivesError
    from pipeline.research.explain import explain as library, to_rich, write_html

    _require_db(db_path)
    try:
        found, spans = library(db_path, document)
    except DirectivesError as error:
        raise click.ClickException(str(error)) from error
    if html_path:
        console.print(f"wrote {write_html(found, spans, html_path)} ({len(spans)} spans)", soft_wrap=True)
    else:
        Console().print(to_rich(found["text"], spans))


def _require_db(db_path) -> None:
    if not Path(db_path).exists():
        raise click.ClickException(f"{db_path}: no such database; run 'directives ingest --db {db_path}' first")


@cli.command(name="export")
@click.argument("category", type=click.Choice(["indicators", "tasks", "deadlines", "citations"]))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False), required=True, help="CSV file to write.")
@db_option
@click.option("--province", help="Only documents of this province (as published, or its post-2025 province).")
@click.option("--since", help="Only documents published on or after this ISO date.")
@click.option("--until", help="Only documents published on or before this ISO date.")
@click.option("--document", help="Only this document (its id, url or file name).")
@click.option("--category", "text_category",
              help="Only rows whose `category` column contains this text; without such a column, rows whose "
                   "indicator name (task text, deadline text, citation type) contains it.")
def export_command(category, out, db_path, province, since, until, document, text_category):
    """Export rows for review as a CSV that Excel opens (UTF-8 with BOM).

    One row per item: its id, document, sentence (read-only), the editable fields, and
    `status` (blank, ok, delete) and `note` for the reviewer. Send the file back with
    `directives import`.

    \b
    Example:
        directives export indicators -o output/review/indicators.csv --province "Lạng Sơn" --since 2021-01-01
    """
    from pipeline.review.export import Filters, export

    _require_db(db_path)
    count = export(db_path, category, out, Filters(province, since, until, document, text_category))
    click.echo(f"{out}: {count} {category}")


@cli.command(name="import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--editor", required=True, help="Who made the corrections (recorded with each one).")
@db_option
@click.option("--dry-run", is_flag=True, help="Validate and print what would change; write nothing.")
@click.option("--partial", is_flag=True, help="Apply the valid rows; write the others to FILE.rejects.csv.")
def import_command(path, editor, db_path, dry_run, partial):
    """Import a reviewed sheet: edits, deletions (status delete), added rows (empty id).

    Reads UTF-8 (with or without BOM), UTF-16 and cp1258 files, comma, semicolon or tab
    separated. The whole file is validated first; every problem names its row and column,
    and nothing is applied unless every row is valid (or with --partial). Importing the
    same file again changes nothing.

    \b
    Example:
        directives import output/review/indicators.csv --editor lan --dry-run
        directives import output/review/indicators.csv --editor lan
    """
    from pipeline.review.importer import import_sheet

    _require_db(db_path)
    result = import_sheet(db_path, path, editor, dry_run=dry_run, partial=partial)
    plan = result.plan
    for problem in plan.problems:
        click.echo(f"{path}: {problem}", err=True)
    if dry_run:
        for change in plan.changes:
            click.echo(str(change))
    verb = "applied" if result.applied else ("would apply" if dry_run and plan.valid else "not applied")
    click.echo(f"{path}: {len(plan.changes)} changes {verb}, {len(plan.rejected_rows)} rows rejected")
    if result.rejects_path:
        click.echo(f"rejected rows written to {result.rejects_path}")
    if plan.problems and not result.applied and not dry_run:
        raise click.ClickException(f"{path}: {len(plan.problems)} problems; nothing imported "
                                   "(fix them, or use --partial to apply the valid rows)")


@cli.command(name="corrections")
@db_option
@click.option("--editor", help="Only this editor's corrections.")
@click.option("--since", help="Only corrections imported on or after this ISO date.")
@click.option("--orphaned", is_flag=True, help="Only corrections whose row re-extraction no longer produces.")
@click.option("--to-gold", "gold_dir", type=click.Path(file_okay=False),
              help="Write reviewed documents as gold JSON files into this folder instead.")
def corrections_command(db_path, editor, since, orphaned, gold_dir):
    """List staff corrections, or turn reviewed documents into gold files for evaluate.

    \b
    Example:
        directives corrections --editor lan --since 2025-01-01
        directives corrections --orphaned
        directives corrections --to-gold output/gold && directives evaluate --gold output/gold
    """
    from pipeline.review.corrections import LOG_COLUMNS, list_corrections
    from pipeline.review.gold_export import to_gold

    _require_db(db_path)
    if gold_dir:
        written = to_gold(db_path, gold_dir)
        click.echo(f"{gold_dir}: {len(written)} gold files")
        return
    rows = list_corrections(db_path, editor=editor, since=since, orphaned=orphaned)
    click.echo("\t".join(LOG_COLUMNS))
    for row in rows:
        click.echo("\t".join("" if row[c] is None else " ".join(str(row[c]).split()) for c in LOG_COLUMNS))


def main():
    exit_on_sigterm()
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)


def exit_on_sigterm() -> None:
    """Make SIGTERM (how cron, systemd and `timeout` stop a job) exit through Python, so
    that exit handlers run: Prefect's temporary server, a process of its own, is stopped
    with the run instead of being left running and taking CPU."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
