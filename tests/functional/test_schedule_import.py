"""import-schedule: reads the real pretalx and frab files, refuses unsafe or foreign XML with a clear
message, and round-trips through our own schedule.xml export."""

from __future__ import annotations

from datetime import UTC, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from chalicelib import models
from chalicelib.db import transaction
from chalicelib.schedule.importer import import_schedule_file
from chalicelib.schedule.parse import ScheduleImportError, parse_schedule
from devtools.cli import main
from tests.functional.schedule_events import assert_valid_schedule, render, validator

SAMPLES = {"pretalx": ("pretalx-mrmcd2019.schedule.xml", 37), "frab": ("frab-camp2019.schedule.xml", 80)}


def sample(name: str) -> bytes:
    path: Path = validator(f"samples/{SAMPLES[name][0]}")
    return path.read_bytes()


def imported_sessions(identifier: str) -> list[tuple[object, ...]]:
    """What a round trip must keep: title, local start, duration, room, track, speakers."""
    with transaction() as session:
        event = session.scalars(select(models.Event).where(models.Event.identifier == identifier)).one()
        zone = ZoneInfo(event.timezone)
        rows = session.execute(
            select(models.EventSession, models.Microlocation.name, models.Track.name)
            .outerjoin(models.Microlocation, models.Microlocation.id == models.EventSession.microlocation_id)
            .outerjoin(models.Track, models.Track.id == models.EventSession.track_id)
            .where(models.EventSession.event_id == event.id)
        ).all()
        speakers: dict[int, list[str]] = {}
        for session_id, name in session.execute(
            select(models.SpeakerSession.session_id, models.Speaker.name).join(models.Speaker)
        ):
            speakers.setdefault(session_id, []).append(name)
        return sorted(
            (
                row.title,
                row.starts_at.astimezone(zone).replace(tzinfo=None),
                row.ends_at.astimezone(UTC) - row.starts_at.astimezone(UTC),
                room,
                track,
                tuple(sorted(speakers.get(row.id, []))),
            )
            for row, room, track in rows
        )


@pytest.mark.parametrize("name", SAMPLES, ids=list(SAMPLES))
def test_import_reads_the_real_producer_files(stack, name: str):
    with transaction() as session:
        result = import_schedule_file(session, sample(name), identifier=f"imported-{name}")

    assert result["sessions"] == SAMPLES[name][1]
    assert result["timezone"] == "Etc/GMT-2"  # neither file names its zone: their +02:00 offset
    assert len(imported_sessions(f"imported-{name}")) == SAMPLES[name][1]


def test_import_keeps_local_times_speakers_and_tracks(stack):
    with transaction() as session:
        import_schedule_file(session, sample("frab"), identifier="camp")

    sessions = {row[0]: row for row in imported_sessions("camp")}
    _, start, duration, room, track, speakers = sessions["Opening Ceremony"]
    assert (str(start), duration.total_seconds(), room, track, speakers) == (
        "2019-08-21 11:00:00",
        1800,
        "Curie",
        "CCC",
        ("jinxx", "smtw"),
    )


@pytest.mark.parametrize("name", SAMPLES, ids=list(SAMPLES))
def test_import_export_import_round_trip_keeps_the_sessions(stack, name: str):
    with transaction() as session:
        import_schedule_file(session, sample(name), identifier=f"first-{name}")
        first = session.scalars(select(models.Event).where(models.Event.identifier == f"first-{name}")).one()

    exported = render("pentabarf", first)
    assert_valid_schedule(exported)
    with transaction() as session:
        import_schedule_file(session, exported, identifier=f"second-{name}")

    assert imported_sessions(f"second-{name}") == imported_sessions(f"first-{name}")


FULL = b"""<schedule><version>1</version><conference><title>Full</title><acronym>full</acronym>
<time_zone_name>Europe/Berlin</time_zone_name><url>https://example.com/full</url></conference>
<day index='1' date='2026-03-28'><room name='Hall' guid='11111111-2222-4333-8444-555555555555'>
<event id='41' guid='a0a0fcfe-b7fb-46e3-84b6-97a5406016b4'><title>Private talk</title>
<date>2026-03-28T10:00:00+01:00</date><duration>00:45</duration><url>https://example.com/full/41</url>
<persons><person id='7797' guid='c9edea6f-1da1-4772-a0a9-6dd4e33f11bb'>jinxx</person><person id='4827'>smtw</person></persons>
<recording><license>CC BY 4.0</license><optout>true</optout></recording>
<links><link href='https://example.com/video'>Video</link></links>
<attachments><attachment href='https://example.com/paper.pdf'>Paper</attachment></attachments>
</event></room></day></schedule>"""


