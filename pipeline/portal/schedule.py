"""Nightly portal ingest as a Prefect deployment with a cron schedule, on a real Prefect server."""

from pathlib import Path
from uuid import UUID

from prefect.settings import get_current_settings
from prefect.types.entrypoint import EntrypointType

from pipeline.errors import DirectivesError

DEPLOYMENT = "nightly"


class ScheduleError(DirectivesError):
    """The schedule cannot be registered: no Prefect server, or a bad cron expression."""


def require_server() -> str:
    """The Prefect API URL; a temporary server (none configured) would forget the schedule."""
    url = get_current_settings().api.url
    if not url:
        raise ScheduleError("PREFECT_API_URL is not set. A schedule needs a Prefect server that keeps running: "
                            "start one with 'prefect server start' and set "
                            "PREFECT_API_URL=http://127.0.0.1:4200/api (or use cron/systemd, see README).")
    return url


def deployment(cron: str, sources_path: str | Path, db_path: str | Path, only: list[str] | None = None,
               name: str = DEPLOYMENT):
    """The `ingest-portals` flow as a deployment running on `cron`, paths made absolute."""
    from pipeline.flows import ingest_portals

    parameters = {"sources_path": str(Path(sources_path).resolve()), "db_path": str(Path(db_path).resolve()),
                  "only": list(only or [])}
    try:
        return ingest_portals.to_deployment(name=name, cron=cron, parameters=parameters,
                                            entrypoint_type=EntrypointType.MODULE_PATH,
                                            description="Nightly ingest of the provincial portals")
    except ValueError as error:
        raise ScheduleError(f"--cron {cron!r}: not a valid cron expression ({error})") from error


def register(cron: str, sources_path, db_path, only=None, name: str = DEPLOYMENT) -> UUID:
    """Create or update the deployment on the server and return its id, without serving it."""
    require_server()
    return deployment(cron, sources_path, db_path, only, name).apply()


def serve(cron: str, sources_path, db_path, only=None, name: str = DEPLOYMENT) -> None:
    """Register the deployment and run its scheduled flow runs until interrupted."""
    from prefect import serve as prefect_serve

    require_server()
    prefect_serve(deployment(cron, sources_path, db_path, only, name))
