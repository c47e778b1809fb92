"""A session's track, room and session type, for the formats that list sessions outside the schedule
(the sessions CSV, the event archive): joined only while not deleted, so that a link to a deleted
one reads as none, as in the schedule formats."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_

from chalicelib.models import EventSession, Microlocation, SessionType, Track


def with_live_links(query: Select[Any]) -> Select[Any]:
    """``query`` (over ``sessions``) with ``Track``, ``Microlocation`` and ``SessionType`` outer-joined when live."""
    return (
        query.outerjoin(Track, and_(Track.id == EventSession.track_id, Track.deleted_at.is_(None)))
        .outerjoin(
            Microlocation, and_(Microlocation.id == EventSession.microlocation_id, Microlocation.deleted_at.is_(None))
        )
        .outerjoin(SessionType, and_(SessionType.id == EventSession.session_type_id, SessionType.deleted_at.is_(None)))
    )
