"""Junk on both queues: every body either names a task or is dropped with one log line, nothing
crashes or comes back, a good message among the junk is handled, and both queues end empty."""

from __future__ import annotations

import json
import uuid

import boto3

from tests.factories import Factory
from tests.faults.conftest import (
    EXPORT_SECONDS,
    SLACK_SECONDS,
    ask_export,
    assert_complete_file_or_nothing,
    finished,
    queue_depth,
    task,
    wait_for,
)

JUNK = [
    "not json",
    "[" * 5000,  # json.loads raises RecursionError
    "[" * 200_000,  # near SQS's 256 KiB limit
    "{" * 5000,
    "9" * 5000,  # an integer longer than Python parses
    '["task_id"]',
    '"task_id"',
    "null",
    '{"task_id": null}',
    '{"task_id": 42}',
    '{"task_id": ["a"]}',
    '{"task_id": "not-a-uuid"}',
    '{"task": "0f9a3e48-5d8f-4a1e-9a58-2b0c3e7f1d2a"}',
    "\u00e9\u4e2d\u6587 \U0001f600 \u202e",
]
GAVE_UP = "The export did not finish after 3 attempts. Please try again, and contact support if it keeps failing."


def waiting_task_without_a_message(factory: Factory) -> uuid.UUID:
    from chalicelib.db import transaction
    from chalicelib.exports.pipeline import request
    from chalicelib.models import User

    event = factory.event(identifier="dead-lettered")
    organizer = factory.staff(event)
    with transaction() as session:
        return request.request_export(session, session, session.get(User, organizer.id), event.identifier, "paced", {})


def test_junk_on_both_queues_is_dropped_once_and_the_good_messages_among_it_are_handled(clean_stack, start_workers):
    (worker,) = start_workers(FAULTS_EXPORT_SECONDS="1")
    factory = Factory()
    dead_lettered = waiting_task_without_a_message(factory)
    sqs = boto3.client("sqs")
    unknown = json.dumps({"task_id": str(uuid.uuid4())})
    for queue in (clean_stack.queue_url, clean_stack.dead_letter_queue_url):
        for body in [*JUNK, unknown]:
            sqs.send_message(QueueUrl=queue, MessageBody=body)
    sqs.send_message(
        QueueUrl=clean_stack.dead_letter_queue_url, MessageBody=json.dumps({"task_id": str(dead_lettered)})
    )
    exported = ask_export(factory)

    wait_for(finished(exported), EXPORT_SECONDS + SLACK_SECONDS, "the good export to finish")
    for queue in (clean_stack.queue_url, clean_stack.dead_letter_queue_url):
        wait_for(lambda queue=queue: queue_depth(queue) == 0, SLACK_SECONDS, "the queues to be empty")

    assert (task(exported).state, task(dead_lettered).state, task(dead_lettered).error) == (
        "SUCCESS",
        "FAILURE",
        GAVE_UP,
    )
    assert_complete_file_or_nothing(clean_stack, exported)
    log = worker.log()
    assert log.count("dropping a message that names no task") == len(JUNK)
    assert log.count("dropping a dead letter that names no task") == len(JUNK)
    assert log.count("which does not exist") == 1 and "is finished, running elsewhere or unknown" in log
    assert "Traceback" not in log and "handler failed" not in log
