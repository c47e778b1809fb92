"""The one loader behind every schedule format (schedule.xml, xCal, iCalendar, frab JSON).

Queries (``queries``) and days (``days``) are its own modules; this one puts them together into the
model (``model``), cleaning text once for every format. Abstracts and descriptions are stored as
rich text (the HTML of Open Event's editor) and leave here as plain text (``PlainText``, as in the
CSVs): iCalendar and RFC 6321 say their text is plain, and the readers of schedule.xml and frab JSON
read it as Markdown or plain text (docs/schedule.md says which and why). Text with neither a tag nor
a character reference is plain already (an imported file's, pretalx's Markdown): read as HTML, only
its line breaks would change, collapsing its paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from itertools import count
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from chalicelib.exports.formats.base import ExportFailed
from chalicelib.exports.formats.plain_text import PlainText
from chalicelib.models import Event, Track
from chalicelib.schedule.days import load_days, schedule_day
from chalicelib.schedule.model import NO_ROOM, NO_ROOM_ID, Link, Person, Schedule, ScheduleSession, TrackInfo, guid
from chalicelib.schedule.queries import session_rows, speaker_rows_query
from chalicelib.schedule.sources import NO_EXTRAS, load_sources
from chalicelib.schedule.text import clean, clean_or_none

HTTP_URL = re.compile(r"https?://\S+")
# A tag, comment or declaration, or a character reference: what makes a stored text HTML.
MARKUP = re.compile(r"<[A-Za-z/!?]|&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);")

Order = Literal["time", "room"]


def _http_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL (the formats reject anything else)."""
    return url if url and HTTP_URL.fullmatch(url) else None


def _event_url(event: Event) -> str | None:
    """The event's public page."""
    return _http_url(event.external_event_url)


def _links(stored: Sequence[Mapping[str, str | None]] | None) -> tuple[Link, ...]:
    """Stored links or attachments, each address once; those without an http(s) one are left out."""
    links: dict[str, Link] = {}
    for item in stored or ():
        href = _http_url(clean(item.get("href")))
        if href and href not in links:
            links[href] = Link(href, clean(item.get("title")) or href)
    return tuple(links.values())


def _plain_text(plain: PlainText, stored: str | None) -> str | None:
    """A stored rich text as plain text, None when blank."""
    return clean_or_none(plain(stored) if stored and MARKUP.search(stored) else stored)


def event_zone(event: Event) -> ZoneInfo:
    try:
        return ZoneInfo(event.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise ExportFailed(f"The event's time zone {event.timezone!r} is not an IANA time zone name.") from None


def _tracks(session: Session, event: Event) -> tuple[TrackInfo, ...]:
    rows = session.execute(
        select(Track.id, Track.name, Track.color)
        .where(Track.event_id == event.id, Track.deleted_at.is_(None))
        .order_by(Track.name, Track.id)
    ).all()
    return tuple(TrackInfo(row.id, clean(row.name), row.color) for row in rows)


def load_schedule(session: Session, event: Event, only_sessions: Collection[int] | None = None) -> Schedule:
    """Everything but the sessions themselves: zone, days and tracks (two small queries);
    ``only_sessions``: the schedule holds those of its sessions only (the days stay the event's)."""
    zone = event_zone(event)
    return Schedule(
        event=event,
        zone=zone,
        days=load_days(session, event, zone),
        tracks=_tracks(session, event),
        name=clean(event.name),
        url=_event_url(event),
        sources=load_sources(event.id),
        only_sessions=None if only_sessions is None else frozenset(only_sessions),
    )


def person_ids(source_ids: Mapping[int, int | None]) -> dict[int, int]:
    """Each speaker's id as exported (speaker row id -> id), never one id for two people.

    The imported file's person id where there is one (``0`` too), else our row id. An id held
    already (a file that gave two people one id, a row id equal to another person's file id) is
    replaced by a number above every id, in row order, so that apps keyed on ids show each speaker."""
    exported: dict[int, int] = {}
    used: set[int] = set()
    for row_id, source_id in sorted(source_ids.items()):
        if source_id is not None and source_id not in used:
            exported[row_id] = source_id
            used.add(source_id)
    spare = count(max([*used, *source_ids], default=0) + 1)
    for row_id in sorted(source_ids.keys() - exported.keys()):
        exported[row_id] = row_id if source_ids[row_id] is None and row_id not in used else next(spare)
        used.add(exported[row_id])
    return exported


def _speakers(session: Session, schedule: Schedule) -> dict[int, tuple[Person, ...]]:
    rows = session.execute(speaker_rows_query(schedule.event.id)).all()
    imported = schedule.sources.speakers  # speaker id -> (guid, the file's person id)
    ids = person_ids({row.speaker_id: imported.get(row.speaker_id, (None, None))[1] for row in rows})
    grouped: dict[int, list[Person]] = {}
    for row in rows:
        stored_guid = imported.get(row.speaker_id, (None, None))[0]
        person = Person(ids[row.speaker_id], stored_guid or guid("speaker", row.speaker_id), clean(row.name))
        grouped.setdefault(row.session_id, []).append(person)
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
    speakers = _speakers(session, schedule)
    sources = schedule.sources
    zone, plain = schedule.zone, PlainText()
    loaded = []
    for row in session_rows(session, schedule.event.id, schedule.only_sessions):
        start = row.starts_at.astimezone(zone)
        extras = sources.sessions.get(row.id, NO_EXTRAS)
        item = ScheduleSession(
            id=row.id,
            title=clean(row.title),
            subtitle=clean_or_none(row.subtitle),
            abstract=_plain_text(plain, row.abstract),
            description=_plain_text(plain, row.description),
            language=clean_or_none(row.language),
            start=start,
            end=row.ends_at.astimezone(zone),
            day=schedule_day(start),
            room_id=row.room_id,
            room=NO_ROOM if row.room_id is None else clean(row.room),
            track=clean_or_none(row.track),
            type=clean_or_none(row.type),
            speakers=speakers.get(row.id, ()),
            guid=extras.guid or guid("session", row.id),
            room_guid=sources.rooms.get(row.room_id or NO_ROOM_ID) or guid("room", row.room_id or NO_ROOM_ID),
            url=_http_url(extras.url),
            links=_links([{"href": row.slides_url, "title": "Slides"}, *extras.links]),
            attachments=_links(extras.attachments),
            recording_optout=extras.recording_optout,
            recording_license=clean_or_none(extras.recording_license),
        )
        loaded.append((item, row.room_position))
    if order == "room":
        loaded.sort(key=_room_order)  # stable: time order is kept inside each room
    for item, _ in loaded:
        yield item
