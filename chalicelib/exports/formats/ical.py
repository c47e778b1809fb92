"""iCalendar (RFC 5545) built with the ``icalendar`` library.

Streaming without string building: the calendar head (properties and the library's VTIMEZONE)
is serialized by the library; each VEVENT is built by the library and turned by it into content
lines (escaping TEXT and parameters), which ``fold`` puts on the wire: 75-octet lines, CRLF. The
library's own folder walks every character in Python and took a third of the export time.

- ``METHOD:PUBLISH`` as RFC 5546 §3.2.1 wants it: one ``ORGANIZER`` (the event, ``CN`` = its
  name, a ``urn:uuid:`` address) and no ``ATTENDEE`` (RFC 5545 §3.8.4.1 forbids attendees in a
  published calendar). Speakers are a ``Speakers: A, B`` paragraph heading the ``DESCRIPTION``
  (pretalx puts them in the ``SUMMARY``; the title stays the title in every format here).
- ``DTSTART``/``DTEND`` carry ``TZID=<the event's IANA zone>``, defined by a real VTIMEZONE whose
  transitions cover the schedule's days (Thunderbird treats a TZID without one as floating time),
  built by ``vtimezone`` from the zone's real transitions. A zone equal to UTC is written in UTC
  (``...Z``) with no VTIMEZONE: RFC 5545 forbids a ``TZID`` on UTC times.
- ``UID`` is ``<session id>-<event identifier>@open-event-serverless``: stable across exports and
  deployments. ``DTSTAMP`` is the export time (or the ``STAMP`` option's). With ``EVENT_ONLY`` the
  calendar holds the event itself, ``<identifier>@open-event-serverless``, as Open Event's ``.ics``.
- ``LOCATION`` is always there (Giggity drops events without one): the room, or ``NO_ROOM``.
- ``GEO`` only when the event has both coordinates; ``URL`` is the event's public page when known.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any, BinaryIO

import icalendar
from sqlalchemy.orm import Session

from chalicelib.exports.formats.base import EVENT_ONLY, Options, stamp
from chalicelib.exports.formats.schedule_renderer import Progress, ScheduleRenderer
from chalicelib.exports.formats.vtimezone import schedule_observances, vtimezone, writes_utc
from chalicelib.models import Event
from chalicelib.schedule.loader import iter_sessions
from chalicelib.schedule.model import Schedule, ScheduleSession, guid
from chalicelib.schedule.text import clean

PRODID = "-//FOSSASIA//open-event-serverless//EN"
UID_DOMAIN = "open-event-serverless"
_END = b"END:VCALENDAR\r\n"


def session_uid(event: Event, item: ScheduleSession) -> str:
    return f"{item.id}-{event.identifier}@{UID_DOMAIN}"


def description(item: ScheduleSession, speakers: bool = False) -> str | None:
    """Abstract and description, blank-line separated, after a ``Speakers:`` line when asked for;
    None when there is no text at all."""
    names = ", ".join(person.name for person in item.speakers) if speakers else ""
    parts = [part for part in (f"Speakers: {names}" if names else None, item.abstract, item.description) if part]
    return "\n\n".join(parts) or None


def organizer_address(schedule: Schedule) -> str:
    """The event as the calendar's ORGANIZER: a stable URN, never an email address."""
    return f"urn:uuid:{guid('event', schedule.event.id)}"


class _QuotedParameters(icalendar.Parameters):
    """``CN`` always quoted (RFC 5545 §3.2 allows it everywhere): the library quotes it only for a
    space or an apostrophe, so a name led by a TAB went out bare, and readers (the library itself)
    strip it."""

    always_quoted = (*icalendar.Parameters.always_quoted, "CN")  # type: ignore[assignment]


def _calendar_head(schedule: Schedule) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", schedule.name)
    calendar.add("x-wr-caldesc", schedule.caption)
    calendar.add("x-wr-timezone", schedule.zone.key)
    if not writes_utc(schedule.zone):
        calendar.add_component(vtimezone(schedule.zone, schedule_observances(schedule)))
    serialized: bytes = calendar.to_ical()
    assert serialized.endswith(_END)
    return serialized[: -len(_END)]


def shared_properties(schedule: Schedule, stamp: datetime) -> list[tuple[str, Any]]:
    """Properties every VEVENT carries with the same value, encoded once per export."""
    event = schedule.event
    organizer = icalendar.vCalAddress(organizer_address(schedule))
    organizer.params = _QuotedParameters(CN=schedule.name)
    shared: list[tuple[str, Any]] = [
        ("dtstamp", icalendar.vDDDTypes(stamp)),
        ("organizer", organizer),
        ("class", icalendar.vText("PUBLIC")),
        ("status", icalendar.vText("CONFIRMED")),
    ]
    if schedule.url:
        shared.append(("url", icalendar.vUri(schedule.url)))
    if event.latitude is not None and event.longitude is not None:
        shared.append(("geo", icalendar.vGeo((event.latitude, event.longitude))))
    return shared


