"""schedule.xml: passes the C3VOC schema for every event we build, and keeps the rules the schema
cannot check (day windows, date/start agreement, stable guids, the 24-hour limit)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from chalicelib.exports.formats.base import ExportFailed
from tests.functional.schedule_events import (
    EXPORTED_TITLES,
    ZONE_IDS,
    ZONES,
    Zone,
    assert_valid_schedule,
    hostile_event,
    long_session_event,
    render,
)


@pytest.mark.parametrize("zone", ZONES, ids=ZONE_IDS)
def test_pentabarf_hostile_event_passes_the_schema(factory, zone: Zone):
    event = hostile_event(factory, zone)

    document = assert_valid_schedule(render("pentabarf", event))

    assert len(document.findall("day/room/event")) == EXPORTED_TITLES
    assert document.findtext("conference/time_zone_name") == zone.name
    assert document.findtext("conference/acronym") == event.identifier.lower()


@pytest.mark.parametrize("zone", ZONES, ids=ZONE_IDS)
def test_pentabarf_sessions_lie_in_their_day_window_with_matching_date_and_start(factory, zone: Zone):
    event = hostile_event(factory, zone)

    document = assert_valid_schedule(render("pentabarf", event))

    for day in document.iterfind("day"):
        start, end = datetime.fromisoformat(day.get("start")), datetime.fromisoformat(day.get("end"))
        assert start.utcoffset() is not None
        for element in day.iterfind("room/event"):
            begins = datetime.fromisoformat(element.findtext("date"))
            hours, minutes = map(int, element.findtext("duration").split(":"))
            assert start <= begins and begins + timedelta(hours=hours, minutes=minutes) <= end
            assert element.findtext("start") == f"{begins:%H:%M}"
            assert element.findtext("room") == element.getparent().get("name")


def test_pentabarf_keeps_late_night_sessions_on_the_previous_day(factory):
    zone = ZONES[0]
    event = hostile_event(factory, zone)

    document = assert_valid_schedule(render("pentabarf", event))

    [night] = document.xpath("day/room/event[starts-with(title, 'Form')]")
    assert night.findtext("start") == "02:00"
    assert night.getparent().getparent().get("date") == (zone.dst_day).isoformat()


def test_pentabarf_across_dst_has_real_duration_and_local_offsets(factory):
    zone = ZONES[0]
    event = hostile_event(factory, zone)

    document = assert_valid_schedule(render("pentabarf", event))

    [dst] = document.xpath("day/room/event[title='Across the DST change']")
    assert dst.findtext("date") == f"{zone.dst_day}T01:30:00+01:00"
    assert dst.findtext("duration") == "01:30"


def test_pentabarf_guids_and_ids_are_stable_and_unique(factory):
    event = hostile_event(factory, ZONES[0])

    first, second = render("pentabarf", event), render("pentabarf", event)

    guids = [e.get("guid") for e in etree.fromstring(first).iterfind("day/room/event")]
    assert guids == [e.get("guid") for e in etree.fromstring(second).iterfind("day/room/event")]
    assert len(set(guids)) == len(guids)


def test_pentabarf_cleans_text_and_never_writes_none(factory):
    event = hostile_event(factory, ZONES[0])

    data = render("pentabarf", event)

    document = assert_valid_schedule(data)
    assert b"None" not in data
    assert "Form" in data.decode() and "\x0c" not in data.decode()
    [opening] = document.xpath("day/room/event[starts-with(title, 'Opening')]")
    assert opening.findtext("title") == "Opening & <welcome> 🎉"
    assert [p.text for p in opening.iterfind("persons/person")] == ["Ada 🎉 Lovelace", "Grace <Hopper> & co"]


def test_pentabarf_session_without_room_or_track_is_in_the_placeholder_room(factory):
    event = hostile_event(factory, ZONES[0])

    document = assert_valid_schedule(render("pentabarf", event))

    [orphan] = document.xpath("day/room/event[title='No room, no track']")
    assert orphan.findtext("room") == "Room to be announced"
    assert orphan.findtext("track") == "" and orphan.findtext("type") == ""


def test_pentabarf_track_slugs_follow_the_pattern(factory):
    event = hostile_event(factory, ZONES[0])

    document = assert_valid_schedule(render("pentabarf", event))

    tracks = {t.get("name"): (t.get("slug"), t.get("color")) for t in document.iterfind("conference/track")}
    assert tracks == {"2nd track": ("track-2nd-track", None), "Main & track": ("main-track", "#ff0000")}
    assert all(re.fullmatch(r"[a-z][a-z0-9-]+", slug) for slug, _ in tracks.values())


def test_pentabarf_empty_event_is_valid_with_its_days(factory):
    event = factory.event(identifier="ab", timezone="Asia/Kolkata")

    document = assert_valid_schedule(render("pentabarf", event))

    assert document.findall("day/room/event") == []
    assert len(document.findall("day")) == 3
    assert document.findtext("conference/acronym") == "ab__"


def test_pentabarf_default_form_has_no_classic_conference_elements(factory):
    event = hostile_event(factory, ZONES[0], location_name="Hall & <Venue>")

    default, classic = render("pentabarf", event), render("pentabarf", event, form="pentabarf")

    conference = assert_valid_schedule(default).find("conference")
    assert [conference.find(tag) for tag in ("day_change", "venue", "city")] == [None, None, None]
    classic_conference = etree.fromstring(classic).find("conference")
    assert classic_conference.findtext("venue") == "Hall & <Venue>"
    assert classic_conference.findtext("day_change") == "04:00" and classic_conference.find("city") is not None


def test_pentabarf_24_hour_limit_is_on_elapsed_time_and_the_message_says_so(factory):
    """St. John's, autumn change: 23 hours on the wall clock are 24 elapsed; <duration> is elapsed
    time (consumers add it to the offset-carrying <date>), so the limit counts the same way."""
    zone = ZoneInfo("America/St_Johns")
    start, end = datetime(2026, 10, 31, 12, tzinfo=zone), datetime(2026, 11, 1, 11, tzinfo=zone)
    event = factory.event(identifier="stjohns", timezone=zone.key, starts_at=start, ends_at=end)
    factory.session(event, title="Long haul", starts_at=start, ends_at=end)

    with pytest.raises(ExportFailed) as failure:
        render("pentabarf", event)

    message = str(failure.value)
    assert "24:00 hours of elapsed time (23:00 on the wall clock" in message
    assert "<duration> counts elapsed time" in message


def test_pentabarf_rejects_sessions_of_24_hours_or_more(factory):
    event = long_session_event(factory)

    with pytest.raises(ExportFailed, match=r"Hackathon.*25:00.*24 hours") as failure:
        render("pentabarf", event)

    assert failure.value.soft is False
