"""xCal: the conference form element by element (no schema exists for it), and the RFC 6321 form
against the errata-fixed RELAX NG schema."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from tests.functional.schedule_events import (
    EXPORTED_TITLES,
    ZONE_IDS,
    ZONES,
    Zone,
    hostile_event,
    local,
    long_session_event,
    render,
    validator,
)

PENTABARF = "{http://pentabarf.org}"
RFC = {"x": "urn:ietf:params:xml:ns:icalendar-2.0"}
VEVENT_ORDER = [
    "method",
    "uid",
    f"{PENTABARF}event-id",
    "dtstart",
    "dtend",
    "duration",
    "summary",
    "description",
    "class",
    "status",
    "category",
    "url",
    "location",
]


def conference(event) -> etree._Element:
    return etree.fromstring(render("xcal", event, form="conference"))


def rfc6321(event) -> etree._Element:
    document = etree.fromstring(render("xcal", event, form="rfc6321"))
    etree.RelaxNG(etree.parse(str(validator("rfc6321-icalendar-2.0.errata-fixed.rng")))).assertValid(document)
    return document


@pytest.mark.parametrize("zone", ZONES, ids=ZONE_IDS)
def test_xcal_conference_form_has_every_element_in_order(factory, zone: Zone):
    event = hostile_event(factory, zone)

    document = conference(event)

    assert document.tag == "iCalendar"
    assert document.nsmap == {"xCal": "urn:ietf:params:xml:ns:xcal", "pentabarf": "http://pentabarf.org"}
    calendar = document.find("vcalendar")
    assert [child.tag for child in calendar][:4] == ["version", "prodid", "x-wr-caldesc", "x-wr-calname"]
    assert calendar.findtext("x-wr-caldesc") == "Schedule for sessions at Hostile & <Conf> 🎉 "
    vevents = calendar.findall("vevent")
    assert len(vevents) == EXPORTED_TITLES
    for vevent in vevents:
        tags = [child.tag for child in vevent]
        assert tags[: len(VEVENT_ORDER)] == VEVENT_ORDER
        assert set(tags[len(VEVENT_ORDER) :]) <= {"attendee"}
        assert re.fullmatch(r"\d{8}T\d{6}", vevent.findtext("dtstart"))
        assert re.fullmatch(r"PT(\d+H)?(\d+M)?", vevent.findtext("duration"))
        assert int(vevent.findtext(f"{PENTABARF}event-id")) > 0
        assert all(vevent.findtext(tag) for tag in ("uid", "summary", "location", "dtstart", "dtend"))  # Giggity


def test_xcal_prefixes_are_the_ones_readers_match_literally(factory):
    event = hostile_event(factory, ZONES[0])

    conference_form = render("xcal", event, form="conference")
    standard_form = render("xcal", event, form="rfc6321")

    assert conference_form.count(b"<pentabarf:event-id>") == EXPORTED_TITLES
    assert conference_form.count(b"xmlns:pentabarf=") == 1
    assert b"ns0" not in conference_form and b"ns0" not in standard_form


def test_xcal_conference_form_is_ordered_by_start_with_floating_local_times(factory):
    zone = ZONES[0]
    event = hostile_event(factory, zone)

    vevents = conference(event).findall("vcalendar/vevent")

    starts = [v.findtext("dtstart") for v in vevents]
    assert starts == sorted(starts)
    [dst] = [v for v in vevents if v.findtext("summary") == "Across the DST change"]
    # Floating times: the duration is what lies between them on the wall clock (90 minutes elapsed).
    assert (dst.findtext("dtstart"), dst.findtext("dtend"), dst.findtext("duration")) == (
        f"{zone.dst_day:%Y%m%d}T013000",
        f"{zone.dst_day:%Y%m%d}T040000",
        "PT2H30M",
    )


def test_xcal_conference_duration_added_to_the_start_gives_the_end_across_the_autumn_change(factory):
    zone = ZoneInfo("Europe/Berlin")
    start, end = datetime(2026, 10, 24, 9, tzinfo=zone), datetime(2026, 10, 25, 10, tzinfo=zone)
    event = factory.event(identifier="autumn", timezone=zone.key, starts_at=start, ends_at=end)
    factory.session(event, title="Overnight", starts_at=start, ends_at=end)

    [vevent] = conference(event).iterfind("vcalendar/vevent")

    assert (vevent.findtext("dtstart"), vevent.findtext("dtend")) == ("20261024T090000", "20261025T100000")
    assert vevent.findtext("duration") == "PT25H"  # 26 hours elapsed


def test_xcal_conference_session_inside_the_repeated_hour_ends_after_it_starts(factory):
    """02:30 summer time to 02:15 winter time is 45 minutes: the wall clock would say -15 (and
    ``PT-15M``, which no grammar matches), so the floating end is the start plus the elapsed time."""
    zone = ZoneInfo("Europe/Berlin")
    start = datetime(2026, 10, 25, 0, 30, tzinfo=UTC).astimezone(zone)
    event = factory.event(identifier="repeated", timezone=zone.key, starts_at=start, ends_at=start + timedelta(hours=1))
    factory.session(event, title="In the repeated hour", starts_at=start, ends_at=start + timedelta(minutes=45))

    [vevent] = conference(event).iterfind("vcalendar/vevent")

    assert (vevent.findtext("dtstart"), vevent.findtext("dtend")) == ("20261025T023000", "20261025T031500")
    assert vevent.findtext("duration") == "PT45M"


def test_xcal_conference_form_lists_speakers_and_placeholder_room(factory):
    event = hostile_event(factory, ZONES[0])

    vevents = {v.findtext("summary"): v for v in conference(event).iterfind("vcalendar/vevent")}

    assert [a.text for a in vevents["Opening & <welcome> 🎉"].iterfind("attendee")] == [
        "Ada 🎉 Lovelace",
        "Grace <Hopper> & co",
    ]
    assert vevents["No room, no track"].findtext("location") == "Room to be announced"
    assert vevents["No room, no track"].findtext("category") == ""


def test_xcal_conference_form_writes_long_sessions_as_hours(factory):
    event = long_session_event(factory)

    [vevent] = conference(event).iterfind("vcalendar/vevent")

    assert vevent.findtext("duration") == "PT25H"


@pytest.mark.parametrize("zone", ZONES, ids=ZONE_IDS)
def test_xcal_rfc6321_passes_the_relax_ng_schema(factory, zone: Zone):
    event = hostile_event(factory, zone)

    document = rfc6321(event)

    vevents = document.findall("x:vcalendar/x:components/x:vevent", RFC)
    assert len(vevents) == EXPORTED_TITLES


def test_xcal_rfc6321_empty_and_long_events_pass_the_schema(factory):
    empty, long = factory.event(identifier="empty-event", timezone="America/St_Johns"), long_session_event(factory)

    documents = [rfc6321(empty), rfc6321(long)]

    assert [len(d.findall("x:vcalendar/x:components/x:vevent", RFC)) for d in documents] == [0, 1]


def test_xcal_rfc6321_has_the_organizer_and_no_attendees_like_the_ics(factory):
    event = hostile_event(factory, ZONES[0])

    data = render("xcal", event, form="rfc6321")

    document = etree.fromstring(data)
    addresses = document.xpath("//x:organizer/x:cal-address/text()", namespaces=RFC)
    assert len(addresses) == EXPORTED_TITLES and all(a.startswith("urn:uuid:") for a in addresses)
    assert document.xpath("//x:attendee", namespaces=RFC) == []
    assert b"mailto:" not in data and b"None" not in data


def test_xcal_rfc6321_times_are_utc_as_in_the_ics(factory):
    event = hostile_event(factory, ZONES[1])

    document = rfc6321(event)

    assert document.xpath("//x:vtimezone | //x:tzid", namespaces=RFC) == []
    starts = document.xpath("//x:vevent/x:properties/x:dtstart/x:date-time/text()", namespaces=RFC)
    assert len(starts) == EXPORTED_TITLES and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", s) for s in starts)
    assert f"{local(ZONES[1], -1, 10).astimezone(UTC):%Y-%m-%dT%H:%M:%S}Z" in starts
