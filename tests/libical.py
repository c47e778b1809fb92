"""libical 3 (the C library behind Evolution and KDE's importers), read through ctypes.

It is an independent consumer of what we write: it reads a VTIMEZONE block and nothing else to
turn UTC into local time, and it has RFC 5546's iTIP restriction table. Debian ships it as
``libical3``; the tests that use it skip, saying so, where it is not installed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import pytest

VTIMEZONE_KIND = b"VTIMEZONE"


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
    lib.icaltimezone_new.restype = ctypes.c_void_p
    lib.icaltimezone_set_component.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    lib.icaltimezone_get_utc_offset_of_utc_time.argtypes = [
        ctypes.c_void_p,
        ctypes.POINTER(_Time),
        ctypes.POINTER(ctypes.c_int),
    ]
    lib.icalrestriction_check.argtypes = [ctypes.c_void_p]
    lib.icalcomponent_as_ical_string.restype = ctypes.c_char_p
    lib.icalcomponent_as_ical_string.argtypes = [ctypes.c_void_p]
    return lib


class LibicalZone:
    """The zone a calendar's first VTIMEZONE defines, as libical understands it."""

    def __init__(self, calendar: bytes):
        lib = _library()
        root = lib.icalparser_parse_string(calendar)
        block = lib.icalcomponent_get_first_component(root, lib.icalcomponent_string_to_kind(VTIMEZONE_KIND))
        assert block, "no VTIMEZONE in the calendar"
        self._zone = lib.icaltimezone_new()
        assert lib.icaltimezone_set_component(self._zone, block)

    def utc_offset(self, instant: datetime) -> timedelta:
        """The offset the block gives at ``instant`` (an aware datetime in UTC)."""
        moment = _Time(instant.year, instant.month, instant.day, instant.hour, instant.minute, instant.second, 0, 0)
        daylight = ctypes.c_int()
        seconds = _library().icaltimezone_get_utc_offset_of_utc_time(
            self._zone, ctypes.byref(moment), ctypes.byref(daylight)
        )
        return timedelta(seconds=seconds)


def itip_errors(calendar: bytes) -> list[str]:
    """libical's RFC 5546 restriction check of a calendar (its METHOD): the errors it adds."""
    lib = _library()
    root = lib.icalparser_parse_string(calendar)
    lib.icalrestriction_check(root)
    text: bytes = lib.icalcomponent_as_ical_string(root)
    return [line for line in text.decode("utf-8").splitlines() if line.startswith("X-LIC-ERROR")]
