"""Every calendar reader places every session at its instant, in every zone, across every change.

Sessions start and end at each minute boundary around every 2026/2027 change of UTC offset of a
dozen zones (half-hour and 45-minute zones, Lord Howe's 30-minute DST, changes at midnight, negative
DST, the southern hemisphere, zones without DST), plus a 25-hour session across each change. One
calendar per zone in each form; six readers (``tests.calendar_readers``) read the ``.ics`` and the
RFC 6321 xCal, and each must give exactly the instants stored, whatever its time zone database
(this one zone, Casablanca, has three versions among the readers: the system's, pytz's, Node's). The conference xCal has no such
readers: its floating times and durations are checked against the rule of docs/schedule.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from chalicelib import models
from chalicelib.db import transaction
from chalicelib.exports.formats.ical import UID_DOMAIN
from tests.calendar_readers import NODE_READERS, PYTHON_READERS, READERS, Times, read_with_node, rfc6321_as_ics
from tests.factories import Factory
from tests.functional.schedule_events import render

ZONE_NAMES = (
    "Europe/Berlin",
    "America/St_Johns",  # -03:30, changes at 02:00 local
    "Australia/Lord_Howe",  # +10:30, a 30-minute DST
    "Asia/Kolkata",  # +05:30, no DST
    "Asia/Kathmandu",  # +05:45, no DST
    "Australia/Sydney",  # southern hemisphere
    "Pacific/Auckland",
    "America/Santiago",  # changes at midnight
    "America/New_York",
    "Europe/Dublin",  # negative DST in winter
    "Africa/Casablanca",  # negative DST for Ramadan
    "America/Havana",  # changes at midnight
)
HOUR, MINUTE = timedelta(hours=1), timedelta(minutes=1)
FORMS = ("ical", "rfc6321")
# RFC 5545 §3.3.6 dur-value, as the conference xCal writes it (time part only; never negative).
DUR_TIME = re.compile(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?")


def changes(zone: ZoneInfo) -> list[tuple[datetime, timedelta]]:
    """Every change of the zone's UTC offset in 2026 and 2027: its instant, and by how much."""
    found, hour = [], datetime(2026, 1, 1, tzinfo=UTC)
    while hour < datetime(2028, 1, 1, tzinfo=UTC):
        before, after = hour.astimezone(zone).utcoffset(), (hour + HOUR).astimezone(zone).utcoffset()
        if before != after and before is not None and after is not None:
            instant = next(
                hour + n * MINUTE for n in range(1, 61) if (hour + n * MINUTE).astimezone(zone).utcoffset() == after
            )
            found.append((instant, abs(after - before)))
        hour += HOUR
    return found


