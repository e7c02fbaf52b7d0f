"""The Prefect settings an ingest runs with unless the environment sets them otherwise."""

import os
from contextlib import contextmanager

DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # Warnings and errors only: at INFO every task run ships its log lines to the server.
    "PREFECT_LOGGING_LEVEL": "WARNING",
    # The temporary server's first start on a machine creates and migrates its database,
    # which on a small machine takes longer than Prefect's default wait of 20 s.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


def set_defaults() -> None:
    """Put DEFAULTS in the environment where it has no value; call before Prefect is
    imported (it reads its settings then)."""
    for name, value in DEFAULTS.items():
        os.environ.setdefault(name, value)


@contextmanager
def run_settings():
    """Settings for the flow runs started in this block. Without a configured API
    (PREFECT_API_URL) they report to a temporary server that stops with this process, even
    one killed with SIGKILL (`temporary_api`), and run without heartbeats: a lasting server
    reads them to mark a run that died as crashed, a temporary one never does, and at the end
    of every run the engine waits for its heartbeat thread, which sleeps in steps of 1 s."""
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    if PREFECT_API_URL.value():
        yield
        return
    with temporary_api(), temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


@contextmanager
def temporary_api():
    """Prefect's temporary server, started now from this thread as a child that ends with this
    process (pipeline/lifeline.py), with PREFECT_API_URL pointing at it for the block; the
    flow's workers report to it instead of each starting a server of its own."""
    # imported here: the server's modules cost seconds of start-up
    from prefect.settings import PREFECT_API_URL, temporary_settings

    server = _server_class()()
    server.start()
    try:
        with temporary_settings({PREFECT_API_URL: server.api_url}):
            yield
    finally:
        server.stop()


def _server_class():
    import subprocess
    import types

    from prefect.server.api import server as module

    from pipeline.lifeline import command

    class LifelineServer(module.SubprocessASGIServer):
        """Prefect's SubprocessASGIServer whose uvicorn process runs through `lifeline.command`."""

        _instances: dict = {}  # its own: not the instance Prefect's client starts for itself

        def _run_uvicorn_command(self):
            # the method builds its command and calls subprocess.Popen itself: lend it a Popen
            # that prefixes the command, for the length of the call
            module.subprocess = types.SimpleNamespace(
                Popen=lambda args, **options: subprocess.Popen(command(args), **options)
            )
            try:
                return super()._run_uvicorn_command()
            finally:
                module.subprocess = subprocess

    return LifelineServer
