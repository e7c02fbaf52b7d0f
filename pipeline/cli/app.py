"""The `directives` command group, its shared options and plain-text output."""

import signal
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from pipeline.settings import DEFAULT_DB

console = Console(stderr=True)


# Control characters shown as escapes: a newline in a file name must not start a line of
# output of its own, nor an ESC send the terminal a command.
CONTROL_ESCAPES = {code: f"\\x{code:02x}" for code in [*range(32), 127]} | {10: "\\n", 13: "\\r", 9: "\\t"}


CONTROL_ESCAPES |= {0x85: "\\x85", 0x2028: "\\u2028", 0x2029: "\\u2029"}


CELL_CONTROL_ESCAPES = {code: escape for code, escape in CONTROL_ESCAPES.items() if code != 10}


def shown(value, newlines: bool = False) -> Text:
    """A name, URL, path or message as plain text for rich: never read as markup, its
    control characters escaped (but newlines, with `newlines`: the lines of a table cell)."""
    return Text(str(value).translate(CELL_CONTROL_ESCAPES if newlines else CONTROL_ESCAPES))


def db_option(function):
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False),
        default=str(DEFAULT_DB),
        show_default=True,
        help="SQLite database file.",
    )(function)


@click.group()
@click.version_option(package_name="directives")
def cli():
    """Turn Vietnamese directives into data: tasks, indicators, deadlines, citations.

    \b
    Example:
        directives ingest            # the bundled corpus into output/directives.db
        directives stats
    """


def require_db(db_path) -> None:
    if not Path(db_path).exists():
        raise click.ClickException(f"{db_path}: no such database; run 'directives ingest --db {db_path}' first")


def main():
    exit_on_sigterm()
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception:
        if STOP_SIGNALS:  # the handler's SystemExit, caught and wrapped by a library on its way out
            sys.exit(128 + STOP_SIGNALS[0])
        raise


# Signals received, first first: a stop still exits 143 when the SystemExit raised by its
# handler surfaces as another exception (pydantic's serializer, for one, wraps it).
STOP_SIGNALS: list[int] = []


def exit_on_sigterm() -> None:
    """Make SIGTERM (how cron, systemd and `timeout` stop a job) exit through Python, so
    that exit handlers run: Prefect's temporary server, a process of its own, is stopped
    with the run instead of being left running and taking CPU."""

    def stop(signum, frame):
        STOP_SIGNALS.append(signum)
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
