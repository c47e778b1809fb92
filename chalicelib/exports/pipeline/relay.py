"""The relay: no export waits for a message that will not come, or for a worker that is gone.

Every minute (``export_requeue`` in ``app.py``) it does four things, each one harmless when repeated
(the worker's claim is atomic, and a task that already started or finished ignores a message):

- a WAITING task untouched for ``LOST_AFTER`` has no message: its request died between committing
  the task and sending it (the HTTP function's timeout, a crash), or the message was lost or
  deleted by hand. Its message is sent again.
- a STARTED task without a heartbeat for ``EXPORT_HEARTBEAT_SECONDS`` has no live worker (killed,
  timed out, out of memory, frozen on a dead connection): it goes back to WAITING and its message
  is sent again, so that the next attempt starts within the minute instead of after the queue's
  visibility timeout. If the worker was only frozen, its next progress report finds the task
  overtaken and it stops. Past ``EXPORT_MAX_ATTEMPTS`` the task fails instead.
- a task that has waited longer than the queue keeps a message will not be run any more: it fails.
- a multipart upload under ``exports/`` whose task no attempt may still be writing (finished, or
  without a heartbeat) is debris of an attempt killed mid-upload, or whose abort failed with S3: it
  is aborted, so that no parts stay behind to be billed, here or on a local stack without the
  bucket's lifecycle rule. The task in the key decides, not the upload's age: moto reports the
  same ``Initiated`` date (2010) for every upload. The uploads are listed before the tasks are
  read, so an upload begun by an attempt that claimed its task meanwhile is seen as live.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, func, select, update
from sqlalchemy.orm import Session

from chalicelib import aws, metrics
from chalicelib.db import transaction
from chalicelib.exports.pipeline import request, tasks
from chalicelib.exports.pipeline.s3stream import abort_upload, incomplete_uploads
from chalicelib.models import ExportTask
from chalicelib.settings import get_settings

log = logging.getLogger(__name__)

# Far longer than the HTTP function lives (30 s) and than a queued message waits for a free worker
# in normal operation, so that a task whose message is only late is rarely sent twice; short enough
# that a lost request still ends in minutes. Each lost task is re-sent at most once per LOST_AFTER.
LOST_AFTER = timedelta(minutes=10)
# The export queue's MessageRetentionPeriod (deploy/resources.json): no message older than that
# exists any more, so a task that has waited this long is not coming.
QUEUE_RETENTION = timedelta(days=4)
# At most this many tasks per run and kind, so that one run stays well inside its 60 s; the rest
# wait for the next run.
PER_RUN = 500

EXPIRED = "The export waited too long to start and was abandoned. Please ask for it again."


@dataclass(frozen=True)
class Outcome:
    """What one run did: tasks re-sent (lost or taken over), refused by the queue, failed, uploads aborted."""

    requeued: int
    refused: int
    expired: int
    taken_over: int = 0
    gave_up: int = 0
    aborted_uploads: int = 0


def take_lost(session: Session) -> list[uuid.UUID]:
    """Mark up to ``PER_RUN`` lost tasks as re-sent now (their ``updated_at``); returns their ids.

    Two overlapping runs never take the same task: the rows are locked as they are picked, a locked
    row is skipped, and a row taken by a run that committed meanwhile no longer matches.
    """
    lost = (ExportTask.state == "WAITING", ExportTask.updated_at < func.now() - LOST_AFTER)
    return _update_picked(session, lost, updated_at=func.now())


def take_abandoned(session: Session) -> list[uuid.UUID]:
    """Put up to ``PER_RUN`` abandoned tasks that have attempts left back to WAITING; returns their ids."""
    retryable = (tasks.abandoned(), ExportTask.attempts < get_settings().export_max_attempts)
    return _update_picked(session, retryable, state="WAITING", progress=None)


def give_up_abandoned(session: Session) -> list[uuid.UUID]:
    """Fail the abandoned tasks that have used every attempt; returns their ids."""
    attempts = get_settings().export_max_attempts
    exhausted = (tasks.abandoned(), ExportTask.attempts >= attempts)
    return _update_picked(session, exhausted, **tasks.failure(tasks.GAVE_UP.format(attempts=attempts)))


def expire_stale(session: Session) -> list[uuid.UUID]:
    """Fail the unfinished tasks asked for longer than ``QUEUE_RETENTION`` ago; returns their ids.

    A STARTED one counts only once its heartbeat stopped: a live attempt is left to finish."""
    stale = (tasks.unattended(), ExportTask.created_at < func.now() - QUEUE_RETENTION)
    return _update_picked(session, stale, **tasks.failure(EXPIRED))


def _update_picked(session: Session, conditions: Sequence[ColumnElement[bool]], **values: Any) -> list[uuid.UUID]:
    """Set ``values`` on the rows ``_pick`` chooses that still match ``conditions``; returns their ids."""
    query = update(ExportTask).where(ExportTask.id.in_(_pick(*conditions)), *conditions)
    return list(session.scalars(query.values(**values).returning(ExportTask.id)))


def _pick(*conditions: ColumnElement[bool]) -> ScalarSelect[uuid.UUID]:
    """At most ``PER_RUN`` matching ids, oldest first, locked; rows another run holds are skipped."""
    picked = (
        select(ExportTask.id)
        .where(*conditions)
        .order_by(ExportTask.updated_at)
        .limit(PER_RUN)
        .with_for_update(skip_locked=True)
    )
    return picked.scalar_subquery()


def abort_debris() -> int:
    """Abort the incomplete uploads that no live attempt owns; returns how many."""
    client, bucket = aws.s3(), get_settings().export_bucket
    uploads = incomplete_uploads(client, bucket, tasks.OBJECT_PREFIX)
    owners = {key: tasks.task_of_object_key(key) for key, _ in uploads}
    with transaction() as session:
        live = tasks.live(session, {task for task in owners.values() if task is not None})
    debris = [(key, upload_id) for key, upload_id in uploads if owners[key] not in live]
    for key, upload_id in debris:
        abort_upload(client, bucket, key, upload_id)
    if debris:
        log.warning("aborted %d incomplete upload(s) of export attempts that are gone", len(debris))
    return len(debris)


def run() -> Outcome:
    """One pass of the relay: fail the hopeless tasks, re-send the lost and abandoned ones (after
    committing), then abort the uploads nobody will finish."""
    with transaction() as session:
        expired = expire_stale(session)
        gave_up = give_up_abandoned(session)
    with transaction() as session:
        lost = take_lost(session)
        abandoned = take_abandoned(session)
    # A task whose message is refused, or not sent because this run dies, was already marked (now
    # WAITING, updated now): the run after LOST_AFTER sends it again.
    resend = lost + abandoned
    refused = request.send(resend) if resend else []
    for task_id in expired:
        log.warning("task %s waited longer than the queue keeps messages: marked FAILURE", task_id)
    for task_id in gave_up:
        log.warning("task %s lost its worker on its last attempt: marked FAILURE", task_id)
    if lost:
        log.warning("re-sent the message of %d lost export task(s): %s", len(lost), ", ".join(map(str, lost)))
    if abandoned:
        log.warning(
            "took over %d export task(s) without a heartbeat: %s", len(abandoned), ", ".join(map(str, abandoned))
        )
    aborted = abort_debris()
    outcome = Outcome(
        requeued=len(resend) - len(refused),
        refused=len(refused),
        expired=len(expired),
        taken_over=len(abandoned),
        gave_up=len(gave_up),
        aborted_uploads=aborted,
    )
    _count(outcome, resent_lost=len(lost))
    return outcome


def _count(outcome: Outcome, resent_lost: int) -> None:
    """One metrics line a run, zeros included: a graph with a point a minute shows the relay alive."""
    metrics.emit(
        {
            "RelayResent": (resent_lost, "Count"),
            "RelayTakeovers": (outcome.taken_over, "Count"),
            "RelayRefusedByQueue": (outcome.refused, "Count"),
            "RelayGaveUp": (outcome.gave_up, "Count"),
            "RelayExpired": (outcome.expired, "Count"),
            "RelayAbortedUploads": (outcome.aborted_uploads, "Count"),
        }
    )
