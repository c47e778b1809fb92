"""The sessions: one row per session of the chosen state, earliest first, for the event's staff;
printed as Open Event prints them (title, state, speakers, track, created at).

Open Event's columns in Open Event's order, less those this service does not read (comments,
level, e-mail sent), plus the subtitle, the room and the duration; the average rating and the
number of ratings as OES keeps them on the session (from its feedback), the average to two places. Deleted sessions never
leave; ``all`` is every other state. Speakers (not deleted) are joined into one cell by name,
``; ``-separated, their e-mails likewise. The duration is in whole minutes; the abstracts are
plain text (``plain_text``). Options: ``status`` and ``bom`` (``bodies.sessions_csv_body``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, cast, func, select

from chalicelib.exports.formats import bodies
from chalicelib.exports.formats.base import Options
from chalicelib.exports.formats.csv_rows import joined_sql
from chalicelib.exports.formats.session_links import with_live_links
from chalicelib.exports.formats.table import Column, Kind, Printed, PrintedColumn, Record, Table
from chalicelib.models import EventSession, Microlocation, SessionType, Speaker, SpeakerSession, Track


def _chosen(event_id: int | None, status: str) -> tuple[ColumnElement[bool], ...]:
    live = (EventSession.event_id == event_id, EventSession.deleted_at.is_(None))
    return live if status == "all" else (*live, EventSession.state == status)


def _speakers_by_session(event_id: int | None) -> Any:
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


def sessions_rows(event_id: int | None, options: Options) -> Select[Any]:
    minutes = func.extract("epoch", EventSession.ends_at - EventSession.starts_at) / 60
    speakers = _speakers_by_session(event_id)
    query = (
        select(
            EventSession.title,
            EventSession.subtitle,
            EventSession.starts_at,
            EventSession.ends_at,
            cast(func.round(minutes), Integer),
            speakers.c.names,
            speakers.c.emails,
            Track.name,
            Microlocation.name,
            EventSession.short_abstract,
            EventSession.long_abstract,
            EventSession.created_at,
            EventSession.state,
            SessionType.name,
            SessionType.length,
            EventSession.language,
            EventSession.slides_url,
            EventSession.audio_url,
            EventSession.video_url,
            EventSession.average_rating,
            EventSession.rating_count,
        )
        .select_from(EventSession)
        .outerjoin(speakers, speakers.c.session_id == EventSession.id)
    )
    return (
        with_live_links(query)
        .where(*_chosen(event_id, options.get("status", "all")))
        .order_by(EventSession.starts_at.asc().nulls_last(), EventSession.id)
    )


def _printed_cells(record: Record) -> Sequence[object]:
    return (
        record["Session Title"], record["Status"], record["Session Speakers"], record["Session Track"],
        record["Session Starts At"], record["Room"], record["Created At"],
    )  # fmt: skip


TABLE = Table(
    name="sessions",
    label="sessions",
    columns=(
        Column("Session Title", width=30),
        Column("Session Subtitle"),
        Column("Session Starts At", Kind.DATETIME),
        Column("Session Ends At", Kind.DATETIME),
        Column("Duration (minutes)", Kind.INTEGER),
        Column("Session Speakers", width=30),
        Column("Speaker Emails", width=30),
        Column("Session Track"),
        Column("Room"),
        Column("Session Abstract Short", rich=True, width=40),
        Column("Session Abstract Long", rich=True, width=40),
        Column("Created At", Kind.DATETIME),
        Column("Status", width=10),
        Column("Session Type"),
        Column("Talk Length", width=10),
        Column("Language", width=10),
        Column("Slides"),
        Column("Audio"),
        Column("Video"),
        Column("Average Rating", Kind.DECIMAL),
        Column("Number of Ratings", Kind.INTEGER),
    ),
    rows=sessions_rows,
    parse_body=bodies.sessions_csv_body,
    printed=Printed(
        "Sessions",
        (
            PrintedColumn("Title", 0.3),
            PrintedColumn("State", 0.08),
            PrintedColumn("Speakers", 0.2),
            PrintedColumn("Track", 0.12),
            PrintedColumn("Starts", 0.1),
            PrintedColumn("Room", 0.1),
            PrintedColumn("Created At", 0.1),
        ),
        _printed_cells,
    ),
)
