"""Import a parsed ``schedule.xml`` (``schedule_parse``) into a new event, all in the caller's
transaction: rooms, tracks and session types by name, speakers by the file's person guid, else id,
else name (so a speaker of several sessions is one row, and two people of one name are two),
sessions as ``confirmed``, with the file's guids, person ids, urls, links, attachments and
recording opt-out and licence.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from chalicelib import models
from chalicelib.access import event_exists
from chalicelib.schedule.model import NO_ROOM
from chalicelib.schedule.parse import ImportedSchedule, ImportedSession, ScheduleImportError, parse_schedule


def _identifier(parsed: ImportedSchedule, identifier: str | None) -> str:
    value = identifier or re.sub(r"[^a-z0-9_-]+", "-", (parsed.acronym or parsed.title).lower()).strip("-")
    if not value:
        raise ScheduleImportError("Cannot derive an event identifier from the file: pass --identifier.")
    return value[:64]


def _event(session: Session, parsed: ImportedSchedule, identifier: str) -> models.Event:
    if event_exists(session, identifier):
        raise ScheduleImportError(f"An event {identifier!r} exists already: pass another --identifier.")
    starts = [item.start for item in parsed.sessions]
    ends = [item.start + item.duration for item in parsed.sessions]
    if not starts:
        raise ScheduleImportError("The schedule has no sessions: nothing to import.")
    event = models.Event(
        identifier=identifier,
        name=parsed.title,
        timezone=parsed.timezone,
        starts_at=min(starts),
        ends_at=max(ends),
        external_event_url=parsed.url,
    )
    session.add(event)
    session.flush()
    return event


def _room(name: str | None) -> str | None:
    """Our own export's placeholder for a session without a room means no room, not a room so named."""
    return None if name == NO_ROOM else name


def _named(session: Session, names: list[str | None], make: Any) -> dict[str, Any]:
    """One row per distinct non-empty name, in order of first appearance."""
    rows: dict[str, Any] = {}
    for name in names:
        if name and name not in rows:
            rows[name] = make(name, len(rows))
            session.add(rows[name])
    return rows


def _unique_guids(items: list[ImportedSession]) -> list[str | None]:
    """Each session's guid from the file, but a repeated one only the first time (the others get
    ours): consumers key on guids."""
    seen: set[str] = set()
    guids: list[str | None] = []
    for item in items:
        guids.append(item.guid if item.guid and item.guid not in seen else None)
        seen.add(item.guid or "")
    return guids


def import_schedule(session: Session, parsed: ImportedSchedule, identifier: str | None = None) -> dict[str, Any]:
    event = _event(session, parsed, _identifier(parsed, identifier))
    items = parsed.sessions
    rooms = _named(
        session,
        [_room(item.room) for item in items],
        lambda name, n: models.Microlocation(event_id=event.id, name=name, position=n),
    )
    tracks = _named(
        session,
        [item.track for item in items],
        lambda name, n: models.Track(event_id=event.id, name=name, color=parsed.track_colors.get(name)),
    )
    types = _named(
        session, [item.type for item in items], lambda name, n: models.SessionType(event_id=event.id, name=name)
    )
    speakers: dict[str, models.Speaker] = {}
    for person in (person for item in items for person in item.speakers):
        speakers.setdefault(person.key, models.Speaker(event_id=event.id, name=person.name))
    session.add_all(speakers.values())
    session.flush()
    people = {person.key: person for item in items for person in item.speakers}
    session.add_all(
        models.SpeakerSource(speaker_id=row.id, event_id=event.id, guid=people[key].guid, source_id=people[key].id)
        for key, row in speakers.items()
        if people[key].guid or people[key].id is not None
    )
    session.add_all(
        models.RoomSource(microlocation_id=row.id, event_id=event.id, guid=parsed.room_guids[name])
        for name, row in rooms.items()
        if name in parsed.room_guids
    )
    rows = [
        models.EventSession(
            event_id=event.id,
            title=item.title,
            subtitle=item.subtitle,
            short_abstract=item.abstract,
            long_abstract=item.description,
            language=item.language,
            state="confirmed",
            starts_at=item.start,
            ends_at=item.start + item.duration,
            microlocation_id=rooms[room].id if (room := _room(item.room)) else None,
            track_id=tracks[item.track].id if item.track else None,
            session_type_id=types[item.type].id if item.type else None,
        )
        for item in items
    ]
    session.add_all(rows)
    session.flush()
    session.add_all(
        models.SessionSource(
            session_id=row.id,
            event_id=event.id,
            guid=guid,
            url=item.url,
            links=[{"href": href, "title": title} for href, title in item.links] or None,
            attachments=[{"href": href, "title": title} for href, title in item.attachments] or None,
            recording_optout=item.recording_optout,
            recording_license=item.recording_license,
        )
        for item, row, guid in zip(items, rows, _unique_guids(items), strict=True)
    )
    session.add_all(
        models.SpeakerSession(speaker_id=speakers[key].id, session_id=row.id)
        for item, row in zip(items, rows, strict=True)
        for key in dict.fromkeys(person.key for person in item.speakers)
    )
    return {
        "identifier": event.identifier,
        "id": event.id,
        "timezone": event.timezone,
        "sessions": len(rows),
        "rooms": len(rooms),
        "tracks": len(tracks),
        "speakers": len(speakers),
    }


def import_schedule_file(
    session: Session, data: bytes, identifier: str | None = None, timezone: str | None = None
) -> dict[str, Any]:
    """Parse and import; raises ``ScheduleImportError`` with a message for a person."""
    return import_schedule(session, parse_schedule(data, timezone), identifier)
