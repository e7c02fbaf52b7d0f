"""One writer at a time: an exclusive lock file beside the database (fcntl.flock)."""

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import DirectivesError


class LockedError(DirectivesError):
    """Another run holds the database's lock."""


def lock_path_for(db_path: str | Path) -> Path:
    """The lock file beside the database's real file: a symlink to the database, or a path
    through a symlinked folder, names the same lock as the path it points to."""
    db_path = Path(db_path).resolve()
    return db_path.with_name(db_path.name + ".lock")


@contextmanager
def exclusive(db_path: str | Path, wait: float = 0.0, poll: float = 0.2):
    """Hold the database's lock for the block; wait up to `wait` seconds for another run
    to finish, then raise LockedError naming the lock file and the holder's pid."""
    path = lock_path_for(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "unknown"
                    raise LockedError(f"{path}: another ingest (pid {holder}) is writing to {db_path}; "
                                      f"waited {wait:g} s. Try again later or pass --wait SECONDS.") from None
                time.sleep(poll)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield path
    finally:
        handle.close()  # closing releases the lock
