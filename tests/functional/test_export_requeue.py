"""The relay: an export whose message was lost is sent again, once, and one that waited too long fails."""

from __future__ import annotations

import uuid

import boto3
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
            text("UPDATE serverless.export_tasks SET updated_at = now() - CAST(:u AS interval), created_at = now() - CAST(:c AS interval)"),
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


def started(attempts: int = 1) -> None:
    """The task claimed ``attempts`` times, the last attempt still STARTED."""
    with transaction() as session:
        assert tasks.claim(session, the_task().id) is not None
        session.execute(text("UPDATE serverless.export_tasks SET attempts = :n"), {"n": attempts})


def succeeded(client, stack) -> None:
    run_worker(client, stack)


def failed(client, stack) -> None:
    with transaction() as session:
        assert tasks.fail(session, the_task().id, "The event was deleted before its export could run")


@pytest.mark.parametrize(
    ("move", "state"),
    [(succeeded, "SUCCESS"), (failed, "FAILURE")],
    ids=["success", "failure"],
)
def test_finished_task_is_not_sent_again(client, stack, one_order_event, move, state):
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


def test_started_task_with_a_heartbeat_is_left_to_its_worker(client, stack, one_order_event):
    event, token = one_order_event
    lost_request(client, stack, token, event.identifier)
    started()
    age("1 minute")

    outcome = relay.run()

    assert queued_task_ids(stack) == []
    assert (outcome.taken_over, the_task().state) == (0, "STARTED")  # the API shows it as WAITING


def test_started_task_without_a_heartbeat_is_taken_over_and_completes(client, stack, one_order_event):
    event, token = one_order_event
    task_url = lost_request(client, stack, token, event.identifier)
    started()
    age("3 minutes")  # the worker died: no progress for longer than EXPORT_HEARTBEAT_SECONDS (120)

    outcome = relay.run()

    assert (outcome.taken_over, outcome.requeued) == (1, 1)
    waiting = read_task(client, token, task_url)
    assert (waiting["state"], waiting["attempts"]) == ("WAITING", 1)
    assert run_worker(client, stack) == 1
    task = read_task(client, token, task_url)
    assert (task["state"], task["attempts"], task["result"]["row_count"]) == ("SUCCESS", 2, 1)


def test_started_task_without_a_heartbeat_on_its_last_attempt_fails_with_a_reason(client, stack, one_order_event):
    event, token = one_order_event
    task_url = lost_request(client, stack, token, event.identifier)
    started(attempts=3)
    age("3 minutes")

    outcome = relay.run()

    task = read_task(client, token, task_url)
    assert (task["state"], task["result"]["error"]) == ("FAILURE", tasks.GAVE_UP.format(attempts=3))
    assert (outcome.gave_up, queued_task_ids(stack)) == (1, [])


def test_released_task_whose_message_is_lost_is_sent_again(client, stack, one_order_event):
    event, token = one_order_event
    lost_request(client, stack, token, event.identifier)
    with transaction() as session:  # a crash handed the task back, and its message was lost
        claim = tasks.claim(session, the_task().id)
        assert claim is not None and tasks.release(session, claim)
    age("11 minutes")

    relay.run()

    assert queued_task_ids(stack) == [the_task().id]


def test_relay_aborts_the_uploads_of_attempts_that_are_gone_and_keeps_the_live_ones(client, stack, one_order_event):
    event, token = one_order_event
    lost_request(client, stack, token, event.identifier)
    started()  # a live attempt (fresh heartbeat) is writing this one
    s3 = boto3.client("s3")
    live_key = f"exports/{event.id}/{the_task().id}/attempt-2/file.csv"
    keys = [f"exports/{event.id}/{uuid.uuid4()}/attempt-1/file.csv", "exports/not-a-task.csv", live_key]
    uploads = {key: s3.create_multipart_upload(Bucket=stack.bucket, Key=key)["UploadId"] for key in keys}

    outcome = relay.run()

    left = {u["Key"] for u in s3.list_multipart_uploads(Bucket=stack.bucket, Prefix="exports/").get("Uploads", [])}
    s3.abort_multipart_upload(Bucket=stack.bucket, Key=live_key, UploadId=uploads[live_key])
    assert (outcome.aborted_uploads, left) == (2, {live_key})
