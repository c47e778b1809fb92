"""Export task rows: their life cycle, and what ``GET /v1/tasks/{id}`` shows of them.

    WAITING ──claim──▶ STARTED ──succeed──▶ SUCCESS
       ▲                 │  └────fail─────▶ FAILURE
       └────release──────┘   (a retryable crash, or the relay taking over a silent attempt)

Every transition after ``claim`` names the attempt it belongs to, so a delivery that was overtaken
(its task reclaimed by a later attempt) cannot overwrite the later attempt's outcome.
Functions receive the caller's session and never commit; the worker opens one short transaction
per transition, so that each one is visible at once. What readers see is ``task_view``.

``updated_at`` is the heartbeat: every transition and every progress report (at least once a second
while rendering) moves it, so a STARTED task whose ``updated_at`` is older than
``EXPORT_HEARTBEAT_SECONDS`` has no live worker (killed, timed out, frozen) and may be taken over.
"""

from __future__ import annotations

import json
import re
import secrets
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import Session

from chalicelib.exports.formats.registry import ExportFormat
from chalicelib.models import Event, ExportTask, User
from chalicelib.settings import get_settings

OBJECT_PREFIX = "exports/"
UNFINISHED = ("WAITING", "STARTED")
GAVE_UP = (
    "The export did not finish after {attempts} attempts. Please try again, and contact support if it keeps failing."
)


@dataclass(frozen=True)
class Claim:
    """A task this worker now holds, for one attempt."""

    task_id: uuid.UUID
    attempt: int
    user_id: int
    event_id: int | None  # None: a site-wide report
    format: str
    options: dict[str, Any]
    file_name: str


def named_by(body: object) -> uuid.UUID | None:
    """The task a queue message (``{"task_id": "<uuid>"}``) names; None for any other body."""
    try:
        return uuid.UUID(json.loads(body)["task_id"])  # type: ignore[arg-type]
    # RecursionError: json.loads of a deeply nested body ("[" * 5000).
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None


def abandoned_after() -> timedelta:
    """How long a STARTED task may stay silent before it counts as abandoned."""
    return timedelta(seconds=get_settings().export_heartbeat_seconds)


def abandoned() -> ColumnElement[bool]:
    """STARTED, and no heartbeat for ``abandoned_after``: its worker is gone."""
    return (ExportTask.state == "STARTED") & (ExportTask.updated_at < func.now() - abandoned_after())


def unattended() -> ColumnElement[bool]:
    """Unfinished and no live attempt running it: WAITING, or STARTED and abandoned."""
    return or_(ExportTask.state == "WAITING", abandoned())


def object_key(claim: Claim) -> str:
    """Where an attempt writes its file: ``exports/<event id, or site>/<task>/<random>/<file name>``.

    A fresh random segment per attempt: the key cannot be guessed, and a retry never meets the
    debris of an earlier attempt."""
    scope = "site" if claim.event_id is None else claim.event_id
    return f"{OBJECT_PREFIX}{scope}/{claim.task_id}/{secrets.token_urlsafe(16)}/{claim.file_name}"


def task_of_object_key(key: str) -> uuid.UUID | None:
    """The task whose attempt wrote ``key`` (see ``object_key``); None for a key of another layout."""
    parts = key.removeprefix(OBJECT_PREFIX).split("/")
    try:
        return uuid.UUID(parts[1]) if key.startswith(OBJECT_PREFIX) and len(parts) == 4 else None
    except ValueError:
        return None


def live(session: Session, task_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
    """Those of ``task_ids`` that an attempt may still be writing: unfinished, with a recent heartbeat."""
    if not task_ids:
        return set()
    recent = ExportTask.updated_at >= func.now() - abandoned_after()
    query = select(ExportTask.id).where(ExportTask.id.in_(task_ids), ExportTask.state.in_(UNFINISHED), recent)
    return set(session.scalars(query))


def _safe_file_name(name: str) -> str:
    # Only characters that need no quoting in a Content-Disposition header or an S3 key.
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)


def create(session: Session, user: User, event: Event | None, fmt: ExportFormat, options: dict[str, Any]) -> ExportTask:
    """A WAITING task; ``event`` is None for a site-wide format."""
    task = ExportTask(
        user_id=user.id,
        event_id=event.id if event else None,
        format=fmt.name,
        options=options,
        state="WAITING",
        file_name=_safe_file_name(fmt.file_name(event.identifier if event else None)),
        content_type=fmt.content_type,
    )
    session.add(task)
    session.flush()
    return task


def claim(session: Session, task_id: uuid.UUID) -> Claim | None:
    """Move a WAITING (or abandoned STARTED) task to STARTED with one more attempt; None if not ours."""
    row = session.execute(
        update(ExportTask)
        .where(ExportTask.id == task_id, unattended())
        .values(state="STARTED", attempts=ExportTask.attempts + 1, progress=0, started_at=func.now(), error=None)
        .returning(ExportTask)
    ).scalar_one_or_none()
    if row is None:
        return None
    assert row.file_name is not None
    return Claim(row.id, row.attempts, row.user_id, row.event_id, row.format, dict(row.options), row.file_name)


def _transition(session: Session, task_id: uuid.UUID, attempt: int | None, **values: Any) -> bool:
    state = ExportTask.state == "STARTED" if attempt is not None else ExportTask.state.in_(UNFINISHED)
    query = update(ExportTask).where(ExportTask.id == task_id, state)
    if attempt is not None:
        query = query.where(ExportTask.attempts == attempt)
    return session.execute(query.values(**values).returning(ExportTask.id)).first() is not None


def report_progress(session: Session, claim: Claim, percent: int | None) -> bool:
    """Record progress (and that the worker is alive); False once the attempt was overtaken."""
    return _transition(session, claim.task_id, claim.attempt, progress=percent)


def succeed(session: Session, claim: Claim, object_key: str, size: int, rows: int) -> bool:
    """Publish the result; False if another attempt owns the task now (the caller drops its object)."""
    return _transition(
        session, claim.task_id, claim.attempt,
        state="SUCCESS", progress=100, object_key=object_key, size_bytes=size, row_count=rows,
        finished_at=func.now(),
    )  # fmt: skip


def failure(reason: str) -> dict[str, Any]:
    """The column values of a failed task, for ``fail`` and for bulk updates."""
    return {"state": "FAILURE", "error": reason, "finished_at": func.now()}


def fail(session: Session, task_id: uuid.UUID, reason: str, attempt: int | None = None) -> bool:
    """Mark the task FAILURE with a reason a person can act on (any unfinished task when no attempt)."""
    return _transition(session, task_id, attempt, **failure(reason))


def give_up(session: Session, task_id: uuid.UUID, reason: str) -> bool:
    """Fail the task unless it finished or a live attempt (a heartbeat) is running it."""
    query = update(ExportTask).where(ExportTask.id == task_id, unattended())
    return session.execute(query.values(**failure(reason)).returning(ExportTask.id)).first() is not None


def release(session: Session, claim: Claim) -> bool:
    """Give the task back for the next delivery after a retryable crash."""
    return _transition(session, claim.task_id, claim.attempt, state="WAITING", progress=None)
