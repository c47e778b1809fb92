"""A schedule's fingerprint: the MD5 of every row the schedule formats read, in one query on Open
Event's data and one on our own (what an import kept beyond OES's columns).

The rows are the loader's own queries (``chalicelib.schedule.queries``), the event's columns the
formats print and the import's side tables, so the fingerprint changes exactly when a file could: a new title, a moved session,
a renamed room or speaker, a session accepted or deleted. A change nobody sees in the files (a
rejected session's title, a speaker's email, the publication time alone) leaves it as it was. It
reads what the export would read, by index, without rendering: a few milliseconds for thousands of
sessions, whether the change came through this service or straight into Open Event's database.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import String, cast, func, literal, literal_column, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from chalicelib.models import Event, RoomSource, SessionSource, SpeakerSource, Track
from chalicelib.schedule.queries import Rows, session_rows_query, speaker_rows_query


def _event_columns(event_id: int) -> Rows:
    return select(
        Event.id,
        Event.identifier,
        Event.name,
        Event.timezone,
        Event.starts_at,
        Event.ends_at,
        Event.location_name,
        Event.online,
        Event.external_event_url,
        Event.latitude,
        Event.longitude,
    ).where(Event.id == event_id)


def _tracks(event_id: int) -> Rows:
    return select(Track.id, Track.name, Track.color).where(Track.event_id == event_id, Track.deleted_at.is_(None))


def _rows_text(query: Rows, alias: str) -> ColumnElement[str]:
    """Every row of ``query`` as PostgreSQL's row text, sorted, one per line: order-independent."""
    rows = query.subquery(alias)
    row = cast(literal_column(alias), String)
    joined = func.string_agg(row, aggregate_order_by(literal("\n"), row))
    return func.coalesce(select(joined).select_from(rows).scalar_subquery(), "")


def _md5(session: Session, parts: list[ColumnElement[str]]) -> str:
    return str(session.scalar(select(func.md5(func.concat_ws("\x1e", *parts)))))


def schedule_fingerprint(oes: Session, own: Session, event_id: int) -> str:
    """32 hex digits that change when, and only when, what the feeds print of the event changes."""
    schedule = _md5(
        oes,
        [
            _rows_text(_event_columns(event_id), "event_row"),
            _rows_text(session_rows_query(event_id), "session_row"),
            _rows_text(speaker_rows_query(event_id), "speaker_row"),
            _rows_text(_tracks(event_id), "track_row"),
        ],
    )
    extras = _md5(
        own,
        [
            _rows_text(select(SessionSource).where(SessionSource.event_id == event_id), "session_source"),
            _rows_text(select(SpeakerSource).where(SpeakerSource.event_id == event_id), "speaker_source"),
            _rows_text(select(RoomSource).where(RoomSource.event_id == event_id), "room_source"),
        ],
    )
    return hashlib.md5(f"{schedule}{extras}".encode(), usedforsecurity=False).hexdigest()
