"""`triage demo`: a newcomer's first command. Starts everything on the embedded default,
triages a posted inquiry quickly, and stops every process it started on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {timeout} s")


def children_of(pid: int) -> list[int]:
    result = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(p) for p in result.stdout.split()]


def test_demo_runs_triages_and_stops_cleanly(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRIAGE_")}
    env["TRIAGE_HOME"] = str(tmp_path / "home")
    log_path = tmp_path / "demo.log"
    log_file = log_path.open("w")
    demo = subprocess.Popen(
        [sys.executable, "-m", "triage.cli.main", "demo", "--port", str(port)],
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/readyz", timeout=60)
        workers = children_of(demo.pid)
        assert len(workers) >= 2  # one worker per queue (plus the embedded Redis server)

        # Give the workers time to load the model before timing the triage.
        time.sleep(3)
        accepted = httpx.post(
            f"{base}/api/v1/inquiries",
            json={"text": "家が倒壊して下敷きになっている人がいます"},
            timeout=5,
        )
        assert accepted.status_code == 202
        status_url = accepted.json()["status_url"]
        assert status_url.startswith(base)
        deadline = time.monotonic() + 10
        view = {}
        while time.monotonic() < deadline:
            view = httpx.get(status_url, headers={"Accept": "application/json"}, timeout=5).json()
            if view["route"]:
                break
            time.sleep(0.1)
        assert view["route"] == "urgent"
    finally:
        demo.send_signal(signal.SIGTERM)
        try:
            demo.wait(timeout=30)
        except subprocess.TimeoutExpired:
            demo.kill()
            raise AssertionError(f"demo did not stop on SIGTERM:\n{log_path.read_text()}") from None
        finally:
            log_file.close()
    output = log_path.read_text()
    assert demo.returncode == 0, output
    assert "demo staff" in output and "/console" in output
    for pid in workers:
        assert (
            not Path(f"/proc/{pid}").exists()
            or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
        )