def kept(data: bytes) -> list[tuple[object, ...]]:
    """Every field our tables hold, per session, as the parser reads a file."""
    parsed = parse_schedule(data)
    return sorted(
        (
            item.guid,
            item.title,
            item.start.isoformat(),
            item.duration,
            item.room,
            parsed.room_guids.get(item.room),
            item.url,
            item.links,
            item.attachments,
            item.recording_optout,
            item.recording_license,
            tuple((person.id, person.guid, person.name) for person in item.speakers),
        )
        for item in parsed.sessions
    )


def import_and_export(data: bytes, identifier: str) -> bytes:
    with transaction() as session:
        import_schedule_file(session, data, identifier=identifier)
        event = session.scalars(select(models.Event).where(models.Event.identifier == identifier)).one()
    return render("pentabarf", event)


def test_import_export_import_keeps_guids_urls_links_person_ids_and_recording(stack):
    exported = import_and_export(FULL, "full-once")
    again = import_and_export(exported, "full-twice")

    assert_valid_schedule(exported)
    [(*fields, persons)], [(*original, original_persons)] = kept(exported), kept(FULL)
    assert fields == original  # guid, times, room and its guid, url, links, attachments, opt-out, licence
    assert persons[0] == original_persons[0] and persons[1][::2] == original_persons[1][::2] == (4827, "smtw")
    assert kept(again) == kept(exported)  # the guid made for smtw stays too


@pytest.mark.parametrize("name", SAMPLES, ids=list(SAMPLES))
def test_import_export_keeps_the_real_files_guids_and_urls(stack, name: str):
    exported = import_and_export(sample(name), f"guids-{name}")

    assert {row[0] for row in kept(exported)} == {row[0] for row in kept(sample(name))}
    assert {row[6] for row in kept(exported)} == {row[6] for row in kept(sample(name))}


LEONARD_A, LEONARD_B = "6a1b2c3d-0000-4000-8000-00000000000a", "6a1b2c3d-0000-4000-8000-00000000000b"
# The 39C3 file's shape: persons with a guid and no id, two of them named Leonard.
TWO_LEONARDS = f"""<schedule><conference><title>39C3</title><time_zone_name>Europe/Berlin</time_zone_name>
</conference><day index='1' date='2025-12-27'><room name='Saal 1'>
<event id='1' guid='7b000000-0000-4000-8000-000000000001'><date>2025-12-27T11:00:00+01:00</date>
<start>11:00</start><duration>00:40</duration><room>Saal 1</room><title>Rockets</title>
<persons><person guid='{LEONARD_A}'>Leonard</person></persons></event>
<event id='2' guid='7b000000-0000-4000-8000-000000000002'><date>2025-12-27T12:00:00+01:00</date>
<start>12:00</start><duration>00:40</duration><room>Saal 1</room><title>Knitting</title>
<persons><person guid='{LEONARD_B}'>Leonard</person><person guid='{LEONARD_A}'>Leonard</person></persons></event>
</room></day></schedule>""".encode()


def exported_people(data: bytes) -> dict[str, set[tuple[int | None, str | None, str]]]:
    """Each session's people as an app reads them (id, guid, name), by session title."""
    return {item.title: {(p.id, p.guid, p.name) for p in item.speakers} for item in parse_schedule(data).sessions}


def ids_of_one_person_each(data: bytes) -> bool:
    """No id names two people (people told apart by guid) in the file."""
    people = {(p.id, p.guid) for item in parse_schedule(data).sessions for p in item.speakers}
    return len({person_id for person_id, _ in people}) == len(people)


def test_two_people_of_one_name_with_different_guids_stay_two(stack):
    exported = import_and_export(TWO_LEONARDS, "two-leonards")

    people = exported_people(exported)
    assert {guid for _, guid, _ in people["Knitting"]} == {LEONARD_A, LEONARD_B}
    assert {guid for _, guid, _ in people["Rockets"]} == {LEONARD_A}
    assert ids_of_one_person_each(exported)
    assert exported_people(import_and_export(exported, "two-leonards-again")) == people


PERSON_ZERO = b"""<schedule><conference><title>Zero</title><time_zone_name>UTC</time_zone_name></conference>
<day index='1' date='2026-03-01'><room name='A'>
<event id='1'><date>2026-03-01T10:00:00+00:00</date><start>10:00</start><duration>00:30</duration><title>First</title>
<persons><person id='0'>Nought</person><person id='1'>Ada</person></persons></event>
<event id='2'><date>2026-03-01T11:00:00+00:00</date><start>11:00</start><duration>00:30</duration><title>Second</title>
<persons><person id='2'>Grace</person><person id='1'>Ada</person><person>Nameless Id</person></persons></event>
</room></day></schedule>"""


