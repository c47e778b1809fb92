"""libical 3 (the C library behind Evolution and KDE's importers), read through ctypes.

It is an independent consumer of what we write: a reader of its own (``event_times``: where it
places each session), and it has RFC 5546's iTIP restriction table. Debian ships it as
``libical3``; the tests that use it skip, saying so, where it is not installed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from datetime import UTC, datetime
from functools import cache
from typing import Any

import pytest

VEVENT_KIND = b"VEVENT"


class _Time(ctypes.Structure):
    """``struct icaltimetype`` of libical 3."""

    _fields_ = [
        (name, ctypes.c_int) for name in ("year", "month", "day", "hour", "minute", "second", "is_date", "is_daylight")
    ] + [("zone", ctypes.c_void_p)]


@cache
def _library() -> Any:
    name = ctypes.util.find_library("ical")
    if name is None:
        pytest.skip("libical 3 is not installed (Debian: apt-get install libical3)")
    lib = ctypes.CDLL(name)
    lib.icalparser_parse_string.restype = ctypes.c_void_p
    lib.icalparser_parse_string.argtypes = [ctypes.c_char_p]
    lib.icalcomponent_string_to_kind.argtypes = [ctypes.c_char_p]
    lib.icalcomponent_get_first_component.restype = ctypes.c_void_p
    lib.icalcomponent_get_first_component.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.icalrestriction_check.argtypes = [ctypes.c_void_p]
    lib.icalcomponent_as_ical_string.restype = ctypes.c_char_p
    lib.icalcomponent_as_ical_string.argtypes = [ctypes.c_void_p]
    lib.icalcomponent_get_next_component.restype = ctypes.c_void_p
    lib.icalcomponent_get_next_component.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.icalcomponent_get_uid.restype = ctypes.c_char_p
    lib.icalcomponent_get_uid.argtypes = [ctypes.c_void_p]
    for name in ("icalcomponent_get_dtstart", "icalcomponent_get_dtend"):
        getattr(lib, name).restype = _Time
        getattr(lib, name).argtypes = [ctypes.c_void_p]
    lib.icaltime_as_timet_with_zone.restype = ctypes.c_int64
    lib.icaltime_as_timet_with_zone.argtypes = [_Time, ctypes.c_void_p]
    lib.icalcomponent_free.argtypes = [ctypes.c_void_p]
    return lib


def event_times(calendar: bytes) -> dict[str, tuple[datetime, datetime]]:
    """Each VEVENT's start and end instants as libical places them: the zone a DTSTART carries is
    the one libical resolved for its TZID (the calendar's VTIMEZONE), UTC for a ``...Z`` time."""
    lib = _library()
    root = lib.icalparser_parse_string(calendar)
    kind = lib.icalcomponent_string_to_kind(VEVENT_KIND)
    times, component = {}, lib.icalcomponent_get_first_component(root, kind)
    while component:
        start, end = lib.icalcomponent_get_dtstart(component), lib.icalcomponent_get_dtend(component)
        times[lib.icalcomponent_get_uid(component).decode()] = (_instant(lib, start), _instant(lib, end))
        component = lib.icalcomponent_get_next_component(root, kind)
    lib.icalcomponent_free(root)
    return times


def _instant(lib: Any, moment: _Time) -> datetime:
    return datetime.fromtimestamp(lib.icaltime_as_timet_with_zone(moment, moment.zone), UTC)


def itip_errors(calendar: bytes) -> list[str]:
    """libical's RFC 5546 restriction check of a calendar (its METHOD): the errors it adds."""
    lib = _library()
    root = lib.icalparser_parse_string(calendar)
    lib.icalrestriction_check(root)
    text: bytes = lib.icalcomponent_as_ical_string(root)
    return [line for line in text.decode("utf-8").splitlines() if line.startswith("X-LIC-ERROR")]
