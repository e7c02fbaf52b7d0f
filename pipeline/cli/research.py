"""Commands for researchers: evaluate, stats, search, sql, web, report, explain."""

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pipeline.cli.app import CONTROL_ESCAPES, require_db, cli, console, db_option, shown
from pipeline.settings import SQL_TIMEOUT_SECONDS


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
    from pipeline.research.evaluate import evaluate as run
    from pipeline.research.evaluate import format_report

    require_db(db_path)
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

    require_db(db_path)
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
        table.add_row(*[shown(value) for value in row])
    console_out.print(table)


@cli.command()
@click.argument("query")
@db_option
@click.option("--province", help="Only documents of this province (before or after the 2025 merger).")
@click.option("--since", metavar="DATE", help="Only documents published on or after this ISO date.")
@click.option("--exact", "--accents", "accents", flag_value=True, default=None,
              help="Match diacritics exactly, even in a query typed without them.")
@click.option("--no-accents", "accents", flag_value=False,
              help="Ignore every diacritic (đ = d), even in a query typed with them.")
@click.option("--limit", default=20, show_default=True, help="At most this many hits.")
def search(query, db_path, province, since, accents, limit):
    """Full-text search over documents, tasks and indicator sentences.

    A query typed without diacritics ignores them ("giai ngan" finds "giải ngân"); a query
    with diacritics matches them exactly ("tỉnh" does not find "tính"). The first line
    says which. A query without quotes is one phrase (its syllables in a row); quoted
    parts are phrases and other words single terms. Hits are printed best first with
    their context.

    \b
    Example:
        directives search "giải ngân"
        directives search "nong thon moi" --province "Lạng Sơn" --since 2021-01-01
        directives search "tinh" --exact
    """
    from pipeline.parse.metadata import canonical_province
    from pipeline.store import open_db
    from pipeline.store import search as library

    require_db(db_path)
    typed = library.has_diacritics(query)
    exact = typed if accents is None else accents
    db = open_db(db_path)
    try:
        library.catch_up(db)  # documents an interrupted ingest stored but did not index
        hits = library.search(db, query, accents=exact, province=canonical_province(province) or province,
                              since=since, limit=limit)
    finally:
        db.close()
    out = Console(highlight=False)
    out.print(_search_mode(query, exact, forced=accents is not None), style="dim", soft_wrap=True)
    for hit in hits:
        snippet, spans = hit.snippet()
        text = Text(snippet)
        for start, end in spans:
            text.stylize("bold black on yellow", start, end)
        out.print(Text.assemble(Text(str(hit.document).translate(CONTROL_ESCAPES), style="bold"),
                                shown(f" · {hit.province or '-'} · {hit.published_date or '-'} · {hit.kind}")))
        out.print(text)
    out.print(f"{len(hits)} hit(s)", style="dim")


def _search_mode(query: str, exact: bool, forced: bool) -> str:
    """The first line of a search: whether diacritics count, why, and how to change it."""
    from pipeline.store.search import fold_accents

    if exact:
        why = "--exact" if forced else "the query has diacritics"
        return f"Exact search ({why}): diacritics must match; --no-accents ignores them."
    folded = f'"{fold_accents(query)}"'
    if forced:
        return f"Searching without diacritics (--no-accents): {folded} matches any diacritics; --exact matches them."
    return (f"Searching without diacritics, as the query has none: {folded} matches the words written with "
            "any diacritics (đ = d); --exact matches them as typed.")


@cli.command()
@click.argument("sql")
@db_option
@click.option("--csv", "fmt", flag_value="csv", help="Comma-separated values, streamed.")
@click.option("--json", "fmt", flag_value="json", help="A JSON array of objects, streamed.")
@click.option("--table", "fmt", flag_value="table", default=True, help="A table on the terminal (the default).")
@click.option("--param", "params", nargs=2, multiple=True, metavar="NAME VALUE", help="A named parameter (:NAME).")
@click.option("--timeout", type=click.FloatRange(0), default=SQL_TIMEOUT_SECONDS, show_default=True,
              help="Seconds SQLite may spend on the query before it is stopped (0: no limit).")
def sql(sql, db_path, fmt, params, timeout):
    """Run one SQL query on the database, opened read-only (writes, ATTACH and VACUUM INTO
    are refused). The query stops after --timeout seconds, or when the process gets SIGTERM.

    \b
    Example:
        directives sql "SELECT province, name, value, unit FROM indicators_by_province_year WHERE kind = 'target'"
        directives sql "SELECT * FROM deadlines_due WHERE end_date < :as_of" --param as_of 2022-01-01 --csv
    """
    from pipeline.research import sql as sqlquery

    try:
        with sqlquery.stopping_on_sigterm():
            columns, rows = sqlquery.run(db_path, sql, dict(params), timeout or None)
            if fmt == "csv":
                sqlquery.write_csv(columns, rows, sys.stdout)
            elif fmt == "json":
                sqlquery.write_json(columns, rows, sys.stdout)
            else:
                table = Table()
                for column in columns:
                    table.add_column(shown(column))
                for row in rows:
                    table.add_row(*[shown("" if value is None else value, newlines=True) for value in row])
                Console().print(table)
    except sqlquery.QueryStopped as error:
        sys.stdout.flush()
        click.echo(f"Error: {error}", err=True)
        sys.exit(error.exit_code)
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
    from pipeline.errors import DirectivesError
    from pipeline.research import web as library

    require_db(db_path)
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

    require_db(db_path)
    library.write_report(db_path, output)
    console.print(shown(f"wrote {output}"), soft_wrap=True)


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
    from pipeline.research.explain import explain as library
    from pipeline.research.explain import to_rich, write_html

    require_db(db_path)
    try:
        found, spans = library(db_path, document)
    except DirectivesError as error:
        raise click.ClickException(str(error)) from error
    if html_path:
        console.print(shown(f"wrote {write_html(found, spans, html_path)} ({len(spans)} spans)"), soft_wrap=True)
    else:
        Console().print(to_rich(found["text"], spans))
