"""Read a Pentabarf, frab or pretalx ``schedule.xml`` into plain data (``schedule_import`` stores it).

Safe parsing: the file is read up to ``MAX_BYTES``, and ``defusedxml`` refuses any DTD, so no
entity is expanded and nothing is fetched from the network.

Tolerant where producers differ: empty ``<track>``, ``<subtitle>`` or ``<description>`` mean none;
upper-case acronyms and relative logos are accepted; ``<date>`` may be a full dateTime (used as is)
or missing (then the day's date and ``<start>`` in the file's zone, after the day-change hour);
durations are ``H:MM`` or ``HH:MM:SS``. The file's zone is ``time_zone_name``, else the caller's
choice, else the fixed offset of the first session (``Etc/GMT-2`` for ``+02:00``; UTC for an offset
no such zone has, the times staying exact). A file with none of these (FOSDEM's) is refused: its
times would be read an hour or more off without a word.

A person is who their guid says, else their id, else their name within the file: two people of
one display name stay two. Lossless where our tables can hold it: guids (session, room, person),
person ids (``0`` included), ``<url>``,
links, attachments, and ``<recording>`` (opt-out, licence): a re-export is the same schedule to
the apps that follow it, and a talk whose speakers refused recording stays refused.

Strict where data would be lost: an event without a title or a start, an unreadable date, start or
duration, or an unknown time zone stops the import with a message that names the event.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple, TypeVar
from xml.etree.ElementTree import Element, ParseError
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from chalicelib.schedule.model import DAY_CHANGE  # import and export must cut days alike

MAX_BYTES = 20 * 1024 * 1024
_DURATION = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{1,2}))?")
T = TypeVar("T")
_START = re.compile(r"(\d{1,2}):(\d{2})(?::\d{2})?")
_UUID = re.compile(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}")
_HTTP_URL = re.compile(r"https?://\S{1,2040}")  # sessions.url holds 2048 characters
_PERSON_ID = re.compile(r"[0-9]{1,18}")  # speaker.source_id is a BIGINT


class ScheduleImportError(ValueError):
    """The file cannot be imported as it is; the message says why, for a person."""


class ImportedPerson(NamedTuple):
    key: str  # who the person is: their guid, else their id, else their name in this file
    name: str
    id: int | None
    guid: str | None


@dataclass(frozen=True)
class ImportedSession:
    title: str
    start: datetime  # aware
    duration: timedelta
    room: str
    track: str | None = None
    type: str | None = None
    subtitle: str | None = None
    abstract: str | None = None
    description: str | None = None
    language: str | None = None
    speakers: tuple[ImportedPerson, ...] = ()
    guid: str | None = None
    url: str | None = None
    links: tuple[tuple[str, str], ...] = ()  # (href, title)
    attachments: tuple[tuple[str, str], ...] = ()
    recording_optout: bool = False
    recording_license: str | None = None


@dataclass
class ImportedSchedule:
    title: str
    acronym: str | None
    timezone: str
    url: str | None = None
    track_colors: dict[str, str] = field(default_factory=dict)
    room_guids: dict[str, str] = field(default_factory=dict)
    sessions: list[ImportedSession] = field(default_factory=list)


def _text(element: Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    text = element.text.strip()
    return text or None


def _parse_root(data: bytes) -> Element:
    if len(data) > MAX_BYTES:
        raise ScheduleImportError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    try:
        root: Element = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise ScheduleImportError(f"The file uses XML features refused for safety ({type(error).__name__}).") from None
    except ParseError as error:
        raise ScheduleImportError(f"The file is not well-formed XML: {error}.") from None
    if root.tag != "schedule" or root.find("conference") is None:
        raise ScheduleImportError(
            f"Not a schedule.xml file: the root is <{root.tag}>, not <schedule> with a <conference>."
        )
    return root


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleImportError(f"Unknown time zone {name!r}: use an IANA name such as Europe/Berlin.") from None


def _offset_zone_name(root: Element) -> str:
    """A fixed-offset IANA zone from the first session's ``<date>`` that has an offset."""
    if root.find("day/room/event") is None:
        return "UTC"  # no session to place
    for element in root.iterfind("day/room/event/date"):
        try:
            offset = datetime.fromisoformat((element.text or "").strip()).utcoffset()
        except ValueError:
            continue
        if offset is not None and offset % timedelta(hours=1) == timedelta(0):
            hours = int(offset / timedelta(hours=1))
            return "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"  # POSIX signs: Etc/GMT-2 is UTC+2
        if offset is not None:
            return "UTC"  # no fixed-offset zone for it; each date keeps its own offset
    raise ScheduleImportError(
        "The file names no time zone (<time_zone_name>) and its dates carry no UTC offset, so its times "
        "cannot be placed: pass the event's zone with --timezone (for example --timezone Europe/Brussels)."
    )


def _duration(raw: str | None, where: str) -> timedelta:
    match = _DURATION.fullmatch(raw or "")
    if not match:
        raise ScheduleImportError(f"{where}: unreadable duration {raw!r} (expected HH:MM).")
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)