def boundary_spans(zone: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """Sessions between neighbouring minute boundaries around each change (the change, the start
    and end of the repeated or skipped local time, a minute either side of each), 45-minute
    sessions from each boundary, and a 25-hour session across the change."""
    spans = []
    for instant, amount in changes(zone) or [(datetime(2026, 10, 25, 1, tzinfo=UTC), HOUR)]:
        edges = (instant - amount, instant, instant + amount)
        points = {edge + n * MINUTE for edge in edges for n in (-1, 0, 1)}
        points |= {instant - 2 * HOUR, instant - amount / 2, instant + amount / 2, instant + 2 * HOUR}
        ordered = sorted(points)
        spans += pairwise(ordered)
        spans += [(point, point + 45 * MINUTE) for point in ordered]
        spans.append((instant - 12 * HOUR, instant + 13 * HOUR))
    return spans


@dataclass(frozen=True)
class Calendar:
    zone: str
    files: dict[str, Path]  # form -> file
    expected: Times  # uid -> the stored start and end
    local: dict[str, str]  # uid -> the local times, for messages


def _zone_calendar(factory: Factory, name: str, folder: Path) -> Calendar:
    zone, spans = ZoneInfo(name), boundary_spans(ZoneInfo(name))
    identifier = "rd-" + name.split("/")[-1].lower()
    event = factory.event(
        identifier=identifier, timezone=name, starts_at=spans[0][0], ends_at=max(end for _, end in spans)
    )
    with transaction() as session:
        rows = [
            models.EventSession(event_id=event.id, title=f"At {start:%Y-%m-%d %H:%M}Z", state="accepted",
                                starts_at=start, ends_at=end)
            for start, end in spans
        ]  # fmt: skip
        session.add_all(rows)
        session.flush()
        times = {f"{row.id}-{identifier}@{UID_DOMAIN}": (row.starts_at, row.ends_at) for row in rows}
    local = {
        uid: f"{s.astimezone(zone):%m-%d %H:%M%z} to {e.astimezone(zone):%m-%d %H:%M%z}"
        for uid, (s, e) in times.items()
    }
    files = {}
    for form in (*FORMS, "conference"):
        data = render("ical", event) if form == "ical" else render("xcal", event, form=form)
        files[form] = folder / f"{identifier}.{form}"
        files[form].write_bytes(rfc6321_as_ics(data) if form == "rfc6321" else data)
    return Calendar(name, files, times, local)


@pytest.fixture(scope="module")
def calendars(stack: Any, tmp_path_factory: pytest.TempPathFactory) -> list[Calendar]:
    """One calendar per zone in each form, rendered once for the module (the rows are emptied
    after its first test, the files stay)."""
    folder = tmp_path_factory.mktemp("readers")
    return [_zone_calendar(Factory(), name, folder) for name in ZONE_NAMES]


@pytest.fixture(scope="module")
def node_readings(calendars: list[Calendar]) -> dict[Path, dict[str, Times]]:
    """Every ``.ics`` and xCal file read by ical.js and node-ical in one ``node`` process."""
    return read_with_node(c.files[form] for c in calendars for form in FORMS)


def misplaced(calendar: Calendar, read: Times) -> list[str]:
    wrong = [
        f"{calendar.zone} {calendar.local[uid]}: read as {read.get(uid)}, stored {expected}"
        for uid, expected in calendar.expected.items()
        if read.get(uid) != expected
    ]
    return wrong + [f"{calendar.zone}: unexpected {uid}" for uid in read.keys() - calendar.expected.keys()]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("reader", READERS)
def test_every_reader_places_every_session_at_its_stored_instant(calendars, request, reader: str, form: str):
    readings = request.getfixturevalue("node_readings") if reader in NODE_READERS else None

    wrong = []
    for calendar in calendars:
        path = calendar.files[form]
        read = readings[path][reader] if readings is not None else PYTHON_READERS[reader](path.read_bytes())
        wrong += misplaced(calendar, read)

    assert wrong == [], f"{len(wrong)} misplaced, e.g.:\n" + "\n".join(wrong[:15])


def test_conference_xcal_durations_are_valid_and_start_plus_duration_is_the_end(calendars):
    """What Giggity does with the conference form (dtstart, then dtend or start + duration): both
    agree, the duration matches RFC 5545's grammar and is never negative, and the times follow the
    documented rule: the wall clock at the start and at the end, unless the clock goes back so far
    within the session that its wall-clock end would not come after its start; then the end is
    start + elapsed time."""
    for calendar in calendars:
        zone = ZoneInfo(calendar.zone)
        document = etree.parse(str(calendar.files["conference"]))
        for vevent in document.iterfind("vcalendar/vevent"):
            uid = vevent.findtext("uid")
            start, end = calendar.expected[uid]
            dtstart, dtend = (datetime.strptime(vevent.findtext(t), "%Y%m%dT%H%M%S") for t in ("dtstart", "dtend"))
            match = DUR_TIME.fullmatch(vevent.findtext("duration"))

            assert match, (calendar.zone, calendar.local[uid], vevent.findtext("duration"))
            hours, minutes, seconds = (int(part or 0) for part in match.groups())
            duration = timedelta(hours=hours, minutes=minutes, seconds=seconds)
            assert dtstart + duration == dtend and duration >= timedelta(0)
            wall_start, wall_end = (m.astimezone(zone).replace(tzinfo=None) for m in (start, end))
            assert dtstart == wall_start
            assert dtend == (wall_end if wall_end > wall_start else wall_start + (end - start)), calendar.local[uid]
