"""The Prefect settings an ingest runs with unless the environment sets them otherwise."""

import os

DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # Warnings and errors only: at INFO every task run ships its log lines to the server.
    "PREFECT_LOGGING_LEVEL": "WARNING",
    # The temporary server's first start on a machine creates and migrates its database:
    # 25 s on a 2-core machine, past Prefect's default wait of 20 s.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


def set_defaults() -> None:
    """Put DEFAULTS in the environment where it has no value; call before Prefect is
    imported (it reads its settings then)."""
    for name, value in DEFAULTS.items():
        os.environ.setdefault(name, value)