def _read(parse: Callable[[str], T], raw: str, what: str, where: str) -> T:
    """``parse(raw)``, or an import error that names the element and the value."""
    try:
        return parse(raw)
    except ValueError:
        raise ScheduleImportError(f"{where}: unreadable {what} {raw!r}.") from None


def _clock(raw: str) -> time:
    hours, minutes = raw.split(":")[:2]
    return time(int(hours), int(minutes))


def _start(event: Element, day: date | None, zone: ZoneInfo, where: str) -> datetime:
    raw_date = _text(event.find("date"))
    if raw_date and "T" in raw_date:
        moment = _read(datetime.fromisoformat, raw_date, "date", where)
        return moment if moment.tzinfo else moment.replace(tzinfo=zone)
    raw_start = _text(event.find("start")) or ""
    base = _read(date.fromisoformat, raw_date, "date", where) if raw_date else day
    if not _START.fullmatch(raw_start) or base is None:
        raise ScheduleImportError(f"{where}: no readable <date> or <start>.")
    clock = _read(_clock, raw_start, "start", where)
    if not raw_date and clock < DAY_CHANGE:  # after midnight, still on the day's programme
        base += timedelta(days=1)
    return datetime.combine(base, clock, tzinfo=zone)


def _guid(raw: str | None) -> str | None:
    value = (raw or "").strip().lower()
    return value if _UUID.fullmatch(value) else None


def _http(raw: str | None) -> str | None:
    value = (raw or "").strip()
    return value if _HTTP_URL.fullmatch(value) else None


def _persons(event: Element) -> tuple[ImportedPerson, ...]:
    persons = []
    for person in event.iterfind("persons/person"):
        name, raw_id = _text(person), (person.get("id") or "").strip()
        if name:
            number = int(raw_id) if _PERSON_ID.fullmatch(raw_id) else None
            guid = _guid(person.get("guid"))
            # Two people may share a display name (39C3 has two "Leonard"s, told apart by guid only).
            key = f"guid:{guid}" if guid else f"id:{raw_id}" if raw_id else f"name:{name}"
            persons.append(ImportedPerson(key, name, number, guid))
    return tuple(persons)


def _references(event: Element, path: str) -> tuple[tuple[str, str], ...]:
    """``<links><link href=..>title</link>`` and the like: (href, title), http(s) addresses only."""
    return tuple(
        (href, _text(element) or href) for element in event.iterfind(path) if (href := _http(element.get("href")))
    )


def _session(event: Element, room_name: str, day: date | None, zone: ZoneInfo) -> ImportedSession:
    where = f"event id={event.get('id', '?')}"
    title = _text(event.find("title"))
    if not title:
        raise ScheduleImportError(f"{where}: no <title>.")
    return ImportedSession(
        title=title,
        start=_start(event, day, zone, where),
        duration=_duration(_text(event.find("duration")), where),
        room=_text(event.find("room")) or room_name,
        track=_text(event.find("track")),
        type=_text(event.find("type")),
        subtitle=_text(event.find("subtitle")),
        abstract=_text(event.find("abstract")),
        description=_text(event.find("description")),
        language=_text(event.find("language")),
        speakers=_persons(event),
        guid=_guid(event.get("guid")),
        url=_http(_text(event.find("url"))),
        links=_references(event, "links/link"),
        attachments=_references(event, "attachments/attachment"),
        recording_optout=(_text(event.find("recording/optout")) or "").lower() in {"true", "1"},
        recording_license=_text(event.find("recording/license")),
    )


def parse_schedule(data: bytes, timezone: str | None = None) -> ImportedSchedule:
    """Read a schedule.xml into plain data (no database): see the module docstring for the rules."""
    root = _parse_root(data)
    conference = root.find("conference")
    assert conference is not None
    title = _text(conference.find("title"))
    if not title:
        raise ScheduleImportError("The <conference> has no <title>.")
    zone_name = _text(conference.find("time_zone_name")) or timezone or _offset_zone_name(root)
    zone = _zone(zone_name)
    parsed = ImportedSchedule(
        title=title,
        acronym=_text(conference.find("acronym")),
        timezone=zone.key,
        url=_http(_text(conference.find("url"))),
    )
    for track in conference.iterfind("track"):
        if track.get("name") and track.get("color"):
            parsed.track_colors[track.get("name", "")] = track.get("color", "")
    for day in root.iterfind("day"):
        raw_day = day.get("date")
        day_date = _read(date.fromisoformat, raw_day, "date", f"day index={day.get('index', '?')}") if raw_day else None
        for room in day.iterfind("room"):
            if (room_guid := _guid(room.get("guid"))) and room.get("name"):
                parsed.room_guids.setdefault(room.get("name", ""), room_guid)
            for event in room.iterfind("event"):
                parsed.sessions.append(_session(event, room.get("name") or "", day_date, zone))
    return parsed
