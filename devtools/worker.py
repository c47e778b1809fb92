"""The local stand-in for Lambda's SQS event source: ``chalice local`` never runs SQS handlers.

``serve`` long-polls one queue (``make run`` serves the export queue and its dead-letter queue, a
thread each) and calls the app's own ``on_sqs_message`` handler for it with Lambda-shaped events,
as Lambda would: messages are deleted when the handler returns, except those it reports in
``batchItemFailures`` (``ReportBatchItemFailures``), and all are left in the queue when it raises
(they come back after the visibility timeout, or the delay the handler set, and reach the
dead-letter queue after ``maxReceiveCount`` deliveries). The tests drive ``deliver`` one batch at a time.

``every`` does the same for an ``app.schedule`` handler (the relay): EventBridge's rule becomes a
loop that invokes it at the handler's rate.

``python -m devtools.worker`` (``make worker``; ``make run`` starts one too) runs only these, against
``make run``'s stack (its database and its moto on ``MOTO_PORT``, or ``DATABASE_URL`` and
``AWS_ENDPOINT_URL``), as Lambda runs many workers on one queue: start it as many times as you like,
beside ``make run``. Each function runs in a process of its own with its own function's settings
from ``.chalice/config.json`` (``devtools.functions``), as on Lambda: the export worker with its
540 s statement timeout, not the API's 10 s. Killing the parent kills them too.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import subprocess
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
    from devtools.functions import timeout_seconds

    handler = app.handler_map[name]
    max_runtime_ms = timeout_seconds(name) * 1000

    def invoke(event: dict[str, Any]) -> Any:
        return handler(event, LambdaContext(name, memory_size=512, max_runtime_ms=max_runtime_ms))

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


def configure_logging() -> None:
    """Our own INFO lines (exports starting, finishing, dropped messages) and others' warnings, one
    JSON object a line as Lambda's JSON log format writes them."""
    from chalicelib.logs import JsonFormatter

    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
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


FUNCTIONS = ("export_worker", "export_dead_letters", "export_requeue", "feeds_refresh")
# The functions on a schedule: ``--relay-every 0`` runs neither (a test plays them itself).
SCHEDULED = ("export_requeue", "feeds_refresh")


def start_functions(relay_every: float | None = None) -> list[subprocess.Popen[bytes]]:
    """One child process per function (none on a schedule for ``relay_every`` 0), each with its own settings.

    The children run the module this process was started as (``devtools.worker``, or a test's
    wrapper of it that registers more formats), and die with this process."""
    from devtools.functions import die_with_parent

    spec = getattr(sys.modules["__main__"], "__spec__", None)
    module = spec.name if spec is not None and spec.name != "devtools.stack" else "devtools.worker"
    chosen = [name for name in FUNCTIONS if not (name in SCHEDULED and relay_every == 0)]
    extra = [] if relay_every is None else ["--relay-every", str(relay_every)]
    return [
        subprocess.Popen([sys.executable, "-m", module, "--function", name, *extra], preexec_fn=die_with_parent)
        for name in chosen
    ]


def stop_functions(children: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM each child, then wait for it (SIGKILL after 25 s)."""
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=25)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(timeout=10)


def run_function(name: str, relay_every: float | None) -> int:
    """Serve one function, with its own settings from ``.chalice/config.json``, until SIGTERM or Ctrl-C."""
    from chalicelib import db
    from chalicelib.settings import get_settings
    from devtools import functions

    try:
        queue_url, dead_letter_queue_url = _connect()
    except Exception as error:  # no stack to work for: say so in one line
        print(f"worker: no local stack to work for ({error}); start make run first", file=sys.stderr)
        return 2
    os.environ.update(functions.environment(name))  # the function's own, over what the parent had
    get_settings.cache_clear()
    db.reset()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    if name in SCHEDULED:  # ``--relay-every`` sets the relay's period; the feeds keep their own rate
        every(name, stop, relay_every if name == "export_requeue" else None)
    else:
        serve(queue_url if name == "export_worker" else dead_letter_queue_url, stop)
    return 0


def main(argv: list[str] | None = None) -> int:
    """``make worker``: the queue workers (and the relay) only, until Ctrl-C or SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m devtools.worker", description=main.__doc__)
    parser.add_argument("--relay-every", type=float, default=None, help="seconds between relay runs (0: no relay)")
    parser.add_argument("--function", choices=FUNCTIONS, help="serve this function only, in this process")
    args = parser.parse_args(argv)
    configure_logging()
    if args.function:
        return run_function(args.function, args.relay_every)
    try:
        queue_url, _ = _connect()
    except Exception as error:  # no stack to work for: say so in one line
        print(f"worker: no local stack to work for ({error}); start make run first", file=sys.stderr)
        return 2
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    children = start_functions(args.relay_every)
    log.info("worker: pid %d serving %s", os.getpid(), queue_url)
    while not stop.wait(1):
        if any(child.poll() is not None for child in children):
            log.error("worker: a function's process exited; stopping")
            break
    stop_functions(children)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
