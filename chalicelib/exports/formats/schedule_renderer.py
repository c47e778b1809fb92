"""The ``Renderer`` shared by every schedule format: one loader, the same session count for progress."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, BinaryIO, TypeAlias

from sqlalchemy.orm import Session

from chalicelib.exports.formats.base import SESSION_IDS, Options, ProgressCallback
from chalicelib.models import Event
from chalicelib.schedule.loader import load_schedule
from chalicelib.schedule.model import Schedule
from chalicelib.schedule.queries import session_count

Progress: TypeAlias = ProgressCallback


class ScheduleRenderer:
    """A format implements ``write`` with the loaded schedule."""

    def estimate_total(self, session: Session, event: Event, options: Mapping[str, Any]) -> int | None:
        return session_count(session, event)

    def render(
        self, session: Session, event: Event, options: Mapping[str, Any], out: BinaryIO, progress: ProgressCallback
    ) -> int:
        schedule = load_schedule(session, event, only_sessions=options.get(SESSION_IDS))
        return self.write(session, schedule, options, out, progress)

    def write(self, db: Session, schedule: Schedule, options: Options, out: BinaryIO, progress: Progress) -> int:
        raise NotImplementedError
