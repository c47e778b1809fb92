"""The VTIMEZONE block alone gives zoneinfo's offset around every transition, for zones of every
shape, as read by two consumers that use the block and not their own time-zone database: vobject
(dateutil) and libical. icalendar's own ``Timezone.from_tzinfo`` fails this (see ``vtimezone``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from chalicelib.exports.formats.vtimezone import observances, vtimezone
from tests.libical import LibicalZone

ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "America/St_Johns",
    "Australia/Sydney",
    "Australia/Lord_Howe",  # 30-minute DST
    "Pacific/Chatham",  # +12:45 / +13:45
    "Europe/Dublin",  # negative DST in zoneinfo
    "Africa/Casablanca",  # negative DST during Ramadan
    "America/Sao_Paulo",  # DST abolished in 2019
    "Asia/Kolkata",
    "UTC",
]
# The window of an export whose days run from FIRST to LAST (a year either side, as the exports).
FIRST, LAST = date(2025, 3, 1), date(2027, 3, 1)
MINUTE = timedelta(minutes=1)


def calendar(zone: ZoneInfo) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//test//EN")
    cal.add("version", "2.0")
    cal.add_component(vtimezone(zone, observances(zone, FIRST, LAST)))
    data: bytes = cal.to_ical()
    return data


def transitions(zone: ZoneInfo) -> Iterator[datetime]:
    """zoneinfo's own changes in the window, found by an hourly then a minute scan in UTC."""
    moment = datetime.combine(FIRST, datetime.min.time(), tzinfo=UTC)
    end = datetime.combine(LAST, datetime.min.time(), tzinfo=UTC)
    while moment < end:
        later = moment + timedelta(hours=1)
        before = moment.astimezone(zone).utcoffset()
        if later.astimezone(zone).utcoffset() != before:
            while (moment + MINUTE).astimezone(zone).utcoffset() == before:
                moment += MINUTE
            yield moment + MINUTE  # the first minute of the new offset
        moment = later


def instants(zone: ZoneInfo) -> list[datetime]:
    """One minute before and after each transition, the transition itself, and every day at noon UTC."""
    around = [change + delta for change in transitions(zone) for delta in (-MINUTE, timedelta(0), MINUTE)]
    days = [datetime.combine(FIRST, datetime.min.time(), tzinfo=UTC) + timedelta(days=n, hours=12) for n in range(730)]
    return around + days


def test_the_zones_with_dst_have_transitions_in_the_window():
    counts = {name: len(list(transitions(ZoneInfo(name)))) for name in ZONES}

    assert all(counts[name] >= 4 for name in ZONES[:8]), counts
    assert counts["America/Sao_Paulo"] == counts["Asia/Kolkata"] == counts["UTC"] == 0


@pytest.mark.parametrize("name", ZONES)
def test_vobject_reading_only_the_block_gives_zoneinfo_offsets(name: str):
    zone = ZoneInfo(name)
    block = vobject.readOne(calendar(zone).decode()).vtimezone.gettzinfo()

    offsets = {instant: instant.astimezone(block).utcoffset() for instant in instants(zone)}

    wrong = {instant: got for instant, got in offsets.items() if got != instant.astimezone(zone).utcoffset()}
    assert wrong == {}


@pytest.mark.parametrize("name", ZONES)
def test_libical_reading_only_the_block_gives_zoneinfo_offsets(name: str):
    zone = ZoneInfo(name)
    block = LibicalZone(calendar(zone))

    offsets = {instant: block.utc_offset(instant) for instant in instants(zone)}

    wrong = {instant: got for instant, got in offsets.items() if got != instant.astimezone(zone).utcoffset()}
    assert wrong == {}


@pytest.mark.parametrize("name", ZONES[:8])
def test_every_onset_is_the_local_time_before_the_change(name: str):
    zone = ZoneInfo(name)
    changes = list(transitions(zone))

    onsets = [o for o in observances(zone, FIRST, LAST) if o.offset_from != o.offset_to]

    in_window = [o for o in onsets if (o.onset - o.offset_from).replace(tzinfo=UTC) >= changes[0]]
    assert [(o.onset - o.offset_from).replace(tzinfo=UTC) for o in in_window] == changes


def test_berlin_summer_time_starts_at_two_local_in_the_offset_before():
    [spring] = [o for o in observances(ZoneInfo("Europe/Berlin"), date(2026, 1, 1), date(2026, 12, 31)) if o.daylight]

    assert (spring.onset, spring.offset_from, spring.offset_to) == (
        datetime(2026, 3, 29, 2, 0),
        timedelta(hours=1),
        timedelta(hours=2),
    )


def test_negative_dst_is_written_with_summer_as_daylight():
    dublin = observances(ZoneInfo("Europe/Dublin"), date(2026, 1, 1), date(2026, 12, 31))

    assert {(o.name, o.daylight) for o in dublin} == {("GMT", False), ("IST", True)}
