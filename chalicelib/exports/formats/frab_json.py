"""frab's JSON schedule (``schedule.json``), valid against the C3VOC schema (``schedule.json.schema.json``).

The same loader, sessions, guids, times, rooms and 24-hour rule as schedule.xml (``pentabarf``),
written as it goes: the head, then each day's rooms with their events, one ``json.dumps`` per event
(one day's events are held at a time, to merge rooms that share a name into one key).

Where the JSON schema is stricter than the XML one: the acronym has no ``-`` after its first
character (``fossasia-2026`` becomes ``fossasia_2026``, and the slugs with it); ``time_zone_name`` is
left out when the zone's name does not match its pattern (``Etc/GMT-2``: every date carries its
offset anyway); ``url`` is required, so a session without a page of its own gets the event's, else
``urn:uuid:<its guid>``. Persons are ``{"id", "guid", "name"}`` (the schema's pretalx shape; a
person with both ``name`` and frab's ``public_name`` matches both of its ``oneOf`` and fails).
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any, BinaryIO

from sqlalchemy.orm import Session

from chalicelib.exports.formats.base import Options
from chalicelib.exports.formats.pentabarf import (
    GENERATOR,
    SCHEDULE_VERSION,
    acronym,
    hh_mm,
    schedule_version,
    session_slug,
    track_slugs,
)
from chalicelib.exports.formats.schedule_renderer import Progress, ScheduleRenderer
from chalicelib.schedule.loader import iter_sessions
from chalicelib.schedule.model import Day, Link, Schedule, ScheduleSession

SCHEMA = "https://c3voc.de/schedule/schema.json"
_ACRONYM = re.compile(r"[a-z0-9_-][a-z0-9_]{3,}(-2[0-9]{3}-[a-z]+)?")
_ZONE_NAME = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")  # the schema's pattern, searched as it is
_HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def json_acronym(schedule: Schedule) -> str:
    value = acronym(schedule.event)
    return value if _ACRONYM.fullmatch(value) else value.replace("-", "_")


def _references(references: tuple[Link, ...]) -> list[dict[str, str]]:
    return [{"url": reference.href, "title": reference.title} for reference in references]


def event_json(schedule: Schedule, item: ScheduleSession, prefix: str) -> dict[str, Any]:
    """One session as frab writes it (the schema's required keys, then ``end`` and the optional ones)."""
    event: dict[str, Any] = {
        "guid": item.guid,
        "id": item.id,
        "date": item.start.isoformat(),
        "start": f"{item.start:%H:%M}",
        "end": item.end.isoformat(),
        "duration": hh_mm(item.duration, item),
        "room": item.room,
        "slug": session_slug(prefix, item),
        "url": item.url or schedule.url or f"urn:uuid:{item.guid}",
        "title": item.title,
        "subtitle": item.subtitle,
        "track": item.track,
        "type": item.type or "",
        "language": item.language,
        "abstract": item.abstract,
        "description": item.description,
        "persons": [{"id": person.id, "guid": person.guid, "name": person.name} for person in item.speakers],
        "links": _references(item.links),
        "attachments": _references(item.attachments),
    }
    if item.recording_optout or item.recording_license:  # else unknown: claim nothing, as schedule.xml
        event["recording_license"] = item.recording_license or ""
        event["do_not_record"] = item.recording_optout
    return event


def _conference(schedule: Schedule, rooms: dict[str, str]) -> dict[str, Any]:
    conference: dict[str, Any] = {
        "acronym": json_acronym(schedule),
        "title": schedule.name,
        "start": schedule.days[0].date.isoformat(),
        "end": schedule.days[-1].date.isoformat(),
        "daysCount": len(schedule.days),
        "timeslot_duration": "00:05",
    }
    if _ZONE_NAME.search(schedule.zone.key):
        conference["time_zone_name"] = schedule.zone.key
    if schedule.url:
        conference["url"] = schedule.url
    slugs = track_slugs(schedule.tracks)
    conference["tracks"] = [
        {"name": track.name, "slug": slugs[track.id]}
        | ({"color": track.color.lower()} if track.color and _HEX_COLOR.fullmatch(track.color) else {})
        for track in schedule.tracks
    ]
    conference["rooms"] = [{"name": name, "guid": guid} for name, guid in rooms.items()]
    return conference


def _day_head(day: Day) -> bytes:
    head = {"index": day.index, "date": day.date.isoformat(), "day_start": day.start.isoformat()}
    return _dumps(head | {"day_end": day.end.isoformat()})[:-1] + b', "rooms": {'


class FrabJsonRenderer(ScheduleRenderer):
    def write(self, db: Session, schedule: Schedule, options: Options, out: BinaryIO, progress: Progress) -> int:
        sessions = list(iter_sessions(db, schedule, order="room"))  # the loader holds them anyway
        rooms = {item.room: item.room_guid for item in sessions}  # the first room of each name
        prefix, written = json_acronym(schedule), 0
        document = {"$schema": SCHEMA, "generator": {"name": GENERATOR, "version": SCHEDULE_VERSION}}
        head = {"version": schedule_version(schedule.event, options)}
        out.write(_dumps(document)[:-1] + b', "schedule": ' + _dumps(head)[:-1] + b', "conference": ')
        out.write(_dumps(_conference(schedule, rooms))[:-1] + b', "days": [')
        by_day = {day: list(items) for day, items in itertools.groupby(sessions, key=lambda item: item.day)}
        for index, day in enumerate(schedule.days):
            out.write((b", " if index else b"") + _day_head(day))
            events: dict[str, list[bytes]] = {}
            for item in by_day.get(day.date, ()):
                events.setdefault(item.room, []).append(_dumps(event_json(schedule, item, prefix)))
                written += 1
                progress(written)
            out.write(b", ".join(_dumps(room) + b": [" + b", ".join(items) + b"]" for room, items in events.items()))
            out.write(b"}}")
        out.write(b"]}}}")
        return written


renderer = FrabJsonRenderer()
