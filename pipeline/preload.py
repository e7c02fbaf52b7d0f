"""What the process pool's fork server loads before its workers fork (pipeline.ingest.workers): the
flows' tasks, the models every document needs and Prefect's collections, so no worker loads
them again."""

from prefect.plugins import load_prefect_collections

from extractors import AnalyzedDocument, extract
from pipeline import flows  # noqa: F401  (the tasks the workers run, and all they import)
from pipeline.ingest.steps import segmenter

extract(AnalyzedDocument("Sở Tài chính chủ trì, giải ngân đạt 95% trước ngày 30/11/2021.", segmenter(), "2021-01-01"))
# Prefect imports the packages of its `prefect.collections` entry points when a worker's first
# task enters its flow's context: prefect-dask (extra `dask`) and with it Dask's `distributed`,
# which every worker would otherwise import again in every flow run.
load_prefect_collections()
