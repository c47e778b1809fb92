"""The schedule as every format sees it: small immutable rows, and the stable guids.

Times are aware datetimes in the event's IANA zone. Missing links, one treatment for all formats: a
session without a room (or whose room is deleted) is placed in the room ``NO_ROOM``; one without a
track or type has none (empty elements in schedule.xml and the conference xCal, no property in
iCalendar and RFC 6321 xCal). Deleted speakers are left out.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from chalicelib.models import Event
from chalicelib.schedule.sources import ImportSources

NO_ROOM = "Room to be announced"
NO_ROOM_ID = 0  # the placeholder's guid is ``guid("room", 0)``: no row has id 0
# Import and export cut days alike: a session belongs to the day of its start minus this hour.
DAY_CHANGE = time(4, 0)
# guids are UUID5s of this namespace and a row's id: the same session keeps its guid forever.
GUID_NAMESPACE = uuid.UUID("6f1e3c5a-1d0e-5b4e-9a53-0e7a3c2f4b10")


@dataclass(frozen=True, slots=True)
class Person:
    id: int  # as exported: the imported file's person id when there was one, else ours
    guid: str
    name: str


@dataclass(frozen=True, slots=True)
class Link:
    href: str
    title: str


@dataclass(frozen=True, slots=True)
class ScheduleSession:
    id: int
    title: str
    subtitle: str | None
    abstract: str | None
    description: str | None
    language: str | None
    start: datetime  # aware, in the event's zone
    end: datetime
    day: date  # the local date that owns it (day-change hour applied)
    room_id: int | None  # None: the NO_ROOM placeholder
    room: str
    track: str | None
    type: str | None
    speakers: tuple[Person, ...]
    guid: str  # the imported file's, else derived (``guid``)
    room_guid: str  # likewise (the NO_ROOM placeholder's: ``NO_ROOM_ID``)
    url: str | None  # the session's own page (an absolute http(s) URL)
    links: tuple[Link, ...]  # the slides (``Slides``) first, then the imported file's links
    attachments: tuple[Link, ...]
    recording_optout: bool
    recording_license: str | None

    @property
    def duration(self) -> timedelta:
        # In UTC: Python subtracts wall-clock times when both share a tzinfo, wrong across DST.
        return self.end.astimezone(UTC) - self.start.astimezone(UTC)

    @property
    def wall_clock_duration(self) -> timedelta:
        """End minus start as the local wall clock reads them (what floating times imply)."""
        return self.end.replace(tzinfo=None) - self.start.replace(tzinfo=None)


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
    sources: ImportSources  # what an imported file said beyond OES's columns (``sources``)
    only_sessions: frozenset[int] | None = None  # set: a selection (a person's own schedule)

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
