"""xCal in two forms, written incrementally with ``lxml.etree.xmlfile``.

- ``conference`` (default): the pre-standard form Pentabarf, frab and pretalx emit and Giggity and
  KCalendarCore read, element by element as in formats.md: floating local times of the event's
  zone, ``PT..`` durations between those floating times (so start + duration = end for the
  consumer: across an autumn change a 25-hour wall-clock span is ``PT25H``, not the 26 elapsed
  hours; ``floating_span`` says what happens inside the repeated hour), the numeric
  ``pentabarf:event-id`` filled in.
- ``rfc6321``: RFC 6321 (namespace ``urn:ietf:params:xml:ns:icalendar-2.0``), every value typed,
  UTC times, organizer and speakers as in the ``.ics``.
  It has no ``x-`` properties: the schema forbids them.

Both carry the same sessions, UIDs, locations and speakers as the ``.ics`` export.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, BinaryIO

from lxml import etree
from sqlalchemy.orm import Session

from chalicelib.exports.formats.base import Options, stamp
from chalicelib.exports.formats.ical import PRODID, description, session_uid
from chalicelib.exports.formats.schedule_renderer import Progress, ScheduleRenderer
from chalicelib.exports.formats.xcal_rfc6321 import NS as ICALENDAR_NS
from chalicelib.exports.formats.xcal_rfc6321 import calendar_properties, vevent_rfc6321
from chalicelib.schedule.loader import iter_sessions
from chalicelib.schedule.model import Schedule, ScheduleSession

XCAL_NS = "urn:ietf:params:xml:ns:xcal"
PENTABARF_NS = "http://pentabarf.org"
EVENT_ID = f"{{{PENTABARF_NS}}}event-id"


def iso_duration(duration: timedelta) -> str:
    """``PT1H30M`` style (RFC 5545 dur-time; hours may exceed 24); ``PT0S`` for zero."""
    seconds = int(duration.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{hours}H" if hours else "", f"{minutes}M" if minutes else "", f"{seconds}S" if seconds else ""]
    return "PT" + ("".join(parts) or "0S")


def floating(moment: datetime) -> str:
    return f"{moment:%Y%m%dT%H%M%S}"


def floating_span(item: ScheduleSession) -> timedelta:
    """What the floating ``dtstart`` to ``dtend`` spans: the wall-clock span, so that both read
    as the clock in the room does; when the clock goes back within the session by at least its
    elapsed time (it starts and ends within the repeated hour), the wall-clock end would not come
    after the start, and the elapsed time is used instead. Never negative."""
    wall = item.wall_clock_duration
    return wall if wall > timedelta(0) else item.duration


def conference_fields(schedule: Schedule, item: ScheduleSession) -> list[tuple[str, str]]:
    """A session's ``vevent`` children in the conference form, in order (formats.md)."""
    span = floating_span(item)
    fields = [
        ("method", "PUBLISH"),
        ("uid", session_uid(schedule.event, item)),
        (EVENT_ID, str(item.id)),
        ("dtstart", floating(item.start)),
        ("dtend", floating(item.start.replace(tzinfo=None) + span)),
        ("duration", iso_duration(span)),
        ("summary", item.title),
        ("description", description(item) or ""),
        ("class", "PUBLIC"),
        ("status", "CONFIRMED"),
        ("category", item.track or ""),
    ]
    if schedule.url:
        fields.append(("url", schedule.url))
    fields.append(("location", item.room))
    fields.extend(("attendee", person.name) for person in item.speakers)
    return fields


def _write_fields(xml: Any, fields: list[tuple[str, str]]) -> None:
    # Written through the incremental writer, not as a built subtree: it knows the prefixes the
    # root declared, so ``pentabarf:event-id`` keeps its prefix without a declaration per vevent.
    for tag, text in fields:
        with xml.element(tag):
            xml.write(text)


class XcalRenderer(ScheduleRenderer):
    def write(self, db: Session, schedule: Schedule, options: Options, out: BinaryIO, progress: Progress) -> int:
        sessions = iter_sessions(db, schedule, order="time")
        written = 0
        with etree.xmlfile(out, encoding="utf-8") as xml:
            xml.write_declaration()
            if options.get("form") == "rfc6321":
                generated = stamp(options)
                with (
                    xml.element(f"{{{ICALENDAR_NS}}}icalendar", nsmap={None: ICALENDAR_NS}),
                    xml.element(f"{{{ICALENDAR_NS}}}vcalendar"),
                ):
                    xml.write(calendar_properties())
                    with xml.element(f"{{{ICALENDAR_NS}}}components"):
                        for item in sessions:
                            xml.write(vevent_rfc6321(schedule, item, generated))
                            written += 1
                            progress(written)
                return written
            with (
                xml.element("iCalendar", nsmap={"xCal": XCAL_NS, "pentabarf": PENTABARF_NS}),
                xml.element("vcalendar"),
            ):
                _write_fields(xml, [("version", "2.0"), ("prodid", PRODID),
                                    ("x-wr-caldesc", schedule.caption), ("x-wr-calname", schedule.name)])  # fmt: skip
                for item in sessions:
                    with xml.element("vevent"):
                        _write_fields(xml, conference_fields(schedule, item))
                    written += 1
                    progress(written)
        return written


renderer = XcalRenderer()
