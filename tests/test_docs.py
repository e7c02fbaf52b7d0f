"""Every command and every option of the CLI is documented (as sqlite-utils' test_docs does):
each command in the README or docs/, each option in docs/cli.md."""

import re
from pathlib import Path

import click
import pytest

from pipeline.cli import cli

REPO = Path(__file__).resolve().parent.parent
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
COMMANDS = sorted(cli.commands)


def test_the_command_list_is_known():
    assert COMMANDS == [
        "corrections",
        "evaluate",
        "explain",
        "export",
        "import",
        "ingest",
        "report",
        "runs",
        "schedule",
        "search",
        "sql",
        "stats",
        "web",
    ]


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_documented(name):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    reference = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert f"`directives {name}" in readme, f"README.md does not mention `directives {name}`"
    assert f"## directives {name}\n" in reference, f"docs/cli.md has no section for directives {name}"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_is_documented(name):
    reference = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    section = reference.split(f"## directives {name}\n", 1)[1].split("\n## ", 1)[0]
    common = reference.split("\n## ", 1)[0]  # --db, said once for all commands
    options = [
        option
        for parameter in cli.commands[name].params
        if isinstance(parameter, click.Option)
        for option in parameter.opts + parameter.secondary_opts
        if option.startswith("--")
    ]
    missing = [
        option
        for option in options
        if option != "--help"
        and not re.search(rf"(?<![\w-]){option}(?![\w-])", common if option == "--db" else section)
    ]
    assert missing == [], f"docs/cli.md, directives {name}: options not documented"


def test_doc_links_resolve():
    """Relative links in the README and docs/ point at files that exist."""
    broken = []
    for path in DOCS + [REPO / "CONTRIBUTING.md", REPO / "benchmarks" / "RESULTS.md"]:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", path.read_text(encoding="utf-8")):
            if not (path.parent / target).exists():
                broken.append(f"{path.relative_to(REPO)} -> {target}")
    assert broken == []
