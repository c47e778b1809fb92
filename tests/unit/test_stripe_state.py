"""The OAuth ``state``: signed, expiring, bound to one user and one event, and no access token."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.auth import user_from_token
from chalicelib.errors import Unauthorized, ValidationError
from chalicelib.settings import get_settings
from chalicelib.stripe import state


@pytest.fixture(autouse=True)
def settings(monkeypatch) -> Iterator[None]:
    monkeypatch.setenv("JWT_SECRET", "unit-test-secret-long-enough-for-hs256-signing")
    monkeypatch.setenv("DATABASE_URL", "postgresql+pg8000://nobody@/unused")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_state_verifies_for_its_user_and_event():
    issued = state.issue(user_id=1, event_id=2)

    state.verify(issued.value, user_id=1, event_id=2)


@pytest.mark.parametrize("user_id,event_id", [(9, 2), (1, 9)], ids=["other-user", "other-event"])
def test_state_of_someone_else_or_another_event_is_refused(user_id, event_id):
    issued = state.issue(user_id=1, event_id=2)

    with pytest.raises(ValidationError, match="another user or for another event") as raised:
        state.verify(issued.value, user_id=user_id, event_id=event_id)

    assert raised.value.pointer == "/data/attributes/state"


def test_state_expires_within_the_hour():
    issued = state.issue(user_id=1, event_id=2, now=datetime.now(UTC) - timedelta(hours=1, seconds=1))

    with pytest.raises(ValidationError, match="expired"):
        state.verify(issued.value, user_id=1, event_id=2)


@pytest.mark.parametrize("value", [None, "", "not-a-jwt", 42], ids=["none", "empty", "garbage", "number"])
def test_missing_or_malformed_state_is_refused(value):
    with pytest.raises(ValidationError):
        state.verify(value, user_id=1, event_id=2)


def test_state_signed_with_another_secret_is_refused(monkeypatch):
    issued = state.issue(user_id=1, event_id=2)
    monkeypatch.setenv("JWT_SECRET", "another-deployment-secret-long-enough-for-hs256")
    get_settings.cache_clear()

    with pytest.raises(ValidationError, match="not valid"):
        state.verify(issued.value, user_id=1, event_id=2)


def test_state_is_not_an_access_token():
    issued = state.issue(user_id=1, event_id=2)

    with pytest.raises(Unauthorized):
        user_from_token(None, issued.value)  # refused by its signature, before any database read
