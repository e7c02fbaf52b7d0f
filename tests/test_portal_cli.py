"""`directives ingest --sources`, `directives runs`, the lock between runs, and a run cut short."""

import pytest
import sqlite_utils
from click.testing import CliRunner
from portal_site import serve_portal

from pipeline.cli import cli
from pipeline.portal.fetch import FetchSettings
from pipeline.portal.sources import load_sources
from pipeline.portal.steps import Steps, ingest_sources
from pipeline.store.lock import exclusive

KONTUM = """[[source]]
name = "kontum"
province = "Kon Tum"
sitemaps = ["{url}/kontum/sitemap.xml"]
article_pattern = '/kontum/pages/detail/\\d+/.+\\.html$'
allow_private = true  # the fixture site is on 127.0.0.1
"""


@pytest.fixture
def kontum(tmp_path):
    with serve_portal() as site:
        sources = tmp_path / "sources.toml"
        sources.write_text(KONTUM.format(url=site.url), encoding="utf-8")
        yield sources, tmp_path / "d.db", site


def _ingest(sources, db, *extra):
    return CliRunner().invoke(
        cli,
        [
            "ingest",
            "--sources",
            str(sources),
            "--db",
            str(db),
            "--no-prefect",
            "--delay",
            "0",
            "--timeout",
            "2",
            *extra,
        ],
    )


def test_ingest_sources_then_nothing_new_then_runs(kontum):
    sources, db, site = kontum
    first = _ingest(sources, db)
    assert first.exit_code == 0, first.output
    assert "Portal ingest" in first.output and "Nothing new" not in first.output
    second = _ingest(sources, db)
    assert "Nothing new: no document was added or changed." in second.output
    assert [r.path for r in site.requests[-2:]] == ["/robots.txt", "/kontum/sitemap.xml"]
    listed = CliRunner().invoke(cli, ["runs", "--db", str(db)])
    assert listed.exit_code == 0 and listed.output.count(" kontum ") == 2
    assert [row["new"] for row in sqlite_utils.Database(db).query("SELECT new FROM ingest_runs ORDER BY id")] == [2, 0]


def test_a_second_run_waits_for_the_lock_then_says_why(kontum):
    sources, db, site = kontum
    with exclusive(db):
        result = _ingest(sources, db, "--wait", "0.3")
    assert result.exit_code == 1
    assert f"{db}.lock: another ingest (pid " in result.output and "waited 0.3 s" in result.output
    assert site.requests == []


def test_paths_and_sources_together_are_refused(kontum):
    sources, db, _ = kontum
    result = CliRunner().invoke(cli, ["ingest", str(sources), "--sources", str(sources), "--db", str(db)])
    assert result.exit_code == 2 and "give PATHs or --sources, not both" in result.output


def test_a_run_cut_short_finds_the_same_articles_next_time(kontum):
    sources, db, site = kontum

    def crash(outcomes, db_path):
        raise RuntimeError("disk full")

    [cut] = ingest_sources(load_sources(sources), db, FetchSettings(delay=0), do=Steps(store=crash))
    assert (cut.new, cut.errors) == (0, ["kontum: RuntimeError: disk full"])
    [run] = ingest_sources(load_sources(sources), db, FetchSettings(delay=0))
    assert (run.new, run.failed) == (2, 0)
    sitemap_requests = [r.headers for r in site.requests if r.path == "/kontum/sitemap.xml"]
    assert len(sitemap_requests) == 2 and not any("If-Modified-Since" in h for h in sitemap_requests)
