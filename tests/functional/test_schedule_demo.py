"""The demo event of ``make run`` exports in every schedule format, each accepted by its validator."""

from __future__ import annotations

import json

import icalendar
import pytest
from lxml import etree

from chalicelib.db import transaction
from devtools.fixtures import load
from devtools.stack import DEMO_FIXTURE, DEMO_IDENTIFIER
from tests.functional.schedule_events import assert_valid_schedule, render, validator


@pytest.fixture
def demo_event(stack):
    from sqlalchemy import select

    from chalicelib.models import Event

    with transaction() as session:
        load(session, json.loads(DEMO_FIXTURE.read_text(encoding="utf-8")))
        return session.scalars(select(Event).where(Event.identifier == DEMO_IDENTIFIER)).one()


def test_demo_event_exports_in_every_schedule_format(demo_event):
    rng = etree.RelaxNG(etree.parse(str(validator("rfc6321-icalendar-2.0.errata-fixed.rng"))))

    schedule = assert_valid_schedule(render("pentabarf", demo_event))
    conference = etree.fromstring(render("xcal", demo_event, form="conference"))
    rng.assertValid(etree.fromstring(render("xcal", demo_event, form="rfc6321")))
    calendar = icalendar.Calendar.from_ical(render("ical", demo_event))

    sessions = len(schedule.findall("day/room/event"))
    assert sessions > 0
    assert len(conference.findall("vcalendar/vevent")) == len(calendar.walk("VEVENT")) == sessions
