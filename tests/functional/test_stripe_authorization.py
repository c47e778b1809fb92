"""The ``stripe-authorization`` resource, driven through the app against a local fake of Stripe."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from sqlalchemy import select, text

from chalicelib.db import get_engine, transaction
from chalicelib.models import StripeAuthorization
from chalicelib.settings import get_settings
from chalicelib.stripe import service, state
from tests.functional.http_helpers import auth_headers, body_of
from tests.stripe_fake import DEAUTHORIZE, NOT_CONNECTED, TOKEN, FakeStripe, Reply, oauth_error, token_reply

JSONAPI = "application/vnd.api+json"
COLLECTION = "/v1/stripe-authorizations"
ROLES = ["admin", "owner", "organizer", "coorganizer"]


@pytest.fixture
def fresh_settings() -> Iterator[None]:
    """Settings re-read after the test's environment is undone (set up before ``monkeypatch``)."""
    yield
    get_settings.cache_clear()


@pytest.fixture
def stripe(fresh_settings, monkeypatch, stack) -> Iterator[FakeStripe]:
    with FakeStripe() as fake:
        monkeypatch.setenv("STRIPE_CONNECT_BASE_URL", fake.base_url)
        monkeypatch.setenv("STRIPE_CLIENT_ID", "ca_test_platform")
        monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_platform")
        monkeypatch.setenv("STRIPE_REDIRECT_URI", "https://eventyay.example/stripe/callback")
        monkeypatch.delenv("STRIPE_REQUIRE_STATE", raising=False)
        get_settings.cache_clear()
        yield fake


@pytest.fixture
def event(factory):
    return factory.event(identifier="fossasia-summit")


def person(factory, event, role: str):
    """A user holding ``role`` on ``event`` ("admin", an event role, "other"), or None for "anonymous"."""
    if role == "anonymous":
        return None
    if role in ("admin", "other"):
        return factory.user(admin=role == "admin")
    return factory.staff(event, role)


def headers_for(factory, user, **extra: str) -> dict[str, str]:
    base = {"Accept": JSONAPI, **extra}
    return base if user is None else auth_headers(factory.token(user), **base)


def document(event_id: object, *, code: str | None = "ac_good", state_value: str | None = None, **extra):
    attributes = {"stripe-auth-code": code}
    if state_value is not None:
        attributes["state"] = state_value
    data = {
        "type": "stripe-authorization",
        "attributes": attributes,
        "relationships": {"event": {"data": {"type": "event", "id": str(event_id)}}},
        **extra,
    }
    return json.dumps({"data": data})


def issued_state(user, event, **kwargs) -> str:
    return state.issue(user_id=user.id, event_id=event.id, **kwargs).value


def create(client, factory, user, event, **kwargs):
    state_value = kwargs.pop("state_value", issued_state(user, event) if user is not None else None)
    return client.http.post(
        COLLECTION,
        headers=headers_for(factory, user, **{"Content-Type": JSONAPI}),
        body=document(event.id, state_value=state_value, **kwargs),
    )


def connected(client, factory, event):
    """An authorization of ``event``, created by its owner; returns (owner, resource id)."""
    owner = factory.staff(event, "owner")
    response = create(client, factory, owner, event)
    assert response.status_code == 201, response.body
    return owner, body_of(response)["data"]["id"]


def patch(client, factory, user, event, authorization_id: str, **kwargs):
    state_value = kwargs.pop("state_value", issued_state(user, event) if user is not None else None)
    return client.http.patch(
        f"{COLLECTION}/{authorization_id}",
        headers=headers_for(factory, user, **{"Content-Type": JSONAPI}),
        body=document(event.id, state_value=state_value, id=authorization_id, **kwargs),
    )


def stored(event) -> StripeAuthorization | None:
    with transaction() as session:
        return session.scalars(select(StripeAuthorization).where(StripeAuthorization.event_id == event.id)).first()


# --- the connect URL and its state ---------------------------------------------------------------


