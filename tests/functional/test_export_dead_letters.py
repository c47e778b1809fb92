"""The dead-letter consumer: an export whose message ran out of deliveries ends as FAILURE, once."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from sqlalchemy import text

from chalicelib.db import transaction
from chalicelib.exports.pipeline import tasks
from devtools.worker import deliver
from tests.functional.export_helpers import (
    deliver_dead_letters,
    read_task,
    run_worker,
    sqs_client,
    start_export,
    task_url_of,
    the_task,
)

pytestmark = pytest.mark.usefixtures("export_queue")

GAVE_UP = "The export did not finish after 3 attempts. Please try again, and contact support if it keeps failing."


def killed_delivery(event: dict[str, Any]) -> None:
    """A delivery whose Lambda claimed the task and was then killed by its timeout: no code of ours ran to the end."""
    (record,) = event["Records"]
    with transaction() as session:
        assert tasks.claim(session, tasks.named_by(record["body"])) is not None
        # Silence since the kill: the next delivery may take the task over.
        session.execute(text("UPDATE serverless.export_tasks SET updated_at = now() - interval '10 minutes'"))
    raise TimeoutError("Task timed out after 600.00 seconds")


def dead_letter(stack, body: str) -> None:
    sqs_client().send_message(QueueUrl=stack.dead_letter_queue_url, MessageBody=body)


def dead_letters_left(stack) -> int:
    attributes = sqs_client().get_queue_attributes(
        QueueUrl=stack.dead_letter_queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return sum(int(count) for count in attributes.values())


def test_task_whose_every_delivery_was_killed_fails_once_its_message_is_dead_lettered(client, stack, one_order_event):
    event, token = one_order_event
    task_url = task_url_of(start_export(client, token, event.identifier))
    while deliver(sqs_client(), stack.queue_url, killed_delivery, retry_visibility=0):
        pass
    task = the_task()
    assert (read_task(client, token, task_url)["state"], task.state, task.attempts) == ("WAITING", "STARTED", 3)

    assert deliver_dead_letters(client, stack) == 1

    task = read_task(client, token, task_url)
    assert task["state"] == "FAILURE"
    assert task["result"]["error"] == GAVE_UP
    assert task["attempts"] == 3
    assert task["finished_at"] is not None
    assert dead_letters_left(stack) == 0


def test_dead_letter_of_a_task_that_never_started_fails_it(client, stack, one_order_event):
    event, token = one_order_event
    task_url = task_url_of(start_export(client, token, event.identifier))
    dead_letter(stack, json.dumps({"task_id": str(the_task().id)}))

    assert deliver_dead_letters(client, stack) == 1

    task = read_task(client, token, task_url)
    assert (task["state"], task["result"]["error"], task["attempts"]) == ("FAILURE", GAVE_UP, 0)


def finish_with_success(client, stack) -> None:
    run_worker(client, stack)


def finish_with_failure(client, stack) -> None:
    with transaction() as session:
        session.execute(text("UPDATE events SET deleted_at = now()"))
    run_worker(client, stack)


@pytest.mark.parametrize(
    ("finish", "state"),
    [(finish_with_success, "SUCCESS"), (finish_with_failure, "FAILURE")],
    ids=["success", "failure"],
)
def test_dead_letter_of_a_finished_task_changes_nothing(client, stack, one_order_event, finish, state):
    event, token = one_order_event
    task_url_of(start_export(client, token, event.identifier))
    finish(client, stack)
    before = the_task()
    assert before.state == state
    dead_letter(stack, json.dumps({"task_id": str(before.id)}))

    assert deliver_dead_letters(client, stack) == 1

    after = the_task()
    assert (after.state, after.error, after.object_key, after.finished_at, after.updated_at) == (
        before.state, before.error, before.object_key, before.finished_at, before.updated_at,
    )  # fmt: skip
    assert dead_letters_left(stack) == 0


def test_dead_letter_delivered_twice_fails_the_task_once(client, stack, one_order_event):
    event, token = one_order_event
    task_url_of(start_export(client, token, event.identifier))
    body = json.dumps({"task_id": str(the_task().id)})
    dead_letter(stack, body)
    assert deliver_dead_letters(client, stack) == 1
    first = the_task()
    dead_letter(stack, body)

    assert deliver_dead_letters(client, stack) == 1

    again = the_task()
    assert (again.state, again.error, again.finished_at, again.updated_at) == (
        "FAILURE", GAVE_UP, first.finished_at, first.updated_at,
    )  # fmt: skip


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        "{}",
        '{"task_id": "not-a-uuid"}',
        '{"task_id": 42}',
        json.dumps({"task_id": str(uuid.uuid4())}),
    ],
    ids=["not-json", "list", "no-task-id", "bad-uuid", "number", "unknown-task"],
)
def test_dead_letter_that_names_no_task_is_consumed_and_the_batch_goes_on(client, stack, one_order_event, body):
    event, token = one_order_event
    task_url = task_url_of(start_export(client, token, event.identifier))
    dead_letter(stack, body)
    dead_letter(stack, json.dumps({"task_id": str(the_task().id)}))

    while deliver_dead_letters(client, stack):
        pass

    assert dead_letters_left(stack) == 0
    assert read_task(client, token, task_url)["state"] == "FAILURE"


def test_dead_letter_that_cannot_be_handled_comes_back_alone(client, stack, one_order_event, monkeypatch):
    event, token = one_order_event
    urls = [task_url_of(start_export(client, token, event.identifier)) for _ in range(2)]
    ids = [uuid.UUID(url.rsplit("/", 1)[-1]) for url in urls]
    for task_id in ids:
        dead_letter(stack, json.dumps({"task_id": str(task_id)}))
    give_up = tasks.give_up

    def database_fails_for_the_first(session, task_id, reason):
        if task_id == ids[0]:
            raise ConnectionError("the database went away")
        return give_up(session, task_id, reason)

    monkeypatch.setattr(tasks, "give_up", database_fails_for_the_first)

    assert deliver_dead_letters(client, stack) == 2

    states = [read_task(client, token, url)["state"] for url in urls]
    assert states == ["WAITING", "FAILURE"]
    assert dead_letters_left(stack) == 1  # the first one only, visible again for its next delivery
