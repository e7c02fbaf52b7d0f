"""The benchmark's generated corpus: distinct articles, so the store stage writes every one."""

import itertools
import sys
from pathlib import Path

from pipeline.store import duplicates
from pipeline.parse.dispatch import parse_document

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from throughput import build_corpus  # noqa: E402


def test_generated_articles_are_not_taken_for_reposts_of_each_other(tmp_path):
    paths = build_corpus(tmp_path, 60)
    assert [path.suffix for path in paths[:10]] == [".txt"] * 7 + [".html"] * 2 + [".pdf"]
    texts = {path.name: parse_document(path.read_bytes(), str(path)).text for path in paths}
    articles = [text for name, text in texts.items() if not name.endswith(".pdf")]
    assert all(4000 <= len(text) <= 9000 for text in articles)
    signatures = [duplicates.signature(text) for text in articles]
    assert max(duplicates.similarity(a, b) for a, b in itertools.combinations(signatures, 2)) < 0.5
    assert len({text for name, text in texts.items() if name.endswith(".pdf")}) == 1  # copies of one PDF
