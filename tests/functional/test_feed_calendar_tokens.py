"""The secret calendar token (Indico's signed calendar links, revocable): shown once, stored as a
hash, replaced by a new one, revoked on request; a revoked or unknown token is the hidden
schedule's 404."""

from __future__ import annotations

from sqlalchemy import select

from chalicelib import models
from chalicelib.db import transaction
from tests.functional.feed_helpers import calendar_token, favourite, get, published_schedule, refresh


def my_schedule(client, event, token: str):
    return get(client, f"/v1/events/{event.identifier}.ics?include_sessions&my_schedule&token={token}")


def test_token_is_stored_only_as_its_hash(client, factory):
    user = factory.user()

    token = calendar_token(client, factory.token(user))

    with transaction() as session:
        stored = session.scalar(select(models.CalendarToken.token_hash).where(models.CalendarToken.user_id == user.id))
    assert stored is not None and token not in stored and len(stored) == 64


def test_rotated_token_replaces_the_old_one(client, factory):
    event, user = published_schedule(factory), factory.user()
    refresh(client)
    favourite(user, event, "Opening")
    old = calendar_token(client, factory.token(user))

    new = calendar_token(client, factory.token(user))

    assert my_schedule(client, event, new).status_code == 200
    assert my_schedule(client, event, old).status_code == 404


def test_revoked_token_answers_the_hidden_schedules_404(client, factory):
    event, user = published_schedule(factory), factory.user()
    refresh(client)
    token = calendar_token(client, factory.token(user))
    unknown = get(client, "/v1/events/no-such-event/schedule.ics")

    revoked = client.http.delete("/v1/auth/calendar-token", headers={"Authorization": f"JWT {factory.token(user)}"})
    answer = my_schedule(client, event, token)

    assert revoked.status_code == 204
    assert (answer.status_code, answer.body) == (404, unknown.body)


def test_issuing_a_token_needs_a_login(client):
    answer = client.http.post("/v1/auth/calendar-token")

    assert answer.status_code == 401
