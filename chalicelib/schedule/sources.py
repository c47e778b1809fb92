"""What an imported schedule said beyond Open Event's columns, read from our own schema.

The importer keeps session, room and person guids, person ids, urls, links, attachments and
recording fields in side tables of schema ``serverless`` keyed by OES's row ids. They live in our
writable database, which in Open Event mode is not OES's: so they are read here, in three small
queries of their own (one per table, for the whole event), never joined to OES's tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from chalicelib.db import transaction
from chalicelib.models import RoomSource, SessionSource, SpeakerSource


@dataclass(frozen=True)
class SessionExtras:
    guid: str | None = None
    url: str | None = None
    links: list[dict[str, str]] = field(default_factory=list)
    attachments: list[dict[str, str]] | None = None
    recording_optout: bool = False
    recording_license: str | None = None


NO_EXTRAS = SessionExtras()


@dataclass(frozen=True)
class ImportSources:
    """The event's imported extras by OES row id; empty for an event that was never imported."""

    sessions: dict[int, SessionExtras] = field(default_factory=dict)
    speakers: dict[int, tuple[str | None, int | None]] = field(default_factory=dict)  # guid, person id
    rooms: dict[int, str | None] = field(default_factory=dict)  # guid


def load_sources(event_id: int) -> ImportSources:
    """The event's imported extras, from our own database."""
    with transaction() as own:
        sessions: dict[int, Any] = {
            row.session_id: SessionExtras(
                row.guid, row.url, row.links or [], row.attachments, row.recording_optout, row.recording_license
            )
            for row in own.scalars(select(SessionSource).where(SessionSource.event_id == event_id))
        }
        speakers = {
            row.speaker_id: (row.guid, row.source_id)
            for row in own.execute(
                select(SpeakerSource.speaker_id, SpeakerSource.guid, SpeakerSource.source_id).where(
                    SpeakerSource.event_id == event_id
                )
            )
        }
        rooms = {
            row.microlocation_id: row.guid
            for row in own.execute(
                select(RoomSource.microlocation_id, RoomSource.guid).where(RoomSource.event_id == event_id)
            )
        }
    return ImportSources(sessions, speakers, rooms)
