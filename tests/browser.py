"""Headless Chromium for the browser tests: skipped, with the reason, where it is absent."""

import shutil
import subprocess
import tempfile

import pytest

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium; .ci/run installs it)")
    return path


def _run(arguments: list[str]) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [chromium(), *FLAGS, f"--user-data-dir={profile}", *arguments],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )


def dump_dom(url: str) -> str:
    """The page's DOM after it loaded."""
    return _run(["--dump-dom", url]).stdout


def screenshot(url: str, path, width: int, height: int) -> None:
    _run([f"--window-size={width},{height}", f"--screenshot={path}", url])
