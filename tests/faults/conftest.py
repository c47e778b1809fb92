"""A stack of its own for the fault tests, and real worker processes to break.

The fault tests stop PostgreSQL, cut S3 off and kill workers, so they get a PostgreSQL cluster and a
moto server nobody else uses. The workers are ``make worker`` processes (``devtools.worker``, with
the paced test format), started with the recovery delays scaled down by configuration:

| setting | production | here |
|---|---|---|
| ``EXPORT_HEARTBEAT_SECONDS`` (a silent STARTED task is abandoned) | 120 | 4 |
| relay period (``export_requeue``'s rate; ``--relay-every``) | 60 | 1 |
| ``EXPORT_RETRY_DELAY_SECONDS`` (first hand-back delay) | 10 | 1, or 10 where a test says so |

The queue's visibility timeout stays the local 960 s: no recovery may wait for it.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from sqlalchemy import select

from devtools.localaws import FAKE_CREDENTIALS
from tests.conftest import REPO, TEST_ENVIRONMENT, reset_process_state
from tests.faults import paced_format

HEARTBEAT_SECONDS = 4
RELAY_EVERY_SECONDS = 1
RETRY_DELAY_SECONDS = 1
EXPORT_SECONDS = 4
# What a loaded 2-core machine adds to any recovery: process start, connection pools, long polls.
SLACK_SECONDS = 10


@dataclass(frozen=True)
class FaultStack:
    pgdata: Path
    database_url: str
    aws_endpoint: str
    moto_port: int
    bucket: str
    queue_url: str
    dead_letter_queue_url: str
    environment: dict[str, str]  # what points a process at this stack

    def worker_environment(self, **overrides: str) -> dict[str, str]:
        environment = {
            **os.environ,
            **self.environment,
            "EXPORT_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS),
            "EXPORT_RETRY_DELAY_SECONDS": str(RETRY_DELAY_SECONDS),
            "FAULTS_EXPORT_SECONDS": str(EXPORT_SECONDS),
        }
        environment.pop("AWS_ENDPOINT_URL_S3", None)
        return {**environment, **overrides}


@contextmanager
def environment_of(variables: dict[str, str]) -> Iterator[None]:
    """This process pointed at other settings for the block (settings, engine and clients made anew)."""
    saved = dict(os.environ)
    os.environ.update(variables)
    reset_process_state()
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        reset_process_state()


@pytest.fixture(scope="package")
def fault_stack() -> Iterator[FaultStack]:
    """PostgreSQL and moto of their own, migrated and provisioned; the environment is only changed
    while a test that asks for ``clean_stack`` runs."""
    from chalicelib import migrate
    from chalicelib.db import get_engine
    from devtools.localaws import provision, start_moto
    from devtools.postgres import create_scratch_database, drop_database, embedded_server_url

    digest = hashlib.sha256(str(REPO).encode()).hexdigest()[:8]
    pgdata = Path(tempfile.gettempdir()) / f"oes-faults-pg-{digest}"
    database_url = create_scratch_database(embedded_server_url(pgdata, durable=False), prefix="oes_faults")
    moto, endpoint = start_moto()
    variables = {**TEST_ENVIRONMENT, **FAKE_CREDENTIALS, "AWS_ENDPOINT_URL": endpoint, "DATABASE_URL": database_url}
    with environment_of(variables):
        resources = provision()
        variables.update(resources.environment())
        migrate.run(get_engine(), "upgrade")
        get_engine().dispose()
    try:
        yield FaultStack(
            pgdata=pgdata,
            database_url=database_url,
            aws_endpoint=endpoint,
            moto_port=int(endpoint.rsplit(":", 1)[1]),
            bucket=resources.bucket,
            queue_url=resources.queue_url,
            dead_letter_queue_url=resources.dead_letter_queue_url,
            environment=variables,
        )
    finally:
        drop_database(database_url)
        moto.stop()


@pytest.fixture
def clean_stack(fault_stack: FaultStack) -> Iterator[FaultStack]:
    """The fault stack for one test, with empty tables, queues and bucket and the paced format
    registered. Not autouse, and the environment is restored after each test: HTTP-side fault tests
    in this folder use the ordinary stack. The queues are made anew: an earlier test's killed
    attempt leaves its message in flight, and moto purges once a minute only."""
    from chalicelib.exports.formats.registry import FORMATS
    from devtools.localaws import provision
    from tests.conftest import empty_tables

    with environment_of(fault_stack.environment):
        empty_tables()
        sqs, s3 = boto3.client("sqs"), boto3.client("s3")
        for url in (fault_stack.queue_url, fault_stack.dead_letter_queue_url):
            sqs.delete_queue(QueueUrl=url)
        assert provision().queue_url == fault_stack.queue_url
        for key, upload_id in incomplete_uploads(fault_stack):
            s3.abort_multipart_upload(Bucket=fault_stack.bucket, Key=key, UploadId=upload_id)
        for key in object_keys(fault_stack):
            s3.delete_object(Bucket=fault_stack.bucket, Key=key)
        paced_format.register()
        try:
            yield fault_stack
        finally:
            FORMATS.pop(paced_format.NAME, None)


class Worker:
    """One ``make worker`` process (the export queue, the dead letters and, unless told, the relay)."""

    def __init__(self, stack: FaultStack, log: Path, *, relay: bool = True, **environment: str) -> None:
        self.log_path = log
        command = [sys.executable, "-m", "tests.faults.worker_process"]
        command += ["--relay-every", str(RELAY_EVERY_SECONDS if relay else 0)]
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                command, cwd=REPO, env=stack.worker_environment(**environment), stdout=output, stderr=output
            )

    def wait_until_serving(self) -> None:
        wait_for(lambda: "serving" in self.log() or self.process.poll() is not None, 60, "the worker to start")
        assert self.process.poll() is None, self.log()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        """SIGKILL: no code of ours runs on the way out, as with a Lambda timeout or an OOM kill."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def start_workers(clean_stack: FaultStack, tmp_path: Path) -> Iterator[Callable[..., list[Worker]]]:
    """``start_workers(count, **options)`` starts that many worker processes at once and returns them
    when they serve; all stop (SIGTERM, as ``make worker`` is stopped) after the test."""
    workers: list[Worker] = []

    def start(count: int = 1, **options: Any) -> list[Worker]:
        started = [
            Worker(clean_stack, tmp_path / f"worker-{len(workers) + n + 1}.log", **options) for n in range(count)
        ]
        workers.extend(started)
        for worker in started:
            worker.wait_until_serving()
        return started

    yield start
    running = [worker.process for worker in workers if worker.process.poll() is None]
    for process in running:
        process.send_signal(signal.SIGTERM)
    for process in running:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def running_attempt(workers: list[Worker], task_id: uuid.UUID, attempt: int = 1) -> Worker:
    """The worker process that started ``attempt`` of the task (it says so in its log)."""
    line = f"task {task_id}, attempt {attempt}: started"
    wait_for(lambda: any(line in worker.log() for worker in workers), 30, f"attempt {attempt} to start")
    return next(worker for worker in workers if line in worker.log())


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> float:
    """Poll ``condition`` (an error counts as not yet: the database may be down) until it holds;
    returns the seconds it took, or fails naming ``what``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if condition():
                return time.monotonic() - started
        except Exception:
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


def ask_export(factory: Any) -> uuid.UUID:
    """An organizer asks for the paced export of a new event, through the request path of the API."""
    from chalicelib.db import transaction
    from chalicelib.exports.pipeline import request
    from chalicelib.models import User

    event = factory.event(identifier=f"faults-{uuid.uuid4().hex[:8]}")
    organizer = factory.staff(event)
    with transaction() as session:
        task_id = request.request_export(
            session, session, session.get(User, organizer.id), event.identifier, "paced", {}
        )
    request.enqueue(task_id)
    return task_id


def task(task_id: uuid.UUID) -> Any:
    from chalicelib.db import transaction
    from chalicelib.models import ExportTask

    with transaction() as session:
        return session.scalars(select(ExportTask).where(ExportTask.id == task_id)).one()


def started_at_progress(task_id: uuid.UUID, percent: int) -> Callable[[], bool]:
    """The condition: the task runs and has reported at least ``percent`` (some parts are in S3)."""
    return lambda: (row := task(task_id)).state == "STARTED" and (row.progress or 0) >= percent


def finished(task_id: uuid.UUID) -> Callable[[], bool]:
    return lambda: task(task_id).state in ("SUCCESS", "FAILURE")


def object_keys(stack: FaultStack, prefix: str = "exports/") -> list[str]:
    pages = boto3.client("s3").get_paginator("list_objects_v2").paginate(Bucket=stack.bucket, Prefix=prefix)
    return [item["Key"] for page in pages for item in page.get("Contents", [])]


def incomplete_uploads(stack: FaultStack) -> list[tuple[str, str]]:
    uploads = boto3.client("s3").list_multipart_uploads(Bucket=stack.bucket).get("Uploads", [])
    return [(upload["Key"], upload["UploadId"]) for upload in uploads]


def queue_depth(url: str) -> int:
    """Messages visible, in flight and delayed."""
    names = [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
    ]
    attributes = boto3.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return sum(int(attributes.get(name, 0)) for name in names)


def assert_complete_file_or_nothing(stack: FaultStack, task_id: uuid.UUID) -> None:
    """A SUCCESS task's object is the whole file and the only one of the task; otherwise there is none;
    and no multipart upload is left (the relay aborts debris within a run or two)."""
    row = task(task_id)
    keys = object_keys(stack, f"exports/{row.event_id}/{task_id}/")
    if row.state == "SUCCESS":
        assert keys == [row.object_key]
        body = boto3.client("s3").get_object(Bucket=stack.bucket, Key=row.object_key)["Body"].read()
        assert hashlib.sha256(body).hexdigest() == paced_format.expected_sha256()
        assert len(body) == row.size_bytes == paced_format.STEPS * paced_format.CHUNK
    else:
        assert keys == []
    wait_for(lambda: not incomplete_uploads(stack), 3 * RELAY_EVERY_SECONDS + SLACK_SECONDS, "no upload left")
