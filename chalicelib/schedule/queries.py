"""The schedule's queries, whatever the size of the event: one for the tracks, one for the
sessions joined with their room, track and type, one for their speakers keyed by session id, one
count. Never one per day, room or session.

Which sessions: the event's ``accepted`` and ``confirmed`` sessions that are not soft-deleted and
have both a start and an end. All formats export exactly this set.
"""

from __future__ import annotations

from typing import Any, TypeAlias

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


def session_rows_query(event_id: int) -> Rows:
    """The schedule's sessions with their room, track and type, in time order: one query."""
    return (
        select(
            EventSession.id,
            EventSession.title,
            EventSession.subtitle,
            EventSession.short_abstract,
            EventSession.long_abstract,
            EventSession.language,
            EventSession.slides_url,
            EventSession.starts_at,
            EventSession.ends_at,
            Microlocation.id,
            Microlocation.name,
            Microlocation.position,
            Track.name,
            SessionType.name,
        )
        .outerjoin(
            Microlocation, and_(Microlocation.id == EventSession.microlocation_id, Microlocation.deleted_at.is_(None))
        )
        .outerjoin(Track, and_(Track.id == EventSession.track_id, Track.deleted_at.is_(None)))
        .outerjoin(SessionType, and_(SessionType.id == EventSession.session_type_id, SessionType.deleted_at.is_(None)))
        .where(*in_schedule(event_id))
        .order_by(EventSession.starts_at, EventSession.id)
    )


def speaker_rows_query(event_id: int) -> Rows:
    """The speakers of the schedule's sessions, keyed by session id, in a stable order: one query."""
    return (
        select(SpeakerSession.session_id, Speaker.id, Speaker.name)
        .join(Speaker, Speaker.id == SpeakerSession.speaker_id)
        .join(EventSession, EventSession.id == SpeakerSession.session_id)
        .where(*in_schedule(event_id), Speaker.deleted_at.is_(None))
        .order_by(SpeakerSession.session_id, Speaker.name, Speaker.id)
    )
