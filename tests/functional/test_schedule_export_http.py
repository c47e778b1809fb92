"""The schedule formats through the whole pipeline: HTTP → task → SQS → worker → S3 → presigned
download, one test per format, and the 25-hour session as a task failure a person can read."""

from __future__ import annotations

import json

import icalendar
import pytest
from lxml import etree

from tests.functional.export_helpers import (
    export_file,
    read_task,
    run_worker,
    start_export,
    task_url_of,
)
from tests.functional.schedule_events import (
    EXPORTED_TITLES,
    ZONES,
    assert_valid_schedule,
    hostile_event,
    long_session_event,
    validator,
)

pytestmark = pytest.mark.usefixtures("export_queue")


@pytest.fixture
def organizer_event(factory):
    event = hostile_event(factory, ZONES[0], identifier="fossasia-2026")
    return event, factory.token(factory.staff(event))


def test_pentabarf_export_downloads_a_valid_schedule_xml(client, stack, organizer_event):
    event, token = organizer_event

    data = export_file(client, stack, token, event.identifier, "pentabarf")

    assert len(assert_valid_schedule(data).findall("day/room/event")) == EXPORTED_TITLES


def test_pentabarf_classic_form_is_read_by_python_pentabarf_xml(client, stack, organizer_event):
    from pentabarf.PentabarfParser import PentabarfParser

    event, token = organizer_event

    data = export_file(client, stack, token, event.identifier, "pentabarf", "form=pentabarf")

    conference = PentabarfParser.parse(data)
    events = [e for day in conference.day_objects for room in day.room_objects for e in room.event_objects]
    assert len(events) == EXPORTED_TITLES and conference.day_change == "04:00"
    assert conference.title == etree.fromstring(data).findtext("conference/title")


def test_pentabarf_export_refuses_an_unknown_form(client, organizer_event):
    event, token = organizer_event

    response = start_export(client, token, event.identifier, "pentabarf", "form=frab")

    assert response.status_code == 400
    assert "c3voc or pentabarf" in response.body.decode()


def test_xcal_export_downloads_the_conference_form(client, stack, organizer_event):
    event, token = organizer_event

    data = export_file(client, stack, token, event.identifier, "xcal")

    assert len(etree.fromstring(data).findall("vcalendar/vevent")) == EXPORTED_TITLES


def test_xcal_rfc6321_export_downloads_a_schema_valid_file(client, stack, organizer_event):
    event, token = organizer_event
    schema = etree.RelaxNG(etree.parse(str(validator("rfc6321-icalendar-2.0.errata-fixed.rng"))))

    data = export_file(client, stack, token, event.identifier, "xcal", "form=rfc6321")

    schema.assertValid(etree.fromstring(data))


def test_ical_export_downloads_a_calendar(client, stack, organizer_event):
    event, token = organizer_event

    data = export_file(client, stack, token, event.identifier, "ical")

    calendar = icalendar.Calendar.from_ical(data)
    assert len(calendar.walk("VEVENT")) == EXPORTED_TITLES and calendar["X-WR-TIMEZONE"]


def test_json_schedule_export_downloads_frab_json(client, stack, organizer_event):
    event, token = organizer_event

    data = export_file(client, stack, token, event.identifier, "json-schedule")

    days = json.loads(data)["schedule"]["conference"]["days"]
    assert sum(len(events) for day in days for events in day["rooms"].values()) == EXPORTED_TITLES


def test_pentabarf_export_of_a_25_hour_session_fails_with_the_reason(client, stack, factory):
    event = long_session_event(factory)
    token = factory.token(factory.staff(event))
    task_url = task_url_of(start_export(client, token, event.identifier, "pentabarf"))

    assert run_worker(client, stack) == 1  # consumed: retrying cannot help

    task = read_task(client, token, task_url)
    assert task["state"] == "FAILURE"
    assert "24 hours or more" in task["result"]["error"] and "Hackathon" in task["result"]["error"]
