"""Asking for an export: check who asks and what, write the task, queue the message.

The task row is committed before the message is sent, so that a worker never receives the id of a
task it cannot read yet; the caller therefore calls ``request_export`` inside its transactions (``oes``
reads Open Event's data, ``own`` writes the task) and ``enqueue`` after them.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from sqlalchemy.orm import Session

from chalicelib import aws
from chalicelib.access import require_admin, staffed_event
from chalicelib.db import transaction
from chalicelib.errors import MethodNotAllowed, NotFound, ServiceUnavailable
from chalicelib.exports.formats.registry import get_format
from chalicelib.exports.pipeline import tasks
from chalicelib.models import User
from chalicelib.settings import get_settings

log = logging.getLogger(__name__)

# SendMessageBatch takes at most ten entries.
SQS_BATCH_LIMIT = 10


def request_export(
    oes: Session, own: Session, user: User, event_reference: str, format_name: str, query: Mapping[str, Sequence[str]]
) -> uuid.UUID:
    """A new WAITING task for ``format_name`` of the event; 404, 403 or 400 as the contract says.
    ``query`` holds every value of each query parameter."""
    fmt = get_format(format_name)
    if fmt.parse_body is not None:
        raise MethodNotAllowed(f"The {format_name} export is asked for by POST, with a JSON body")
    event = staffed_event(oes, user, event_reference)
    options = fmt.read_query(query)
    return tasks.create(own, user, event, fmt, options).id


def request_posted_export(
    oes: Session,
    own: Session,
    user: User,
    event_reference: str | None,
    format_name: str,
    read_body: Callable[[], Any],
) -> uuid.UUID:
    """A new WAITING task for a format asked for by POST (``event_reference`` None for a site-wide one).

    Who asks is checked before the body is read: 404 and 403 (admin only for a site-wide format)
    come before any 400 the body could earn.
    """
    fmt = get_format(format_name)
    if fmt.site_wide != (event_reference is None):
        raise NotFound(f"Unknown export format {format_name!r}")
    if fmt.parse_body is None:
        raise MethodNotAllowed(f"The {format_name} export is asked for by GET, with its options in the query")
    event = None
    if event_reference is None:
        require_admin(user)
    else:
        event = staffed_event(oes, user, event_reference)
    options = fmt.parse_body(read_body())
    return tasks.create(own, user, event, fmt, options).id


def send(task_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    """Queue ``{"task_id": ...}`` for each task, ten to a request; returns the ids the queue refused.

    Raises ``BotoCoreError`` or ``ClientError`` when a request fails as a whole.
    """
    refused: list[uuid.UUID] = []
    for start in range(0, len(task_ids), SQS_BATCH_LIMIT):
        group = task_ids[start : start + SQS_BATCH_LIMIT]
        entries = [{"Id": str(i), "MessageBody": json.dumps({"task_id": str(t)})} for i, t in enumerate(group)]
        answer = aws.sqs().send_message_batch(QueueUrl=get_settings().export_queue_url, Entries=entries)
        for failure in answer.get("Failed", []):
            refused.append(group[int(failure["Id"])])
            log.error("the queue refused the message of task %s: %s", refused[-1], failure.get("Message"))
    return refused


def enqueue(task_id: uuid.UUID) -> None:
    """Send ``{"task_id": ...}`` to the export queue; if it cannot be sent, fail the task and answer 503."""
    try:
        queued = not send([task_id])
    except (BotoCoreError, ClientError) as error:
        log.error("could not queue export task %s: %s", task_id, error)
        queued = False
    if not queued:
        # No task may wait forever for a message that was never sent.
        with transaction() as session:
            tasks.fail(session, task_id, "The export could not be queued. Please ask for it again.")
        raise ServiceUnavailable("The export queue is not available right now; please try again shortly")
