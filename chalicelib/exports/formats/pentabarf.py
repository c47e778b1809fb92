"""Pentabarf/frab ``schedule.xml`` that passes the C3VOC schema (``schedule.xml.xsd``).

Written incrementally with ``lxml.etree.xmlfile``: one ``<event>`` element at a time, so the XML
never exists as a whole tree. Sessions of 24 hours or more cannot be written as an ``HH:MM``
duration that every app reads the same way (voc/schedule#129, giggity#521): the export fails with
a message that names the session, rather than split it into parts the organizer never created.

The ``pentabarf`` form (``?form=pentabarf``) adds the classic ``venue``, ``day_change`` and
``city`` to ``<conference>``: the schema refuses them, parsers of Pentabarf's family need them.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator
from datetime import timedelta
from typing import Any, BinaryIO

from lxml import etree
from sqlalchemy.orm import Session

from chalicelib.exports.formats.base import VERSION, ExportFailed, Options
from chalicelib.exports.formats.schedule_renderer import Progress, ScheduleRenderer
from chalicelib.models import Event
from chalicelib.schedule.loader import iter_sessions
from chalicelib.schedule.model import DAY_CHANGE, Day, Link, Schedule, ScheduleSession, TrackInfo
from chalicelib.schedule.text import clean

GENERATOR = "open-event-serverless"
SCHEDULE_VERSION = "1.0"
_HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def ascii_slug(text: str, separator: str = "-") -> str:
    """Lowercase ASCII letters and digits joined by ``separator``; accents folded, the rest dropped."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return separator.join(re.findall(r"[a-z0-9]+", folded))


def acronym(event: Event) -> str:
    """The event identifier as ``[a-z0-9_-]{4,}``."""
    value = re.sub(r"[^a-z0-9_-]+", "-", event.identifier.lower()).strip("-") or "event"
    return value.ljust(4, "_")


def session_slug(prefix: str, item: ScheduleSession) -> str:
    """``<acronym>-<id>-<title>``, matching ``[a-z0-9_]{4,}-[a-z0-9\\-_]{4,}``; unique through the id."""
    title = ascii_slug(item.title)[:60].strip("-") or "session"
    return f"{prefix.replace('-', '_')}-{item.id}-{title}"


def track_slugs(tracks: tuple[TrackInfo, ...]) -> dict[int, str]:
    """Unique slugs matching ``[a-z][a-z0-9-]+`` (so never starting with a digit)."""
    slugs: dict[int, str] = {}
    for track in tracks:
        slug = ascii_slug(track.name)
        if not slug or not slug[0].isalpha():
            slug = f"track-{slug}".rstrip("-")
        if slug in slugs.values():
            slug = f"{slug}-{track.id}"
        slugs[track.id] = slug
    return slugs


def _clock(duration: timedelta) -> str:
    minutes = int(duration.total_seconds()) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def hh_mm(duration: timedelta, item: ScheduleSession) -> str:
    """``<duration>`` is elapsed time, since ``<date>`` carries the offset (consumers add it to
    the start); the 24-hour limit is on the same measure, and the message says so."""
    if duration >= timedelta(hours=24):
        wall = item.wall_clock_duration
        across = f" ({_clock(wall)} on the wall clock: it spans a change of UTC offset)" if wall != duration else ""
        raise ExportFailed(
            f"Session {item.id} ({item.title!r}) lasts {_clock(duration)} hours of elapsed time{across}; "
            "schedule.xml's <duration> counts elapsed time and cannot represent sessions of 24 hours or more. "
            "Shorten or split it, then export again."
        )
    return _clock(duration)


def schedule_version(event: Event, options: Options) -> str:
    """The options' ``VERSION``, else one that changes when the organizer publishes the schedule
    again, as consumers expect."""
    if options.get(VERSION):
        return str(options[VERSION])
    published = event.schedule_published_on
    return f"{published:%Y-%m-%d %H:%M:%S}" if published else "unpublished"


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    child = etree.SubElement(parent, tag, attributes)
    child.text = text
    return child


