"""The export worker: one SQS message ``{"task_id": ...}`` in, one file in S3 and a finished task out.

Three kinds of failure (as pretix sorts them):

- ``ExportFailed`` (soft: nothing to export; hard: the data cannot be represented): the task fails
  with the renderer's message and the SQS message is consumed; retrying would change nothing.
- anything else (the database or S3 went away, a bug): logged with its traceback, the message is
  handed back (``ChangeMessageVisibility``) to come again after a short delay that grows with each
  delivery (``EXPORT_RETRY_DELAY_SECONDS``: 10 s, 60 s, then 300 s) instead of the queue's visibility
  timeout, and the error is re-raised; the next attempt starts over with a new object key. On the
  last delivery (``EXPORT_MAX_ATTEMPTS``, the queue's ``maxReceiveCount``) the task is marked FAILURE
  first, then the message goes to the dead-letter queue. When the task cannot be handed back (the
  database is down too), or no code of ours lived to see the end (the Lambda timeout, an
  out-of-memory kill), the task's heartbeat stops and the relay takes it over (``relay``).
- a duplicate delivery of a task that is finished, or running elsewhere: nothing to do.

A multipart upload is aborted on any failure: no partial object is ever published or served.
"""

from __future__ import annotations

import functools
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, BinaryIO, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from chalicelib import aws, logs, metrics
from chalicelib.access import export_subject
from chalicelib.db import read_transaction, transaction
from chalicelib.errors import Forbidden, NotFound
from chalicelib.exports.formats.registry import ExportFailed, ExportFormat, get_format
from chalicelib.exports.pipeline import tasks
from chalicelib.exports.pipeline.s3stream import S3UploadStream
from chalicelib.models import Event, User
from chalicelib.settings import get_settings

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_SECONDS = 1.0
INTERNAL_ERROR = "The export failed {attempts} times because of an internal error. Please try again later."
# The hand-back delay grows by this factor with each delivery, up to RETRY_DELAY_CAP_SECONDS (far
# below the relay's LOST_AFTER, so that the relay never re-sends a message that is only delayed).
RETRY_DELAY_FACTOR = 6
RETRY_DELAY_CAP_SECONDS = 300


class _Overtaken(Exception):
    """The task is no longer this attempt's (a later delivery took it over, or it was failed)."""


