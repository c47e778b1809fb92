"""iCalendar: three independent parsers accept every file we build, and the CRLF, folding and
escaping rules that no Python parser checks hold line by line. Where readers place each session:
``test_schedule_readers``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream

from chalicelib.exports.formats.base import ExportFailed
from chalicelib.schedule.text import clean
from tests.functional.schedule_events import (
    EXPORTED_TITLES,
    HOSTILE_TEXT,
    LONG_TITLE,
    ZONE_IDS,
    ZONES,
    Zone,
    hostile_event,
    local,
    long_session_event,
    render,
)
from tests.libical import itip_errors


def assert_wire_format(data: bytes) -> None:
    """CRLF only, every line at most 75 octets, continuation lines start with a space."""
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines), max(lines, key=len)
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b"END:VCALENDAR"
    # A fold never splits a UTF-8 sequence: every physical line decodes on its own.
    for line in lines:
        line.decode("utf-8")


def parse_everywhere(data: bytes) -> icalendar.Calendar:
    """icalendar (with its errors), vobject validate(), and ical (strict, pydantic)."""
    calendar = icalendar.Calendar.from_ical(data)
    assert [c.errors for c in calendar.walk() if c.errors] == []
    vobject.readOne(data.decode("utf-8")).validate(raiseException=True)
    IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    return calendar


@pytest.mark.parametrize("zone", ZONES, ids=ZONE_IDS)
def test_ical_hostile_event_is_read_by_every_parser(factory, zone: Zone):
    event = hostile_event(factory, zone, latitude=12.97, longitude=None)

    data = render("ical", event)

    assert_wire_format(data)
    calendar = parse_everywhere(data)
    events = calendar.walk("VEVENT")
    assert len(events) == EXPORTED_TITLES
    assert all("LOCATION" in e and "DTSTAMP" in e and "GEO" not in e for e in events)
    assert b"None" not in data


@pytest.mark.parametrize("zone", ZONES, ids=ZONE_IDS)
def test_ical_times_are_utc_and_the_calendar_names_the_event_zone(factory, zone: Zone):
    """UTC names one instant for every reader (docs/schedule.md says why): no TZID, no VTIMEZONE."""
    event = hostile_event(factory, zone)

    data = render("ical", event)

    calendar = parse_everywhere(data)
    assert calendar["X-WR-TIMEZONE"] == zone.name
    assert b"TZID" not in data and b"VTIMEZONE" not in data
    for vevent in calendar.walk("VEVENT"):
        assert vevent["DTSTART"].dt.utcoffset() == timedelta(0) == vevent["DTEND"].dt.utcoffset()


@pytest.mark.parametrize("zone", ZONES, ids=ZONE_IDS)
def test_an_app_trusting_only_the_embedded_zone_shows_the_room_clock(factory, zone: Zone):
    """Read as Google Calendar or the ``x-wr-timezone`` repair read it: no VTIMEZONE, only the
    calendar's ``X-WR-TIMEZONE`` and each UTC ``DTSTART``/``DTEND``, shown in that zone."""
    event = hostile_event(factory, zone)
    room_clock = {
        "Opening & <welcome> 🎉": (local(zone, -1, 10), local(zone, -1, 11)),
        "Across the DST change": (local(zone, 0, 1, 30), local(zone, 0, 4)),
        "Past midnight": (local(zone, 0, 23, 30), local(zone, 1, 1)),
    }

    calendar = icalendar.Calendar.from_ical(render("ical", event))

    shown_in = ZoneInfo(str(calendar["X-WR-TIMEZONE"]))
    shown = {
        str(e["SUMMARY"]): tuple(e[key].dt.astimezone(shown_in).replace(tzinfo=None) for key in ("DTSTART", "DTEND"))
        for e in calendar.walk("VEVENT")
    }
    for title, (start, end) in room_clock.items():
        assert shown[title] == (start.replace(tzinfo=None), end.replace(tzinfo=None)), title


def test_ical_times_are_exact_across_dst(factory):
    zone = ZONES[0]
    event = hostile_event(factory, zone)

    calendar = parse_everywhere(render("ical", event))

    [dst] = [e for e in calendar.walk("VEVENT") if e["SUMMARY"] == "Across the DST change"]
    # Subtract in UTC: Python subtracts wall-clock times when both share a tzinfo.
    assert (dst["DTEND"].dt.astimezone(UTC) - dst["DTSTART"].dt.astimezone(UTC)).total_seconds() == 90 * 60
    assert dst["DTSTART"].dt == local(zone, 0, 1, 30)


def test_ical_text_is_clean_escaped_and_round_trips(factory):
    event = hostile_event(factory, ZONES[0])

    data = render("ical", event)

    calendar = parse_everywhere(data)
    by_title = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    opening = by_title["Opening & <welcome> 🎉"]
    assert str(opening["DESCRIPTION"]).endswith("Line one\nLine two; with, commas\\ and backslash")
    assert b"with\\, commas\\\\ and backslash" in data.replace(b"\r\n ", b"")
    assert "\x0c" not in str(opening["DESCRIPTION"]) and "\ufffe" not in str(opening["DESCRIPTION"])
    assert LONG_TITLE in by_title
    assert clean(HOSTILE_TEXT) in by_title