def test_connect_url_is_stripes_authorize_url_with_a_state_for_this_user_and_event(client, factory, stripe, event):
    organizer = factory.staff(event)

    response = client.http.get(
        f"/v1/events/{event.identifier}/stripe-authorization/connect-url", headers=headers_for(factory, organizer)
    )

    assert response.status_code == 200
    meta = body_of(response)["meta"]
    url = urlsplit(meta["url"])
    query = {name: values[0] for name, values in parse_qs(url.query).items()}
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{stripe.base_url}/oauth/authorize"
    assert query == {
        "response_type": "code",
        "client_id": "ca_test_platform",
        "scope": "read_write",
        "redirect_uri": "https://eventyay.example/stripe/callback",
        "state": meta["state"],
    }
    state.verify(meta["state"], user_id=organizer.id, event_id=event.id)
    assert datetime.fromisoformat(meta["expires-at"]) > datetime.now(UTC)


@pytest.mark.parametrize("role,status", [("other", 403), ("anonymous", 401)])
def test_connect_url_for_someone_not_staff_is_refused(client, factory, stripe, event, role, status):
    response = client.http.get(
        f"/v1/events/{event.id}/stripe-authorization/connect-url",
        headers=headers_for(factory, person(factory, event, role)),
    )

    assert response.status_code == status


# --- creation --------------------------------------------------------------------------------------


def test_create_exchanges_the_code_and_returns_only_the_publishable_key(client, factory, stripe, event):
    organizer = factory.staff(event)

    response = create(client, factory, organizer, event, code="ac_fresh")

    assert response.status_code == 201
    data = body_of(response)["data"]
    assert data["type"] == "stripe-authorization"
    assert data["attributes"] == {"stripe-publishable-key": "pk_test_publishableA"}
    assert data["relationships"]["event"]["data"] == {"type": "event", "id": event.identifier}
    assert response.headers["Location"] == f"{COLLECTION}/{data['id']}"
    assert stripe.calls(TOKEN)[0].form == {
        "client_secret": "sk_test_platform",
        "code": "ac_fresh",
        "grant_type": "authorization_code",
    }
    for secret in ("SECRET", "acct_", "ac_fresh", "sk_test"):
        assert secret not in response.body.decode()


@pytest.mark.parametrize("role", ROLES)
def test_create_is_allowed_to_event_staff(client, factory, stripe, event, role):
    response = create(client, factory, person(factory, event, role), event)

    assert response.status_code == 201


@pytest.mark.parametrize("role,status", [("other", 403), ("anonymous", 401)])
def test_create_by_someone_not_staff_is_refused_before_stripe_is_called(client, factory, stripe, event, role, status):
    user = person(factory, event, role)

    response = create(client, factory, user, event, state_value=None)

    assert response.status_code == status
    assert stripe.calls(TOKEN) == []


def test_create_for_an_unknown_event_is_404(client, factory, stripe):
    admin = factory.user(admin=True)

    response = client.http.post(
        COLLECTION, headers=headers_for(factory, admin, **{"Content-Type": JSONAPI}), body=document(999999)
    )

    assert response.status_code == 404


def test_create_for_an_event_already_connected_is_409_and_keeps_the_code_unspent(client, factory, stripe, event):
    owner, _ = connected(client, factory, event)

    response = create(client, factory, owner, event, code="ac_second")

    assert response.status_code == 409
    assert body_of(response)["errors"][0]["source"] == {"pointer": "/data/relationships/event"}
    assert [call.form["code"] for call in stripe.calls(TOKEN)] == ["ac_good"]


def test_create_with_a_code_stripe_refuses_is_422_with_stripes_description(client, factory, stripe, event):
    stripe.script(TOKEN, oauth_error("invalid_grant", "Authorization code already used: ac_used"))

    response = create(client, factory, factory.staff(event), event, code="ac_used")

    assert response.status_code == 422
    error = body_of(response)["errors"][0]
    assert error["detail"] == "Authorization code already used: ac_used"
    assert error["source"] == {"pointer": "/data/attributes/stripe-auth-code"}
    assert stored(event) is None


def test_create_when_stripe_answers_html_is_502_not_500(client, factory, stripe, event):
    stripe.script(TOKEN, Reply(body="<html>upstream error</html>"))

    response = create(client, factory, factory.staff(event), event)

    assert response.status_code == 502
    assert body_of(response)["jsonapi"] == {"version": "1.0"}
    assert stored(event) is None


