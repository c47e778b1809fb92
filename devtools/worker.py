"""The local stand-in for Lambda's SQS event source: ``chalice local`` never runs SQS handlers.

``serve`` long-polls one queue (``make run`` serves the export queue and its dead-letter queue, a
thread each) and calls the app's own ``on_sqs_message`` handler for it with Lambda-shaped events,
as Lambda would: messages are deleted when the handler returns, and left in the queue when it
raises (they come back after the visibility timeout, and reach the dead-letter queue after
``maxReceiveCount`` deliveries). The tests drive ``deliver`` one batch at a time.

``every`` does the same for an ``app.schedule`` handler (the relay that re-sends lost exports):
EventBridge's rule becomes a loop that invokes it at the handler's rate.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import boto3

log = logging.getLogger("devtools.worker")

Invoke = Callable[[dict[str, Any]], Any]


def lambda_event(messages: list[dict[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    """The event Lambda builds from received SQS messages (``ReceiveMessage`` with all attributes)."""
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message.get("Attributes", {}),
                "messageAttributes": message.get("MessageAttributes", {}),
                "md5OfBody": message["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
            for message in messages
        ]
    }


def sqs_handler(app: Any, queue_name: str) -> tuple[str, int]:
    """The name and batch size of the app's SQS handler for ``queue_name``."""
    for source in app.event_sources:
        if getattr(source, "queue", None) == queue_name:
            return source.name, source.batch_size
    raise LookupError(f"the app has no on_sqs_message handler for queue {queue_name!r}")


def deliver(
    sqs: Any,
    queue_url: str,
    invoke: Invoke,
    *,
    batch_size: int = 1,
    wait_seconds: int = 0,
    retry_visibility: int | None = None,
) -> int:
    """Receive one batch and hand it to ``invoke``; returns how many messages it held (0: none).

    ``retry_visibility`` makes failed messages visible again after that many seconds, instead of
    the queue's visibility timeout (tests use 0 to play the next delivery at once).
    """
    received = sqs.receive_message(
        QueueUrl=queue_url,
        MaxNumberOfMessages=batch_size,
        WaitTimeSeconds=wait_seconds,
        MessageSystemAttributeNames=["All"],
        MessageAttributeNames=["All"],
    ).get("Messages", [])
    if not received:
        return 0
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    try:
        invoke(lambda_event(received, arn, sqs.meta.region_name))
    except Exception:
        log.exception("the SQS handler failed; the message stays in the queue")
        if retry_visibility is not None:
            for message in received:
                sqs.change_message_visibility(
                    QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=retry_visibility
                )
        return len(received)
    entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(received)]
    sqs.delete_message_batch(QueueUrl=queue_url, Entries=entries)
    return len(received)


def _invoke(name: str) -> Invoke:
    """The app's handler ``name`` as Lambda calls it: a plain event and a context."""
    from chalice.local import LambdaContext

    from app import app

    handler = app.handler_map[name]

    def invoke(event: dict[str, Any]) -> Any:
        return handler(event, LambdaContext(name, memory_size=512, max_runtime_ms=900_000))

    return invoke


def schedule_seconds(app: Any, name: str) -> int:
    """The period of the app's ``schedule`` handler ``name`` (a ``Rate``), in seconds."""
    for source in app.event_sources:
        if source.name == name:
            rate = source.schedule_expression
            return int(rate.value) * {"MINUTES": 60, "HOURS": 3600, "DAYS": 86400}[rate.unit]
    raise LookupError(f"the app has no schedule handler named {name!r}")


def scheduled_event(region: str) -> dict[str, Any]:
    """The event EventBridge sends a function on a schedule rule."""
    return {
        "version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
        "account": "000000000000", "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "region": region,
        "resources": [], "detail": {},
    }  # fmt: skip


def every(name: str, stop: threading.Event) -> None:
    """Invoke the app's ``schedule`` handler ``name`` at its rate until ``stop`` is set."""
    from app import app

    period, invoke = schedule_seconds(app, name), _invoke(name)
    log.info("worker: running %s every %d s", name, period)
    while not stop.wait(period):
        try:
            invoke(scheduled_event(boto3.session.Session().region_name or "us-east-1"))
        except Exception:  # as in Lambda, a failed run is logged and the next one comes at its time
            log.exception("worker: %s failed", name)
    log.info("worker: %s stopped", name)


def serve(queue_url: str, stop: threading.Event, *, wait_seconds: int = 5) -> None:
    """Long-poll ``queue_url`` until ``stop`` is set, invoking the app's handler for that queue."""
    from app import app

    name, batch_size = sqs_handler(app, queue_url.rstrip("/").rsplit("/", 1)[-1])
    invoke, sqs = _invoke(name), boto3.client("sqs")
    log.info("worker: polling %s for %s", queue_url, name)
    while not stop.is_set():
        try:
            deliver(sqs, queue_url, invoke, batch_size=batch_size, wait_seconds=wait_seconds)
        except Exception:  # the emulator went away (shutdown) or hiccupped: try again shortly
            log.exception("worker: polling failed")
            stop.wait(2)
    log.info("worker: stopped")
