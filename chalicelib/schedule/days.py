"""The schedule's days.

A session belongs to the local date of its start shifted back by the day-change hour (04:00, as
pretalx), so a talk at 01:30 stays on the previous evening's day. Each day runs from its 04:00 to
the next day's 04:00, stretched to cover the end of any session that starts on it. One query.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Date, cast, func, literal, select, text
from sqlalchemy.orm import Session

from chalicelib.exports.formats.base import ExportFailed
from chalicelib.models import Event, EventSession
from chalicelib.schedule.model import DAY_CHANGE, Day
from chalicelib.schedule.queries import in_schedule


def schedule_day(local_start: datetime) -> date:
    """The local date a session belongs to, given its local start (see the module docstring)."""
    return (local_start.replace(tzinfo=None) - timedelta(hours=DAY_CHANGE.hour, minutes=DAY_CHANGE.minute)).date()


def _local_day_sql(zone: ZoneInfo) -> ColumnElement[date]:
    shift = timedelta(hours=DAY_CHANGE.hour, minutes=DAY_CHANGE.minute)
    return cast(func.timezone(zone.key, EventSession.starts_at) - literal(shift), Date)


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, DAY_CHANGE, tzinfo=zone)


def load_days(session: Session, event: Event, zone: ZoneInfo) -> tuple[Day, ...]:
    """The event's days, from its own dates, widened to every session."""
    local_day = _local_day_sql(zone)
    rows: Sequence[Any] = session.execute(
        select(
            local_day.label("day"),
            func.max(EventSession.ends_at).label("latest_end"),
            func.min(EventSession.ends_at - EventSession.starts_at).label("shortest"),
        )
        .where(*in_schedule(event.id))
        .group_by(text("1"))  # by position: the bound zone makes the expression differ from itself
    ).all()
    for row in rows:
        if row.shortest < timedelta(0):
            raise ExportFailed(
                f"A session on {row.day:%Y-%m-%d} ends before it starts: fix its times and export again."
            )
    latest_end = {row.day: row.latest_end.astimezone(zone) for row in rows}
    first = schedule_day(event.starts_at.astimezone(zone))
    last = max(first, schedule_day(event.ends_at.astimezone(zone)))
    if latest_end:
        first, last = min(first, *latest_end), max(last, *latest_end)
    days = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        end = _day_start(day + timedelta(days=1), zone)
        latest = latest_end.get(day, end)
        days.append(
            Day(offset + 1, day, _day_start(day, zone), latest if latest.astimezone(UTC) > end.astimezone(UTC) else end)
        )
    return tuple(days)
