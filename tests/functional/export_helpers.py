"""Shared steps of the export tests: ask for an export, play the queue, read the task, download the file.

The worker runs exactly as in production: the message is read from the real (moto or LocalStack)
queue and handed to the app's ``export_worker`` handler as a Lambda-shaped event, through Chalice's
test client. A failed delivery is made visible again at once, which plays the visibility timeout.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import boto3
import pytest
import requests
from sqlalchemy import event as sa_event
from sqlalchemy import select

from app import app
from chalicelib.db import get_engine, transaction
from chalicelib.exports.formats.registry import FORMATS, ExportFormat, get_format
from chalicelib.exports.pipeline.s3stream import PART_SIZE
from chalicelib.models import Event, ExportTask, Order, Ticket
from devtools.localaws import QUEUE_NAME
from devtools.worker import Invoke, deliver, sqs_handler
from tests.conftest import Stack
from tests.functional.http_helpers import auth_headers, body_of

DEAD_LETTER_QUEUE = f"{QUEUE_NAME}-dlq"

NOON_UTC = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@dataclass
class Shop:
    """An event in UTC, its organizer's token and a ticket."""

    factory: Any
    event: Event
    token: str
    ticket: Ticket

    def order(self, **fields: Any) -> Order:
        fields.setdefault("created_at", NOON_UTC)
        fields.setdefault("amount", Decimal("10"))
        return self.factory.order(self.event, **fields)


# Text that breaks naive exports, for every export of people's names.
HOSTILE = [
    # (first name, last name, email, amount, order identifier) → the cells a spreadsheet must show
    (("Smith, John", 'The "Boss"', "a@example.com", Decimal("10"), "h-1"),
     ["h-1", "10.00", "Smith, John", 'The "Boss"', "a@example.com"]),
    (("Line\nBreak", "Carriage\r\nReturn", "b@example.com", Decimal("0"), "h-2"),
     ["h-2", "0.00", "Line\nBreak", "Carriage\r\nReturn", "b@example.com"]),
    (("=cmd|' /C calc'!A0", "+SUM(A1)", "@evil.example.com", Decimal("-1"), "h-3"),
     ["h-3", "-1.00", "'=cmd|' /C calc'!A0", "'+SUM(A1)", "'@evil.example.com"]),
    (("-1", "Zoë 東京 🎉", "ü@example.com", None, "=h-4"),
     ["'=h-4", "0.00", "-1", "Zoë 東京 🎉", "ü@example.com"]),
    (("\t=1+1", "\r=2", "%0A@example.com", Decimal("5"), "|h-5"),
     ["'|h-5", "5.00", "'\t=1+1", "'\r=2", "'%0A@example.com"]),
]  # fmt: skip


