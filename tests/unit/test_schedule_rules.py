"""Pure rules of the schedule formats: day-change hour, slugs, durations, acronyms."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from chalicelib.exports.formats.base import ExportFailed
from chalicelib.exports.formats.ical import fold
from chalicelib.exports.formats.pentabarf import acronym, ascii_slug, hh_mm, session_slug
from chalicelib.exports.formats.xcal import iso_duration
from chalicelib.schedule.days import schedule_day
from chalicelib.schedule.model import GUID_NAMESPACE, guid

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("hour", "expected"),
    [(3, date(2026, 3, 28)), (4, date(2026, 3, 29)), (23, date(2026, 3, 29))],
    ids=["before-day-change", "at-day-change", "evening"],
)
def test_schedule_day_changes_at_four(hour: int, expected: date):
    assert schedule_day(datetime(2026, 3, 29, hour, tzinfo=BERLIN)) == expected


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [(0, "00:00"), (45, "00:45"), (90, "01:30"), (23 * 60 + 59, "23:59")],
    ids=["zero", "minutes", "hours", "longest"],
)
def test_hh_mm_durations(minutes: int, expected: str):
    assert hh_mm(timedelta(minutes=minutes), SimpleNamespace(id=1, title="t")) == expected


def test_hh_mm_rejects_a_day_or_more():
    with pytest.raises(ExportFailed, match="24 hours"):
        hh_mm(timedelta(hours=24), SimpleNamespace(id=1, title="t", wall_clock_duration=timedelta(hours=24)))


@pytest.mark.parametrize(
    ("duration", "expected"),
    [
        (timedelta(0), "PT0S"),
        (timedelta(minutes=90), "PT1H30M"),
        (timedelta(hours=25), "PT25H"),
        (timedelta(seconds=61), "PT1M1S"),
    ],
    ids=["zero", "hours-minutes", "over-a-day", "seconds"],
)
def test_iso_duration(duration: timedelta, expected: str):
    assert iso_duration(duration) == expected


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [("FOSSASIA-2026", "fossasia-2026"), ("ab", "ab__"), ("a b&c!", "a-b-c")],
    ids=["upper-case", "short", "symbols"],
)
def test_acronym_matches_the_schema_pattern(identifier: str, expected: str):
    assert acronym(SimpleNamespace(identifier=identifier)) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [("Hello, Wörld!", "fo_o-12-hello-world"), ("🎉🎉", "fo_o-12-session")],
    ids=["accents", "nothing-ascii"],
)
def test_session_slug(title: str, expected: str):
    assert session_slug("fo-o", SimpleNamespace(id=12, title=title)) == expected


def test_ascii_slug_folds_accents():
    assert ascii_slug("Ünïcödé Track 2") == "unicode-track-2"


@pytest.mark.parametrize(("kind", "row_id"), [("session", 1), ("room", 30), ("speaker", 123456789)])
def test_guid_is_the_uuid5_of_the_kind_and_id(kind: str, row_id: int):
    assert guid(kind, row_id) == str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{row_id}"))


def test_guids_are_stable_and_distinct_per_kind():
    assert guid("session", 1) == guid("session", 1) != guid("room", 1)


@pytest.mark.parametrize(
    "line",
    ["SUMMARY:" + "a" * 300, "SUMMARY:" + "🎉é" * 100, "DESCRIPTION:" + "x\\, y\\; z\\n" * 40, "SHORT:line"],
    ids=["ascii", "multibyte", "escapes", "short"],
)
def test_fold_keeps_lines_within_75_octets_and_unfolds_to_the_original(line: str):
    folded = fold(line)

    physical = folded.split(b"\r\n")[:-1]
    assert folded.endswith(b"\r\n") and all(len(part) <= 75 for part in physical)
    assert all(part.startswith(b" ") for part in physical[1:])
    assert all(not part.endswith(b"\\") for part in physical[:-1])
    assert b"".join(part.decode("utf-8").encode("utf-8")[1:] if n else part for n, part in enumerate(physical)) == (
        line.encode("utf-8")
    )
