"""The one loader behind every schedule format (schedule.xml, xCal, iCalendar).

Which sessions: the event's ``accepted`` and ``confirmed`` sessions that are not soft-deleted and
have both a start and an end. All formats export exactly this set.

Queries, whatever the size of the event: one for the day summary, one for the tracks, one for the
sessions joined with their room, track and type, one for their speakers keyed by session id.
Never one per day, room or session.

Times are aware datetimes in the event's IANA zone. A session belongs to the local date of its
start shifted back by the day-change hour (04:00, as pretalx), so a talk at 01:30 stays on the
previous evening's day. Each day runs from its 04:00 to the next day's 04:00, stretched to cover
the end of any session that starts on it.

Missing links, one treatment for all formats: a session without a room (or whose room is deleted)
is placed in the room ``NO_ROOM``; one without a track or type has none (empty elements in
schedule.xml and the conference xCal, no property in iCalendar and RFC 6321 xCal). Deleted speakers
are left out.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, BinaryIO, Literal, TypeAlias
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, Date, Select, and_, cast, func, literal, select, text
from sqlalchemy.orm import Session

from chalicelib.exports.base import ExportFailed, ProgressCallback
from chalicelib.exports.text import clean, clean_or_none
from chalicelib.models import Event, EventSession, Microlocation, SessionType, Speaker, SpeakerSession, Track

SCHEDULE_STATES = ("accepted", "confirmed")
DAY_CHANGE = time(4, 0)
NO_ROOM = "Room to be announced"
# guids are UUID5s of this namespace and a row's id: the same session keeps its guid forever.
GUID_NAMESPACE = uuid.UUID("6f1e3c5a-1d0e-5b4e-9a53-0e7a3c2f4b10")
HTTP_URL = re.compile(r"https?://\S+")

Order = Literal["time", "room"]
Options: TypeAlias = Mapping[str, Any]
Progress: TypeAlias = ProgressCallback
Rows: TypeAlias = "Select[*tuple[Any, ...]]"


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class ScheduleSession:
    id: int
    title: str
    subtitle: str | None
    abstract: str | None
    description: str | None
    language: str | None
    slides_url: str | None
    start: datetime  # aware, in the event's zone
    end: datetime
    day: date  # the local date that owns it (day-change hour applied)
    room_id: int | None  # None: the NO_ROOM placeholder
    room: str
    track: str | None
    type: str | None
    speakers: tuple[Person, ...]

    @property
    def duration(self) -> timedelta:
        # In UTC: Python subtracts wall-clock times when both share a tzinfo, wrong across DST.
        return self.end.astimezone(UTC) - self.start.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Day:
    index: int  # from 1
    date: date
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class TrackInfo:
    id: int
    name: str
    color: str | None


@dataclass(frozen=True)
class Schedule:
    event: Event
    zone: ZoneInfo
    days: tuple[Day, ...]
    tracks: tuple[TrackInfo, ...]
    name: str  # the event's name, cleaned once for every format
    url: str | None  # the event's public page, when it is an absolute http(s) URL

    @property
    def caption(self) -> str:
        """What calendar apps show as the calendar's description."""
        return f"Schedule for sessions at {self.name}"


