"""Whole-file comparisons for the exact formats (schedule.xml and the conference xCal): any change
to the output shows up as a diff. ``UPDATE_GOLDEN=1`` rewrites the files after a deliberate change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import REPO
from tests.functional.schedule_events import ZONES, assert_valid_schedule, local, render

GOLDEN = REPO / "tests" / "golden" / "schedule"


@pytest.fixture
def small_event(factory):
    zone = ZONES[0]  # Europe/Berlin, across the night of the DST change
    event = factory.event(identifier="golden-2026", name="Golden Conf", timezone=zone.name,
                          starts_at=local(zone, -1, 9), ends_at=local(zone, 0, 18))  # fmt: skip
    hall = factory.room(event, "Hall A", position=1)
    track = factory.track(event, "Web & Mobile", color="#00AA88")
    ada = factory.speaker(event, "Ada Lovelace")
    factory.session(event, title="Keynote", starts_at=local(zone, -1, 10), ends_at=local(zone, -1, 11),
                    microlocation_id=hall.id, track_id=track.id, speakers=(ada,), short_abstract="Why schedules.")  # fmt: skip
    factory.session(event, title="Night owls", state="confirmed", starts_at=local(zone, 0, 1, 30),
                    ends_at=local(zone, 0, 4), microlocation_id=hall.id, speakers=(ada,))  # fmt: skip
    factory.session(event, title="Unplaced", starts_at=local(zone, 0, 12), ends_at=local(zone, 0, 12, 45))
    return event


def compare(data: bytes, golden: Path) -> None:
    """Compared indented, so that a change reads as a diff of lines (the export itself is compact)."""
    indented = etree.tostring(etree.fromstring(data), pretty_print=True, encoding="unicode")
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(indented, encoding="utf-8")
    assert indented == golden.read_text(encoding="utf-8")


def test_pentabarf_matches_the_golden_file(small_event):
    data = render("pentabarf", small_event)

    assert_valid_schedule(data)
    compare(data, GOLDEN / "small.schedule.xml")


def test_xcal_conference_form_matches_the_golden_file(small_event):
    data = render("xcal", small_event, form="conference")

    compare(data, GOLDEN / "small.conference.xcs")
