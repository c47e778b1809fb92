"""What ``GET /v1/tasks/{id}`` shows of an export task, with a download link minted for this reader."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from chalicelib import aws
from chalicelib.access import export_subject, is_admin
from chalicelib.errors import NotFound
from chalicelib.models import ExportTask, User
from chalicelib.settings import get_settings


def _visible_task(session: Session, oes: Session, user: User, task_id: str) -> ExportTask:
    """The task, when ``user`` asked for it (or administers the site) and may still have its export.

    Someone else's task is as unknown as a task that never existed (404), and so is the task of a
    deleted event; a reader whose right has ended since (removed from the event's staff, no longer
    an administrator) is told so (403): it is their own task, and the link must not be minted."""
    try:
        key = uuid.UUID(task_id)
    except ValueError:
        key = None
    task = session.get(ExportTask, key) if key else None
    if task is None or (task.user_id != user.id and not is_admin(user)):
        raise NotFound(f"Task {task_id!r} not found")
    try:
        export_subject(oes, user, task.event_id)
    except NotFound:
        raise NotFound(f"Task {task_id!r} not found: its event was deleted") from None
    return task


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _download(task: ExportTask) -> dict[str, Any]:
    settings = get_settings()
    expiry = settings.presign_expiry_seconds
    url = aws.s3().generate_presigned_url(
        "get_object",
        Params={
            "Bucket": settings.export_bucket,
            "Key": task.object_key,
            "ResponseContentDisposition": f'attachment; filename="{task.file_name}"',
            "ResponseContentType": task.content_type,
        },
        ExpiresIn=expiry,
    )
    return {
        "download_url": url,
        "expires_at": _iso(datetime.now(UTC) + timedelta(seconds=expiry)),
        "file_name": task.file_name,
        "content_type": task.content_type,
        "size_bytes": task.size_bytes,
        "row_count": task.row_count,
    }


# Open Event's frontend polls again only while the state is WAITING and reports any other unfinished
# state as a failed export, so a running task reads WAITING too; ``started_at``, ``progress`` and
# ``attempts`` tell richer clients that it runs.
_SHOWN_STATE = {"WAITING": "WAITING", "STARTED": "WAITING", "SUCCESS": "SUCCESS", "FAILURE": "FAILURE"}


def view(session: Session, oes: Session, user: User, task_id: str) -> dict[str, Any]:
    """The task as the contract shows it (``session`` our own, ``oes`` Open Event's data, where the
    reader's rights are read); the download link is minted now, for this reader."""
    task = _visible_task(session, oes, user, task_id)
    document: dict[str, Any] = {
        "id": str(task.id),
        "state": _SHOWN_STATE[task.state],
        "format": task.format,
        "event_id": task.event_id,
        "attempts": task.attempts,
        "progress": task.progress,
        "created_at": _iso(task.created_at),
        "started_at": _iso(task.started_at),
        "finished_at": _iso(task.finished_at),
    }
    if task.state == "SUCCESS":
        document["result"] = _download(task)
    elif task.state == "FAILURE":
        document["result"] = {"error": task.error}
    return document
