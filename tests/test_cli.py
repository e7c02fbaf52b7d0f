"""The command line: every command documented with an example; errors in one line."""

import pytest
from click.testing import CliRunner
from conftest import FIXTURES

from pipeline import prefect_env
from pipeline.cli import cli


def _commands():
    return sorted(cli.commands)


@pytest.mark.parametrize("name", _commands())
def test_every_command_has_help_with_an_example(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output


def test_every_command_is_in_the_readme():
    from conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in _commands():
        assert f"directives {name}" in readme


def test_ingest_without_prefect_prints_a_summary(tmp_path):
    db = tmp_path / "d.db"
    result = CliRunner().invoke(
        cli,
        [
            "ingest",
            str(FIXTURES / "kehoach-12-langson.html"),
            str(FIXTURES / "empty.html"),
            "--db",
            str(db),
            "--no-prefect",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Ingest summary" in result.output
    assert "empty.html: the file is empty" in result.output
    stats = CliRunner().invoke(cli, ["stats", "--db", str(db)])
    assert "Lạng Sơn" in stats.output


def test_missing_database_is_one_clear_line(tmp_path):
    result = CliRunner().invoke(cli, ["stats", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert "none.db: no such database; run 'directives ingest" in result.output


def test_missing_path_is_rejected():
    result = CliRunner().invoke(cli, ["ingest", "no/such/folder"])
    assert result.exit_code == 2
    assert "no/such/folder" in result.output


def test_flow_runs_on_a_temporary_server_send_no_heartbeats():
    """The engine waits up to 1 s for its heartbeat thread at the end of each run; only a
    lasting server (PREFECT_API_URL set) reads heartbeats, so only there are they sent."""
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        with prefect_env.run_settings():
            assert PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() is None
        assert PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() == 180
    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:4200/api"}), prefect_env.run_settings():
        assert PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() == 180
