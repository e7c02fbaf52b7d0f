"""Commands for staff review: export sheets, import them, list corrections."""


import click

from pipeline.cli.app import require_db, cli, db_option


@cli.command(name="export")
@click.argument("category", type=click.Choice(["indicators", "tasks", "deadlines", "citations"]))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False), required=True,
              help="The sheet to write: FILE.xlsx (typed cells, recommended) or FILE.csv.")
@db_option
@click.option("--province", help="Only documents of this province (as published, or its post-2025 province).")
@click.option("--since", help="Only documents published on or after this ISO date.")
@click.option("--until", help="Only documents published on or before this ISO date.")
@click.option("--document", help="Only this document (its id, url or file name).")
@click.option("--category", "text_category",
              help="Only rows whose `category` column contains this text; without such a column, rows whose "
                   "indicator name (task text, deadline text, citation type) contains it.")
def export_command(category, out, db_path, province, since, until, document, text_category):
    """Export rows for review as an XLSX workbook or a CSV, chosen by the file's extension.

    One row per item: its id, document, sentence (read-only), the editable fields, and
    `status` (blank, ok, delete) and `note` for the reviewer. XLSX has typed cells
    (numbers, dates, ids as text), the read-only columns shaded and locked, drop-down lists
    for status, kind and comparator. CSV is UTF-8 with BOM, dot decimals, and every id or
    code a spreadsheet would turn into a number written as text. Send the file back with
    `directives import`.

    \b
    Example:
        directives export indicators -o output/review/indicators.xlsx --province "Lạng Sơn" --since 2021-01-01
        directives export tasks -o output/review/tasks.csv --document kehoach-1.txt
    """
    from pipeline.review.export import Filters, export

    require_db(db_path)
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

    Reads XLSX workbooks (the first worksheet) and CSV files in UTF-8 (with or without
    BOM), UTF-16 or cp1258, comma, semicolon or tab separated. The whole file is validated first; every problem names its row and column,
    and nothing is applied unless every row is valid (or with --partial). Importing the
    same file again changes nothing.

    \b
    Example:
        directives import output/review/indicators.xlsx --editor lan --dry-run
        directives import output/review/indicators.xlsx --editor lan
    """
    from pipeline.errors import DirectivesError
    from pipeline.review.importer import import_sheet

    require_db(db_path)
    try:
        result = import_sheet(db_path, path, editor, dry_run=dry_run, partial=partial)
    except DirectivesError as error:
        raise click.ClickException(str(error)) from None
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

    require_db(db_path)
    if gold_dir:
        written = to_gold(db_path, gold_dir)
        click.echo(f"{gold_dir}: {len(written)} gold files")
        return
    rows = list_corrections(db_path, editor=editor, since=since, orphaned=orphaned)
    click.echo("\t".join(LOG_COLUMNS))
    for row in rows:
        click.echo("\t".join("" if row[c] is None else " ".join(str(row[c]).split()) for c in LOG_COLUMNS))
