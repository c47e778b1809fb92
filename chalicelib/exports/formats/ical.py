"""iCalendar (RFC 5545) built with the ``icalendar`` library.

Streaming without string building: the calendar head (its properties) is serialized by the
library; each VEVENT is built by the library and turned by it into content lines (escaping TEXT
and parameters), which ``fold`` puts on the wire: 75-octet lines, CRLF. The library's own folder
walks every character in Python and took a third of the export time.

- ``METHOD:PUBLISH`` as RFC 5546 §3.2.1 wants it: one ``ORGANIZER`` (the event, ``CN`` = its
  name, a ``urn:uuid:`` address) and no ``ATTENDEE`` (RFC 5545 §3.8.4.1 forbids attendees in a
  published calendar). Speakers are a ``Speakers: A, B`` paragraph heading the ``DESCRIPTION``
  (pretalx puts them in the ``SUMMARY``; the title stays the title in every format here).
- ``DTSTART``/``DTEND`` are UTC date-times (``...Z``, RFC 5545 §3.3.5 form #2); the event's zone
  is named by ``X-WR-TIMEZONE``, and calendar apps show the times in their user's zone either way.
  A local time with ``TZID`` is read through the reader's own zone rules: in the hour that occurs
  twice when clocks go back it names two instants (icalendar, vobject and ``ical`` take the first,
  libical, ical.js and node-ical the second), and readers whose time zone database is older or
  newer than ours (pytz, Node's ICU) place whole seasons of a zone whose rules changed an hour
  off. A UTC time names one instant for every reader, so no VTIMEZONE is needed either.
- ``UID`` is ``<session id>-<event identifier>@open-event-serverless``: stable across exports and
  deployments. ``DTSTAMP`` is the export time (or the ``STAMP`` option's). With ``EVENT_ONLY`` the
  calendar holds the event itself, ``<identifier>@open-event-serverless``, as Open Event's ``.ics``.
- ``LOCATION`` is always there (Giggity drops events without one): the room, or ``NO_ROOM``.
- ``GEO`` only when the event has both coordinates; ``URL`` is the event's public page when known.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any, BinaryIO

import icalendar
from sqlalchemy.orm import Session

from chalicelib.exports.formats.base import EVENT_ONLY, Options, stamp
from chalicelib.exports.formats.schedule_renderer import Progress, ScheduleRenderer
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
    folding. Per export, never per process: a warm worker's caches would grow with every export."""

    def __init__(self) -> None:
        # Given UTC datetimes only: zoned ones compare by wall clock, so 02:30 before and after
        # the clocks go back are equal (and hash alike) although they are an hour apart.
        self.moment = cache(icalendar.vDDDTypes)
        self.text = cache(icalendar.vText)
        self.category = cache(lambda value: icalendar.vCategory([value]))


def vevent(
    schedule: Schedule, item: ScheduleSession, shared: list[tuple[str, Any]], encoded: _Encoded
) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", session_uid(schedule.event, item))
    component.add("dtstart", encoded.moment(item.start.astimezone(UTC)))
    component.add("dtend", encoded.moment(item.end.astimezone(UTC)))
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
    component.add("dtstart", icalendar.vDDDTypes(event.starts_at.astimezone(UTC)))
    component.add("dtend", icalendar.vDDDTypes(event.ends_at.astimezone(UTC)))
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
