"""What the process pool's fork server loads before its workers fork (pipeline.workers): the
flows' tasks and the models every document needs, so no worker loads them again."""

from extractors import AnalyzedDocument, extract

from . import flows  # noqa: F401  (the tasks the workers run, and all they import)
from .ingest import segmenter

extract(AnalyzedDocument("Sở Tài chính chủ trì, giải ngân đạt 95% trước ngày 30/11/2021.", segmenter(), "2021-01-01"))
