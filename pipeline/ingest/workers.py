"""Prefect's process pool with workers that start in a fraction of a second.

Prefect's ProcessPoolTaskRunner spawns each worker afresh: a new interpreter imports Prefect,
spaCy, underthesea and the pipeline again and loads the models, seconds of CPU per worker and
per flow run. Here the workers fork from multiprocessing's fork server instead: one clean
process (started once, with no threads to fork) that has imported the pipeline and loaded its
models, so a worker costs a fork. Prefect hands each task its settings and environment
itself: a worker needs nothing else from its parent.
"""

import multiprocessing
import multiprocessing.forkserver
from contextlib import contextmanager

from prefect.task_runners import ProcessPoolTaskRunner

PRELOAD = ["pipeline.preload"]  # what the fork server imports once: the tasks, the models


class ForkedProcessPoolTaskRunner(ProcessPoolTaskRunner):
    """ProcessPoolTaskRunner whose workers fork from a server that has imported `PRELOAD`."""

    def __enter__(self):
        multiprocessing.set_forkserver_preload(PRELOAD)  # read when the fork server starts
        # started from this thread, which outlives the pool: the fork server's parent-death
        # signal (pipeline/lifeline.py) is sent when the thread that started it ends
        multiprocessing.forkserver.ensure_running()
        with _start_method("forkserver"):
            return super().__enter__()


@contextmanager
def _start_method(method: str):
    """Prefect asks multiprocessing for the "spawn" context when its pool starts; give it
    `method`'s for the duration."""
    get_context = multiprocessing.get_context
    multiprocessing.get_context = lambda _=None: get_context(method)  # type: ignore[assignment]
    try:
        yield
    finally:
        multiprocessing.get_context = get_context
