"""frab JSON (``json-schedule``): valid against the C3VOC JSON schema, and the same sessions, guids,
times and rooms as schedule.xml."""

from __future__ import annotations

import json
from io import BytesIO
from typing import Any

import pytest
from jsonschema import Draft6Validator

from chalicelib import models
from chalicelib.db import transaction
from chalicelib.exports.formats.base import ExportFailed
from chalicelib.exports.formats.registry import get_format
from tests.functional.schedule_events import (
    EXPORTED_TITLES,
    ZONE_IDS,
    ZONES,
    Zone,
    assert_valid_schedule,
    hostile_event,
    long_session_event,
    render,
    validator,
)


def valid_json(data: bytes) -> dict[str, Any]:
    """The document, after the C3VOC schema accepted it (with the formats jsonschema can check)."""
    schema = json.loads(validator("schedule.json.schema.json").read_text(encoding="utf-8"))
    document: dict[str, Any] = json.loads(data)
    Draft6Validator(schema, format_checker=Draft6Validator.FORMAT_CHECKER).validate(document)
    return document


def events_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    days = document["schedule"]["conference"]["days"]
    return [event for day in days for events in day["rooms"].values() for event in events]


@pytest.mark.parametrize("zone", ZONES, ids=ZONE_IDS)
def test_json_hostile_event_passes_the_schema(factory, zone: Zone):
    event = hostile_event(factory, zone)

    document = valid_json(render("json-schedule", event))

    assert len(events_of(document)) == EXPORTED_TITLES
    assert document["schedule"]["conference"]["time_zone_name"] == zone.name


@pytest.mark.parametrize("zone", ZONES, ids=ZONE_IDS)
def test_json_has_the_same_guids_times_and_rooms_as_schedule_xml(factory, zone: Zone):
    event = hostile_event(factory, zone)

    document, xml = valid_json(render("json-schedule", event)), assert_valid_schedule(render("pentabarf", event))

    from_json = {(e["guid"], e["date"], e["duration"], e["room"], e["title"]) for e in events_of(document)}
    from_xml = {
        (e.get("guid"), e.findtext("date"), e.findtext("duration"), e.findtext("room"), e.findtext("title"))
        for e in xml.iterfind("day/room/event")
    }
    assert from_json == from_xml
    days = document["schedule"]["conference"]["days"]
    assert [(d["date"], d["day_start"], d["day_end"]) for d in days] == [
        (d.get("date"), d.get("start"), d.get("end")) for d in xml.iterfind("day")
    ]
    assert {r["name"]: r["guid"] for r in document["schedule"]["conference"]["rooms"]} == {
        r.get("name"): r.get("guid") for r in xml.iterfind("day/room")
    }


def test_json_speakers_and_missing_links(factory):
    event = hostile_event(factory, ZONES[0], identifier="fossasia-2026")

    document = valid_json(render("json-schedule", event))

    by_title = {e["title"]: e for e in events_of(document)}
    opening, orphan = by_title["Opening & <welcome> 🎉"], by_title["No room, no track"]
    assert [p["name"] for p in opening["persons"]] == ["Ada 🎉 Lovelace", "Grace <Hopper> & co"]
    assert opening["links"] == [{"url": "https://example.com/slides.pdf", "title": "Slides"}]
    assert (orphan["room"], orphan["track"], orphan["type"]) == ("Room to be announced", None, "")
    assert document["schedule"]["conference"]["acronym"] == "fossasia_2026"
    assert orphan["url"] == "https://example.com/event?a=1&b=2"  # no page of its own: the event's


def test_json_empty_event_and_fixed_offset_zone_pass_the_schema(factory):
    empty = factory.event(identifier="empty-json", timezone="Etc/GMT-2")

    document = valid_json(render("json-schedule", empty))

    assert events_of(document) == [] and "time_zone_name" not in document["schedule"]["conference"]
    assert len(document["schedule"]["conference"]["days"]) == 3


def test_json_refuses_a_24_hour_session_like_schedule_xml(factory):
    event = long_session_event(factory)

    with pytest.raises(ExportFailed, match="24 hours or more"):
        render("json-schedule", event)


class CountingWrites(BytesIO):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, data: Any) -> int:
        self.writes += 1
        return super().write(data)


def test_json_is_written_day_by_day_not_as_one_document(factory):
    event = hostile_event(factory, ZONES[0])
    out = CountingWrites()

    with transaction() as session:
        row = session.get(models.Event, event.id)
        written = get_format("json-schedule").renderer().render(session, row, {}, out, lambda done: None)

    assert written == EXPORTED_TITLES
    assert out.writes > len(valid_json(out.getvalue())["schedule"]["conference"]["days"])
