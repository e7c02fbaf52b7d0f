"""What the process pool's fork server loads before its workers fork (pipeline.ingest.workers): the
flows' tasks, the models every document needs and Prefect's collections, so no worker loads
them again."""

from pipeline.lifeline import children_die_with_this_process, die_with_parent

# First, before the imports below take their seconds: the fork server ends with the process that
# started it, and each worker with the fork server, though that process be killed (SIGKILL).
die_with_parent()
children_die_with_this_process()

from prefect.plugins import load_prefect_collections  # noqa: E402

from pipeline import flows  # noqa: F401,E402  (the tasks the workers run, and all they import)
from pipeline.ingest.steps import warm_up  # noqa: E402

warm_up()
# Prefect imports the packages of its `prefect.collections` entry points when a worker's first
# task enters its flow's context: prefect-dask (extra `dask`) and with it Dask's `distributed`,
# which every worker would otherwise import again in every flow run.
load_prefect_collections()
