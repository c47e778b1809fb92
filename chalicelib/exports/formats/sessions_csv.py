"""The sessions CSV: one row per session of the chosen state, earliest first, for the event's staff.

Open Event's columns in Open Event's order, less those this service does not store (comments,
level, e-mail sent, ratings), plus the subtitle, the room and the duration. Deleted sessions never
leave; ``all`` is every other state. Speakers (not deleted) are joined into one cell by name,
``; ``-separated, their e-mails likewise. Times are ISO 8601 in the event's zone, the duration is
in whole minutes, and the abstracts are plain text (``plain_text``).

One query, streamed by COPY; rows whose abstracts hold markup are marked by the query, and only
those are rewritten in Python (``rich_text_csv``). Options: ``status`` and ``bom``
(``bodies.sessions_csv_body``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, case, cast, func, select

from chalicelib.exports.formats.csv_rows import defused_sql, joined_sql
from chalicelib.exports.formats.orders_csv import ISO_LOCAL
from chalicelib.exports.formats.plain_text import MARKUP
from chalicelib.exports.formats.rich_text_csv import RichTextCsv
from chalicelib.exports.formats.session_links import with_live_links
from chalicelib.models import EventSession, Microlocation, SessionType, Speaker, SpeakerSession, Track

HEADER = (
    "Session Title", "Session Subtitle", "Session Starts At", "Session Ends At", "Duration (minutes)",
    "Session Speakers", "Speaker Emails", "Session Track", "Room", "Session Abstract Short",
    "Session Abstract Long", "Created At", "Status", "Session Type", "Talk Length", "Language",
    "Slides", "Audio", "Video",
)  # fmt: skip


def _chosen(event_id: int, status: str) -> tuple[ColumnElement[bool], ...]:
    live = (EventSession.event_id == event_id, EventSession.deleted_at.is_(None))
    return live if status == "all" else (*live, EventSession.state == status)


def _speakers_by_session(event_id: int) -> Any:
    """Per session, its live speakers' names and e-mails, each ``; ``-joined by name (NULLs skipped):
    grouped once for the whole event, then joined (not a subquery per session, nor per use of it)."""

    def joined(value: Any, label: str) -> Any:
        return joined_sql(value, Speaker.name, Speaker.id).label(label)

    return (
        select(
            SpeakerSession.session_id, joined(Speaker.name, "names"), joined(func.nullif(Speaker.email, ""), "emails")
        )
        .join(Speaker, Speaker.id == SpeakerSession.speaker_id)
        .where(Speaker.event_id == event_id, Speaker.deleted_at.is_(None))
        .group_by(SpeakerSession.session_id)
        .subquery("speakers_by_session")
    )


def sessions_query(event_id: int, status: str) -> Select[Any]:
    """The mark (1: an abstract holds markup), then the columns of ``HEADER``; text cells defused."""
    minutes = func.extract("epoch", EventSession.ends_at - EventSession.starts_at) / 60
    texts = func.concat(EventSession.short_abstract, EventSession.long_abstract)
    speakers = _speakers_by_session(event_id)
    query = (
        select(
            case((texts.regexp_match(MARKUP), 1), else_=0),
            defused_sql(EventSession.title),
            defused_sql(EventSession.subtitle),
            func.to_char(EventSession.starts_at, ISO_LOCAL),
            func.to_char(EventSession.ends_at, ISO_LOCAL),
            cast(func.round(minutes), Integer),
            defused_sql(speakers.c.names),
            defused_sql(speakers.c.emails),
            defused_sql(Track.name),
            defused_sql(Microlocation.name),
            defused_sql(EventSession.short_abstract),
            defused_sql(EventSession.long_abstract),
            func.to_char(EventSession.created_at, ISO_LOCAL),
            EventSession.state,
            defused_sql(SessionType.name),
            defused_sql(SessionType.length),
            defused_sql(EventSession.language),
            defused_sql(EventSession.slides_url),
            defused_sql(EventSession.audio_url),
            defused_sql(EventSession.video_url),
        )
        .select_from(EventSession)
        .outerjoin(speakers, speakers.c.session_id == EventSession.id)
    )
    return (
        with_live_links(query)
        .where(*_chosen(event_id, status))
        .order_by(EventSession.starts_at.asc().nulls_last(), EventSession.id)
    )


renderer = RichTextCsv(HEADER, ("Session Abstract Short", "Session Abstract Long"), sessions_query)
