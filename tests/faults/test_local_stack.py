"""``make run`` stopped by SIGTERM (a process manager, ``kill``) or Ctrl-C stops everything it
started, its embedded PostgreSQL included; ``make worker`` serves the queues of a running stack."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from devtools.postgres import embedded_server_running
from tests.conftest import REPO
from tests.faults.conftest import wait_for

# Whatever points a process at another stack: the child must start (and stop) its own.
FOREIGN = ("DATABASE_URL", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "EXPORT_QUEUE_URL", "EXPORT_BUCKET", "KMS_KEY_ID")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def local_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("local-stack")  # one data folder: the second run reuses its cluster


def servers_on(pgdata: Path) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["cmdline"]):
        if str(pgdata) in " ".join(process.info["cmdline"] or []):
            found.append(process)
    return found


def start(command: list[str], environment: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        return subprocess.Popen(command, cwd=REPO, env=environment, stdout=output, stderr=output)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
def test_make_run_stopped_by_a_signal_leaves_no_server_and_make_worker_joins_it(local_dir, tmp_path, stop_signal):
    environment = {key: value for key, value in os.environ.items() if key not in FOREIGN}
    environment.update(OES_LOCAL_DIR=str(local_dir), PORT=str(free_port()), MOTO_PORT=str(free_port()))
    pgdata = (local_dir / "pgdata").resolve()
    stack_log, worker_log = tmp_path / "stack.log", tmp_path / "worker.log"
    stack = start([sys.executable, "-m", "devtools.stack"], environment, stack_log)
    try:
        wait_for(lambda: "is running on" in stack_log.read_text() or stack.poll() is not None, 120, "make run")
        assert stack.poll() is None, stack_log.read_text()
        assert embedded_server_running(pgdata)

        worker = start([sys.executable, "-m", "devtools.worker", "--relay-every", "0"], environment, worker_log)
        wait_for(lambda: "serving" in worker_log.read_text() or worker.poll() is not None, 60, "make worker")
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0, worker_log.read_text()

        stack.send_signal(stop_signal)
        status = stack.wait(timeout=60)
    finally:
        if stack.poll() is None:
            stack.kill()

    assert status == 0, stack_log.read_text()
    assert "stopped" in stack_log.read_text()
    assert "Failed to stop server" not in stack_log.read_text()  # the stopped postmaster was reaped
    assert "open-event-exports" in worker_log.read_text()  # it served make run's queue
    assert not embedded_server_running(pgdata)
    assert servers_on(pgdata) == []
