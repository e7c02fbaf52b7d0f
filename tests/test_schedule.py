"""On a real Prefect server started here: `directives schedule` registers a cron
deployment, and the portal flow runs the library's steps."""

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest
from conftest import REPO
from portal_site import serve_portal

CRON = "0 2 * * *"
SOURCES = REPO / "corpus" / "sources.toml"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_SERVER_ANALYTICS_ENABLED="false", PYTHONPATH=str(REPO), **extra
    )
    return env


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("prefect-server")
    port = _free_port()
    url = f"http://127.0.0.1:{port}/api"
    command = [
        sys.executable,
        "-m",
        "prefect",
        "server",
        "start",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-ui",
        "--no-services",
    ]
    server = subprocess.Popen(command, env=_environment(tmp), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"prefect server did not start on {url}")
            time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def _schedule(api_url, *args):
    """`directives schedule ...` with PREFECT_API_URL set to `api_url`, or unset for None."""
    from click.testing import CliRunner
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from pipeline.cli import cli

    settings = (
        temporary_settings({PREFECT_API_URL: api_url})
        if api_url
        else temporary_settings(restore_defaults={PREFECT_API_URL})
    )
    with settings:
        return CliRunner().invoke(cli, ["schedule", "--cron", CRON, "--sources", str(SOURCES), *args])


def test_schedule_registers_a_cron_deployment(prefect_server, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    result = _schedule(prefect_server, "--only", "baolangson", "--db", str(tmp_path / "nightly.db"), "--register-only")
    assert result.exit_code == 0, result.output
    assert "Deployment ingest-portals/nightly" in result.output and "registered with cron '0 2 * * *'" in result.output
    with temporary_settings({PREFECT_API_URL: prefect_server}), get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name("ingest-portals/nightly")
    assert [schedule.schedule.cron for schedule in deployment.schedules] == [CRON]
    assert deployment.parameters == {
        "sources_path": str(SOURCES),
        "db_path": str(tmp_path / "nightly.db"),
        "only": ["baolangson"],
    }
    assert deployment.entrypoint == "pipeline.flows.ingest_portals"


def test_schedule_without_a_server_says_what_to_do():
    result = _schedule(None, "--register-only")
    assert result.exit_code == 1
    assert "PREFECT_API_URL is not set" in result.output and "prefect server start" in result.output


def test_a_bad_cron_expression_is_named(prefect_server):
    result = _schedule(prefect_server, "--register-only", "--cron", "every night")
    assert result.exit_code == 1
    assert "every night" in result.output


def test_the_portal_flow_runs_the_same_steps(prefect_server, tmp_path):
    from prefect.settings import PREFECT_API_URL, PREFECT_LOGGING_TO_API_ENABLED, temporary_settings

    from pipeline.flows import ingest_portals

    # logs stay local: the server stops with this module, before Prefect's log worker exits
    settings = {PREFECT_API_URL: prefect_server, PREFECT_LOGGING_TO_API_ENABLED: False}
    with serve_portal() as site, temporary_settings(settings):
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f"""[[source]]\nname = "kontum"\nsitemaps = ["{site.url}/kontum/sitemap.xml"]
article_pattern = '/kontum/pages/detail/'\nallow_private = true\n""",
            encoding="utf-8",
        )
        runs = ingest_portals(sources_path=str(sources), db_path=str(tmp_path / "d.db"), fetch_options={"delay": 0})
    assert [(run.source, run.discovered, run.new, run.failed) for run in runs] == [("kontum", 2, 2, 0)]
