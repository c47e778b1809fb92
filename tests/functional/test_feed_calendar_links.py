"""The Open Event frontend's three calendar links (app/components/public/add-to-calender.ts),
served as Open Event Server's app/api/custom/calendars.py serves them: the event alone for
"iCal" (``.ics?download``), the sessions for the Google Calendar subscription
(``webcal://…/v1/events/{identifier}.ics?include_sessions``), and "Add my schedule"
(``…&my_schedule&user_id=N``), which here needs a token: a user_id never shows anyone's favourites."""

from __future__ import annotations

import re

import pytest

from tests.functional.export_helpers import recorded_statements
from tests.functional.feed_helpers import calendar_token, favourite, get, published_schedule, refresh, summaries


@pytest.fixture
def feed_event(factory, client):
    event = published_schedule(factory)
    refresh(client)
    return event


def test_ical_button_downloads_the_event_alone(client, feed_event):
    answer = get(client, f"/v1/events/{feed_event.identifier}.ics?download")

    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert answer.headers["Content-Disposition"] == f'attachment; filename="{feed_event.identifier}-event.ics"'
    assert summaries(answer.body) == [feed_event.name]


def test_google_calendar_subscription_gets_the_sessions_as_schedule_ics(client, feed_event):
    subscribed = get(client, f"/v1/events/{feed_event.identifier}.ics?include_sessions")
    schedule = get(client, f"/v1/events/{feed_event.identifier}/schedule.ics")

    assert subscribed.status_code == 200 and "Content-Disposition" not in subscribed.headers
    assert summaries(subscribed.body) == ["Opening", "Compilers"]
    assert subscribed.headers["ETag"] == schedule.headers["ETag"]


def test_add_my_schedule_with_only_a_user_id_shows_no_favourites(client, factory, feed_event):
    user = factory.user()
    favourite(user, feed_event, "Compilers")

    answer = get(client, f"/v1/events/{feed_event.identifier}.ics?include_sessions&my_schedule&user_id={user.id}")

    assert answer.status_code == 401
    assert b"Compilers" not in answer.body


def test_add_my_schedule_with_the_login_token_shows_the_callers_favourites(client, factory, feed_event):
    user, other = factory.user(), factory.user()
    favourite(user, feed_event, "Compilers")
    favourite(other, feed_event, "Opening")

    answer = get(
        client,
        f"/v1/events/{feed_event.identifier}.ics?include_sessions&my_schedule&user_id={other.id}",
        Authorization=f"JWT {factory.token(user)}",
    )

    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "private, no-cache"
    assert summaries(answer.body) == ["Compilers"]


def test_my_schedule_head_carries_the_length_of_the_get_and_no_body(client, factory, feed_event):
    user = factory.user()
    favourite(user, feed_event, "Compilers")
    url = f"/v1/events/{feed_event.identifier}.ics?include_sessions&my_schedule"
    login = {"Authorization": f"JWT {factory.token(user)}"}

    full, head = get(client, url, **login), client.http.request("HEAD", url, headers=login)

    assert head.status_code == 200 and head.body == b""
    assert head.headers["Content-Length"] == str(len(full.body))
    assert head.headers["ETag"] == full.headers["ETag"]


def test_add_my_schedule_with_the_calendar_token_revalidates_and_follows_the_favourites(client, factory, feed_event):
    user = factory.user()
    favourite(user, feed_event, "Opening")
    url = f"/v1/events/{feed_event.identifier}.ics?include_sessions&my_schedule&token={calendar_token(client, factory.token(user))}"

    first = get(client, url)
    unchanged = get(client, url, **{"If-None-Match": first.headers["ETag"]})
    favourite(user, feed_event, "Compilers")
    changed = get(client, url, **{"If-None-Match": first.headers["ETag"]})

    assert summaries(first.body) == ["Opening"]
    assert unchanged.status_code == 304
    assert unchanged.headers["Content-Type"] == "text/calendar; charset=utf-8"  # not the gateway's JSON
    assert changed.status_code == 200 and summaries(changed.body) == ["Opening", "Compilers"]


def test_my_schedule_revalidation_reads_the_token_and_the_favourites_only(client, factory, feed_event):
    user = factory.user()
    favourite(user, feed_event, "Opening")
    url = f"/v1/events/{feed_event.identifier}.ics?include_sessions&my_schedule&token={calendar_token(client, factory.token(user))}"
    etag = get(client, url).headers["ETag"]

    with recorded_statements() as statements:
        answer = get(client, url, **{"If-None-Match": etag})

    assert answer.status_code == 304
    tables = {table for statement in statements for table in re.findall(r"FROM (?:\w+\.)?(\w+)", statement)}
    assert tables == {"calendar_tokens", "user_favourite_sessions"}


def test_add_my_schedule_to_google_with_its_encoded_query_shows_no_favourites(client, factory, feed_event):
    # mySessionGoogleUrl encodes ".ics?include_sessions&my_schedule&user_id=" into the path segment.
    user = factory.user()
    favourite(user, feed_event, "Compilers")

    answer = get(
        client, f"/v1/events/{feed_event.identifier}%2Eics%3Finclude_sessions%26my_schedule%26user_id%3D{user.id}"
    )

    assert answer.status_code == 404
    assert b"Compilers" not in answer.body
