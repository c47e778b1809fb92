"""The files at the stable URLs: each passes the validators its export passes, carries a version
that moves only with the content, and shows a change made straight in the database after the
refresh (the documented delay: one run, every minute)."""

from __future__ import annotations

import json

import pytest
from lxml import etree

from chalicelib.settings import get_settings
from tests.functional.export_helpers import download
from tests.functional.feed_helpers import get, published_schedule, refresh, set_event, set_session
from tests.functional.schedule_events import assert_valid_schedule
from tests.functional.test_schedule_ical import assert_wire_format, parse_everywhere
from tests.functional.test_schedule_json import valid_json


@pytest.fixture
def feed_event(factory, client):
    event = published_schedule(factory)
    refresh(client)
    return event


def feed(client, event, name: str) -> bytes:
    """The feed file ``name`` (``.ics``: Open Event's event calendar)."""
    path = f"/v1/events/{event.identifier}.ics" if name == ".ics" else f"/v1/events/{event.identifier}/{name}"
    answer = get(client, path)
    assert answer.status_code == 200, answer.body
    return bytes(answer.body)


def etags(client, event) -> dict[str, str]:
    names = ("schedule.xml", "schedule.json", "schedule.xcs", "schedule.ics")
    return {name: get(client, f"/v1/events/{event.identifier}/{name}").headers["ETag"] for name in names}


def test_schedule_xml_passes_the_c3voc_schema_with_the_feeds_version(client, feed_event):
    document = assert_valid_schedule(feed(client, feed_event, "schedule.xml"))

    assert [e.findtext("title") for e in document.iterfind("day/room/event")] == ["Opening", "Compilers"]
    assert len(document.findtext("version")) == 12


def test_schedule_json_passes_the_schema_and_has_the_same_version(client, feed_event):
    document = valid_json(feed(client, feed_event, "schedule.json"))
    xml = etree.fromstring(feed(client, feed_event, "schedule.xml"))

    assert document["schedule"]["version"] == xml.findtext("version")


def test_schedule_xcs_is_the_conference_xcal(client, feed_event):
    document = etree.fromstring(feed(client, feed_event, "schedule.xcs"))

    assert [e.findtext("summary") for e in document.iterfind("vcalendar/vevent")] == ["Opening", "Compilers"]


@pytest.mark.parametrize("name", ["schedule.ics", ".ics"])
def test_calendars_are_read_by_every_parser(client, feed_event, name):
    data = feed(client, feed_event, name)

    assert_wire_format(data)
    calendar = parse_everywhere(data)
    assert calendar.walk("VEVENT")


def test_a_change_made_in_the_database_shows_after_one_refresh(client, feed_event):
    before = etags(client, feed_event)

    set_session(feed_event, "Compilers", state="withdrawn")
    stale = etags(client, feed_event)
    refresh(client)
    after = etags(client, feed_event)

    assert stale == before  # served from the bucket until the refresh runs
    assert all(after[name] != before[name] for name in before)
    assert b"Compilers" not in feed(client, feed_event, "schedule.xml")


@pytest.mark.parametrize(
    "invisible",
    [
        pytest.param(lambda event: set_session(event, "Rejected", title="Still rejected"), id="rejected-session"),
        pytest.param(lambda event: set_event(event, description="New text"), id="event-description"),
        pytest.param(lambda event: set_event(event, schedule_published_on=event.starts_at), id="published-again"),
    ],
)
def test_a_change_that_alters_no_file_leaves_etags_and_version_alone(client, feed_event, invisible):
    before = etags(client, feed_event)
    version = json.loads(feed(client, feed_event, "schedule.json"))["schedule"]["version"]

    invisible(feed_event)
    refresh(client)

    assert etags(client, feed_event) == before
    assert json.loads(feed(client, feed_event, "schedule.json"))["schedule"]["version"] == version


def test_a_large_file_is_a_redirect_to_the_bucket_and_still_revalidates_here(client, feed_event, monkeypatch):
    monkeypatch.setenv("FEEDS_INLINE_MAX_BYTES", "100")
    get_settings.cache_clear()
    path = f"/v1/events/{feed_event.identifier}/schedule.xml"

    redirect = get(client, path)
    revalidated = get(client, path, **{"If-None-Match": redirect.headers["ETag"]})

    get_settings.cache_clear()
    assert redirect.status_code == 302
    assert "/feeds/files/" in redirect.headers["Location"]
    assert download(redirect.headers["Location"]).headers["ETag"] == redirect.headers["ETag"]
    assert redirect.headers["Cache-Control"] == "no-cache"
    assert revalidated.status_code == 304
