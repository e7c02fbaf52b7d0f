"""The `ingest_runs` table: one row per source per portal ingest, with its counts."""

from dataclasses import dataclass, field
from pathlib import Path

from pipeline import store

COUNTS = ("discovered", "fetched", "not_modified", "new", "changed", "unchanged", "failed")


@dataclass
class SourceRun:
    """What happened to one source in one run. Counts are of documents (articles and
    attachments); a listing page, feed or sitemap that fails counts in `failed`."""

    source: str
    started: str = field(default_factory=store.now)
    discovered: int = 0
    fetched: int = 0
    not_modified: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # URLs found off the source's hosts, not fetched
    id: int | None = None

    def fail(self, message: str) -> None:
        self.failed += 1
        self.errors.append(message)

    @property
    def stored_anything(self) -> bool:
        return bool(self.new or self.changed)


def start(db_path: str | Path, source: str) -> SourceRun:
    """A run row with its start time; `finished` stays empty until `finish`."""
    run = SourceRun(source)
    db = store.open_db(db_path)
    try:
        with store.transaction(db):
            run.id = db.table("ingest_runs").insert({"started": run.started, "source": source}).last_pk
    finally:
        db.close()
    return run


def finish(db_path: str | Path, run: SourceRun) -> None:
    assert run.id is not None, "finish() of a run that start() did not record"
    db = store.open_db(db_path)
    try:
        with store.transaction(db):
            db.table("ingest_runs").update(
                run.id,
                {
                    "finished": store.now(),
                    "errors": "\n".join(run.errors) or None,
                    **{name: getattr(run, name) for name in COUNTS},
                },
            )
    finally:
        db.close()


def recent(db_path: str | Path, limit: int = 20) -> list[dict]:
    """The latest runs, newest first."""
    db = store.open_db(db_path)
    try:
        return list(db.query("SELECT * FROM ingest_runs ORDER BY id DESC LIMIT ?", [limit]))
    finally:
        db.close()
