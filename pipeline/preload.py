"""What the process pool's fork server loads before its workers fork (pipeline.workers): the
flows' tasks, the models every document needs and Prefect's collections, so no worker loads
them again."""

from prefect.plugins import load_prefect_collections

from . import flows  # noqa: F401  (the tasks the workers run, and all they import)
from .ingest import warm_up

warm_up()
# Prefect imports the packages of its `prefect.collections` entry points when a worker's first
# task enters its flow's context: prefect-dask (extra `dask`) and with it Dask's `distributed`,
# 0.5 s of a worker's CPU per flow run.
load_prefect_collections()
