"""The local stand-in for Lambda's SQS event source: ``chalice local`` never runs SQS handlers.

``serve`` long-polls one queue (``make run`` serves the export queue and its dead-letter queue, a
thread each) and calls the app's own ``on_sqs_message`` handler for it with Lambda-shaped events,
as Lambda would: messages are deleted when the handler returns, except those it reports in
``batchItemFailures`` (``ReportBatchItemFailures``), and all are left in the queue when it raises
(they come back after the visibility timeout, or the delay the handler set, and reach the
dead-letter queue after ``maxReceiveCount`` deliveries). The tests drive ``deliver`` one batch at a time.

``every`` does the same for an ``app.schedule`` handler (the relay): EventBridge's rule becomes a
loop that invokes it at the handler's rate.

``python -m devtools.worker`` (``make worker``) runs only these, against ``make run``'s stack (its
database and its moto on ``MOTO_PORT``, or ``DATABASE_URL`` and ``AWS_ENDPOINT_URL``), as Lambda runs
many workers on one queue: start it as many times as you like, beside ``make run``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
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
        result = invoke(lambda_event(received, arn, sqs.meta.region_name))
    except Exception:
        log.exception("the SQS handler failed; the message stays in the queue")
        failed = received
    else:
        reported = result.get("batchItemFailures", []) if isinstance(result, dict) else []
        failed_ids = {failure["itemIdentifier"] for failure in reported}
        failed = [message for message in received if message["MessageId"] in failed_ids]
    if retry_visibility is not None:
        for message in failed:
            sqs.change_message_visibility(
                QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=retry_visibility
            )
    done = [message for message in received if message not in failed]
    if done:
        entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)]
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


def every(name: str, stop: threading.Event, period: float | None = None) -> None:
    """Invoke the app's ``schedule`` handler ``name`` at its rate (or every ``period`` s) until ``stop`` is set.

    Each run gets a thread of its own, as EventBridge invokes the function on time whether or not
    the previous run has finished: a run stuck on a hung dependency does not hold back the next."""
    from app import app

    period, invoke = period or schedule_seconds(app, name), _invoke(name)

    def run_once() -> None:
        try:
            invoke(scheduled_event(boto3.session.Session().region_name or "us-east-1"))
        except Exception:  # as in Lambda, a failed run is logged and the next one comes at its time
            log.exception("worker: %s failed", name)

    log.info("worker: running %s every %g s", name, period)
    while not stop.wait(period):
        threading.Thread(target=run_once, name=f"{name}-run", daemon=True).start()
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


def start_workers(
    queue_url: str, dead_letter_queue_url: str, stop: threading.Event, *, relay_every: float | None = None
) -> list[threading.Thread]:
    """One poller per queue, as Lambda runs one event source per queue (the exports, their dead letters),
    and the relay and the feeds' refresh on their schedules (``relay_every`` 0: neither); daemon threads,
    until ``stop`` is set."""
    threads = [
        threading.Thread(target=serve, args=(url, stop), name=name, daemon=True)
        for name, url in (("queue-worker", queue_url), ("dead-letter-worker", dead_letter_queue_url))
    ]
    if relay_every != 0:
        threads.append(
            threading.Thread(target=every, args=("export_requeue", stop, relay_every), name="relay", daemon=True)
        )
        threads.append(threading.Thread(target=every, args=("feeds_refresh", stop), name="feeds", daemon=True))
    for thread in threads:
        thread.start()
    return threads


def configure_logging() -> None:
    """Our own INFO lines (exports starting, finishing, dropped messages); others' warnings."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(process)d %(name)s %(levelname)s %(message)s")
    for ours in ("chalicelib", "devtools"):
        logging.getLogger(ours).setLevel(logging.INFO)


def dead_letter_queue_of(sqs: Any, queue_url: str) -> str:
    """The URL of the queue that ``queue_url``'s redrive policy sends dead letters to."""
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["RedrivePolicy"])["Attributes"]
    name = json.loads(attributes["RedrivePolicy"])["deadLetterTargetArn"].rsplit(":", 1)[-1]
    return str(sqs.get_queue_url(QueueName=name)["QueueUrl"])


def _connect() -> tuple[str, str]:
    """This process pointed at ``make run``'s stack (unless the environment names another one);
    returns the export queue's URL and its dead-letter queue's."""
    from devtools.localaws import QUEUE_NAME, use_endpoint
    from devtools.stack import local_moto_port, use_local_database

    use_local_database()
    use_endpoint(os.environ.get("AWS_ENDPOINT_URL") or f"http://127.0.0.1:{local_moto_port()}")
    sqs = boto3.client("sqs")
    queue_url = os.environ.get("EXPORT_QUEUE_URL") or sqs.get_queue_url(QueueName=QUEUE_NAME)["QueueUrl"]
    os.environ["EXPORT_QUEUE_URL"] = queue_url
    return queue_url, dead_letter_queue_of(sqs, queue_url)


def main(argv: list[str] | None = None) -> int:
    """``make worker``: the queue workers (and the relay) only, until Ctrl-C or SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m devtools.worker", description=main.__doc__)
    parser.add_argument("--relay-every", type=float, default=None, help="seconds between relay runs (0: no relay)")
    args = parser.parse_args(argv)
    configure_logging()
    try:
        queue_url, dead_letter_queue_url = _connect()
    except Exception as error:  # no stack to work for: say so in one line
        print(f"worker: no local stack to work for ({error}); start make run first", file=sys.stderr)
        return 2
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    workers = start_workers(queue_url, dead_letter_queue_url, stop, relay_every=args.relay_every)
    log.info("worker: pid %d serving %s", os.getpid(), queue_url)
    stop.wait()
    for worker in workers:
        worker.join(timeout=25)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