def csv_records(data: bytes) -> list[dict[str, str]]:
    """An exported CSV read back by the csv module, one dict per row (a BOM, if any, dropped)."""
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@contextmanager
def recorded_statements() -> Iterator[list[str]]:
    """The statements the app's engine sends while the block runs, for the tests that count queries
    (a COPY's rows, streamed by the driver, are not seen by this event)."""
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    sa_event.listen(get_engine(), "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa_event.remove(get_engine(), "before_cursor_execute", record)


def start_export(client: Any, token: str, event: str, path: str = "orders/csv", query: str = "") -> Any:
    """``GET /v1/events/{event}/export/{path}?{query}``; returns the raw response."""
    url = f"/v1/events/{event}/export/{path}" + (f"?{query}" if query else "")
    return client.http.get(url, headers=auth_headers(token))


# What the frontend's loader service sends with a body (app/services/loader.ts, getFetchOptions):
# the adapter's JSON:API Accept, and Content-Type: application/json over the adapter's JSON:API one.
FRONTEND_POST_HEADERS = {"Accept": "application/vnd.api+json", "Content-Type": "application/json"}


def post_export(
    client: Any, token: str | None, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> Any:
    """``POST /v1/{path}`` with ``body`` as JSON (bytes and str as they are), headers as the frontend sends them."""
    sent = {**FRONTEND_POST_HEADERS, **(headers or {})}
    if token is not None:
        sent = auth_headers(token, **sent)
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.http.post(f"/v1/{path}", headers=sent, body=data)


def task_url_of(response: Any) -> str:
    assert response.status_code == 202, response.body
    url: str = body_of(response)["task_url"]
    return url


def read_task(client: Any, token: str, task_url: str) -> dict[str, Any]:
    response = client.http.get(task_url, headers=auth_headers(token))
    assert response.status_code == 200, response.body
    task: dict[str, Any] = body_of(response)
    return task


def the_task() -> ExportTask:
    """The one task row of the test (read directly, for what the task route does not show)."""
    with transaction() as session:
        return session.scalars(select(ExportTask)).one()


def sqs_client() -> Any:
    return boto3.client("sqs")


def drain(queue_url: str) -> int:
    """Delete every visible message (left over by earlier tests); returns how many."""
    sqs, count = sqs_client(), 0
    while messages := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        count += len(messages)
    return count


@pytest.fixture
def export_queue(stack: Stack) -> Stack:
    """The stack, with empty export and dead-letter queues."""
    drain(stack.queue_url)
    drain(stack.dead_letter_queue_url)
    return stack


def invoker(client: Any, function: str) -> Invoke:
    """Hand a Lambda-shaped event to the app's function ``function``, through the test client;
    returns the function's result (a partial batch response, for the dead letters)."""

    def invoke(event: dict[str, Any]) -> Any:
        return client.lambda_.invoke(function, event).payload

    return invoke


def deliver_once(client: Any, stack: Stack) -> int:
    """One delivery of the next message to the worker; returns how many messages it held (0 or 1)."""
    return deliver(sqs_client(), stack.queue_url, invoker(client, "export_worker"), retry_visibility=0)


def deliver_dead_letters(client: Any, stack: Stack) -> int:
    """One batch of the dead-letter queue to its consumer, as Lambda batches it; returns its size."""
    _, batch_size = sqs_handler(app, DEAD_LETTER_QUEUE)
    invoke = invoker(client, "export_dead_letters")
    return deliver(sqs_client(), stack.dead_letter_queue_url, invoke, batch_size=batch_size, retry_visibility=0)


def run_worker(client: Any, stack: Stack) -> int:
    """Deliver until the queue is empty (retries included); returns the number of deliveries."""
    deliveries = 0
    while deliver_once(client, stack):
        deliveries += 1
    return deliveries


def download(url: str) -> requests.Response:
    """GET a presigned URL over HTTP, as a browser would."""
    response = requests.get(url, timeout=30)
    assert response.status_code == 200, response.text[:500]
    return response


def export_file(client: Any, stack: Stack, token: str, event: str, path: str = "orders/csv", query: str = "") -> bytes:
    """The whole flow: ask, run the worker, read the task, download; returns the file's bytes."""
    return finished_file(client, stack, token, start_export(client, token, event, path, query))


def posted_export_file(client: Any, stack: Stack, token: str, path: str, body: Any) -> bytes:
    """The whole flow of an export asked for by POST (``path`` after ``/v1/``); returns the file's bytes."""
    return finished_file(client, stack, token, post_export(client, token, path, body))


def finished_file(client: Any, stack: Stack, token: str, answer: Any) -> bytes:
    """From the 202 ``answer``: run the worker, read the task, download; returns the file's bytes."""
    task_url = task_url_of(answer)
    run_worker(client, stack)
    task = read_task(client, token, task_url)
    assert task["state"] == "SUCCESS", json.dumps(task)
    return download(task["result"]["download_url"]).content


class CrashingRenderer:
    """The orders CSV, except that the first ``crashes`` attempts die after uploading a whole S3 part."""

    def __init__(self) -> None:
        self.crashes = 0

    def estimate_total(self, session: Any, event: Any, options: Any) -> int | None:
        return get_format("orders/csv").renderer().estimate_total(session, event, options)

    def render(self, session: Any, event: Any, options: Any, out: Any, progress: Any) -> int:
        if self.crashes > 0:
            self.crashes -= 1
            out.write(b"partial,row\r\n" * (PART_SIZE // 13 + 1))  # more than one part: a multipart upload
            raise RuntimeError("the worker crashed mid-export")
        return get_format("orders/csv").renderer().render(session, event, options, out, progress)


crashing_renderer = CrashingRenderer()


@pytest.fixture
def crashing_format(monkeypatch: pytest.MonkeyPatch) -> CrashingRenderer:
    """A format plugged into the registry, ``/export/crashtest``, whose renderer crashes on demand."""
    fmt = ExportFormat(
        "crashtest", "csv", "text/csv; charset=utf-8", "crash", "tests.functional.export_helpers:crashing_renderer"
    )
    monkeypatch.setitem(FORMATS, fmt.name, fmt)
    crashing_renderer.crashes = 0
    return crashing_renderer
