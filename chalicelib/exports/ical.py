"""iCalendar (RFC 5545) built with the ``icalendar`` library.

Streaming without string building: the calendar head (properties and the library's VTIMEZONE)
and each VEVENT are serialized by the library, component by component; only the calendar's
closing line is written after the last event. The library escapes TEXT, folds lines at 75
octets and ends them with CRLF.

- ``DTSTART``/``DTEND`` carry ``TZID=<the event's IANA zone>``, defined by a real VTIMEZONE whose
  transitions cover the schedule's days (Thunderbird treats a TZID without one as floating time).
- ``UID`` is ``<session id>-<event identifier>@open-event-serverless``: stable across exports and
  deployments. ``DTSTAMP`` is the export time.
- ``LOCATION`` is always there (Giggity drops events without one): the room, or ``NO_ROOM``.
- Speakers are ``ATTENDEE;CN=<name>`` with a ``urn:uuid:`` address: their emails are never shown.
- ``GEO`` only when the event has both coordinates; ``URL`` is the event's public page when known.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, BinaryIO

import icalendar
from sqlalchemy.orm import Session

from chalicelib.exports.base import ProgressCallback
from chalicelib.exports.schedule import Schedule, ScheduleSession, event_url, guid, iter_sessions, load_schedule
from chalicelib.exports.text import clean
from chalicelib.models import Event

PRODID = "-//FOSSASIA//open-event-serverless//EN"
UID_DOMAIN = "open-event-serverless"
_END = b"END:VCALENDAR\r\n"


def session_uid(event: Event, item: ScheduleSession) -> str:
    return f"{item.id}-{event.identifier}@{UID_DOMAIN}"


def description(item: ScheduleSession) -> str | None:
    """Abstract and description, blank-line separated; None when there is no text at all."""
    parts = [part for part in (item.abstract, item.description) if part]
    return "\n\n".join(parts) or None


def timezone_for(schedule: Schedule) -> icalendar.Timezone:
    """The event zone's VTIMEZONE, its transitions from a year before the first day to a year after
    the last: every session is covered, and the file stays small."""
    first, last = schedule.days[0].date, schedule.days[-1].date
    return icalendar.Timezone.from_tzinfo(
        schedule.zone, schedule.zone.key, first_date=first - timedelta(days=366), last_date=last + timedelta(days=366)
    )


def _calendar_head(schedule: Schedule) -> bytes:
    event = schedule.event
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", clean(event.name))
    calendar.add("x-wr-caldesc", f"Schedule for sessions at {clean(event.name)}")
    calendar.add("x-wr-timezone", schedule.zone.key)
    calendar.add_component(timezone_for(schedule))
    serialized = calendar.to_ical()
    assert serialized.endswith(_END)
    return serialized[: -len(_END)]


def vevent(schedule: Schedule, item: ScheduleSession, stamp: datetime) -> icalendar.Event:
    event = schedule.event
    component = icalendar.Event()
    component.add("uid", session_uid(event, item))
    component.add("dtstamp", stamp)
    component.add("dtstart", item.start)
    component.add("dtend", item.end)
    component.add("summary", item.title)
    text = description(item)
    if text:
        component.add("description", text)
    component.add("location", item.room)
    if item.track:
        component.add("categories", [item.track])
    component.add("class", "PUBLIC")
    component.add("status", "CONFIRMED")
    url = event_url(event)
    if url:
        component.add("url", url)
    if event.latitude is not None and event.longitude is not None:
        component.add("geo", (event.latitude, event.longitude))
    for person in item.speakers:
        component.add(
            "attendee",
            f"urn:uuid:{guid('speaker', person.id)}",
            parameters={"CN": person.name, "CUTYPE": "INDIVIDUAL", "ROLE": "CHAIR"},
        )
    return component


class IcalRenderer:
    def estimate_total(self, session: Session, event: Event, options: Mapping[str, Any]) -> int | None:
        return load_schedule(session, event).total

    def render(
        self, session: Session, event: Event, options: Mapping[str, Any], out: BinaryIO, progress: ProgressCallback
    ) -> int:
        schedule = load_schedule(session, event)
        stamp = datetime.now(UTC).replace(microsecond=0)
        out.write(_calendar_head(schedule))
        written = 0
        for item in iter_sessions(session, schedule, order="time"):
            out.write(vevent(schedule, item, stamp).to_ical())
            written += 1
            progress(written)
        out.write(_END)
        return written


renderer = IcalRenderer()
