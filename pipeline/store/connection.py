"""Connections to the store: opening and migrating it, transactions, the writer's held connection."""

import sqlite3
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from pipeline.store import schema


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) a store and bring its schema up to date, each migration
    with its new `user_version` in one transaction: a run killed while migrating leaves
    the schema of the last step done, which the next run takes up."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    db.conn.execute("PRAGMA foreign_keys = ON")
    db.enable_wal()
    db.execute("PRAGMA synchronous = NORMAL")  # durable at each checkpoint; safe under WAL
    for number, migration in enumerate(schema.MIGRATIONS, start=1):
        if db.execute("PRAGMA user_version").fetchone()[0] >= number:
            continue
        with transaction(db):
            # read again under the write lock: another process may have migrated meanwhile
            if db.execute("PRAGMA user_version").fetchone()[0] < number:
                migration(db)
                db.execute(f"PRAGMA user_version = {number}")
    return db


@contextmanager
def transaction(db: sqlite_utils.Database):
    """One transaction for the block (`BEGIN IMMEDIATE`: the write lock taken at once),
    committed at its end, rolled back if it raises. sqlite-utils commits each
    `db.execute` of its own when no transaction is open, and `with db.conn:` opens
    none, so a write that must be all or nothing goes in this block. Inside a
    transaction already open, the block is a savepoint of it."""
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


# Connections held open by `held_open`, by (resolved path, thread): SQLite connections
# belong to the thread that opened them.
_HELD: dict[tuple[Path, int], "_Held"] = {}


# Pages the held connection keeps in memory (KiB): a batch's writes land on random pages of
# the id and band indexes, which a fresh connection would first read back from the file.
WRITER_CACHE_KIB = 256 * 1024


# Pages of write-ahead log at which the held connection copies it into the database itself,
# in the middle of a write: a backstop for writes that no `checkpoint_beside` follows.
CHECKPOINT_PAGES = 10_000


class _Held:
    """A held connection, and the thread that copies its write-ahead log into the database
    (a checkpoint: ~0.1 s for 10,000 pages here, about half of it the disk's sync)
    while the writer's caller goes on, so the single writer does not wait for the disk."""

    def __init__(self, path: Path):
        self.db = open_db(path)
        self.db.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
        self.db.execute(f"PRAGMA wal_autocheckpoint = {CHECKPOINT_PAGES}")
        self._checkpointer = sqlite3.connect(path, check_same_thread=False)  # used by one thread at a time
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="checkpoint")
        self._running: Future | None = None

    def checkpoint(self) -> None:
        self.wait()
        self._running = self._thread.submit(lambda: self._checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall())

    def wait(self) -> None:
        """Before the next write: a checkpoint that overlaps no commit copies the whole log,
        so SQLite starts it over from its first page (it never grows past a few batches)."""
        if self._running is not None:
            running, self._running = self._running, None
            running.result()

    def close(self) -> None:
        try:
            self.wait()
        finally:
            self._thread.shutdown()
            self._checkpointer.close()
            self.db.close()  # the last connection to close copies what is left of the log


@contextmanager
def held_open(path: str | Path):
    """Bring a store's schema up to date (before workers read it: a migration may change
    what they find stored), and hold a connection to it for the block, which `writer`
    lends to the writes of this thread: its page cache lasts from batch to batch, and the
    write-ahead log is copied into the database beside the work, at `checkpoint_beside`."""
    key = _held_key(path)
    if key in _HELD:
        yield
        return
    held = _HELD[key] = _Held(Path(path))
    try:
        yield
    finally:
        del _HELD[key]
        held.close()


@contextmanager
def writer(path: str | Path):
    """The connection `held_open` holds to `path` in this thread, once a checkpoint it
    runs is done, else one opened (and its schema brought up to date) for the block."""
    held = _HELD.get(_held_key(path))
    if held is not None:
        held.wait()
        yield held.db
        return
    db = open_db(path)
    try:
        yield db
    finally:
        db.close()


def checkpoint_beside(path: str | Path) -> None:
    """After a batch's writes: if `path` is held open, copy its write-ahead log into the
    database in the background (the next `writer` waits for it); else SQLite has done so."""
    held = _HELD.get(_held_key(path))
    if held is not None:
        held.checkpoint()


def _held_key(path: str | Path) -> tuple[Path, int]:
    return Path(path).resolve(), threading.get_ident()


def open_reader(path: str | Path) -> sqlite_utils.Database | None:
    """A read-only connection for workers that only look up what is stored (no migration,
    no write lock taken); None when the store does not exist yet."""
    path = Path(path)
    if not path.exists():
        return None
    return sqlite_utils.Database(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True))
