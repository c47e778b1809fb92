"""The speakers CSV: one row per speaker of the event (deleted ones never), by name, for its staff.

Open Event's columns in Open Event's order, less those this service does not store (mobile,
experience, sponsorship, city, web and social links). ``Speaker Session(s)`` lists the speaker's
sessions (not deleted), earliest first, as ``Title (state)`` joined by ``; ``, as Open Event
wrote it; the biography is plain text (``plain_text``).

``status`` is the frontend's speakers tab: ``all``; a session state, for the speakers with at least
one session in it (their cell still lists every session); ``without_session``, for the speakers
with no session at all. One query, streamed by COPY (``rich_text_csv``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, case, exists, select

from chalicelib.exports.formats.csv_rows import defused_sql, joined_sql
from chalicelib.exports.formats.plain_text import MARKUP
from chalicelib.exports.formats.rich_text_csv import RichTextCsv
from chalicelib.models import EventSession, Speaker, SpeakerSession

HEADER = (
    "Speaker Name", "Speaker Email", "Speaker Session(s)", "Speaker Bio", "Speaker Organisation",
    "Speaker Position", "Speaker Country",
)  # fmt: skip


def _live_session_of_speaker(*conditions: ColumnElement[bool]) -> Any:
    return (
        select(EventSession.id)
        .join(SpeakerSession, SpeakerSession.session_id == EventSession.id)
        .where(SpeakerSession.speaker_id == Speaker.id, EventSession.deleted_at.is_(None), *conditions)
    )


def _chosen(event_id: int, status: str) -> tuple[ColumnElement[bool], ...]:
    live = (Speaker.event_id == event_id, Speaker.deleted_at.is_(None))
    if status == "all":
        return live
    if status == "without_session":
        return (*live, ~exists(_live_session_of_speaker()))
    return (*live, exists(_live_session_of_speaker(EventSession.state == status)))


def speakers_query(event_id: int, status: str) -> Select[Any]:
    """The mark (1: the biography holds markup), then the columns of ``HEADER``; text cells defused."""
    # Grouped once for the whole event, then joined: not a subquery per speaker, nor per use of it.
    sessions = (
        select(
            SpeakerSession.speaker_id,
            joined_sql(
                EventSession.title + " (" + EventSession.state + ")",
                EventSession.starts_at.asc().nulls_last(),
                EventSession.id,
            ).label("titles"),
        )
        .join(EventSession, EventSession.id == SpeakerSession.session_id)
        .where(EventSession.event_id == event_id, EventSession.deleted_at.is_(None))
        .group_by(SpeakerSession.speaker_id)
        .subquery("sessions_by_speaker")
    )
    return (
        select(
            case((Speaker.short_biography.regexp_match(MARKUP), 1), else_=0),
            defused_sql(Speaker.name),
            defused_sql(Speaker.email),
            defused_sql(sessions.c.titles),
            defused_sql(Speaker.short_biography),
            defused_sql(Speaker.organisation),
            defused_sql(Speaker.position),
            defused_sql(Speaker.country),
        )
        .outerjoin(sessions, sessions.c.speaker_id == Speaker.id)
        .where(*_chosen(event_id, status))
        .order_by(Speaker.name, Speaker.id)
    )


renderer = RichTextCsv(HEADER, ("Speaker Bio",), speakers_query)
