"""The `directives` command line: a thin shell over the library, one module per group of commands."""

from pipeline.cli import ingesting, research, review  # noqa: F401  (each registers its commands)
from pipeline.cli.app import cli, exit_on_sigterm, main

__all__ = ["cli", "exit_on_sigterm", "main"]
