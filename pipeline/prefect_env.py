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
    (PREFECT_API_URL) they report to a temporary server that stops with this process, and
    run without heartbeats: a lasting server reads them to mark a run that died as crashed,
    a temporary one never does, and at the end of every run the engine waits for its
    heartbeat thread, which sleeps in steps of 1 s."""
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    if PREFECT_API_URL.value():
        yield
        return
    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield
