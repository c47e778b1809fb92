"""Only a published event's published schedule has feeds: a draft, an unpublished schedule, a
deleted event and an unknown identifier are one and the same 404 (body and headers), at every
feed URL, and a schedule that stops being public is withdrawn by the next refresh."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.functional.feed_helpers import FEED_PATHS, bucket_unlistable, get, published_schedule, refresh, set_event

HIDDEN = {
    "draft": {"state": "draft"},
    "schedule-unpublished": {"schedule_published_on": None},
    "deleted": {"deleted_at": datetime(2026, 5, 2, tzinfo=UTC)},
}
URLS = [*(f"/v1/events/{{identifier}}/{name}" for name in FEED_PATHS), "/v1/events/{identifier}.ics"]
URLS += ["/v1/events/{identifier}.ics?include_sessions", "/v1/events/{identifier}.ics?download"]
URLS += ["/v1/events/{identifier}.ics?include_sessions&my_schedule&user_id=1"]


def answer_of(client, url: str, identifier: str) -> tuple[int, bytes, dict[str, str]]:
    answer = get(client, url.format(identifier=identifier))
    return answer.status_code, answer.body, dict(answer.headers)


@pytest.fixture
def unknown_answers(client):
    return {url: answer_of(client, url, "no-such-event") for url in URLS}


@pytest.mark.parametrize("case", HIDDEN, ids=list(HIDDEN))
def test_hidden_schedule_is_the_same_404_as_an_unknown_event(client, factory, unknown_answers, case):
    event = published_schedule(factory, **HIDDEN[case])
    refresh(client)

    answers = {url: answer_of(client, url, event.identifier) for url in URLS}

    assert answers == unknown_answers
    status, body, _ = answers[URLS[0]]
    assert status == 404 and b"no published schedule" in body


@pytest.mark.parametrize("case", HIDDEN, ids=list(HIDDEN))
def test_schedule_that_stops_being_public_is_withdrawn_by_the_next_refresh(client, factory, unknown_answers, case):
    event = published_schedule(factory)
    refresh(client)
    public = get(client, f"/v1/events/{event.identifier}/schedule.xml").status_code

    set_event(event, **HIDDEN[case])
    refresh(client)

    assert public == 200
    assert {url: answer_of(client, url, event.identifier) for url in URLS} == unknown_answers


def test_event_deleted_outright_is_withdrawn(client, factory, unknown_answers):
    from chalicelib import models
    from chalicelib.db import transaction

    event = published_schedule(factory)
    refresh(client)
    with transaction() as session:
        session.delete(session.get(models.Event, event.id))

    refresh(client)

    assert {url: answer_of(client, url, event.identifier) for url in URLS} == unknown_answers


def test_unknown_event_is_the_same_404_when_s3_denies_a_missing_key(client, unknown_answers):
    """A role that may not list the bucket gets ``AccessDenied`` for a missing key: still the 404."""
    with bucket_unlistable():
        denied = {url: answer_of(client, url, "no-such-event") for url in URLS}

    assert denied == unknown_answers


def test_unknown_parameter_is_a_400_naming_it(client, factory):
    event = published_schedule(factory)
    refresh(client)

    answer = get(client, f"/v1/events/{event.identifier}/schedule.xml?sessions=1")

    assert answer.status_code == 400
    assert answer.json_body["errors"][0]["source"] == {"parameter": "sessions"}
