"""Commands that ingest: files and folders, portals, their runs and schedule."""


import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from pipeline import prefect_env
from pipeline.cli.app import require_db, cli, console, db_option, shown


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
    from pipeline.ingest.files import discover
    from pipeline.store.lock import exclusive

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
            console.print(Text("not extracted ", style="red") + shown(error), soft_wrap=True)


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
            console.print(Text("failed ", style="red") + shown(f"{run.source}: {error}"), soft_wrap=True)


def _print_runs(rows: list[dict], title: str) -> None:
    from pipeline.portal.runs import COUNTS

    table = Table(title=shown(title))
    for column in ("source", *COUNTS):
        table.add_column(column.replace("_", " "), justify="left" if column == "source" else "right")
    for row in rows:
        table.add_row(shown(row["source"]), *[str(row[name] if row[name] is not None else "") for name in COUNTS])
    Console().print(table)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=False)


def _print_summary(summary, db_path) -> None:
    from pipeline.research import stats

    table = Table(title=shown(f"Ingest summary ({db_path})"))
    for column in ("new", "changed", "unchanged", "failed", "tasks", "indicators", "deadlines", "citations", "flags"):
        table.add_column(column, justify="right")
    counts = [summary.documents[s] for s in ("new", "changed", "unchanged", "failed")]
    counts += [summary.rows[k] for k in ("tasks", "indicators", "deadlines", "citations", "flags")]
    table.add_row(*map(str, counts))
    Console().print(table)
    totals = stats.table_counts(db_path)
    Console().print("In the database: " + ", ".join(f"{n} {name}" for name, n in totals.items()))


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

    require_db(db_path)
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
    from pipeline.errors import DirectivesError
    from pipeline.portal import schedule as library
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
