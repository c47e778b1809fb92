"""The event archive (``export/json``): a ZIP of JSON documents named and shaped as Open Event's.

Members, in Open Event's order: ``event`` (an object), ``microlocations``, ``sessions``,
``speakers``, ``tracks``, ``session_types`` (arrays of objects, by id), then ``manifest`` and
``meta``. Each object starts with Open Event's fields in Open Event's order (its ``FIELD_ORDER``),
then the others alphabetically, as Open Event wrote them; times are ISO 8601 in UTC.

What is in it: what the public schedule shows. Sessions ``accepted`` or ``confirmed`` and not
deleted; speakers of those sessions, not deleted; rooms, tracks and session types not deleted (a
session's link to a deleted one is null). What is not: e-mail addresses and phone numbers (Open
Event's archive had the speakers'), private comments, user ids, anything deleted.

This service stores no media files, so the archive holds none: the media flags choose which URLs
``manifest`` lists (``image``: the event's logo and image and the speakers' photos; ``audio``,
``video``: the sessions' recordings; ``document``: their slides), and ``meta`` says so.

Each document is one query whose rows PostgreSQL builds as JSON (``json_build_object``) and
streams by COPY, written into the ZIP member as it arrives: bounded memory at any size, seven
queries whatever the event's size (one more for the progress total).
"""

from __future__ import annotations

import functools
import json
import operator
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import IO, Any, BinaryIO
from zipfile import ZIP_DEFLATED, ZipFile

from sqlalchemy import ColumnElement, Select, exists, func, literal, literal_column, select, text, union_all
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session

from chalicelib.exports.formats.base import Options, ProgressCallback
from chalicelib.exports.formats.copy_stream import copy_csv
from chalicelib.exports.formats.csv_rows import CopyBatches
from chalicelib.exports.formats.session_links import with_live_links
from chalicelib.models import Event, EventSession, Microlocation, SessionType, Speaker, SpeakerSession, Track

PUBLISHED_STATES = ("accepted", "confirmed")
MEDIA_NOTE = (
    "This service stores no media files, so this archive holds none. The manifest lists the URLs of"
    " the media kinds that were asked for; download them from there."
)
BATCH_SIZE = 1000
# COPY in CSV form with a quote and a delimiter that JSON text never holds raw (it escapes every
# control character): each row leaves as PostgreSQL built it, one JSON document per line.
JSON_LINES = "FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02'"


def _json(*fields: tuple[str, Any]) -> ColumnElement[Any]:
    return func.json_build_object(*[part for name, value in fields for part in (literal(name), value)])


def _live(model: Any, event_id: int) -> tuple[ColumnElement[bool], ...]:
    return (model.event_id == event_id, model.deleted_at.is_(None))


def _published_sessions(event_id: int) -> tuple[ColumnElement[bool], ...]:
    return (*_live(EventSession, event_id), EventSession.state.in_(PUBLISHED_STATES))


def _published_speakers(event_id: int) -> tuple[ColumnElement[bool], ...]:
    speaks = (
        select(SpeakerSession.session_id)
        .join(EventSession, EventSession.id == SpeakerSession.session_id)
        .where(SpeakerSession.speaker_id == Speaker.id, *_published_sessions(event_id))
    )
    return (*_live(Speaker, event_id), exists(speaks))


def event_query(event_id: int) -> Select[Any]:
    document = _json(
        ("id", Event.id), ("name", Event.name), ("latitude", Event.latitude), ("longitude", Event.longitude),
        ("location_name", Event.location_name), ("starts_at", Event.starts_at), ("ends_at", Event.ends_at),
        ("timezone", Event.timezone), ("description", Event.description),
        ("original_image_url", Event.original_image_url), ("logo_url", Event.logo_url),
        ("external_event_url", Event.external_event_url),
        ("identifier", Event.identifier), ("online", Event.online),
        ("schedule_published_on", Event.schedule_published_on), ("state", Event.state),
    )  # fmt: skip
    return select(document).where(Event.id == event_id)


