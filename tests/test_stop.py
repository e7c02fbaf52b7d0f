"""Stopping a run as cron, systemd and `timeout` do (SIGTERM) stops the temporary Prefect
server it started, instead of leaving it running and taking CPU."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from conftest import REPO, SEEDS

PROC = Path("/proc")


def _stat(pid: int | str) -> list[str] | None:
    """/proc/<pid>/stat after the name: state, ppid, ...; None once the process is gone."""
    try:
        return (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _children(pid: int) -> list[int]:
    """Live processes whose parent is `pid`."""
    return [
        int(path.parent.name)
        for path in PROC.glob("[0-9]*/stat")
        if (fields := _stat(path.parent.name)) and fields[0] != "Z" and int(fields[1]) == pid
    ]


def _command(pid: int) -> list[str]:
    try:
        return (PROC / str(pid) / "cmdline").read_text().split("\0")
    except OSError:
        return []


def _alive(pid: int) -> bool:
    fields = _stat(pid)
    return fields is not None and fields[0] != "Z"


def _until(found, seconds: float, what: str, run: subprocess.Popen | None = None):
    """`found()` once it is true; a failure after `seconds`, or as soon as `run` ends."""
    deadline = time.monotonic() + seconds
    while not (value := found()):
        if run is not None and run.poll() is not None and run.stderr is not None:
            pytest.fail(f"the run ended (exit code {run.returncode}) before any {what}: {run.stderr.read()[-2000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} within {seconds} s")
        time.sleep(0.2)
    return value


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.mark.skipif(not (PROC / "self" / "stat").exists(), reason="reads processes from /proc")
def test_sigterm_stops_the_temporary_prefect_server(tmp_path):
    corpus, env = _busy_corpus_and_env(tmp_path)  # enough to keep two workers busy past the server's start
    run = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from pipeline.cli import main; main()",
            "ingest",
            str(corpus),
            "--db",
            str(tmp_path / "seeds.db"),
            "--workers",
            "2",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    server = None
    try:
        server = _until(
            lambda: next((pid for pid in _children(run.pid) if "uvicorn" in _command(pid)), None),
            120,
            "Prefect server started",
            run,
        )
        command = _command(server)
        port = command[command.index("--port") + 1]
        _until(lambda: _answers(f"http://127.0.0.1:{port}/api/health"), 120, "answer from the Prefect server", run)
        run.send_signal(signal.SIGTERM)
        _, errors = run.communicate(timeout=60)
        assert run.returncode == 128 + signal.SIGTERM, errors
        _until(lambda: not _alive(server), 10, "end of the Prefect server")
    finally:  # whatever failed, leave no process behind
        if run.poll() is None:
            run.kill()
        if server and _alive(server):
            os.kill(server, signal.SIGKILL)


def _main_with(cli_body: str) -> subprocess.CompletedProcess:
    """`app.main()` in a process of its own, with the command group replaced by `cli_body`,
    a function of `standalone_mode` defined in Python source."""
    script = f"import os, signal\nfrom pipeline.cli import app\n{cli_body}app.cli = cli\napp.main()\n"
    return subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_sigterm_exits_143_when_a_library_wraps_the_exit():
    """SIGTERM arriving inside library code that turns the handler's SystemExit into an error
    of its own (pydantic's serializer does, while Prefect copies its settings) still exits 143,
    without a traceback."""
    run = _main_with(
        "def cli(standalone_mode):\n"
        "    try:\n"
        "        os.kill(os.getpid(), signal.SIGTERM)\n"
        "    except BaseException as stop:\n"
        "        raise RuntimeError(f'Error calling function: {stop!r}') from stop\n"
    )
    assert (run.returncode, run.stderr) == (128 + signal.SIGTERM, "")


def test_an_error_without_a_stop_is_still_raised():
    """Only a stop turns an error into exit code 143: any other error keeps its traceback."""
    run = _main_with("def cli(standalone_mode):\n    raise RuntimeError('a real error')\n")
    assert run.returncode == 1
    assert run.stderr.splitlines()[-1] == "RuntimeError: a real error"


def _descendants(pid: int) -> dict[int, str]:
    """Live descendants of `pid`, by pid, with their start time (/proc stat field 22), which
    tells a process from a later one given the same pid."""
    parents = {}
    for path in PROC.glob("[0-9]*/stat"):
        fields = _stat(path.parent.name)
        if fields and fields[0] != "Z":
            parents[int(path.parent.name)] = (int(fields[1]), fields[19])
    found, frontier = {}, [pid]
    while frontier:
        parent = frontier.pop()
        for child, (ppid, started) in parents.items():
            if ppid == parent and child not in found:
                found[child] = started
                frontier.append(child)
    return found


def _still_running(processes: dict[int, str]) -> list[int]:
    return [
        pid
        for pid, started in processes.items()
        if (fields := _stat(pid)) is not None and fields[0] != "Z" and fields[19] == started
    ]


@pytest.mark.skipif(not (PROC / "self" / "stat").exists(), reason="reads processes from /proc")
def test_sigkill_leaves_no_child_process_and_the_next_run_starts_cleanly(tmp_path):
    """kill -9 of `directives ingest --workers 2` while its workers extract: the Prefect server,
    the fork server, its workers and their document processes all end within seconds (each
    has a parent-death signal or watches its parent), and the next run on the database works."""
    corpus, env = _busy_corpus_and_env(tmp_path)
    command = [sys.executable, "-c", "from pipeline.cli import main; main()", "ingest"]
    db = tmp_path / "seeds.db"
    run = subprocess.Popen(
        [*command, str(corpus), "--db", str(db), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    children = {}
    try:

        def busy() -> bool:  # the server, the fork server and both workers, each with a document process
            children.update(_descendants(run.pid))
            commands = [" ".join(_command(pid)) for pid in children if _alive(pid)]
            return sum("uvicorn" in c for c in commands) == 1 and sum("forkserver" in c for c in commands) >= 5

        _until(busy, 180, "busy workers", run)
        run.kill()
        run.wait()
        started = time.monotonic()
        _until(lambda: not _still_running(children), 15, "end of every child process")
        print(f"\n{len(children)} child processes ended {time.monotonic() - started:.2f} s after SIGKILL")
    finally:  # whatever failed, leave no process behind
        if run.poll() is None:
            run.kill()
        for pid in _still_running(children):
            os.kill(pid, signal.SIGKILL)
    again = subprocess.run(
        [*command, str(SEEDS / "000_21784c90663ce49a.txt"), "--db", str(db)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr[-2000:]
    assert "In the database:" in again.stdout


def _busy_corpus_and_env(tmp_path):
    """80 copies of each seed, and an environment with a Prefect home of the test's own."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for copy in range(80):
        for seed in SEEDS.glob("*.txt"):
            (corpus / f"{copy:02d}-{seed.name}").write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_SERVER_ANALYTICS_ENABLED="false", PYTHONPATH=str(REPO))
    return corpus, env
