"""The VTIMEZONE of the event's zone, built from the zone's real transitions (zoneinfo's own).

Why not ``icalendar.Timezone.from_tzinfo`` (7.3.2): it walks wall-clock time and writes each
``DAYLIGHT`` onset as the first local time *after* the change (Berlin: ``DTSTART:20260329T030000``
with ``TZOFFSETFROM:+0100``, i.e. 02:00 UTC, an hour late). RFC 5545 §3.6.5 reads an onset as local
time in ``TZOFFSETFROM`` terms, and consumers that use the block (libical, vobject) got the hour
after every spring change wrong.

Here every onset is the instant of the change, found by bisection in UTC (where zoneinfo is never
ambiguous), written as the local time before it. One observance per change in the window plus the
change that starts it, so that each observance's ``TZOFFSETFROM`` is real (dateutil, behind
vobject, derives its DST amount from it). Negative DST (Dublin's winter, Morocco's Ramadan) is
written the way calendar apps expect: the larger offset as ``DAYLIGHT``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import icalendar

from chalicelib.schedule.model import Schedule

_STEP = timedelta(hours=6)  # no zone changes twice within six hours
_LOOKBACK = timedelta(days=366)  # how far back the change that starts the window is looked for
_ZERO = timedelta(0)
State = tuple[timedelta, timedelta, str]  # UTC offset, DST amount, abbreviation


@dataclass(frozen=True, slots=True)
class Observance:
    daylight: bool
    onset: datetime  # naive: the local time just before the change (TZOFFSETFROM terms)
    offset_from: timedelta
    offset_to: timedelta
    name: str


def _state(zone: ZoneInfo, moment: datetime) -> State:
    local = moment.astimezone(zone)
    return local.utcoffset() or _ZERO, local.dst() or _ZERO, local.tzname() or ""


def _change(zone: ZoneInfo, before: datetime, after: datetime) -> datetime:
    """The first second in ``(before, after]`` that has ``after``'s state."""
    state = _state(zone, after)
    while after - before > timedelta(seconds=1):
        middle = (before + (after - before) / 2).replace(microsecond=0)
        if _state(zone, middle) == state:
            after = middle
        else:
            before = middle
    return after


def _changes(zone: ZoneInfo, start: datetime, end: datetime) -> Iterator[tuple[datetime, State]]:
    """Every change of offset, DST amount or abbreviation in ``(start, end]``, with the new state."""
    moment, state = start, _state(zone, start)
    while moment < end:
        step = moment + _STEP
        if _state(zone, step) != state:
            step = _change(zone, moment, step)
            state = _state(zone, step)
            yield step, state
        moment = step


@lru_cache(maxsize=256)
def observances(zone: ZoneInfo, first: date, last: date) -> tuple[Observance, ...]:
    """The observances that give the zone's offset at every instant from ``first`` to ``last``."""
    start = datetime.combine(first, datetime.min.time(), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(last, datetime.min.time(), tzinfo=zone).astimezone(UTC)
    periods = list(_changes(zone, start - _LOOKBACK, start))[-1:] or [(start, _state(zone, start))]
    periods += _changes(zone, start, end)
    negative = [offset for _, (offset, dst, _) in periods if dst < _ZERO]
    result, previous = [], _state(zone, periods[0][0] - timedelta(seconds=1))[0]
    for instant, (offset, dst, name) in periods:
        daylight = dst > _ZERO or (dst == _ZERO and any(offset > other for other in negative))
        result.append(Observance(daylight, (instant + previous).replace(tzinfo=None), previous, offset, name))
        previous = offset
    return tuple(result)


def schedule_observances(schedule: Schedule) -> tuple[Observance, ...]:
    """From a year before the first day to a year after the last: every session is covered, and
    the file stays small."""
    first, last = schedule.days[0].date, schedule.days[-1].date
    return observances(schedule.zone, first - timedelta(days=366), last + timedelta(days=366))


@lru_cache(maxsize=256)
def writes_utc(zone: ZoneInfo) -> bool:
    """Whether ``icalendar`` writes this zone's times in UTC (``...Z``, no ``TZID``): it does for
    every zone equal to UTC (``UTC``, ``Etc/UTC``, ``GMT``, ...). RFC 5545 forbids a ``TZID`` on UTC
    times, so such a calendar needs no VTIMEZONE, and the xCal forms follow the same rule.
    Cached: the RFC 6321 writer asks once per session, and each answer encodes a datetime."""
    return "TZID" not in icalendar.vDDDTypes(datetime(2000, 1, 1, tzinfo=zone)).params


def vtimezone(zone: ZoneInfo, items: tuple[Observance, ...]) -> icalendar.Timezone:
    """The VTIMEZONE component (built with the library's component API, not ``from_tzinfo``)."""
    component = icalendar.Timezone()
    component.add("tzid", zone.key)
    for observance in items:
        block = icalendar.TimezoneDaylight() if observance.daylight else icalendar.TimezoneStandard()
        block.add("dtstart", observance.onset)
        block.add("tzoffsetfrom", observance.offset_from)
        block.add("tzoffsetto", observance.offset_to)
        if observance.name:
            block.add("tzname", observance.name)
        component.add_component(block)
    return component
