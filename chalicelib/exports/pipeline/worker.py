"""The export worker: one SQS message ``{"task_id": ...}`` in, one file in S3 and a finished task out.

Three kinds of failure (as pretix sorts them):

- ``ExportFailed`` (soft: nothing to export; hard: the data cannot be represented): the task fails
  with the renderer's message and the SQS message is consumed; retrying would change nothing.
- anything else (the database or S3 went away, a bug): logged with its traceback and re-raised, so
  that SQS delivers the message again after the visibility timeout and the next attempt starts over
  with a new object key. On the last delivery (``EXPORT_MAX_ATTEMPTS``, the queue's
  ``maxReceiveCount``) the task is marked FAILURE first, then the message goes to the dead-letter queue.
  When no delivery lived to see its end (the Lambda timeout, an out-of-memory kill), the dead-letter
  queue's consumer fails the task instead (``chalicelib.exports.pipeline.dead_letters``).
- a duplicate delivery of a task that is finished, or running elsewhere: nothing to do.

A multipart upload is aborted on any failure: no partial object is ever published or served.
"""

from __future__ import annotations

import functools
import logging
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, BinaryIO, cast

from sqlalchemy.orm import Session

from chalicelib import aws
from chalicelib.access import is_admin, is_event_staff
from chalicelib.db import transaction
from chalicelib.errors import NotFound
from chalicelib.exports.formats.registry import ExportFailed, ExportFormat, get_format
from chalicelib.exports.pipeline import tasks
from chalicelib.exports.pipeline.s3stream import S3UploadStream
from chalicelib.models import Event, User
from chalicelib.settings import get_settings

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_SECONDS = 1.0
INTERNAL_ERROR = "The export failed {attempts} times because of an internal error. Please try again later."


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


def _object_key(claim: tasks.Claim) -> str:
    # A fresh random segment per attempt: the key cannot be guessed, and a retry never meets the
    # debris of an earlier attempt.
    scope = "site" if claim.event_id is None else claim.event_id
    return f"exports/{scope}/{claim.task_id}/{secrets.token_urlsafe(16)}/{claim.file_name}"


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
    user = session.get(User, claim.user_id)
    if fmt.site_wide:
        if not is_admin(user):
            raise ExportFailed("You are no longer an administrator")
        site = fmt.site_renderer()
        return functools.partial(site.render, session, claim.options), site.estimate_total(session, claim.options)
    event = session.get(Event, claim.event_id) if claim.event_id is not None else None
    if event is None or event.deleted_at is not None:
        raise ExportFailed("The event was deleted before its export could run", soft=True)
    if not is_event_staff(session, user, event.id):
        raise ExportFailed("You are no longer a member of this event's staff")
    renderer = fmt.renderer()
    total = renderer.estimate_total(session, event, claim.options)
    return functools.partial(renderer.render, session, event, claim.options), total


def _export(claim: tasks.Claim, object_key: str) -> tuple[int, int]:
    """Render the file into S3; returns its size and the number of items in it."""
    fmt = _format(claim)
    with transaction() as session:
        # One snapshot for the whole file, however many pages the renderer reads.
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        render, total = _bound_renderer(session, fmt, claim)
        progress = _Progress(claim, total)
        bucket = get_settings().export_bucket
        with S3UploadStream(aws.s3(), bucket, object_key, content_type=fmt.content_type) as out:
            items = render(cast(BinaryIO, out), progress)
    return out.size, items


def handle_record(record: Mapping[str, Any]) -> None:
    """Run the export a message names. Raises (for SQS to deliver again) only on unexpected errors."""
    task_id = tasks.named_by(record.get("body", ""))
    if task_id is None:
        log.error("dropping a message that names no task: %.200r", record.get("body"))
        return
    with transaction() as session:
        claim = tasks.claim(session, task_id)
    if claim is None:
        log.info("task %s is finished, running elsewhere or unknown: nothing to do", task_id)
        return
    object_key = _object_key(claim)
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
        return
    except Exception:
        receive_count = int(record.get("attributes", {}).get("ApproximateReceiveCount", "1"))
        last = receive_count >= get_settings().export_max_attempts
        log.exception("task %s, delivery %d: export crashed%s", task_id, receive_count, " for good" if last else "")
        with transaction() as session:
            if last:
                tasks.fail(session, task_id, INTERNAL_ERROR.format(attempts=receive_count), claim.attempt)
            else:
                tasks.release(session, claim)
        raise
    with transaction() as session:
        published = tasks.succeed(session, claim, object_key, size, items)
    if not published:  # a later attempt took the task over meanwhile; its file is the one served
        aws.s3().delete_object(Bucket=get_settings().export_bucket, Key=object_key)


def handle_records(records: Iterable[Mapping[str, Any]]) -> None:
    for record in records:
        handle_record(record)