def test_person_id_0_is_kept_and_no_id_names_two_people(stack):
    exported = import_and_export(PERSON_ZERO, "zero")

    people = exported_people(exported)
    assert {(person_id, name) for person_id, _, name in people["First"]} == {(0, "Nought"), (1, "Ada")}
    assert {(person_id, name) for person_id, _, name in people["Second"]} >= {(2, "Grace"), (1, "Ada")}
    assert ids_of_one_person_each(exported)


@pytest.mark.parametrize("name", SAMPLES, ids=list(SAMPLES))
def test_export_import_export_of_the_real_files_keeps_each_speaker_on_their_talks(stack, name: str):
    exported = import_and_export(sample(name), f"people-{name}")
    again = import_and_export(exported, f"people-{name}-again")

    assert ids_of_one_person_each(exported)
    assert exported_people(again) == exported_people(exported)
    assert {t: {n for _, _, n in p} for t, p in exported_people(exported).items()} == {
        t: {n for _, _, n in p} for t, p in exported_people(sample(name)).items()
    }


def test_import_refuses_a_file_without_zone_or_offsets(stack):
    fosdem = b"""<schedule><conference><title>FOSDEM 2019</title></conference><day index='1' date='2019-02-02'>
    <room name='Janson'><event id='1'><title>Welcome</title><start>09:30</start><duration>00:25</duration>
    </event></room></day></schedule>"""

    with pytest.raises(ScheduleImportError, match="--timezone"), transaction() as session:
        import_schedule_file(session, fosdem)


def test_round_trip_keeps_a_session_without_room_without_room(factory):
    event = factory.event(identifier="roomless", timezone="Europe/Berlin")
    factory.session(event, title="Nowhere yet", starts_at=event.starts_at, ends_at=event.starts_at + timedelta(hours=1))

    with transaction() as session:
        import_schedule_file(session, render("pentabarf", event), identifier="roomless-again")

    [(title, *_, room, _track, _speakers)] = imported_sessions("roomless-again")
    assert (title, room) == ("Nowhere yet", None)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html><body>hello</body></html>", "Not a schedule.xml"),
        (b"not xml at all", "not well-formed"),
        (b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaa">]><schedule>&a;</schedule>', "refused for safety"),
        (b'<!DOCTYPE s SYSTEM "http://example.com/x.dtd"><schedule/>', "refused for safety"),
        (
            b"<schedule><conference><title>T</title></conference><day date='2026-01-01'><room name='R'>"
            b"<event id='1'><title>X</title><date>2026-01-01T10:00:00+01:00</date><duration>1 hour</duration>"
            b"</event></room></day></schedule>",
            "event id=1: unreadable duration",
        ),
        (
            b"<schedule><conference><title>T</title></conference><day><room name='R'><event id='7'>"
            b"<date>2026-01-01T10:00:00+01:00</date><duration>00:30</duration></event></room></day></schedule>",
            "event id=7: no <title>",
        ),
        (
            b"<schedule><conference><title>T</title><time_zone_name>Mars/Olympus</time_zone_name></conference>"
            b"</schedule>",
            "Unknown time zone",
        ),
        (b"<schedule><conference><title>T</title></conference></schedule>", "no sessions"),
    ],
    ids=["html", "not-xml", "entities", "external-dtd", "bad-duration", "no-title", "bad-zone", "empty"],
)
def test_import_refuses_with_a_clear_message(stack, data: bytes, message: str):
    with pytest.raises(ScheduleImportError, match=message), transaction() as session:
        import_schedule_file(session, data)


def test_import_refuses_files_over_the_size_limit(stack, monkeypatch):
    monkeypatch.setattr("chalicelib.schedule.parse.MAX_BYTES", 1000)

    with pytest.raises(ScheduleImportError, match="larger than"), transaction() as session:
        import_schedule_file(session, sample("pretalx"))


def test_import_refuses_an_existing_identifier(stack):
    with transaction() as session:
        import_schedule_file(session, sample("pretalx"), identifier="taken")

    with pytest.raises(ScheduleImportError, match="exists already"), transaction() as session:
        import_schedule_file(session, sample("pretalx"), identifier="taken")


def test_import_schedule_command_prints_the_new_event(stack, tmp_path, capsys):
    path = tmp_path / "schedule.xml"
    path.write_bytes(sample("pretalx"))

    main(["import-schedule", str(path), "--identifier", "mrmcd", "--timezone", "Europe/Berlin"])

    output = capsys.readouterr().out
    assert '"identifier": "mrmcd"' in output and '"timezone": "Europe/Berlin"' in output


def test_import_schedule_command_exits_with_the_reason(stack, tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes(b"<html/>")

    with pytest.raises(SystemExit, match=r"import-schedule: Not a schedule\.xml"):
        main(["import-schedule", str(path)])