@lru_cache(maxsize=65536)  # speakers and rooms repeat across sessions
def guid(kind: str, row_id: int) -> str:
    """A stable UUID for a session, room or speaker: the same in every export of every format.

    ``uuid.uuid5(GUID_NAMESPACE, f"{kind}:{row_id}")``, computed without building ``UUID`` objects
    (a third of the cost, once per session in every export)."""
    digest = bytearray(hashlib.sha1(GUID_NAMESPACE.bytes + f"{kind}:{row_id}".encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    hexa = digest.hex()
    return f"{hexa[:8]}-{hexa[8:12]}-{hexa[12:16]}-{hexa[16:20]}-{hexa[20:]}"


def _event_url(event: Event) -> str | None:
    """The event's public page, when it is an absolute http(s) URL (formats reject anything else)."""
    url = event.external_event_url
    return url if url and HTTP_URL.fullmatch(url) else None


def event_zone(event: Event) -> ZoneInfo:
    try:
        return ZoneInfo(event.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise ExportFailed(f"The event's time zone {event.timezone!r} is not an IANA time zone name.") from None


def schedule_day(local_start: datetime) -> date:
    """The local date a session belongs to, given its local start (see the module docstring)."""
    return (local_start.replace(tzinfo=None) - timedelta(hours=DAY_CHANGE.hour, minutes=DAY_CHANGE.minute)).date()


def _in_schedule(event_id: int) -> tuple[ColumnElement[bool], ...]:
    return (
        EventSession.event_id == event_id,
        EventSession.state.in_(SCHEDULE_STATES),
        EventSession.deleted_at.is_(None),
        EventSession.starts_at.is_not(None),
        EventSession.ends_at.is_not(None),
    )


def _local_day_sql(zone: ZoneInfo) -> ColumnElement[date]:
    shift = timedelta(hours=DAY_CHANGE.hour, minutes=DAY_CHANGE.minute)
    return cast(func.timezone(zone.key, EventSession.starts_at) - literal(shift), Date)


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, DAY_CHANGE, tzinfo=zone)


def _days(session: Session, event: Event, zone: ZoneInfo) -> tuple[Day, ...]:
    """The event's days, from its own dates, widened to every session."""
    local_day = _local_day_sql(zone)
    rows: Sequence[Any] = session.execute(
        select(
            local_day,
            func.max(EventSession.ends_at),
            func.min(EventSession.ends_at - EventSession.starts_at),
        )
        .where(*_in_schedule(event.id))
        .group_by(text("1"))  # by position: the bound zone makes the expression differ from itself
    ).all()
    for row in rows:
        if row[2] < timedelta(0):
            raise ExportFailed(f"A session on {row[0]:%Y-%m-%d} ends before it starts: fix its times and export again.")
    latest_end = {row[0]: row[1].astimezone(zone) for row in rows}
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


def _tracks(session: Session, event: Event) -> tuple[TrackInfo, ...]:
    rows = session.execute(
        select(Track.id, Track.name, Track.color)
        .where(Track.event_id == event.id, Track.deleted_at.is_(None))
        .order_by(Track.name, Track.id)
    ).all()
    return tuple(TrackInfo(row[0], clean(row[1]), row[2]) for row in rows)


def load_schedule(session: Session, event: Event) -> Schedule:
    """Everything but the sessions themselves: zone, days and tracks (two small queries)."""
    zone = event_zone(event)
    return Schedule(
        event=event,
        zone=zone,
        days=_days(session, event, zone),
        tracks=_tracks(session, event),
        name=clean(event.name),
        url=_event_url(event),
    )


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
        .where(*_in_schedule(event_id))
        .order_by(EventSession.starts_at, EventSession.id)
    )


def speaker_rows_query(event_id: int) -> Rows:
    """The speakers of the schedule's sessions, keyed by session id, in a stable order: one query."""
    return (
        select(SpeakerSession.session_id, Speaker.id, Speaker.name)
        .join(Speaker, Speaker.id == SpeakerSession.speaker_id)
        .join(EventSession, EventSession.id == SpeakerSession.session_id)
        .where(*_in_schedule(event_id), Speaker.deleted_at.is_(None))
        .order_by(SpeakerSession.session_id, Speaker.name, Speaker.id)
    )


def _speakers(session: Session, event_id: int) -> dict[int, tuple[Person, ...]]:
    grouped: dict[int, list[Person]] = {}
    for session_id, speaker_id, name in session.execute(speaker_rows_query(event_id)):
        grouped.setdefault(session_id, []).append(Person(speaker_id, clean(name)))
    return {session_id: tuple(people) for session_id, people in grouped.items()}


def _room_order(item: tuple[ScheduleSession, int | None]) -> tuple[Any, ...]:
    """Inside each day: rooms by position, then id, the NO_ROOM placeholder last; then time order."""
    session, position = item
    return (session.day, session.room_id is None, position or 0, session.room_id or 0)


def iter_sessions(session: Session, schedule: Schedule, order: Order = "time") -> Iterator[ScheduleSession]:
    """The schedule's sessions, ``time`` ordered (start, id) or ``room`` ordered (day, room, start).

    Two queries whatever the size of the event (pg8000 buffers a result anyway); the sessions are
    held as small immutable rows, a few megabytes for 10,000 sessions.
    """
    speakers = _speakers(session, schedule.event.id)
    zone = schedule.zone
    loaded = []
    for row in session.execute(session_rows_query(schedule.event.id)):
        start = row[7].astimezone(zone)
        item = ScheduleSession(
            id=row[0],
            title=clean(row[1]),
            subtitle=clean_or_none(row[2]),
            abstract=clean_or_none(row[3]),
            description=clean_or_none(row[4]),
            language=clean_or_none(row[5]),
            slides_url=clean_or_none(row[6]),
            start=start,
            end=row[8].astimezone(zone),
            day=schedule_day(start),
            room_id=row[9],
            room=NO_ROOM if row[9] is None else clean(row[10]),
            track=clean_or_none(row[12]),
            type=clean_or_none(row[13]),
            speakers=speakers.get(row[0], ()),
        )
        loaded.append((item, row[11]))
    if order == "room":
        loaded.sort(key=_room_order)  # stable: time order is kept inside each room
    for item, _ in loaded:
        yield item


class ScheduleRenderer:
    """The ``Renderer`` of every schedule format: one loader, the same session count for progress.
    A format implements ``write`` with the loaded schedule."""

    def estimate_total(self, session: Session, event: Event, options: Mapping[str, Any]) -> int | None:
        return session.scalar(select(func.count()).where(*_in_schedule(event.id)))

    def render(
        self, session: Session, event: Event, options: Mapping[str, Any], out: BinaryIO, progress: ProgressCallback
    ) -> int:
        return self.write(session, load_schedule(session, event), options, out, progress)

    def write(self, db: Session, schedule: Schedule, options: Options, out: BinaryIO, progress: Progress) -> int:
        raise NotImplementedError
