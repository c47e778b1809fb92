"""The relay: an export whose message was lost is sent again, once, and one that waited too long fails."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select, text

from chalicelib.db import transaction
from chalicelib.exports.pipeline import relay, request, tasks
from chalicelib.models import ExportTask
from tests.functional.export_helpers import (
    drain,
    read_task,
    run_worker,
    sqs_client,
    start_export,
    task_url_of,
    the_task,
)

pytestmark = pytest.mark.usefixtures("export_queue")

EXPIRED = "The export waited too long to start and was abandoned. Please ask for it again."


def lost_request(client, stack, token: str, event: str) -> str:
    """An export whose request died after committing its task, before sending the message."""
    task_url = task_url_of(start_export(client, token, event))
    assert drain(stack.queue_url) == 1
    return task_url


def age(updated: str, created: str | None = None) -> None:
    """Make every task look untouched for ``updated`` (and asked for ``created`` ago), as SQL intervals."""
    with transaction() as session:
        session.execute(
            text("UPDATE export_tasks SET updated_at = now() - CAST(:u AS interval), created_at = now() - CAST(:c AS interval)"),
            {"u": updated, "c": created or updated},
        )  # fmt: skip


def run_relay(client) -> None:
    event = client.events.generate_cw_event("aws.events", "Scheduled Event", {}, [])
    client.lambda_.invoke("export_requeue", event)


def queued_task_ids(stack) -> list[uuid.UUID]:
    """The tasks named by the messages in the export queue (which this empties)."""
    sqs, named = sqs_client(), []
    while messages := sqs.receive_message(QueueUrl=stack.queue_url, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            named.append(tasks.named_by(message["Body"]))
            sqs.delete_message(QueueUrl=stack.queue_url, ReceiptHandle=message["ReceiptHandle"])
    return named


def test_lost_request_is_sent_again_after_the_threshold_and_the_export_completes(client, stack, one_order_event):
    event, token = one_order_event
    task_url = lost_request(client, stack, token, event.identifier)
    age("11 minutes")

    run_relay(client)

    assert run_worker(client, stack) == 1
    task = read_task(client, token, task_url)
    assert (task["state"], task["attempts"], task["result"]["row_count"]) == ("SUCCESS", 1, 1)


def test_every_lost_request_gets_exactly_one_message(client, stack, one_order_event):
    event, token = one_order_event
    for _ in range(12):  # more than one SendMessageBatch of ten
        lost_request(client, stack, token, event.identifier)
    age("11 minutes")

    run_relay(client)

    with transaction() as session:
        ids = set(session.scalars(select(ExportTask.id)))
    sent = queued_task_ids(stack)
    assert sorted(sent) == sorted(ids) and len(ids) == 12


def test_recent_waiting_task_is_not_sent_again(client, stack, one_order_event):
    event, token = one_order_event
    task_url = lost_request(client, stack, token, event.identifier)
    age("5 minutes")

    run_relay(client)

    assert queued_task_ids(stack) == []
    assert read_task(client, token, task_url)["state"] == "WAITING"


def started(client, stack) -> None:
    with transaction() as session:
        assert tasks.claim(session, the_task().id) is not None


def succeeded(client, stack) -> None:
    run_worker(client, stack)


def failed(client, stack) -> None:
    with transaction() as session:
        assert tasks.fail(session, the_task().id, "The event was deleted before its export could run")


def released(client, stack) -> None:
    """Back to WAITING after a retryable crash: its own message comes back after the visibility timeout."""
    with transaction() as session:
        claim = tasks.claim(session, the_task().id)
        assert claim is not None and tasks.release(session, claim)


@pytest.mark.parametrize(
    ("move", "state"),
    [(started, "STARTED"), (succeeded, "SUCCESS"), (failed, "FAILURE"), (released, "WAITING")],
    ids=["started", "success", "failure", "released-after-a-crash"],
)
def test_task_that_was_claimed_is_not_sent_again(client, stack, one_order_event, move, state):
    event, token = one_order_event
    task_url_of(start_export(client, token, event.identifier))
    move(client, stack)
    drain(stack.queue_url)
    age("1 hour")
    before = the_task()

    run_relay(client)

    after = the_task()
    assert queued_task_ids(stack) == []
    assert (after.state, after.updated_at) == (state, before.updated_at)


def test_overlapping_runs_send_one_message(client, stack, one_order_event):
    event, token = one_order_event
    lost_request(client, stack, token, event.identifier)
    age("11 minutes")

    with transaction() as session:  # the first run has taken the task and not committed yet
        first = relay.take_lost(session)
        run_relay(client)  # the second run
        assert queued_task_ids(stack) == []
    request.send(first)
    run_relay(client)  # and a third, after the first committed

    assert queued_task_ids(stack) == [the_task().id]


def test_task_older_than_the_queue_retention_fails_and_is_not_sent(client, stack, one_order_event):
    event, token = one_order_event
    task_url = lost_request(client, stack, token, event.identifier)
    age("4 days 1 hour")

    run_relay(client)

    task = read_task(client, token, task_url)
    assert (task["state"], task["result"]["error"]) == ("FAILURE", EXPIRED)
    assert task["finished_at"] is not None
    assert queued_task_ids(stack) == []


def test_lost_request_just_inside_the_queue_retention_is_sent_again(client, stack, one_order_event):
    event, token = one_order_event
    task_url = lost_request(client, stack, token, event.identifier)
    age("11 minutes", created="3 days 23 hours")

    run_relay(client)

    assert queued_task_ids(stack) == [the_task().id]
    assert read_task(client, token, task_url)["state"] == "WAITING"


def test_relay_run_reports_what_it_did(client, stack, one_order_event):
    event, token = one_order_event
    lost_request(client, stack, token, event.identifier)
    age("11 minutes")

    outcome = relay.run()

    assert outcome == relay.Outcome(requeued=1, refused=0, expired=0)
