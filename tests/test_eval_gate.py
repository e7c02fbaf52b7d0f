"""Quality gate: extraction scores on the dev gold must not fall below pinned floors.

The floors in eval_baseline.json are raised when rules improve and never lowered
silently: the baseline records a hash of the gold files, so a changed gold set fails
here until the baseline is updated on purpose (with the reason in the commit).
"""

import hashlib
import json
from pathlib import Path

import pytest
from conftest import REPO, shared_path

from pipeline.ingest.files import discover
from pipeline.ingest.steps import ingest
from pipeline.research.evaluate import evaluate

GOLD = Path(__file__).parent / "gold"
GOLD_DOCUMENTS = Path(__file__).parent / "fixtures" / "gold_docs"
BASELINE = json.loads((Path(__file__).parent / "eval_baseline.json").read_text(encoding="utf-8"))


def gold_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(GOLD.glob("*.json")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    corpus = shared_path("corpus")
    gold_stems = {path.stem for path in GOLD.glob("*.json")}
    folders = [corpus / "real", corpus / "fresh", GOLD_DOCUMENTS]  # GOLD_DOCUMENTS: annotated, not in ../shared
    documents = [path for folder in folders for path in sorted(folder.iterdir()) if path.stem in gold_stems]
    db_path = tmp_path_factory.mktemp("gate") / "gate.db"
    ingest(discover([REPO / "corpus", *documents]), db_path)
    return evaluate(GOLD, db_path)


def test_gold_is_the_one_the_floors_were_set_on():
    assert gold_digest() == BASELINE["gold_sha256"], "gold changed: re-evaluate and update eval_baseline.json"


def test_every_gold_document_was_ingested(report):
    assert report.missing_documents == []


@pytest.mark.parametrize("category", ["tasks", "indicators", "deadlines", "citations"])
def test_f1_floor(report, category):
    assert report.scores[category].f1 >= BASELINE["f1_floors"][category]


def test_comparator_floor(report):
    assert report.comparator_right / report.comparator_total >= BASELINE["comparator_floor"]


def test_names_floor(report):
    assert report.names_right >= BASELINE["names_floor"]


def test_value_unit_floor(report):
    assert report.value_unit.f1 >= BASELINE["value_unit_floor"]


@pytest.mark.parametrize("field", ["published_date", "province"])
def test_metadata_right_on_every_document(report, field):
    wrong = [(name, got, want) for name, ok, got, want in report.metadata[field] if not ok]
    assert wrong == []