def _conference(schedule: Schedule, classic: bool) -> etree._Element:
    """``classic``: Pentabarf's own ``venue``, ``day_change`` and ``city`` as well (OES wrote them;
    python-pentabarf-xml cannot read a file without them; the C3VOC schema refuses them)."""
    event = schedule.event
    conference = etree.Element("conference")
    _sub(conference, "title", schedule.name)
    _sub(conference, "acronym", acronym(event))
    _sub(conference, "start", schedule.days[0].date.isoformat())
    _sub(conference, "end", schedule.days[-1].date.isoformat())
    if classic:
        _sub(conference, "venue", clean(event.location_name))
    _sub(conference, "days", str(len(schedule.days)))
    if classic:
        _sub(conference, "day_change", f"{DAY_CHANGE:%H:%M}")
    _sub(conference, "timeslot_duration", "00:05")
    if classic:
        _sub(conference, "city", "")  # no city is stored apart from the venue
    _sub(conference, "time_zone_name", schedule.zone.key)
    if schedule.url:
        _sub(conference, "url", schedule.url)
    slugs = track_slugs(schedule.tracks)
    for track in schedule.tracks:
        attributes = {"name": track.name, "slug": slugs[track.id]}
        if track.color and _HEX_COLOR.fullmatch(track.color):
            attributes["color"] = track.color.lower()
        _sub(conference, "track", **attributes)
    return conference


def _event(item: ScheduleSession, prefix: str) -> etree._Element:
    element = etree.Element("event", id=str(item.id), guid=item.guid)
    fields = [
        ("room", item.room),
        ("title", item.title),
        ("subtitle", item.subtitle or ""),
        ("type", item.type or ""),
        ("date", item.start.isoformat()),
        ("start", f"{item.start:%H:%M}"),
        ("duration", hh_mm(item.duration, item)),
        ("abstract", item.abstract or ""),
        ("description", item.description),
        ("slug", session_slug(prefix, item)),
        ("track", item.track or ""),
        ("language", item.language),
        ("url", item.url),
    ]
    for tag, text in fields:
        if text is not None:
            etree.SubElement(element, tag).text = text
    persons = etree.SubElement(element, "persons")
    for person in item.speakers:
        etree.SubElement(persons, "person", id=str(person.id), guid=person.guid).text = person.name
    if item.recording_optout or item.recording_license:  # else unknown: claim nothing
        recording = etree.SubElement(element, "recording")
        etree.SubElement(recording, "license").text = item.recording_license or ""
        etree.SubElement(recording, "optout").text = "true" if item.recording_optout else "false"
    _references(element, "links", "link", item.links)
    if item.attachments:
        _references(element, "attachments", "attachment", item.attachments)
    return element


def _references(element: etree._Element, tag: str, child: str, references: tuple[Link, ...]) -> None:
    parent = etree.SubElement(element, tag)
    for reference in references:
        etree.SubElement(parent, child, href=reference.href).text = reference.title


def _by_day_and_room(sessions: Iterator[ScheduleSession]) -> Iterator[tuple[Any, Iterator[ScheduleSession]]]:
    """Group room-ordered sessions by (day, room), lazily."""
    return itertools.groupby(sessions, key=lambda item: (item.day, item.room_id, item.room, item.room_guid))


class PentabarfRenderer(ScheduleRenderer):
    def write(self, db: Session, schedule: Schedule, options: Options, out: BinaryIO, progress: Progress) -> int:
        event = schedule.event
        prefix = acronym(event)
        groups = _by_day_and_room(iter_sessions(db, schedule, order="room"))
        pending = next(groups, None)
        written = 0
        with etree.xmlfile(out, encoding="utf-8") as xml:
            xml.write_declaration()
            with xml.element("schedule"):
                xml.write(etree.Element("generator", name=GENERATOR, version=SCHEDULE_VERSION))
                _sub_write(xml, "version", schedule_version(event, options))
                xml.write(_conference(schedule, classic=options.get("form") == "pentabarf"))
                for day in schedule.days:
                    with xml.element("day", _day_attributes(day)):
                        while pending is not None and pending[0][0] == day.date:
                            (_, _, room_name, room_guid), items = pending
                            with xml.element("room", {"name": room_name, "guid": room_guid}):
                                for item in items:
                                    xml.write(_event(item, prefix))
                                    written += 1
                                    progress(written)
                            pending = next(groups, None)
        return written


def _sub_write(xml: Any, tag: str, text: str) -> None:
    element = etree.Element(tag)
    element.text = text
    xml.write(element)


def _day_attributes(day: Day) -> dict[str, str]:
    return {
        "index": str(day.index),
        "date": day.date.isoformat(),
        "start": day.start.isoformat(),
        "end": day.end.isoformat(),
    }


renderer = PentabarfRenderer()
