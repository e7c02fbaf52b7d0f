"""`directives web`: Datasette metadata from the docs, and pages checked in headless Chromium."""

import json
import socket
import subprocess
import time
import urllib.request

import pytest
import sqlite_utils
from browser import chromium, dump_dom

from pipeline.research import catalog
from pipeline.research import web


def test_metadata_comes_from_the_docs(bundled_db):
    database = web.metadata(bundled_db)["databases"]["directives"]
    tables, queries = database["tables"], database["queries"]
    assert tables["targets_vs_results"]["columns"]["gap"] == "result_value - target_value (negative: short of the target)"
    assert tables["indicators_by_province_year"]["facets"] == ["province", "category", "year", "kind"]
    assert tables["documents"]["description"] == "One row per ingested input (file or URL)."
    assert list(queries) == [q.name for q in catalog.example_queries()]
    assert queries["overdue_as_of"]["title"] == "Which deadlines had already passed on a given day?"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(bundled_db, tmp_path_factory):
    pytest.importorskip("datasette", reason="datasette is not installed (the 'web' extra)")
    chromium()
    metadata = tmp_path_factory.mktemp("web") / "metadata.json"
    metadata.write_text(json.dumps(web.metadata(bundled_db), ensure_ascii=False), encoding="utf-8")
    port = _free_port()
    process = subprocess.Popen(web.command(bundled_db, metadata, port=port), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/-/versions.json", timeout=1)
                break
            except OSError:
                assert process.poll() is None, process.stderr.read()
                time.sleep(0.2)
        yield f"{base}/directives"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_canned_query_page_renders_rows_of_the_bundled_corpus(server):
    page = dump_dom(f"{server}/ntm_targets_2021")
    assert "Which provinces set new-countryside (nông thôn mới) targets for 2021" in page
    assert '<td class="col-name">xã đạt chuẩn nông thôn mới</td>' in page
    assert '<td class="col-province">Lạng Sơn</td>' in page


def test_parameterized_canned_query(server):
    page = dump_dom(f"{server}/overdue_as_of?as_of=2021-01-01")
    assert page.count('<td class="col-end_date">2020-12-31</td>') == 5


def test_view_page_has_descriptions_and_facets(server, bundled_db):
    rows = sqlite_utils.Database(bundled_db).execute("SELECT count(*) FROM indicators").fetchone()[0]
    page = dump_dom(f"{server}/indicators_by_province_year")
    assert "Every indicator with its document's province" in page
    assert 'class="facet-info facet-directives-indicators_by_province_year-province"' in page
    assert "Bắc Kạn" in page and f"{rows} rows" in page
