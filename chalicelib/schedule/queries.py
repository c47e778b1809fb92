"""The schedule's queries, whatever the size of the event: one for the tracks, one for the
sessions joined with their room, track and type, one for their speakers keyed by session id, one
count. Never one per day, room or session.

Which sessions: the event's ``accepted`` and ``confirmed`` sessions that are not soft-deleted and
have both a start and an end. All formats export exactly this set.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime
from typing import Any, NamedTuple, TypeAlias

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import Session

from chalicelib.models import Event, EventSession, Microlocation, SessionType, Speaker, SpeakerSession, Track

SCHEDULE_STATES = ("accepted", "confirmed")

Rows: TypeAlias = "Select[*tuple[Any, ...]]"


def in_schedule(event_id: int) -> tuple[ColumnElement[bool], ...]:
    return (
        EventSession.event_id == event_id,
        EventSession.state.in_(SCHEDULE_STATES),
        EventSession.deleted_at.is_(None),
        EventSession.starts_at.is_not(None),
        EventSession.ends_at.is_not(None),
    )


def session_count(session: Session, event: Event) -> int:
    """How many sessions the schedule holds (the formats' progress total)."""
    return session.scalar(select(func.count()).where(*in_schedule(event.id))) or 0


class SessionRow(NamedTuple):
    """A row of ``session_rows_query``, read by name: the query selects these fields in this order
    (a tuple made from it, not SQLAlchemy's ``Row``, whose attributes cost 0.7 µs each)."""

    id: int
    title: str
    subtitle: str | None
    abstract: str | None  # rich text, as stored
    description: str | None
    language: str | None
    slides_url: str | None
    starts_at: datetime
    ends_at: datetime
    room_id: int | None  # None: no room, or a deleted one
    room: str | None
    room_position: int | None
    track: str | None
    type: str | None


SESSION_COLUMNS: dict[str, Any] = {
    "id": EventSession.id,
    "title": EventSession.title,
    "subtitle": EventSession.subtitle,
    "abstract": EventSession.short_abstract,
    "description": EventSession.long_abstract,
    "language": EventSession.language,
    "slides_url": EventSession.slides_url,
    "starts_at": EventSession.starts_at,
    "ends_at": EventSession.ends_at,
    "room_id": Microlocation.id,
    "room": Microlocation.name,
    "room_position": Microlocation.position,
    "track": Track.name,
    "type": SessionType.name,
}


def session_rows_query(event_id: int) -> Rows:
    """The schedule's sessions with their room, track and type, in time order: one query, its
    columns labelled and ordered as ``SessionRow``'s fields."""
    return (
        select(*(SESSION_COLUMNS[name].label(name) for name in SessionRow._fields))
        .outerjoin(
            Microlocation, and_(Microlocation.id == EventSession.microlocation_id, Microlocation.deleted_at.is_(None))
        )
        .outerjoin(Track, and_(Track.id == EventSession.track_id, Track.deleted_at.is_(None)))
        .outerjoin(SessionType, and_(SessionType.id == EventSession.session_type_id, SessionType.deleted_at.is_(None)))
        .where(*in_schedule(event_id))
        .order_by(EventSession.starts_at, EventSession.id)
    )


def session_rows(session: Session, event_id: int, only: Collection[int] | None = None) -> Iterator[SessionRow]:
    """``session_rows_query``'s rows; ``only``: those sessions alone, chosen by the database."""
    query = session_rows_query(event_id)
    if only is not None:
        query = query.where(EventSession.id.in_(only))
    return map(SessionRow._make, session.execute(query))


def speaker_rows_query(event_id: int) -> Rows:
    """The speakers of the schedule's sessions, keyed by session id, in a stable order: one query."""
    return (
        select(SpeakerSession.session_id, Speaker.id.label("speaker_id"), Speaker.name)
        .join(Speaker, Speaker.id == SpeakerSession.speaker_id)
        .join(EventSession, EventSession.id == SpeakerSession.session_id)
        .where(*in_schedule(event_id), Speaker.deleted_at.is_(None))
        .order_by(SpeakerSession.session_id, Speaker.name, Speaker.id)
    )
