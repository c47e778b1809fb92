"""The relay: re-send the message of an export whose request died before it was queued.

The HTTP function commits the WAITING task, then sends its message (``service``). If the function
dies in between (its timeout, a crash), the task has no message and would wait for ever. Every few
minutes (``export_requeue`` in ``app.py``) the relay therefore re-sends the message of every task
that is still WAITING, was never claimed and has not moved for ``LOST_AFTER``. A re-send is
harmless: the worker's claim is atomic, and a task that already started or finished ignores it.

A task that has waited longer than the queue keeps a message will not be run any more: it fails.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import ColumnElement, ScalarSelect, func, select, update
from sqlalchemy.orm import Session

from chalicelib.db import transaction
from chalicelib.exports.pipeline import request, tasks
from chalicelib.models import ExportTask

log = logging.getLogger(__name__)

# Far longer than the HTTP function lives (30 s) and than a queued message waits for a free worker
# in normal operation, so that a task whose message is only late is rarely sent twice; short enough
# that a lost request still ends in minutes. Each lost task is re-sent at most once per LOST_AFTER.
LOST_AFTER = timedelta(minutes=10)
# The export queue's MessageRetentionPeriod (deploy/resources.json): no message older than that
# exists any more, so a task that has waited this long is not coming.
QUEUE_RETENTION = timedelta(days=4)
# At most this many tasks per run, so that one run stays well inside its 60 s; the rest wait 5 minutes.
PER_RUN = 500

EXPIRED = "The export waited too long to start and was abandoned. Please ask for it again."


@dataclass(frozen=True)
class Outcome:
    """What one run did: the tasks it re-sent, those the queue refused, and those it failed."""

    requeued: int
    refused: int
    expired: int


def take_lost(session: Session) -> list[uuid.UUID]:
    """Mark up to ``PER_RUN`` lost tasks as re-sent now (their ``updated_at``); returns their ids.

    Two overlapping runs never take the same task: the rows are locked as they are picked, a locked
    row is skipped, and a row taken by a run that committed meanwhile no longer matches.
    """
    lost = (
        ExportTask.state == "WAITING",
        ExportTask.attempts == 0,
        ExportTask.updated_at < func.now() - LOST_AFTER,
    )
    query = update(ExportTask).where(ExportTask.id.in_(_pick(*lost)), *lost)
    return list(session.scalars(query.values(updated_at=func.now()).returning(ExportTask.id)))


def expire_stale(session: Session) -> list[uuid.UUID]:
    """Fail the WAITING tasks asked for longer than ``QUEUE_RETENTION`` ago; returns their ids."""
    stale = (ExportTask.state == "WAITING", ExportTask.created_at < func.now() - QUEUE_RETENTION)
    query = update(ExportTask).where(ExportTask.id.in_(_pick(*stale)), *stale)
    return list(session.scalars(query.values(**tasks.failure(EXPIRED)).returning(ExportTask.id)))


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


def run() -> Outcome:
    """One pass of the relay: fail the hopeless tasks, then re-send the lost ones (after committing)."""
    with transaction() as session:
        expired = expire_stale(session)
    with transaction() as session:
        lost = take_lost(session)
    # A task whose message is refused, or not sent because this run dies, was already marked: the
    # run after LOST_AFTER sends it again.
    refused = request.send(lost) if lost else []
    for task_id in expired:
        log.warning("task %s waited longer than the queue keeps messages: marked FAILURE", task_id)
    if lost:
        log.warning("re-sent the message of %d lost export task(s): %s", len(lost), ", ".join(map(str, lost)))
    return Outcome(requeued=len(lost) - len(refused), refused=len(refused), expired=len(expired))
