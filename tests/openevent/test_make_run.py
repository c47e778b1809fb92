"""``make run`` against an OES database: it serves that database, writes nothing into it (no demo
data, no schema of ours), and keeps its own state in its embedded PostgreSQL."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.faults.conftest import wait_for
from tests.faults.test_local_stack import FOREIGN, free_port, start
from tests.openevent.conftest import OpenEventDatabase
from tests.openevent.test_task_flow import row_counts

pytestmark = pytest.mark.openevent


def get(url: str, token: str) -> Any:
    request = urllib.request.Request(url, headers={"Authorization": f"JWT {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture
def local_dir() -> Iterator[Path]:
    """``make run``'s own folder, not under pytest's shared temporary root (pytest sessions of other
    checkouts of the same user prune it)."""
    folder = Path(tempfile.mkdtemp(prefix="oes-make-run-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_make_run_serves_the_oes_database_without_writing_into_it(
    open_event_database: OpenEventDatabase, tokens: dict[str, str], local_dir: Path
) -> None:
    port = free_port()
    environment = {key: value for key, value in os.environ.items() if key not in FOREIGN}
    environment.update(
        OES_LOCAL_DIR=str(local_dir / "local"),
        PORT=str(port),
        MOTO_PORT=str(free_port()),
        OPEN_EVENT_DATABASE_URL=open_event_database.reader_url,
        JWT_SECRET=os.environ["JWT_SECRET"],  # the tokens' secret: OES's, shared
    )
    before = row_counts(open_event_database.owner_url)
    log = local_dir / "stack.log"
    stack = start([sys.executable, "-m", "devtools.stack"], environment, log)
    try:
        wait_for(lambda: "is running on" in log.read_text() or stack.poll() is not None, 120, "make run")
        assert stack.poll() is None, log.read_text()
        base = f"http://127.0.0.1:{port}/v1"
        answer = get(f"{base}/events/{open_event_database.event.identifier}/export/orders/csv", tokens["owner"])
        task = f"http://127.0.0.1:{port}{answer['task_url']}"
        wait_for(lambda: get(task, tokens["owner"])["state"] == "SUCCESS", 120, "the export")
    finally:
        stack.send_signal(signal.SIGTERM)
        stack.wait(timeout=60)

    assert "Open Event mode" in log.read_text()
    assert row_counts(open_event_database.owner_url) == before
