"""Login and tokens: POST /v1/auth/login, and the JWT/Bearer Authorization header."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.auth import issue_token
from tests.factories import PASSWORD, legacy_password_hash
from tests.functional.http_helpers import auth_headers, body_of


def login(client, email: str, password: str):  # type: ignore[no-untyped-def]
    return client.http.post(
        "/v1/auth/login",
        headers={"Content-Type": "application/json"},
        body=json.dumps({"email": email, "password": password}),
    )


def test_login_with_right_credentials_returns_a_token(client, factory):
    factory.user(email="ada@example.com")

    response = login(client, "Ada@Example.com", PASSWORD)

    assert response.status_code == 200
    assert body_of(response)["access_token"].count(".") == 2
    assert response.headers["Cache-Control"] == "no-store"  # a token never sits in a cache


@pytest.mark.parametrize(
    "email,password",
    [("ada@example.com", "wrong"), ("nobody@example.com", PASSWORD)],
    ids=["bad-password", "unknown-email"],
)
def test_login_with_wrong_credentials_is_401(client, factory, email, password):
    factory.user(email="ada@example.com")

    response = login(client, email, password)

    assert response.status_code == 401
    assert body_of(response)["errors"][0]["status"] == "401"


def test_login_verifies_a_password_set_at_oes_and_one_hashed_before_the_oes_shape(client, factory):
    """One code path: flask-scrypt as OES stores it (the factory's), and the old hashes kept (salt NULL)."""
    factory.user(email="ada@example.com")
    factory.user(email="old@example.com", password=legacy_password_hash("old secret"), salt=None)

    assert login(client, "ada@example.com", PASSWORD).status_code == 200
    assert login(client, "old@example.com", "old secret").status_code == 200
    assert login(client, "old@example.com", "wrong").status_code == 401


@pytest.mark.parametrize(
    "fields", [{"is_blocked": True}, {"deleted_at": datetime(2026, 1, 1, tzinfo=UTC)}], ids=["blocked", "deleted"]
)
def test_blocked_and_deleted_users_can_neither_log_in_nor_use_their_tokens(client, factory, fields):
    """As OES refuses them."""
    user = factory.user(email="gone@example.com", **fields)

    assert login(client, "gone@example.com", PASSWORD).status_code == 401
    response = client.http.get("/v1/export-tasks/x", headers=auth_headers(issue_token(user)))
    assert response.status_code == 401


@pytest.mark.parametrize(
    "body,status",
    [("{not json", 400), ("[]", 422), (json.dumps({"email": "a@b.c"}), 422), ("", 400)],
    ids=["malformed", "not-an-object", "no-password", "empty"],
)
def test_login_with_a_bad_body_is_a_clear_error(client, body, status):
    response = client.http.post("/v1/auth/login", headers={"Content-Type": "application/json"}, body=body)

    assert response.status_code == status
    document = body_of(response)
    assert document["jsonapi"] == {"version": "1.0"}
    assert document["errors"][0]["status"] == str(status)


def test_token_issued_long_ago_has_expired(factory):
    from chalicelib.auth import user_from_token
    from chalicelib.db import transaction
    from chalicelib.errors import Unauthorized

    user = factory.user()
    token = issue_token(user, now=datetime.now(UTC) - timedelta(days=400))

    with transaction() as session, pytest.raises(Unauthorized, match="expired"):
        user_from_token(session, token)


@pytest.mark.parametrize(
    "flags,refresh",
    [({}, False), ({"remember-me": True}, False), ({"remember-me": True, "include-in-response": True}, True)],
    ids=["plain", "remember-me-only", "remember-me-in-response"],
)
def test_login_gives_a_refresh_token_only_when_remembered_in_the_response(client, factory, flags, refresh):
    factory.user(email="ada@example.com")
    body = {"username": "ada@example.com", "password": PASSWORD, **flags}

    response = client.http.post("/v1/auth/login", headers={"Content-Type": "application/json"}, body=json.dumps(body))

    assert response.status_code == 200
    assert ("refresh_token" in body_of(response)) is refresh  # Open Event would set a cookie instead: we set none


# The frontend's login form (components/forms/login-form.js) shows the answer's top-level ``error``
# (Open Event Server's text, which its translations know) and "An unexpected error has occurred."
# for an answer without one.
@pytest.mark.parametrize("path", ["/auth/session", "/v1/auth/login"])
@pytest.mark.parametrize(
    "credentials,status,error",
    [
        ({"username": "ada@example.com", "password": "wrong"}, 401, "Invalid Credentials"),
        ({"username": "ada@example.com"}, 422, "username or password missing"),
    ],
    ids=["wrong-password", "no-password"],
)
def test_refused_login_carries_the_error_text_the_login_form_shows(client, factory, path, credentials, status, error):
    factory.user(email="ada@example.com")

    response = client.http.post(path, headers={"Content-Type": "application/json"}, body=json.dumps(credentials))

    document = body_of(response)
    assert response.status_code == status
    assert document["error"] == error
    assert document["errors"][0]["status"] == str(status)  # the JSON:API error stays
