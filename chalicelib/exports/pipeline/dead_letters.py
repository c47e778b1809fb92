"""The dead-letter queue's consumer: an export whose message ran out of deliveries ends as FAILURE.

The worker marks the task failed itself when its last delivery raises. When every delivery was
killed instead (the Lambda timeout, memory exhausted, the process gone), no code of ours saw the
end: SQS moves the message to the dead-letter queue after ``maxReceiveCount`` receives and the task
would read ``STARTED`` (or ``WAITING``) for ever. Each dead letter therefore fails its task, unless
the task already finished: a task that is ``SUCCESS`` or ``FAILURE`` is left exactly as it is, so a
second delivery of the same dead letter changes nothing. A task that an attempt is running (a
STARTED task with a heartbeat: the relay re-sent its message and the re-sent one was claimed) is
left to that attempt too; if it dies, the relay fails the task once its attempts are spent.

A body that names no task, or a task that no longer exists, is logged and consumed: retrying would
not change it. Anything else (the database is down) is logged with its traceback and reported as a
partial batch failure (``ReportBatchItemFailures`` on the event source): that dead letter comes back
after the dead-letter queue's visibility timeout, and the others of its batch are consumed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from chalicelib import logs, metrics
from chalicelib.db import transaction
from chalicelib.exports.pipeline import tasks
from chalicelib.models import ExportTask
from chalicelib.settings import get_settings

log = logging.getLogger(__name__)


def handle_record(record: Mapping[str, Any]) -> None:
    """Fail the task a dead letter names, unless it already finished or an attempt is running it."""
    task_id = tasks.named_by(record.get("body", ""))
    if task_id is None:
        log.error("dropping a dead letter that names no task: %.200r", record.get("body"))
        return
    with logs.context(task_id=task_id):
        _fail_task(task_id)


def _fail_task(task_id: uuid.UUID) -> None:
    # The number of deliveries the export queue made before it gave up (its maxReceiveCount).
    reason = tasks.GAVE_UP.format(attempts=get_settings().export_max_attempts)
    with transaction() as session:
        task = session.get(ExportTask, task_id)
        if task is None:
            log.error("dropping a dead letter for task %s, which does not exist", task_id)
            return
        state, attempts = task.state, task.attempts
        logs.bind(export_format=task.format)
        failed = tasks.give_up(session, task_id, reason)
    if failed:
        metrics.count("DeadLetters", Format=task.format)
        log.warning("task %s (%s, %d attempts) dead-lettered: marked FAILURE", task_id, state, attempts)
    else:
        log.info("task %s dead-lettered while finished or running (%s): nothing to do", task_id, state)


def handle_records(records: Iterable[Mapping[str, Any]], request_id: str | None = None) -> list[str]:
    """Handle each dead letter alone; returns the message ids of those to deliver again."""
    failed = []
    with logs.context(request_id=request_id, function="export_dead_letters"):
        for record in records:
            try:
                handle_record(record)
            except Exception:
                log.exception("dead letter %s could not be handled; it comes back later", record.get("messageId"))
                failed.append(str(record.get("messageId")))
    return failed