def _microlocations(event_id: int) -> Select[Any]:
    document = _json(
        ("id", Microlocation.id), ("name", Microlocation.name), ("floor", Microlocation.floor),
        ("event_id", Microlocation.event_id), ("latitude", Microlocation.latitude),
        ("longitude", Microlocation.longitude), ("position", Microlocation.position),
    )  # fmt: skip
    return select(document).where(*_live(Microlocation, event_id)).order_by(Microlocation.id)


def _sessions(event_id: int) -> Select[Any]:
    # Grouped once for the whole event, then joined: not a subquery per session.
    speakers = (
        select(SpeakerSession.session_id, func.json_agg(aggregate_order_by(Speaker.id, Speaker.id)).label("ids"))
        .join(Speaker, Speaker.id == SpeakerSession.speaker_id)
        .where(*_live(Speaker, event_id))
        .group_by(SpeakerSession.session_id)
        .subquery("speakers_by_session")
    )
    speaker_ids = func.coalesce(speakers.c.ids, literal_column("'[]'::json"))
    document = _json(
        ("id", EventSession.id), ("title", EventSession.title), ("subtitle", EventSession.subtitle),
        ("short_abstract", EventSession.short_abstract), ("long_abstract", EventSession.long_abstract),
        ("starts_at", EventSession.starts_at), ("ends_at", EventSession.ends_at),
        ("session_type_id", SessionType.id), ("track_id", Track.id), ("language", EventSession.language),
        ("slides_url", EventSession.slides_url), ("audio_url", EventSession.audio_url),
        ("video_url", EventSession.video_url),
        ("event_id", EventSession.event_id), ("microlocation_id", Microlocation.id),
        ("speaker_ids", speaker_ids), ("state", EventSession.state),
    )  # fmt: skip
    query = select(document).select_from(EventSession).outerjoin(speakers, speakers.c.session_id == EventSession.id)
    return with_live_links(query).where(*_published_sessions(event_id)).order_by(EventSession.id)


def _speakers(event_id: int) -> Select[Any]:
    document = _json(
        ("id", Speaker.id), ("name", Speaker.name), ("photo_url", Speaker.photo_url),
        ("organisation", Speaker.organisation), ("position", Speaker.position), ("country", Speaker.country),
        ("short_biography", Speaker.short_biography), ("event_id", Speaker.event_id),
    )  # fmt: skip
    return select(document).where(*_published_speakers(event_id)).order_by(Speaker.id)


def _tracks(event_id: int) -> Select[Any]:
    document = _json(("id", Track.id), ("name", Track.name), ("color", Track.color), ("event_id", Track.event_id))
    return select(document).where(*_live(Track, event_id)).order_by(Track.id)


def _session_types(event_id: int) -> Select[Any]:
    document = _json(
        ("id", SessionType.id), ("name", SessionType.name), ("length", SessionType.length),
        ("event_id", SessionType.event_id),
    )  # fmt: skip
    return select(document).where(*_live(SessionType, event_id)).order_by(SessionType.id)


def _media(kind: str, document: str, row_id: Any, field: str, url: Any, where: Sequence[Any]) -> Select[Any]:
    entry = _json(("kind", literal(kind)), ("document", literal(document)), ("id", row_id),
                  ("field", literal(field)), ("url", url))  # fmt: skip
    order = (literal(document).label("document"), row_id.label("id"), literal(field).label("field"))
    return select(entry.label("entry"), *order).where(*where, url.regexp_match("^https?://"))


def _manifest(event_id: int, kinds: Sequence[str]) -> Select[Any] | None:
    """The http(s) URLs of the chosen media kinds, by document, id and field; None when none is chosen."""
    event, sessions, speakers = [Event.id == event_id], _published_sessions(event_id), _published_speakers(event_id)
    sources = {
        "image": [
            _media("image", "event", Event.id, "logo_url", Event.logo_url, event),
            _media("image", "event", Event.id, "original_image_url", Event.original_image_url, event),
            _media("image", "speakers", Speaker.id, "photo_url", Speaker.photo_url, speakers),
        ],
        "audio": [_media("audio", "sessions", EventSession.id, "audio_url", EventSession.audio_url, sessions)],
        "video": [_media("video", "sessions", EventSession.id, "video_url", EventSession.video_url, sessions)],
        "document": [_media("document", "sessions", EventSession.id, "slides_url", EventSession.slides_url, sessions)],
    }
    chosen = [query for kind in kinds for query in sources[kind]]
    if not chosen:
        return None
    rows = union_all(*chosen).subquery()
    return select(rows.c.entry).order_by(rows.c.document, rows.c.id, rows.c.field)


