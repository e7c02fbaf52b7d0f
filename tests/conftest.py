"""Shared fixtures: paths to the shared corpus, one segmenter per session."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
SHARED = REPO.parent / "shared"
SEEDS = REPO / "corpus" / "seeds"


def shared_path(*parts) -> Path:
    """A file under ../shared; the test is skipped where it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return path


@pytest.fixture(scope="session")
def segmenter():
    from pipeline.text.nlp import Segmenter

    return Segmenter()


@pytest.fixture
def analyze(segmenter):
    from extractors import AnalyzedDocument

    def build(text: str, published_date: str | None = "2021-01-15") -> AnalyzedDocument:
        return AnalyzedDocument(text, segmenter, published_date)

    return build


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory):
    """The bundled corpus ingested once into a real SQLite file; tests only read it."""
    from pipeline.ingest.steps import ingest
    from pipeline.ingest.files import discover

    db_path = tmp_path_factory.mktemp("bundled") / "directives.db"
    ingest(discover(), db_path)
    return db_path