def test_ical_is_a_valid_publish_with_one_organizer_and_speakers_in_the_description(factory):
    """RFC 5546 §3.2.1: a PUBLISH has exactly one ORGANIZER and no ATTENDEE (libical's check)."""
    event = hostile_event(factory, ZONES[0])
    data = render("ical", event)

    calendar = parse_everywhere(data)

    assert itip_errors(data) == []
    [opening] = [e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]).startswith("Opening")]
    assert "ATTENDEE" not in opening and b"ATTENDEE" not in data and b"mailto:" not in data
    assert str(opening["ORGANIZER"]).startswith("urn:uuid:") and opening["ORGANIZER"].params["CN"] == clean(event.name)
    assert str(opening["DESCRIPTION"]).startswith("Speakers: Ada 🎉 Lovelace, Grace <Hopper> & co\n\n")


def test_ical_parameter_values_led_by_a_tab_are_quoted_and_read_back_whole(factory):
    event = factory.event(identifier="tabbed", name="\tTabbed conference", timezone="Europe/Berlin")
    factory.session(event, title="Talk", starts_at=event.starts_at, ends_at=event.starts_at + timedelta(hours=1))

    data = render("ical", event)

    assert b'ORGANIZER;CN="\tTabbed conference":urn:uuid:' in data
    [session] = parse_everywhere(data).walk("VEVENT")
    assert session["ORGANIZER"].params["CN"] == "\tTabbed conference"


def test_ical_missing_room_track_abstract_and_coordinates_do_not_crash(factory):
    event = hostile_event(factory, ZONES[0], latitude=None, longitude=None)

    calendar = parse_everywhere(render("ical", event))

    [orphan] = [e for e in calendar.walk("VEVENT") if e["SUMMARY"] == "No room, no track"]
    assert orphan["LOCATION"] == "Room to be announced"
    assert "DESCRIPTION" not in orphan and "CATEGORIES" not in orphan and "GEO" not in orphan


def test_ical_geo_only_with_both_coordinates(factory):
    event = hostile_event(factory, ZONES[0])

    calendar = parse_everywhere(render("ical", event))

    assert all(e["GEO"].latitude == 52.52 for e in calendar.walk("VEVENT"))


def test_ical_uids_are_stable_across_exports(factory):
    event = hostile_event(factory, ZONES[0])

    first, second = (parse_everywhere(render("ical", event)) for _ in range(2))

    uids = [str(e["UID"]) for e in first.walk("VEVENT")]
    assert uids == [str(e["UID"]) for e in second.walk("VEVENT")]
    assert len(set(uids)) == len(uids)


def test_ical_keeps_a_25_hour_session(factory):
    event = long_session_event(factory)

    calendar = parse_everywhere(render("ical", event))

    [vevent] = calendar.walk("VEVENT")
    assert (vevent["DTEND"].dt.astimezone(UTC) - vevent["DTSTART"].dt.astimezone(UTC)).total_seconds() == 25 * 3600


def test_ical_empty_event_is_a_valid_calendar(factory):
    event = factory.event(timezone="America/St_Johns")

    data = render("ical", event)

    assert_wire_format(data)
    calendar = parse_everywhere(data)
    assert calendar.walk("VEVENT") == [] and calendar["X-WR-CALNAME"] == event.name


@pytest.mark.parametrize("format_name", ["pentabarf", "xcal", "ical", "json-schedule"])
def test_schedule_export_of_a_session_ending_before_it_starts_fails_with_the_reason(factory, format_name: str):
    zone = ZONES[2]
    event = factory.event(timezone=zone.name, starts_at=local(zone, 0, 9), ends_at=local(zone, 1, 9))
    factory.session(event, title="Backwards", starts_at=local(zone, 0, 11), ends_at=local(zone, 0, 10))

    with pytest.raises(ExportFailed, match=f"session on {zone.dst_day} ends before it starts") as failure:
        render(format_name, event)

    assert failure.value.soft is False


def test_ical_exports_in_one_process_keep_each_event_zone(factory):
    """Two events whose sessions start at the same instant in different zones: a warm worker
    renders both, and each file names its own zone and the same instant."""
    instant = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    files = {}
    for zone in ("Europe/Berlin", "Asia/Singapore"):
        event = factory.event(timezone=zone, starts_at=instant)
        factory.session(event, starts_at=instant, ends_at=instant + timedelta(hours=1))
        files[zone] = render("ical", event)

    for zone, data in files.items():
        calendar = parse_everywhere(data)
        [session] = calendar.walk("VEVENT")
        assert calendar["X-WR-TIMEZONE"] == zone
        assert session["DTSTART"].dt == instant
