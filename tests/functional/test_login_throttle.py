"""Password guessing is not free: after too many wrong passwords for one account (10 in 15 minutes)
or from one client address (100), logins answer a JSON:API 429 with ``Retry-After``, the right
password included, until the window ends. The counts live in PostgreSQL, so a new instance of the
function (a new process) sees them, and nothing tells an account that exists from one that does not."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, update

from chalicelib.db import transaction
from chalicelib.models import LoginThrottle
from tests.conftest import reset_process_state
from tests.factories import PASSWORD
from tests.functional.http_helpers import body_of


def login(client, email: str, password: str, route: str = "/v1/auth/login"):  # type: ignore[no-untyped-def]
    body = json.dumps({"email": email, "password": password})
    return client.http.post(route, headers={"Content-Type": "application/json"}, body=body)


def guess(client, email: str, times: int, route: str = "/v1/auth/login") -> list[int]:
    return [login(client, email, "not-the-password", route).status_code for _ in range(times)]


def window_ended() -> None:
    """Fifteen minutes later, as the database sees it: every window has ended."""
    with transaction() as session:
        session.execute(update(LoginThrottle).values(window_ends_at=func.now()))


@pytest.fixture
def window(monkeypatch):  # type: ignore[no-untyped-def]
    """Settings read again with the environment a test sets (``LOGIN_*``)."""

    def use(**variables: str) -> None:
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        reset_process_state()

    yield use
    monkeypatch.undo()
    reset_process_state()


def test_100_wrong_passwords_then_the_right_one_is_429_until_the_window_ends(client, factory):
    factory.user(email="admin@example.com", admin=True)

    statuses = guess(client, "admin@example.com", 100)
    reset_process_state()  # another instance of the function: the counts are in the database
    refused = login(client, "admin@example.com", PASSWORD)
    window_ended()
    after_the_window = login(client, "admin@example.com", PASSWORD)

    assert statuses == [401] * 10 + [429] * 90
    assert refused.status_code == 429
    assert 14 * 60 < int(refused.headers["Retry-After"]) <= 15 * 60  # the default window: 15 minutes
    assert refused.headers["Content-Type"] == "application/vnd.api+json"
    assert body_of(refused)["errors"] == [
        {"status": "429", "title": "Too many requests", "detail": "Too many failed logins; try again later"}
    ]
    assert after_the_window.status_code == 200


def test_both_login_routes_count_the_same_failures(client, factory):
    factory.user(email="ada@example.com")

    guess(client, "ada@example.com", 10, "/auth/session")

    assert login(client, "ada@example.com", PASSWORD, "/v1/auth/login").status_code == 429


def test_an_account_that_does_not_exist_is_throttled_exactly_alike(client, factory):
    factory.user(email="ada@example.com")

    existing, unknown = guess(client, "ada@example.com", 12), guess(client, "nobody@example.com", 12)

    assert existing == unknown == [401] * 10 + [429] * 2


def test_a_success_forgives_the_accounts_failures(client, factory):
    factory.user(email="ada@example.com")

    first = [*guess(client, "ada@example.com", 9), login(client, "Ada@example.com", PASSWORD).status_code]
    second = [*guess(client, "ada@example.com", 9), login(client, "ada@example.com", PASSWORD).status_code]

    assert first == second == [401] * 9 + [200]


def test_guessing_at_one_account_does_not_lock_another(client, factory):
    factory.user(email="ada@example.com")
    factory.user(email="grace@example.com")

    guess(client, "ada@example.com", 20)

    assert login(client, "grace@example.com", PASSWORD).status_code == 200


def test_guessing_from_one_address_at_many_accounts_stops_at_the_address_limit(client, factory, window):
    factory.user(email="grace@example.com")
    window(LOGIN_ADDRESS_MAX_FAILURES="20")  # 100 by default; fewer scrypt hashes for the test

    statuses = [status for number in range(21) for status in guess(client, f"user{number}@example.com", 1)]

    assert statuses == [401] * 20 + [429]
    assert login(client, "grace@example.com", PASSWORD).status_code == 429  # the right password, same address
