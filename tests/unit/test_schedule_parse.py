"""schedule.xml reading rules that producers disagree on (no database, inline files)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from chalicelib.schedule.loader import person_ids
from chalicelib.schedule.parse import ScheduleImportError, parse_schedule


def schedule(events: str, conference: str = "") -> bytes:
    return (
        f"<schedule><version>1</version><conference><title>Conf</title>{conference}</conference>"
        f"<day index='1' date='2026-03-28'><room name='Hall'>{events}</room></day></schedule>"
    ).encode()


def test_parse_uses_the_full_date_when_given():
    [item] = parse_schedule(
        schedule(
            "<event id='1'><title>T</title><date>2026-03-28T10:00:00+05:30</date><start>10:00</start>"
            "<duration>01:30</duration><track></track></event>"
        )
    ).sessions

    assert item.start == datetime.fromisoformat("2026-03-28T10:00:00+05:30")
    assert item.duration == timedelta(hours=1, minutes=30)
    assert (item.room, item.track) == ("Hall", None)


def test_parse_without_date_puts_early_hours_after_midnight_in_the_named_zone():
    data = schedule(
        "<event id='1'><title>Late</title><start>01:30</start><duration>0:45</duration></event>",
        "<time_zone_name>Europe/Berlin</time_zone_name>",
    )

    parsed = parse_schedule(data)

    assert parsed.timezone == "Europe/Berlin"
    assert parsed.sessions[0].start == datetime(2026, 3, 29, 1, 30, tzinfo=ZoneInfo("Europe/Berlin"))


def test_parse_reads_three_part_durations_as_hours_minutes_seconds():
    [item] = parse_schedule(
        schedule("<event id='1'><title>T</title><date>2026-03-28T10:00:00Z</date><duration>00:45:00</duration></event>")
    ).sessions

    assert item.duration == timedelta(minutes=45)


def test_parse_takes_speakers_by_id_and_skips_empty_names():
    [item] = parse_schedule(
        schedule(
            "<event id='1'><title>T</title><date>2026-03-28T10:00:00Z</date><duration>00:45</duration>"
            "<persons><person id='9'> Ada </person><person id='10'> </person><person>Grace</person></persons></event>"
        )
    ).sessions

    assert item.speakers == (("id:9", "Ada", 9, None), ("name:Grace", "Grace", None, None))


@pytest.mark.parametrize(
    ("offset", "zone"),
    [("+02:00", "Etc/GMT-2"), ("-05:00", "Etc/GMT+5"), ("+00:00", "UTC"), ("+05:30", "UTC")],
    ids=["east", "west", "utc", "half-hour-falls-back-to-utc"],
)
def test_parse_derives_a_fixed_zone_from_the_first_offset(offset: str, zone: str):
    data = schedule(
        f"<event id='1'><title>T</title><date>2026-03-28T10:00:00{offset}</date><duration>00:45</duration></event>"
    )

    parsed = parse_schedule(data)

    assert parsed.timezone == zone
    assert parsed.sessions[0].start.utcoffset() == datetime.fromisoformat(f"2026-03-28T10:00:00{offset}").utcoffset()


def test_parse_without_start_or_date_names_the_event():
    with pytest.raises(ScheduleImportError, match="event id=3: no readable"):
        parse_schedule(
            b"<schedule><conference><title>C</title></conference><day><room name='R'><event id='3'>"
            b"<title>T</title><duration>00:30</duration></event></room></day></schedule>",
            timezone="UTC",
        )


@pytest.mark.parametrize(
    "data,message",
    [
        (
            b"<schedule><version>1</version><conference><title>C</title></conference><day index='1' date='2026-13-01'>"
            b"<room name='Hall'><event id='1'><title>T</title><start>10:00</start><duration>01:00</duration></event>"
            b"</room></day></schedule>",
            "day index=1: unreadable date '2026-13-01'",
        ),
        (
            schedule(
                "<event id='7'><title>T</title><date>2026-02-30</date><start>10:00</start><duration>01:00</duration></event>"
            ),
            "event id=7: unreadable date '2026-02-30'",
        ),
        (
            schedule("<event id='8'><title>T</title><start>25:00</start><duration>01:00</duration></event>"),
            "event id=8: unreadable start '25:00'",
        ),
    ],
    ids=["impossible-day", "impossible-date", "impossible-start"],
)
def test_parse_refuses_impossible_dates_with_a_message(data, message):
    with pytest.raises(ScheduleImportError, match=message):
        parse_schedule(data, timezone="UTC")


def test_parse_refuses_a_file_without_zone_or_offsets_asking_for_the_timezone():
    """FOSDEM 2019: neither <time_zone_name> nor offsets; read as UTC, 775 talks were an hour off."""
    data = schedule("<event id='1'><title>T</title><date>2019-02-02T10:30:00</date><duration>00:25</duration></event>")

    with pytest.raises(ScheduleImportError, match="pass the event's zone with --timezone"):
        parse_schedule(data)

    [item] = parse_schedule(data, timezone="Europe/Brussels").sessions
    assert item.start == datetime(2019, 2, 2, 10, 30, tzinfo=ZoneInfo("Europe/Brussels"))


def test_parse_keeps_what_the_file_says_about_identity_links_and_recording():
    [item] = parse_schedule(
        schedule(
            "<event id='1' guid='0A0A0FCF-B7FB-46E3-84B6-97A5406016B4'><title>T</title>"
            "<date>2026-03-28T10:00:00+01:00</date><duration>00:45</duration><url>https://example.com/t/1</url>"
            "<persons><person id='7' guid='c9edea6f-1da1-4772-a0a9-6dd4e33f11bb'>Ada</person>"
            "<person id='99999999999999999999'>Huge</person></persons>"
            "<recording><license>CC BY 4.0</license><optout>true</optout></recording>"
            "<links><link href='https://example.com/v'>Video</link><link href='javascript:x'>Bad</link></links>"
            "<attachments><attachment href='https://example.com/a.pdf'>Paper</attachment></attachments></event>"
        )
    ).sessions

    assert item.guid == "0a0a0fcf-b7fb-46e3-84b6-97a5406016b4" and item.url == "https://example.com/t/1"
    assert item.speakers == (
        ("guid:c9edea6f-1da1-4772-a0a9-6dd4e33f11bb", "Ada", 7, "c9edea6f-1da1-4772-a0a9-6dd4e33f11bb"),
        ("id:99999999999999999999", "Huge", None, None),  # no number our column can hold: ours is used
    )
    assert (item.recording_optout, item.recording_license) == (True, "CC BY 4.0")
    assert item.links == (("https://example.com/v", "Video"),)
    assert item.attachments == (("https://example.com/a.pdf", "Paper"),)


@pytest.mark.parametrize(
    "source_ids, exported",
    [
        ({1: 0, 2: 7}, {1: 0, 2: 7}),  # the file's ids, 0 included
        ({1: 2, 2: None}, {1: 2, 2: 3}),  # row 2's own id is row 1's file id
        ({1: 5, 2: 5}, {1: 5, 2: 6}),  # a file that gave two people one id
        ({3: None, 4: None}, {3: 3, 4: 4}),  # never imported: our row ids
    ],
    ids=["file-ids", "row-id-taken", "file-id-twice", "own-ids"],
)
def test_exported_person_ids_keep_the_files_and_never_name_two_people(source_ids, exported):
    assert person_ids(source_ids) == exported
