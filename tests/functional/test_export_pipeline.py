"""The export pipeline end to end: GET → task row + SQS message → worker → S3 → task → presigned download."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from sqlalchemy import select, text

from chalicelib.db import transaction
from chalicelib.exports.pipeline import tasks
from chalicelib.models import ExportTask
from chalicelib.settings import get_settings
from tests.functional.export_helpers import (
    crashing_renderer,
    deliver_once,
    download,
    read_task,
    run_worker,
    sqs_client,
    start_export,
    task_url_of,
    the_task,
)
from tests.functional.http_helpers import auth_headers, body_of

pytestmark = pytest.mark.usefixtures("export_queue")


@pytest.fixture
def organizer_event(factory):
    event = factory.event(identifier="fossasia-2026", timezone="Asia/Singapore")
    organizer = factory.staff(event)
    ticket = factory.ticket(event)
    buyer = factory.user(first_name="Hong", last_name="Phuc", email="hong@example.com")
    factory.order(event, identifier="A-1", user_id=buyer.id, amount=10, tickets=[(ticket, 2)],
                  created_at=datetime(2026, 3, 1, 1, 0, tzinfo=UTC))  # fmt: skip
    return event, factory.token(organizer)


def objects_under(stack, prefix):
    listing = boto3.client("s3").list_objects_v2(Bucket=stack.bucket, Prefix=prefix)
    return [item["Key"] for item in listing.get("Contents", [])]


def open_multipart_uploads(stack):
    return boto3.client("s3").list_multipart_uploads(Bucket=stack.bucket).get("Uploads", [])


def test_export_answers_202_with_the_task_url_in_body_and_location(client, organizer_event):
    event, token = organizer_event

    response = start_export(client, token, event.identifier)

    assert response.status_code == 202
    task_url = body_of(response)["task_url"]
    assert task_url == f"/v1/export-tasks/{the_task().id}"  # apart from OES's /v1/tasks
    assert response.headers["Location"] == task_url
    assert read_task(client, token, task_url)["state"] == "WAITING"


def test_export_full_flow_downloads_the_csv_through_the_presigned_url(client, stack, organizer_event):
    event, token = organizer_event
    task_url = task_url_of(start_export(client, token, str(event.id)))  # by numeric id

    assert run_worker(client, stack) == 1
    task = read_task(client, token, task_url)
    response = download(task["result"]["download_url"])

    assert task["state"] == "SUCCESS"
    assert task["result"]["row_count"] == 1
    assert task["result"]["size_bytes"] == len(response.content)
    assert response.headers["Content-Disposition"] == 'attachment; filename="fossasia-2026-orders.csv"'
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows[1] == ["A-1", "2026-03-01T09:00:00+08:00", "completed", "", "10.00", "2", "", "Hong", "Phuc",
                       "hong@example.com"]  # fmt: skip


def test_download_url_is_sigv4_and_expires_within_15_minutes(client, stack, organizer_event):
    event, token = organizer_event
    task_url = task_url_of(start_export(client, token, event.identifier))
    run_worker(client, stack)

    url = read_task(client, token, task_url)["result"]["download_url"]

    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert 0 < int(query["X-Amz-Expires"][0]) <= 900
    assert int(query["X-Amz-Expires"][0]) == get_settings().presign_expiry_seconds
    key = urlsplit(url).path.split("/", 2)[2]
    assert key.startswith(f"exports/{event.id}/{the_task().id}/") and key.endswith("/fossasia-2026-orders.csv")
    assert len(key.split("/")[3]) >= 20  # the random segment that makes the key unguessable


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "JWT not-a-token"}, {"Authorization": "Basic abc"}],
    ids=["no-token", "bad-token", "wrong-scheme"],
)  # fmt: skip
def test_export_without_a_valid_token_is_401(client, organizer_event, headers):
    event, _ = organizer_event

    response = client.http.get(f"/v1/events/{event.identifier}/export/orders/csv", headers=headers)

    assert response.status_code == 401
    assert body_of(response)["errors"][0]["status"] == "401"


def test_export_by_someone_outside_the_staff_is_403_and_queues_nothing(client, factory, organizer_event):
    event, _ = organizer_event
    stranger = factory.user()

    response = start_export(client, factory.token(stranger), event.identifier)

    assert response.status_code == 403
    assert body_of(response)["errors"][0]["detail"] == "Minimum Organizer access required"
    with transaction() as session:
        assert session.scalar(select(ExportTask.id)) is None


@pytest.mark.parametrize("role", ["owner", "organizer", "coorganizer", "admin"])
def test_export_is_allowed_to_every_staff_role_and_admins(client, factory, organizer_event, role):
    event, _ = organizer_event
    user = factory.user(admin=True) if role == "admin" else factory.staff(event, role)

    assert start_export(client, factory.token(user), event.identifier).status_code == 202


@pytest.mark.parametrize(
    "event_ref,path", [("no-such-event", "orders/csv"), ("999999", "orders/csv"), ("fossasia-2026", "orders"),
                       ("fossasia-2026", "docx")],
    ids=["unknown-identifier", "unknown-id", "orders-without-csv", "unknown-format"],
)  # fmt: skip
def test_export_of_unknown_event_or_format_is_404(client, organizer_event, event_ref, path):
    _, token = organizer_event

    response = start_export(client, token, event_ref, path)

    assert response.status_code == 404
    assert body_of(response)["jsonapi"] == {"version": "1.0"}


@pytest.mark.parametrize(
    "query,parameter",
    [("status=paid", "status"), ("status=deleted", "status"), ("status=", "status"), ("bom=maybe", "bom")],
    ids=["unknown-status", "deleted-status", "empty-status", "bad-bom"],
)
def test_export_with_a_bad_option_is_400_naming_the_parameter(client, organizer_event, query, parameter):
    event, token = organizer_event

    response = start_export(client, token, event.identifier, query=query)

    assert response.status_code == 400
    assert body_of(response)["errors"][0]["source"] == {"parameter": parameter}


def test_task_is_visible_to_its_owner_and_admins_only(client, factory, organizer_event):
    event, token = organizer_event
    task_url = task_url_of(start_export(client, token, event.identifier))
    other_staff = factory.staff(event)
    admin = factory.user(admin=True)

    hidden = client.http.get(task_url, headers=auth_headers(factory.token(other_staff)))
    shown = client.http.get(task_url, headers=auth_headers(factory.token(admin)))

    assert hidden.status_code == 404
    assert shown.status_code == 200


@pytest.mark.parametrize("task_id", [str(uuid.uuid4()), "not-a-uuid", "1"], ids=["unknown", "malformed", "number"])
def test_unknown_or_malformed_task_id_is_404(client, organizer_event, task_id):
    _, token = organizer_event

    response = client.http.get(f"/v1/tasks/{task_id}", headers=auth_headers(token))

    assert response.status_code == 404
    assert body_of(response)["errors"][0]["status"] == "404"


def test_task_without_a_token_is_401(client, organizer_event):
    event, token = organizer_event
    task_url = task_url_of(start_export(client, token, event.identifier))

    assert client.http.get(task_url).status_code == 401


def test_running_task_reads_waiting_and_shows_its_progress(client, organizer_event):
    event, token = organizer_event
    task_url = task_url_of(start_export(client, token, event.identifier))
    with transaction() as session:
        tasks.claim(session, the_task().id)

    task = read_task(client, token, task_url)

    assert task["state"] == "WAITING"  # Open Event's frontend reports any other unfinished state as a failure
    assert task["started_at"] is not None
    assert task["progress"] == 0
    assert task["attempts"] == 1
    assert "result" not in task


def test_duplicate_delivery_of_a_finished_task_changes_nothing(client, stack, organizer_event):
    event, token = organizer_event
    task_url = task_url_of(start_export(client, token, event.identifier))
    run_worker(client, stack)
    first = the_task()

    sqs_client().send_message(QueueUrl=stack.queue_url, MessageBody=json.dumps({"task_id": str(first.id)}))
    assert run_worker(client, stack) == 1

    again = the_task()
    assert (again.state, again.object_key, again.attempts) == ("SUCCESS", first.object_key, 1)
    assert objects_under(stack, f"exports/{event.id}/{first.id}/") == [first.object_key]
    assert read_task(client, token, task_url)["state"] == "SUCCESS"


def test_duplicate_delivery_while_another_worker_runs_the_task_is_consumed(client, stack, organizer_event):
    event, token = organizer_event
    task_url_of(start_export(client, token, event.identifier))
    with transaction() as session:  # another worker holds the task, and is alive
        tasks.claim(session, the_task().id)

    assert run_worker(client, stack) == 1

    task = the_task()
    assert (task.state, task.attempts) == ("STARTED", 1)


def test_task_abandoned_by_a_killed_worker_is_taken_over_by_the_next_delivery(client, stack, organizer_event):
    event, token = organizer_event
    task_url = task_url_of(start_export(client, token, event.identifier))
    with transaction() as session:  # a worker claimed it, then its process died without a word
        tasks.claim(session, the_task().id)
        session.execute(text("UPDATE serverless.export_tasks SET updated_at = now() - interval '10 minutes'"))

    assert run_worker(client, stack) == 1

    task = read_task(client, token, task_url)
    assert (task["state"], task["attempts"]) == ("SUCCESS", 2)


@pytest.mark.usefixtures("crashing_format")
def test_crash_mid_export_leaves_nothing_and_the_retry_starts_over(client, stack, organizer_event):
    event, token = organizer_event
    crashing_renderer.crashes = 1
    task_url = task_url_of(start_export(client, token, event.identifier, "crashtest"))

    assert deliver_once(client, stack) == 1
    crashed = read_task(client, token, task_url)
    assert crashed["state"] == "WAITING"  # given back for the next delivery
    prefix = f"exports/{event.id}/{the_task().id}/"
    assert open_multipart_uploads(stack) == []
    assert objects_under(stack, prefix) == []

    assert run_worker(client, stack) == 1
    task = read_task(client, token, task_url)
    assert (task["state"], task["attempts"]) == ("SUCCESS", 2)
    assert objects_under(stack, prefix) == [the_task().object_key]
    content = download(task["result"]["download_url"]).content.decode("utf-8-sig")
    assert "partial" not in content
    assert content.splitlines()[1].startswith("A-1,")


@pytest.mark.usefixtures("crashing_format")
def test_task_that_exhausts_its_attempts_fails_and_its_message_is_dead_lettered(client, stack, organizer_event):
    event, token = organizer_event
    crashing_renderer.crashes = 99
    task_url = task_url_of(start_export(client, token, event.identifier, "crashtest"))

    assert run_worker(client, stack) == get_settings().export_max_attempts

    task = read_task(client, token, task_url)
    assert task["state"] == "FAILURE"
    assert task["result"]["error"] == "The export failed 3 times because of an internal error. Please try again later."
    assert task["attempts"] == 3
    dead = sqs_client().receive_message(QueueUrl=stack.dead_letter_queue_url).get("Messages", [])
    for message in dead:  # consumed, not left in flight for the next test's queue to count
        sqs_client().delete_message(QueueUrl=stack.dead_letter_queue_url, ReceiptHandle=message["ReceiptHandle"])
    assert [json.loads(message["Body"]) for message in dead] == [{"task_id": task["id"]}]
    assert open_multipart_uploads(stack) == []


@pytest.mark.parametrize("change", ["delete-event", "revoke-role"])
def test_export_whose_event_or_access_went_away_fails_with_a_reason(client, stack, factory, change):
    event = factory.event(identifier="short-lived")
    organizer = factory.staff(event)
    task_url_of(start_export(client, factory.token(organizer), event.identifier))
    with transaction() as session:
        if change == "delete-event":
            session.execute(text("UPDATE events SET deleted_at = now()"))
        else:
            session.execute(text("DELETE FROM users_events_roles"))

    assert run_worker(client, stack) == 1  # consumed: retrying would not help

    task = the_task()  # its reader may no longer read it (test_task_access)
    assert task.state == "FAILURE"
    assert task.error in {
        "The event was deleted before its export could run",
        "You are no longer a member of this event's staff",
    }


@pytest.fixture
def missing_queue(stack, monkeypatch):
    """The export queue URL points at a queue that does not exist (deleted, or a typo in the stage)."""
    monkeypatch.setenv("EXPORT_QUEUE_URL", stack.queue_url + "-that-does-not-exist")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def test_export_whose_message_cannot_be_sent_is_503_and_the_task_fails(client, organizer_event, missing_queue):
    event, token = organizer_event

    response = start_export(client, token, event.identifier)

    assert response.status_code == 503
    assert body_of(response)["errors"][0]["status"] == "503"
    task = the_task()
    assert task.state == "FAILURE"
    assert task.error == "The export could not be queued. Please ask for it again."
    assert read_task(client, token, f"/v1/tasks/{task.id}")["result"]["error"] == task.error


def test_malformed_message_is_dropped_without_touching_tasks(client, stack, organizer_event):
    event, token = organizer_event
    task_url = task_url_of(start_export(client, token, event.identifier))
    sqs = sqs_client()
    sqs.receive_message(QueueUrl=stack.queue_url)  # the real message is in flight elsewhere
    sqs.send_message(QueueUrl=stack.queue_url, MessageBody="not json")

    assert deliver_once(client, stack) == 1

    assert read_task(client, token, task_url)["state"] == "WAITING"