def test_create_when_stripe_does_not_answer_in_time_is_503(client, factory, stripe, event, monkeypatch):
    monkeypatch.setenv("STRIPE_TIMEOUT_SECONDS", "0.2")
    get_settings.cache_clear()
    stripe.script(TOKEN, Reply(body={"slow": True}, delay=1.0))

    response = create(client, factory, factory.staff(event), event)

    assert response.status_code == 503
    assert len(stripe.calls(TOKEN)) == 1  # a read timeout is never retried: the code may be spent
    assert stored(event) is None


def test_create_when_stripe_fails_once_then_succeeds_is_201(client, factory, stripe, event):
    stripe.script(TOKEN, Reply(status=500, body={"error": "api_error"}), token_reply())

    response = create(client, factory, factory.staff(event), event)

    assert response.status_code == 201
    assert len(stripe.calls(TOKEN)) == 2


@pytest.mark.parametrize("code", [None, "", "   "], ids=["missing", "empty", "blank"])
def test_create_without_a_code_is_422(client, factory, stripe, event, code):
    response = create(client, factory, factory.staff(event), event, code=code)

    assert response.status_code == 422
    assert body_of(response)["errors"][0]["source"] == {"pointer": "/data/attributes/stripe-auth-code"}


def test_create_when_the_platform_has_no_stripe_keys_is_403(client, factory, stripe, event, monkeypatch):
    monkeypatch.setenv("STRIPE_SECRET_KEY", "")
    get_settings.cache_clear()

    response = create(client, factory, factory.staff(event), event)

    assert response.status_code == 403
    assert "not configured" in body_of(response)["errors"][0]["detail"]


def test_create_when_kms_fails_is_503_before_the_code_is_spent(client, factory, stripe, event, monkeypatch):
    monkeypatch.setenv("KMS_KEY_ID", "alias/no-such-key")
    get_settings.cache_clear()

    response = create(client, factory, factory.staff(event), event)

    assert response.status_code == 503
    assert stripe.calls(TOKEN) == []


@pytest.mark.parametrize(
    "content_type,accept,status",
    [("application/json", JSONAPI, 415), (JSONAPI, "text/html", 406)],
    ids=["json-body", "html-only"],
)
def test_create_speaks_only_jsonapi(client, factory, stripe, event, content_type, accept, status):
    organizer = factory.staff(event)

    response = client.http.post(
        COLLECTION,
        headers=auth_headers(factory.token(organizer), **{"Content-Type": content_type, "Accept": accept}),
        body=document(event.id, state_value=issued_state(organizer, event)),
    )

    assert response.status_code == status


# --- the OAuth state -------------------------------------------------------------------------------


def _forged(user, event) -> str:
    claims = {"aud": "stripe-connect-state", "user": user.id, "event": event.id, "exp": 4102444800}
    return jwt.encode(claims, "not-the-app-secret-but-long-enough-for-hs256", algorithm="HS256")


STATE_CASES = {
    "forged": lambda factory, user, event: _forged(user, event),
    "expired": lambda factory, user, event: issued_state(user, event, now=datetime.now(UTC) - timedelta(hours=2)),
    "someone-elses": lambda factory, user, event: issued_state(factory.staff(event), event),
    "another-events": lambda factory, user, event: issued_state(user, factory.event()),
    "an-access-token": lambda factory, user, event: factory.token(user),
}


@pytest.mark.parametrize("case", STATE_CASES.values(), ids=STATE_CASES.keys())
def test_create_with_a_bad_state_is_422_and_never_reaches_stripe(client, factory, stripe, event, case):
    organizer = factory.staff(event)

    response = create(client, factory, organizer, event, state_value=case(factory, organizer, event))

    assert response.status_code == 422
    assert body_of(response)["errors"][0]["source"] == {"pointer": "/data/attributes/state"}
    assert stripe.calls(TOKEN) == []


def test_create_without_state_is_accepted_by_default(client, factory, stripe, event):
    response = create(client, factory, factory.staff(event), event, state_value=None)

    assert response.status_code == 201


def test_create_without_state_is_422_when_the_operator_requires_one(client, factory, stripe, event, monkeypatch):
    monkeypatch.setenv("STRIPE_REQUIRE_STATE", "true")
    get_settings.cache_clear()

    response = create(client, factory, factory.staff(event), event, state_value=None)

    assert response.status_code == 422
    assert body_of(response)["errors"][0]["source"] == {"pointer": "/data/attributes/state"}
    assert stripe.calls(TOKEN) == []


