"""The dead-letter queue's consumer: an export whose message ran out of deliveries ends as FAILURE.

The worker marks the task failed itself when its last delivery raises. When every delivery was
killed instead (the Lambda timeout, memory exhausted, the process gone), no code of ours saw the
end: SQS moves the message to the dead-letter queue after ``maxReceiveCount`` receives and the task
would read ``STARTED`` (or ``WAITING``) for ever. Each dead letter therefore fails its task, unless
the task already finished: a task that is ``SUCCESS`` or ``FAILURE`` is left exactly as it is, so a
second delivery of the same dead letter changes nothing.

A body that names no task, or a task that no longer exists, is logged and consumed: retrying would
not change it. Anything else (the database is down) raises, and the dead letter comes back after
the dead-letter queue's visibility timeout.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from chalicelib.db import transaction
from chalicelib.exports.pipeline import tasks
from chalicelib.models import ExportTask
from chalicelib.settings import get_settings

log = logging.getLogger(__name__)

GAVE_UP = (
    "The export did not finish after {attempts} attempts. Please try again, and contact support if it keeps failing."
)


def handle_record(record: Mapping[str, Any]) -> None:
    """Fail the task a dead letter names, unless it already finished."""
    task_id = tasks.named_by(record.get("body", ""))
    if task_id is None:
        log.error("dropping a dead letter that names no task: %.200r", record.get("body"))
        return
    # The number of deliveries the export queue made before it gave up (its maxReceiveCount).
    reason = GAVE_UP.format(attempts=get_settings().export_max_attempts)
    with transaction() as session:
        task = session.get(ExportTask, task_id)
        if task is None:
            log.error("dropping a dead letter for task %s, which does not exist", task_id)
            return
        state, attempts = task.state, task.attempts
        failed = tasks.fail(session, task_id, reason)
    if failed:
        log.warning("task %s (%s, %d attempts) dead-lettered: marked FAILURE", task_id, state, attempts)
    else:
        log.info("task %s dead-lettered after it finished (%s): nothing to do", task_id, state)


def handle_records(records: Iterable[Mapping[str, Any]]) -> None:
    for record in records:
        handle_record(record)
