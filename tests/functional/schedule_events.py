"""Events that stress every schedule rule, and rendering through the export format interface.

``hostile_event`` builds, in the given zone: a session across the night of a DST change, one past
midnight, one at 02:00 (still the previous day), one without room, track or type, a speaker in
three sessions, control characters, ``&``, ``<``, emoji and right-to-left text, plus sessions that
must never be exported (pending, deleted, without times).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib import models
from chalicelib.db import transaction
from chalicelib.exports.formats.registry import get_format
from tests.conftest import VALIDATORS
from tests.factories import Factory

# PostgreSQL stores neither NUL nor lone surrogates: tests/unit/test_export_text.py covers those.
HOSTILE_TEXT = "Form\x0cfeed & <tags> \x1b 🎉 مرحبا بالعالم שלום \ufffe\uffff\x7f end"
LONG_TITLE = "A very long title about schedules, folding and octets " * 3 + "🎉🎉🎉 ünïcödé"


@dataclass(frozen=True)
class Zone:
    name: str
    dst_day: date  # a day with a DST change (or any day, for zones without DST)


ZONES = [
    Zone("Europe/Berlin", date(2026, 3, 29)),
    Zone("America/St_Johns", date(2026, 3, 8)),
    Zone("Asia/Kolkata", date(2026, 3, 8)),
]
ZONE_IDS = [zone.name for zone in ZONES]


def local(zone: Zone, day_offset: int, hour: int, minute: int = 0) -> datetime:
    """A local time ``day_offset`` days after the DST day, in the zone."""
    return datetime.combine(zone.dst_day + timedelta(days=day_offset), datetime.min.time()).replace(
        hour=hour, minute=minute, tzinfo=ZoneInfo(zone.name)
    )


def hostile_event(factory: Factory, zone: Zone, **fields: Any) -> models.Event:
    event = factory.event(
        identifier=fields.pop("identifier", f"HX_{zone.name.split('/')[1][:6]}"),
        name="Hostile & <Conf> 🎉 \x0b",
        timezone=zone.name,
        starts_at=local(zone, -1, 9),
        ends_at=local(zone, 1, 18),
        external_event_url="https://example.com/event?a=1&b=2",
        latitude=fields.pop("latitude", 52.52),
        longitude=fields.pop("longitude", 13.40),
        **fields,
    )
    hall, annex = factory.room(event, "Hall & <A>", position=1), factory.room(event, "אולם ב", position=2)
    main = factory.track(event, "Main & track", color="#FF0000")
    digit = factory.track(event, "2nd track", color="red")
    with transaction() as session:
        talk = models.SessionType(event_id=event.id, name="Talk")
        session.add(talk)
    grace, ada = factory.speaker(event, "Grace <Hopper> & co"), factory.speaker(event, "Ada 🎉 Lovelace")
    common = {"event": event}
    factory.session(
        **common,
        title="Opening & <welcome> 🎉",
        starts_at=local(zone, -1, 10),
        ends_at=local(zone, -1, 11),
        microlocation_id=hall.id,
        track_id=main.id,
        session_type_id=talk.id,
        speakers=(grace, ada),
        short_abstract=HOSTILE_TEXT,
        long_abstract="Line one\r\nLine two; with, commas\\ and backslash",
        language="en",
        slides_url="https://example.com/slides.pdf",
    )
    factory.session(
        **common,
        title="Across the DST change",
        state="confirmed",
        starts_at=local(zone, 0, 1, 30),
        ends_at=local(zone, 0, 4, 0),
        microlocation_id=hall.id,
        track_id=digit.id,
        speakers=(grace,),
    )
    factory.session(
        **common,
        title="Past midnight",
        starts_at=local(zone, 0, 23, 30),
        ends_at=local(zone, 1, 1, 0),
        microlocation_id=annex.id,
        track_id=main.id,
        speakers=(grace,),
    )
    factory.session(
        **common, title=HOSTILE_TEXT, starts_at=local(zone, 1, 2), ends_at=local(zone, 1, 3), microlocation_id=annex.id
    )
    factory.session(**common, title="No room, no track", starts_at=local(zone, 1, 12), ends_at=local(zone, 1, 13))
    factory.session(
        **common,
        title=LONG_TITLE,
        starts_at=local(zone, 1, 14),
        ends_at=local(zone, 1, 14, 45),
        microlocation_id=hall.id,
        short_abstract=LONG_TITLE * 4,
    )
    factory.session(
        event=event, title="Pending", state="pending", starts_at=local(zone, 1, 9), ends_at=local(zone, 1, 10)
    )
    factory.session(
        event=event,
        title="Deleted",
        starts_at=local(zone, 1, 9),
        ends_at=local(zone, 1, 10),
        deleted_at=local(zone, -5, 9),
    )
    factory.session(event=event, title="Unscheduled")
    return event


EXPORTED_TITLES = 6  # the sessions of hostile_event that belong in every schedule export


def long_session_event(factory: Factory) -> models.Event:
    """An event whose only session lasts 25 hours."""
    zone = ZONES[0]
    event = factory.event(
        identifier="marathon", timezone=zone.name, starts_at=local(zone, 0, 9), ends_at=local(zone, 2, 9)
    )
    factory.session(event, title="Hackathon", starts_at=local(zone, 0, 10), ends_at=local(zone, 1, 11))
    return event


def render(format_name: str, event: models.Event, **options: Any) -> bytes:
    """The file the worker would upload: the registered renderer, a real database session."""
    out = BytesIO()
    with transaction() as session:
        row = session.get(models.Event, event.id)
        assert row is not None
        get_format(format_name).renderer().render(session, row, options, out, lambda written: None)
    return out.getvalue()


def validator(name: str) -> Any:
    import pytest

    path = VALIDATORS / name
    if not path.exists():
        pytest.skip(f"validator {path} is not available (../shared/validators)")
    return path


def assert_valid_schedule(data: bytes) -> Any:
    """The document, after lxml's XMLSchema accepted it against the C3VOC schema."""
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(validator("schedule.xml.xsd"))))
    document = etree.fromstring(data)
    schema.assertValid(document)
    return document
