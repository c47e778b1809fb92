"""The local worker of ``make run``: long-polls the real queue and runs the app's own SQS handler."""

from __future__ import annotations

import os
import threading
import time

import pytest

from app import app
from devtools.worker import every, schedule_seconds, serve, sqs_handler, use_export_worker_limits
from tests.functional.export_helpers import (
    read_task,
    start_export,
    task_url_of,
)


def test_local_worker_finds_the_apps_handlers_for_the_export_queue_and_its_dead_letters():
    assert sqs_handler(app, "open-event-exports") == ("export_worker", 1)
    assert sqs_handler(app, "open-event-exports-dlq") == ("export_dead_letters", 10)
    with pytest.raises(LookupError):
        sqs_handler(app, "some-other-queue")


def test_the_local_worker_process_has_the_export_workers_statement_timeout_not_the_apis(monkeypatch):
    """make run and make worker run exports with the limits of the export_worker function: with the
    API's 10 s, the one COPY of a 200,000-order PDF (15 s) was cancelled on every attempt."""
    for name in ("DATABASE_STATEMENT_TIMEOUT_SECONDS", "DATABASE_CONNECT_TIMEOUT_SECONDS"):
        monkeypatch.setenv(name, "")  # restored (removed) after the test
        monkeypatch.delenv(name)

    use_export_worker_limits()

    assert os.environ["DATABASE_STATEMENT_TIMEOUT_SECONDS"] == "540"
    assert os.environ["DATABASE_CONNECT_TIMEOUT_SECONDS"] == "10"


def test_a_statement_timeout_set_for_the_local_stack_wins(monkeypatch):
    monkeypatch.setenv("DATABASE_STATEMENT_TIMEOUT_SECONDS", "30")

    use_export_worker_limits()

    assert os.environ["DATABASE_STATEMENT_TIMEOUT_SECONDS"] == "30"


def test_local_relay_runs_at_the_rate_of_the_apps_schedule_and_stops_when_asked():
    stop = threading.Event()
    relay = threading.Thread(target=every, args=("export_requeue", stop))
    relay.start()

    stop.set()
    relay.join(timeout=10)

    assert schedule_seconds(app, "export_requeue") == 60
    assert not relay.is_alive()
    with pytest.raises(LookupError):
        schedule_seconds(app, "no_such_schedule")


@pytest.mark.usefixtures("export_queue")
def test_local_worker_runs_a_queued_export_and_stops_when_asked(client, stack, factory):
    event = factory.event(identifier="local-run")
    organizer = factory.staff(event)
    factory.order(event, identifier="L-1")
    token = factory.token(organizer)
    task_url = task_url_of(start_export(client, token, event.identifier))
    stop = threading.Event()
    worker = threading.Thread(target=serve, args=(stack.queue_url, stop), kwargs={"wait_seconds": 1})

    worker.start()
    try:
        deadline = time.monotonic() + 30  # a guard against hanging, not a speed requirement
        while read_task(client, token, task_url)["state"] != "SUCCESS" and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop.set()
        worker.join(timeout=10)

    assert read_task(client, token, task_url)["result"]["row_count"] == 1
    assert not worker.is_alive()
