"""Pollers revalidate one stable URL: EventFahrplan and congress_fahrplan send If-None-Match or
If-Modified-Since and expect 304 until the schedule changes (then 200 with a new ETag), and the
304 costs no database query at all."""

from __future__ import annotations

import pytest

from tests.functional.export_helpers import recorded_statements
from tests.functional.feed_helpers import FEED_PATHS, get, published_schedule, refresh, set_session


@pytest.fixture
def feed_event(factory, client):
    event = published_schedule(factory)
    refresh(client)
    return event


@pytest.mark.parametrize("name", FEED_PATHS)
def test_poller_with_if_none_match_gets_304_then_the_change_then_304(client, feed_event, name):
    path = f"/v1/events/{feed_event.identifier}/{name}"
    first = get(client, path)
    etag = first.headers["ETag"]

    unchanged = get(client, path, **{"If-None-Match": etag})
    set_session(feed_event, "Opening", title="Opening keynote")
    refresh(client)
    changed = get(client, path, **{"If-None-Match": etag})
    again = get(client, path, **{"If-None-Match": changed.headers["ETag"]})

    assert first.status_code == 200 and etag.startswith('"')
    assert unchanged.status_code == 304 and unchanged.body == b""
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert b"Opening keynote" in changed.body
    assert again.status_code == 304


def test_poller_with_if_modified_since_gets_304_then_the_change_then_304(client, feed_event):
    path = f"/v1/events/{feed_event.identifier}/schedule.xml"
    first = get(client, path)

    unchanged = get(client, path, **{"If-Modified-Since": first.headers["Last-Modified"]})
    set_session(feed_event, "Compilers", title="Compilers, again")
    refresh(client)
    changed = get(client, path, **{"If-Modified-Since": "Thu, 01 Jan 2026 00:00:00 GMT"})
    again = get(client, path, **{"If-Modified-Since": changed.headers["Last-Modified"]})

    assert unchanged.status_code == 304
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
    assert again.status_code == 304


@pytest.mark.parametrize("name", FEED_PATHS)
def test_304_keeps_the_files_media_type_for_the_cache_it_updates(client, feed_event, name):
    """A browser or CDN replaces its stored headers with a 304's (RFC 9111 4.3.4); one without a
    Content-Type got API Gateway's default application/json, and the calendar was then JSON."""
    path = f"/v1/events/{feed_event.identifier}/{name}"
    first = get(client, path)

    unchanged = get(client, path, **{"If-None-Match": first.headers["ETag"]})

    assert unchanged.status_code == 304
    assert unchanged.headers["Content-Type"] == first.headers["Content-Type"]


def test_revalidation_reads_no_database(client, feed_event):
    path = f"/v1/events/{feed_event.identifier}/schedule.json"
    etag = get(client, path).headers["ETag"]

    with recorded_statements() as statements:
        answer = get(client, path, **{"If-None-Match": etag})

    assert answer.status_code == 304
    assert statements == []


def test_every_answer_has_validators_and_may_be_cached(client, feed_event):
    answer = get(client, f"/v1/events/{feed_event.identifier}/schedule.ics")

    assert answer.headers["Cache-Control"] == "public, max-age=60"
    assert answer.headers["Last-Modified"].endswith(" GMT")
    assert answer.headers["Content-Type"] == "text/calendar; charset=utf-8"


def test_head_has_the_headers_of_get_and_no_body(client, feed_event):
    path = f"/v1/events/{feed_event.identifier}/schedule.xml"
    full = get(client, path)

    head = client.http.request("HEAD", path)

    assert head.status_code == 200 and head.body == b""
    assert head.headers["ETag"] == full.headers["ETag"]
    assert head.headers["Content-Type"] == full.headers["Content-Type"]
    assert head.headers["Content-Length"] == str(len(full.body))  # RFC 9110 9.3.2