# --- reading ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,status",
    [*((role, 200) for role in ROLES), ("other", 403), ("anonymous", 401)],
    ids=[*ROLES, "other", "anonymous"],
)
def test_read_by_id_is_for_event_staff(client, factory, stripe, event, role, status):
    _, authorization_id = connected(client, factory, event)

    response = client.http.get(
        f"{COLLECTION}/{authorization_id}", headers=headers_for(factory, person(factory, event, role))
    )

    assert response.status_code == status
    if status == 200:
        assert body_of(response)["data"]["attributes"] == {"stripe-publishable-key": "pk_test_publishableA"}


def test_read_of_an_unknown_id_is_404(client, factory, stripe):
    response = client.http.get(f"{COLLECTION}/424242", headers=headers_for(factory, factory.user(admin=True)))

    assert response.status_code == 404


@pytest.mark.parametrize(
    "event_state,role,status",
    [
        ("published", "anonymous", 200),
        ("published", "other", 200),
        ("published", "coorganizer", 200),
        ("draft", "anonymous", 401),
        ("draft", "other", 403),
        *(("draft", role, 200) for role in ROLES),
    ],
)
def test_event_publishable_key_is_public_once_the_event_is_published(
    client, factory, stripe, event_state, role, status
):
    event = factory.event(state=event_state)
    connected(client, factory, event)

    response = client.http.get(
        f"/v1/events/{event.identifier}/stripe-authorization",
        headers=headers_for(factory, person(factory, event, role)),
    )

    assert response.status_code == status
    if status == 200:
        assert body_of(response)["data"]["attributes"] == {"stripe-publishable-key": "pk_test_publishableA"}


def test_event_without_an_authorization_is_404(client, factory, stripe, event):
    response = client.http.get(f"/v1/events/{event.id}/stripe-authorization", headers={"Accept": JSONAPI})

    assert response.status_code == 404


# --- changing --------------------------------------------------------------------------------------


def test_patch_with_a_new_code_exchanges_it_and_replaces_the_keys(client, factory, stripe, event):
    owner, authorization_id = connected(client, factory, event)
    stripe.script(TOKEN, token_reply("acct_1OrganizerB", suffix="B"))

    response = patch(client, factory, owner, event, authorization_id, code="ac_new")

    assert response.status_code == 200
    assert body_of(response)["data"]["attributes"] == {"stripe-publishable-key": "pk_test_publishableB"}
    row = stored(event)
    assert row.stripe_user_id == "acct_1OrganizerB"
    assert service.tokens_of(row).access_token == "sk_test_accessBSECRET"
    assert [call.form["stripe_user_id"] for call in stripe.calls(DEAUTHORIZE)] == ["acct_1OrganizerA"]


def test_patch_to_the_same_account_keeps_it_connected(client, factory, stripe, event):
    owner, authorization_id = connected(client, factory, event)

    response = patch(client, factory, owner, event, authorization_id, code="ac_again")

    assert response.status_code == 200
    assert stripe.calls(DEAUTHORIZE) == []


def test_patch_without_a_code_changes_nothing_and_calls_no_one(client, factory, stripe, event):
    owner, authorization_id = connected(client, factory, event)

    response = patch(client, factory, owner, event, authorization_id, code=None, state_value=None)

    assert response.status_code == 200
    assert len(stripe.calls(TOKEN)) == 1


@pytest.mark.parametrize("role,status", [("other", 403), ("anonymous", 401)])
def test_patch_by_someone_not_staff_is_refused(client, factory, stripe, event, role, status):
    _, authorization_id = connected(client, factory, event)

    response = patch(client, factory, person(factory, event, role), event, authorization_id, state_value=None)

    assert response.status_code == status
    assert len(stripe.calls(TOKEN)) == 1


def test_patch_with_a_state_of_another_event_is_422(client, factory, stripe, event):
    owner, authorization_id = connected(client, factory, event)

    other_event_state = issued_state(owner, factory.event())

    response = patch(client, factory, owner, event, authorization_id, code="ac_new", state_value=other_event_state)

    assert response.status_code == 422
    assert len(stripe.calls(TOKEN)) == 1