class _Encoded:
    """Encoded property values of one export, the same object for the same value: sessions share
    start times, rooms and tracks, and encoding is most of the library's cost after
    folding. Per export, never per process: datetimes of different zones at the same instant are
    equal, so a process-wide cache would hand one event's TZID to the next event's export."""

    def __init__(self) -> None:
        self.moment = cache(icalendar.vDDDTypes)  # DATE-TIME with TZID=<the zone's key>
        self.text = cache(icalendar.vText)
        self.category = cache(lambda value: icalendar.vCategory([value]))


def vevent(
    schedule: Schedule, item: ScheduleSession, shared: list[tuple[str, Any]], encoded: _Encoded
) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", session_uid(schedule.event, item))
    component.add("dtstart", encoded.moment(item.start))
    component.add("dtend", encoded.moment(item.end))
    component.add("summary", item.title)
    text = description(item, speakers=True)
    if text:
        component.add("description", text)
    component.add("location", encoded.text(item.room))
    if item.track:
        component.add("categories", encoded.category(item.track))
    for name, value in shared:
        component.add(name, value)
    return component


def fold(line: str) -> bytes:
    """One content line as RFC 5545 3.1 wants it on the wire: at most 75 octets per physical line,
    continuation lines starting with a space, CRLF after each, never splitting a UTF-8 sequence or
    a backslash escape (the rule of icalendar's own ``_foldline``, at a fraction of its cost)."""
    data = line.encode("utf-8")
    parts, start, limit = [], 0, 75
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: cut before its sequence
            cut -= 1
        if data[cut - 1] in b"\\^" and cut - 1 > start:  # keep an escape with what it escapes
            cut -= 1
        parts.append(data[start:cut])
        start, limit = cut, 74  # the leading space of a continuation line counts
    parts.append(data[start:])
    return b"\r\n ".join(parts) + b"\r\n"


# Properties whose values come from ``_Encoded`` (or ``shared_properties``): the same object
# for the same value, so their content lines can be serialized once per export.
_REPEATED = frozenset(
    {"DTSTART", "DTEND", "LOCATION", "CATEGORIES", "DTSTAMP", "ORGANIZER", "CLASS", "STATUS", "URL", "GEO"}
)


def wire(component: icalendar.Event, lines: dict[tuple[str, int], tuple[Any, bytes]]) -> bytes:
    """The component's content lines (made by the library), folded; lines of repeated values are
    taken from ``lines``, keyed by the value object (kept alive there, so its id is not reused)."""
    out = []
    for name, value in component.property_items(sorted=False):
        if name not in _REPEATED:
            out.append(fold(component.content_line(name, value, sorted=False)))
            continue
        key = (name, id(value))
        if key not in lines:
            lines[key] = (value, fold(component.content_line(name, value, sorted=False)))
        out.append(lines[key][1])
    return b"".join(out)


def event_vevent(schedule: Schedule, shared: list[tuple[str, Any]]) -> icalendar.Event:
    """The event itself as one VEVENT (Open Event's ``{identifier}.ics`` without sessions)."""
    event = schedule.event
    component = icalendar.Event()
    component.add("uid", f"{event.identifier}@{UID_DOMAIN}")
    component.add("dtstart", icalendar.vDDDTypes(event.starts_at.astimezone(schedule.zone)))
    component.add("dtend", icalendar.vDDDTypes(event.ends_at.astimezone(schedule.zone)))
    component.add("summary", schedule.name)
    component.add("location", clean(event.location_name) or ("Online" if event.online else ""))
    for name, value in shared:
        component.add(name, value)
    return component


class IcalRenderer(ScheduleRenderer):
    def write(self, db: Session, schedule: Schedule, options: Options, out: BinaryIO, progress: Progress) -> int:
        shared = shared_properties(schedule, stamp(options))
        out.write(_calendar_head(schedule))
        written, lines, encoded = 0, dict[tuple[str, int], tuple[Any, bytes]](), _Encoded()
        if options.get(EVENT_ONLY):
            out.write(wire(event_vevent(schedule, shared), lines) + _END)
            return 1
        for item in iter_sessions(db, schedule, order="time"):
            out.write(wire(vevent(schedule, item, shared, encoded), lines))
            written += 1
            progress(written)
        out.write(_END)
        return written


renderer = IcalRenderer()
