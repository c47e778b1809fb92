"""The speakers: one row per speaker of the event (deleted ones never), by name, for its staff;
printed as Open Event prints them (name, email, sessions, biography, organisation, position).

Open Event's columns in Open Event's order, less those this service does not store (mobile,
experience, sponsorship, city, web and social links). ``Speaker Session(s)`` lists the speaker's
sessions (not deleted), earliest first, as ``Title (state)`` joined by ``; ``, as Open Event
wrote it; the biography is plain text (``plain_text``).

``status`` is the frontend's speakers tab: ``all``; a session state, for the speakers with at least
one session in it (their cell still lists every session); ``without_session``, for the speakers
with no session at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, select

from chalicelib.exports.formats import bodies
from chalicelib.exports.formats.base import Options
from chalicelib.exports.formats.csv_rows import joined_sql
from chalicelib.exports.formats.table import Column, Printed, PrintedColumn, Record, Table
from chalicelib.models import EventSession, Speaker, SpeakerSession


def _live_session_of_speaker(*conditions: ColumnElement[bool]) -> Any:
    return (
        select(EventSession.id)
        .join(SpeakerSession, SpeakerSession.session_id == EventSession.id)
        .where(SpeakerSession.speaker_id == Speaker.id, EventSession.deleted_at.is_(None), *conditions)
    )


def _chosen(event_id: int | None, status: str) -> tuple[ColumnElement[bool], ...]:
    live = (Speaker.event_id == event_id, Speaker.deleted_at.is_(None))
    if status == "all":
        return live
    if status == "without_session":
        return (*live, ~exists(_live_session_of_speaker()))
    return (*live, exists(_live_session_of_speaker(EventSession.state == status)))


def speakers_rows(event_id: int | None, options: Options) -> Select[Any]:
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
            Speaker.name,
            Speaker.email,
            sessions.c.titles,
            Speaker.short_biography,
            Speaker.organisation,
            Speaker.position,
            Speaker.country,
        )
        .outerjoin(sessions, sessions.c.speaker_id == Speaker.id)
        .where(*_chosen(event_id, options.get("status", "all")))
        .order_by(Speaker.name, Speaker.id)
    )


def _printed_cells(record: Record) -> Sequence[object]:
    return (
        record["Speaker Name"], record["Speaker Email"], record["Speaker Session(s)"], record["Speaker Bio"],
        record["Speaker Organisation"], record["Speaker Position"],
    )  # fmt: skip


TABLE = Table(
    name="speakers",
    label="speakers",
    columns=(
        Column("Speaker Name", width=24),
        Column("Speaker Email", width=28),
        Column("Speaker Session(s)", width=40),
        Column("Speaker Bio", rich=True, width=40),
        Column("Speaker Organisation"),
        Column("Speaker Position"),
        Column("Speaker Country"),
    ),
    rows=speakers_rows,
    parse_body=bodies.speakers_csv_body,
    printed=Printed(
        "Speakers",
        (
            PrintedColumn("Name", 0.16),
            PrintedColumn("Email", 0.18),
            PrintedColumn("Sessions", 0.22),
            PrintedColumn("Short Biography", 0.22),
            PrintedColumn("Organisation", 0.12),
            PrintedColumn("Position", 0.1),
        ),
        _printed_cells,
    ),
)