def array_queries(event_id: int, kinds: Sequence[str]) -> list[tuple[str, Select[Any] | None]]:
    """The array members and their queries (None: an empty array without asking)."""
    return [
        ("microlocations", _microlocations(event_id)),
        ("sessions", _sessions(event_id)),
        ("speakers", _speakers(event_id)),
        ("tracks", _tracks(event_id)),
        ("session_types", _session_types(event_id)),
        ("manifest", _manifest(event_id, kinds)),
    ]


class _Counter:
    """The items written so far, over every member, reported to the pipeline's progress callback."""

    def __init__(self, progress: ProgressCallback) -> None:
        self._progress = progress
        self.done = 0

    def add(self, count: int) -> None:
        self.done += count
        self._progress(self.done)


class JsonArray(CopyBatches):
    """The COPY sink of an array member: PostgreSQL's JSON lines written as one JSON array, in batches."""

    def __init__(self, member: IO[bytes], counter: _Counter) -> None:
        super().__init__(BATCH_SIZE, lambda _: None)  # progress spans every member: ``_emit`` tells ``counter``
        self._member = member
        self._counter = counter

    def _emit(self, rows: list[bytes]) -> None:
        lines = [row[:-1] for row in rows]  # without their LF
        self._member.write((b",\n" if self.count else b"[\n") + b",\n".join(lines))
        self._counter.add(len(rows))

    def close(self) -> None:
        self.flush()
        self._member.write(b"\n]\n" if self.count else b"[]\n")


class JsonObject:
    """The COPY sink of the ``event`` member: its one row, a JSON object."""

    def __init__(self, member: IO[bytes]) -> None:
        self._member = member

    def write(self, row: bytes) -> int:
        return self._member.write(row)

    def flush(self) -> None:
        pass


class EventArchive:
    """The ``json`` renderer. Options: ``media``, the kinds whose URLs the manifest lists."""

    def estimate_total(self, session: Session, event: Event, options: Options) -> int | None:
        counts = [
            select(func.count()).select_from(query.order_by(None).subquery()).scalar_subquery()
            for _, query in array_queries(event.id, options.get("media", []))
            if query is not None
        ]
        return session.scalar(select(functools.reduce(operator.add, counts)))

    def render(
        self, session: Session, event: Event, options: Options, out: BinaryIO, progress: ProgressCallback
    ) -> int:
        session.execute(text("SELECT set_config('TimeZone', 'UTC', true)"))  # JSON times in UTC
        kinds = list(options.get("media", []))
        counter = _Counter(progress)
        counts: dict[str, int] = {}
        with ZipFile(out, "w", compression=ZIP_DEFLATED) as archive:
            with archive.open("event", "w") as member:
                copy_csv(session, event_query(event.id), JsonObject(member), JSON_LINES)
            for name, query in array_queries(event.id, kinds):
                with archive.open(name, "w") as member:
                    sink = JsonArray(member, counter)
                    if query is not None:
                        copy_csv(session, query, sink, JSON_LINES)
                    sink.close()
                counts[name] = sink.count
            archive.writestr("meta", json.dumps(_meta(event, kinds, counts), indent=4, ensure_ascii=False) + "\n")
        return counter.done


def _meta(event: Event, kinds: Sequence[str], counts: Mapping[str, int]) -> dict[str, Any]:
    return {
        "generator": "open-event-serverless",
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "event": {"id": event.id, "identifier": event.identifier},
        "counts": dict(counts),
        "media": {"stored": False, "requested": list(kinds), "manifest": "manifest", "note": MEDIA_NOTE},
        "contents": (
            "Published data only: sessions accepted or confirmed and not deleted, their speakers, and the"
            " rooms, tracks and session types not deleted. No e-mail addresses, phone numbers or private comments."
        ),
    }


renderer = EventArchive()