class _Progress:
    """The renderer's progress callback: a percentage written to the task at most once a second.

    It is also how an overtaken attempt learns to stop, instead of rendering a file nobody will get."""

    def __init__(self, claim: tasks.Claim, total: int | None) -> None:
        self._claim = claim
        self._total = total
        self._last = time.monotonic()

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if now - self._last < PROGRESS_INTERVAL_SECONDS:
            return
        self._last = now
        percent = min(99, done * 100 // self._total) if self._total else None
        with transaction() as session:
            still_ours = tasks.report_progress(session, self._claim, percent)
        if not still_ours:
            raise _Overtaken()


def _format(claim: tasks.Claim) -> ExportFormat:
    try:
        return get_format(claim.format)
    except NotFound:
        raise ExportFailed(f"The export format {claim.format!r} is no longer supported") from None


# The renderer with its session, subject and options bound: (out, progress) -> items written.
Render = Callable[[BinaryIO, Callable[[int], None]], int]


def _bound_renderer(session: Session, fmt: ExportFormat, claim: tasks.Claim) -> tuple[Render, int | None]:
    """The renderer ready to write, and its estimate; access is checked again, for a role may have
    been taken away while the task waited."""
    try:
        event = export_subject(session, session.get(User, claim.user_id), None if fmt.site_wide else claim.event_id)
    except Forbidden as refused:
        raise ExportFailed(refused.detail) from None
    except NotFound:
        raise ExportFailed("The event was deleted before its export could run", soft=True) from None
    if event is None:
        site = fmt.site_renderer()
        return functools.partial(site.render, session, claim.options), site.estimate_total(session, claim.options)
    renderer = fmt.renderer()
    total = renderer.estimate_total(session, event, claim.options)
    return functools.partial(renderer.render, session, event, claim.options), total


def _export(claim: tasks.Claim, object_key: str) -> tuple[int, int]:
    """Render the file into S3; returns its size and the number of items in it."""
    fmt = _format(claim)
    # One read-only snapshot of Open Event's data for the whole file, however many pages it takes.
    with read_transaction(snapshot=True) as session:
        render, total = _bound_renderer(session, fmt, claim)
        progress = _Progress(claim, total)
        bucket = get_settings().export_bucket
        with S3UploadStream(aws.s3(), bucket, object_key, content_type=fmt.content_type) as out:
            items = render(cast(BinaryIO, out), progress)
    return out.size, items


def retry_delay(receive_count: int) -> int:
    """Seconds before the delivery after ``receive_count`` failed ones: seconds first, then minutes."""
    base = get_settings().export_retry_delay_seconds
    return int(min(RETRY_DELAY_CAP_SECONDS, base * RETRY_DELAY_FACTOR ** max(0, receive_count - 1)))


def _hand_back(record: Mapping[str, Any], receive_count: int) -> None:
    """Let the message come back after ``retry_delay`` rather than the queue's visibility timeout."""
    delay = retry_delay(receive_count)
    try:
        queue_url = get_settings().export_queue_url
        aws.sqs().change_message_visibility(
            QueueUrl=queue_url, ReceiptHandle=record["receiptHandle"], VisibilityTimeout=delay
        )
    except Exception as error:  # the message then comes back after the visibility timeout
        log.warning("could not hand the message back for %d s: %s", delay, error)


def _record_crash(claim: tasks.Claim, receive_count: int, last: bool) -> None:
    """Release the task for the next delivery, or fail it on the last one; best effort."""
    try:
        with transaction() as session:
            if last:
                tasks.fail(session, claim.task_id, INTERNAL_ERROR.format(attempts=receive_count), claim.attempt)
            else:
                tasks.release(session, claim)
    except Exception as error:  # the database is gone too: the relay takes the silent task over
        log.error("task %s: the crash could not be recorded (%s); the relay will take it over", claim.task_id, error)


def _failed(claim: tasks.Claim, reason: str) -> None:
    """Count a failed attempt by its format and reason: ``nothing-to-export``, ``refused`` (the data or
    the access), ``crashed`` (to be delivered again) or ``crashed-for-good`` (the last delivery)."""
    metrics.count("ExportsFailed", Format=claim.format, Reason=reason)


def _succeeded(claim: tasks.Claim, started: float, size: int, items: int) -> None:
    """Count a published file: how long the attempt took (``started``: its monotonic start), its rows, its size."""
    metrics.emit(
        {
            "ExportsSucceeded": (1, "Count"),
            "ExportDuration": (round((time.monotonic() - started) * 1000), "Milliseconds"),
            "ExportRows": (items, "Count"),
            "ExportBytes": (size, "Bytes"),
        },
        {"Format": claim.format},
        [["Format"]],
    )


def _event_identifier(event_id: int | None) -> str | None:
    """The identifier of the task's event (Open Event's data), for the log lines; best effort: when the
    database cannot say, the export's own first read meets the same error and the crash path handles it."""
    if event_id is None:
        return None
    try:
        with read_transaction() as session:
            return session.scalar(select(Event.identifier).where(Event.id == event_id))
    except Exception as error:
        log.warning("event %s could not be read for the log lines: %s", event_id, type(error).__name__)
        return None


def _publish(claim: tasks.Claim, object_key: str, size: int, items: int) -> bool:
    """Mark the task SUCCESS; the object goes again if another attempt owns the task, or on error."""
    published = False
    try:
        with transaction() as session:
            published = tasks.succeed(session, claim, object_key, size, items)
    finally:
        if not published:  # a later attempt's file is the one served, or the next attempt makes one
            aws.s3().delete_object(Bucket=get_settings().export_bucket, Key=object_key)
    if published:
        log.info("task %s, attempt %d: SUCCESS, %d bytes, %d items", claim.task_id, claim.attempt, size, items)
    return published


def _run(task_id: uuid.UUID, receive_count: int) -> None:
    with transaction() as session:
        claim = tasks.claim(session, task_id)
    if claim is None:
        log.info("task %s is finished, running elsewhere or unknown: nothing to do", task_id)
        return
    logs.bind(export_format=claim.format, event_identifier=_event_identifier(claim.event_id))
    log.info("task %s, attempt %d: started (%s)", task_id, claim.attempt, claim.format)
    metrics.count("ExportsStarted", Format=claim.format)
    started = time.monotonic()
    object_key = tasks.object_key(claim)
    try:
        size, items = _export(claim, object_key)
    except _Overtaken:  # the upload was aborted on the way out; the task's owner answers for it
        log.info("task %s, attempt %d: overtaken, stopped", task_id, claim.attempt)
        return
    except ExportFailed as failure:
        # Nothing to export is routine; data the format cannot hold is worth an operator's look.
        log.log(logging.INFO if failure.soft else logging.WARNING, "task %s failed: %s", task_id, failure)
        with transaction() as session:
            tasks.fail(session, task_id, str(failure), claim.attempt)
        _failed(claim, "nothing-to-export" if failure.soft else "refused")
        return
    except Exception:
        last = receive_count >= get_settings().export_max_attempts
        log.exception("task %s, delivery %d: export crashed%s", task_id, receive_count, " for good" if last else "")
        _record_crash(claim, receive_count, last)
        _failed(claim, "crashed-for-good" if last else "crashed")
        raise
    if _publish(claim, object_key, size, items):
        _succeeded(claim, started, size, items)


def handle_record(record: Mapping[str, Any]) -> None:
    """Run the export a message names. Raises (for SQS to deliver again) only on unexpected errors."""
    task_id = tasks.named_by(record.get("body"))
    if task_id is None:
        log.error("dropping a message that names no task: %.200r", record.get("body"))
        return
    receive_count = int(record.get("attributes", {}).get("ApproximateReceiveCount", "1"))
    with logs.context(task_id=task_id):
        try:
            _run(task_id, receive_count)
        except Exception:
            _hand_back(record, receive_count)
            raise


def handle_records(records: Iterable[Mapping[str, Any]], request_id: str | None = None) -> None:
    """Run each message's export; every log line names the invocation (``request_id``) and the task."""
    with logs.context(request_id=request_id, function="export_worker"):
        for record in records:
            handle_record(record)