def test_patch_cannot_move_the_authorization_to_another_event(client, factory, stripe, event):
    owner, authorization_id = connected(client, factory, event)
    other_event = factory.event()
    factory.role(owner, other_event, "owner")

    response = client.http.patch(
        f"{COLLECTION}/{authorization_id}",
        headers=headers_for(factory, owner, **{"Content-Type": JSONAPI}),
        body=document(other_event.id, code=None, id=authorization_id),
    )

    assert response.status_code == 422
    assert body_of(response)["errors"][0]["source"] == {"pointer": "/data/relationships/event"}


# --- deleting --------------------------------------------------------------------------------------


def delete(client, factory, user, authorization_id: str):
    return client.http.delete(f"{COLLECTION}/{authorization_id}", headers=headers_for(factory, user))


def test_delete_deauthorizes_at_stripe_then_deletes_the_row(client, factory, stripe, event):
    owner, authorization_id = connected(client, factory, event)

    response = delete(client, factory, owner, authorization_id)

    assert response.status_code == 200
    assert body_of(response) == {"meta": {"message": "Object successfully deleted"}, "jsonapi": {"version": "1.0"}}
    call = stripe.calls(DEAUTHORIZE)[0]
    assert call.form == {"client_id": "ca_test_platform", "stripe_user_id": "acct_1OrganizerA"}
    assert stored(event) is None


def test_delete_of_an_account_already_disconnected_still_deletes_the_row(client, factory, stripe, event):
    owner, authorization_id = connected(client, factory, event)
    stripe.script(DEAUTHORIZE, NOT_CONNECTED)

    response = delete(client, factory, owner, authorization_id)

    assert response.status_code == 200
    assert stored(event) is None


def test_delete_when_stripe_is_failing_is_502_and_keeps_the_row(client, factory, stripe, event):
    owner, authorization_id = connected(client, factory, event)
    stripe.script(DEAUTHORIZE, *[Reply(status=500, body={"error": "api_error"})] * 3)

    response = delete(client, factory, owner, authorization_id)

    assert response.status_code == 502
    assert stored(event) is not None


def test_delete_keeps_an_account_another_event_still_uses_connected(client, factory, stripe, event):
    owner, authorization_id = connected(client, factory, event)
    connected(client, factory, factory.event())  # the same Stripe account (acct_1OrganizerA)

    response = delete(client, factory, owner, authorization_id)

    assert response.status_code == 200
    assert stripe.calls(DEAUTHORIZE) == []


@pytest.mark.parametrize("role,status", [("other", 403), ("anonymous", 401)])
def test_delete_by_someone_not_staff_is_refused(client, factory, stripe, event, role, status):
    _, authorization_id = connected(client, factory, event)

    response = delete(client, factory, person(factory, event, role), authorization_id)

    assert response.status_code == status
    assert stored(event) is not None


# --- secrets at rest and in logs -------------------------------------------------------------------


def test_tokens_are_encrypted_at_rest_and_decrypt_through_kms(client, factory, stripe, event):
    connected(client, factory, event)

    with get_engine().connect() as connection:
        dump = (
            connection.execute(text("SELECT row_to_json(s)::text FROM serverless.stripe_authorizations s"))
            .scalars()
            .all()
        )
        blobs = connection.execute(
            text("SELECT encrypted_data_key, encrypted_tokens FROM serverless.stripe_authorizations")
        ).one()

    assert "pk_test_publishableA" in dump[0] and "acct_1OrganizerA" in dump[0]
    for secret in ("sk_test_accessASECRET", "rt_test_refreshASECRET", "ac_good"):
        assert secret not in dump[0]
        assert all(secret.encode() not in bytes(blob) for blob in blobs)
    tokens = service.tokens_of(stored(event))
    assert (tokens.access_token, tokens.refresh_token) == ("sk_test_accessASECRET", "rt_test_refreshASECRET")


def test_no_token_reaches_the_log(client, factory, stripe, event, caplog):
    caplog.set_level(logging.DEBUG)
    owner, authorization_id = connected(client, factory, event)
    stripe.script(TOKEN, token_reply("acct_1OrganizerB", suffix="B"))
    stripe.script(DEAUTHORIZE, oauth_error("invalid_client", "No such API key: sk_test_****form", status=401))

    patch(client, factory, owner, event, authorization_id, code="ac_new")
    delete(client, factory, owner, authorization_id)

    assert any(record.levelno >= logging.WARNING for record in caplog.records)
    assert "SECRET" not in caplog.text
    assert "sk_test_platform" not in caplog.text
