"""What every benchmark shares: a byte-counting sink, a process's own peak RSS, running a
measurement in a child process (so that one measurement's memory never inflates another's), and
the child that runs one export task through the app's worker (``python -m devtools.benchkit <task id>``)."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
import uuid
from typing import Any


class CountingSink:
    """A binary stream that keeps only the number of bytes written to it."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM). Not ``ru_maxrss``: Linux carries it over from the parent
    across fork and exec, so a child of a big parent (moto's stored files) reports the parent's peak."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux only


def run_child(module: str, *args: str) -> dict[str, Any]:
    """Run ``python -m module args...``; its last stdout line is a JSON object of figures."""
    command = [sys.executable, "-m", module, *args]
    child = subprocess.run(command, capture_output=True, text=True, check=False, env=dict(os.environ))
    if child.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{child.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
    return result


def run_task(task_id: uuid.UUID) -> tuple[dict[str, Any], int, int]:
    """Run the export task in a child worker (``deliver_task``); its figures, and the finished task's
    row count and file size. The task must end SUCCESS."""
    from chalicelib.db import transaction
    from chalicelib.models import ExportTask

    child = run_child("devtools.benchkit", str(task_id))
    with transaction() as session:
        task = session.get(ExportTask, task_id)
        assert task is not None and task.state == "SUCCESS", task and task.error
        return child, task.row_count or 0, task.size_bytes or 0


def _warm_up(task_id: uuid.UUID) -> None:
    """What a reused Lambda container already has: modules imported, clients built, a connection open."""
    from chalicelib import aws, db
    from chalicelib.exports.formats.registry import get_format
    from chalicelib.exports.pipeline import worker  # noqa: F401
    from chalicelib.models import ExportTask

    with db.transaction() as session:
        task = session.get(ExportTask, task_id)
        assert task is not None
        get_format(task.format).renderer()  # imports the renderer's module, whatever its kind
    aws.s3(), aws.sqs()
    db.get_engine().connect().close()


def deliver_task(task_id: str) -> None:
    """Deliver one message for ``task_id`` to the app's SQS handler, exactly as Lambda would, warm;
    print the wall time and this process's peak RSS."""
    from app import app
    from devtools.worker import lambda_event

    _warm_up(uuid.UUID(task_id))
    message = {
        "MessageId": str(uuid.uuid4()),
        "ReceiptHandle": "bench",
        "Body": json.dumps({"task_id": task_id}),
        "Attributes": {"ApproximateReceiveCount": "1"},
        "MD5OfBody": "",
    }
    event = lambda_event([message], "arn:aws:sqs:us-east-1:123456789012:open-event-exports", "us-east-1")
    started = time.perf_counter()
    app.handler_map["export_worker"](event, None)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak_rss_mb": round(peak_rss_mb(), 1)}))


if __name__ == "__main__":
    deliver_task(sys.argv[1])
