"""The ``stripe-authorization`` document: what a client may write, the little it reads, the connect URL."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib.errors import Forbidden, ValidationError
from chalicelib.jsonapi import parse_resource
from chalicelib.settings import get_settings
from chalicelib.stripe import platform
from chalicelib.stripe.resource import STRIPE_AUTHORIZATION, optional_grant, required_grant
from chalicelib.stripe.service import Grant


def creation(**attributes):
    data = {
        "type": "stripe-authorization",
        "attributes": attributes,
        "relationships": {"event": {"data": {"type": "event", "id": "1"}}},
    }
    return parse_resource({"data": data}, STRIPE_AUTHORIZATION)


def test_creation_reads_code_state_and_event():
    document = creation(**{"stripe-auth-code": "ac_1", "state": "s"})

    assert required_grant(document) == Grant(code="ac_1", state="s")
    assert document.relationships == {"event": "1"}


def test_publishable_key_sent_by_ember_is_ignored():
    document = creation(**{"stripe-auth-code": "ac_1", "stripe-publishable-key": None})

    assert "stripe_publishable_key" not in document.attributes


@pytest.mark.parametrize(
    "attributes",
    [
        {},
        {"stripe-auth-code": None},
        {"stripe-auth-code": " "},
        {"stripe-auth-code": "\x1f"},
        {"stripe-auth-code": "ac_é"},
    ],
    ids=["missing", "null", "space", "control-character", "not-ascii"],
)
def test_creation_without_a_code_is_422_at_the_code(attributes):
    with pytest.raises(ValidationError) as raised:
        required_grant(creation(**attributes))

    assert raised.value.pointer == "/data/attributes/stripe-auth-code"


def test_a_code_keeps_its_characters_but_not_the_spaces_around_it():
    assert required_grant(creation(**{"stripe-auth-code": "  ac_1  "})).code == "ac_1"


def test_change_without_a_code_is_no_grant():
    document = parse_resource(
        {"data": {"type": "stripe-authorization", "id": "3", "attributes": {"stripe-auth-code": None}}},
        STRIPE_AUTHORIZATION,
        resource_id="3",
    )

    assert optional_grant(document) is None


def test_serialization_shows_only_the_publishable_key_and_the_event_by_identifier():
    event = SimpleNamespace(id=1, identifier="fossasia-summit")
    row = SimpleNamespace(id=3, event_id=1, event=event, stripe_publishable_key="pk_test_1", stripe_user_id="acct_1")

    resource = STRIPE_AUTHORIZATION.serialize(row)

    assert resource["attributes"] == {"stripe-publishable-key": "pk_test_1"}
    assert resource["relationships"] == {
        "event": {
            "data": {"type": "event", "id": "fossasia-summit"},  # the frontend's key for events
            "links": {
                "self": "/v1/stripe-authorizations/3/relationships/event",
                "related": "/v1/events/fossasia-summit",
            },
        }
    }


@pytest.fixture
def stripe_settings(monkeypatch) -> Iterator[None]:
    monkeypatch.setenv("JWT_SECRET", "unit-test-secret-long-enough-for-hs256-signing")
    monkeypatch.setenv("DATABASE_URL", "postgresql+pg8000://nobody@/unused")
    monkeypatch.setenv("STRIPE_CLIENT_ID", "ca_1")
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_1")
    monkeypatch.delenv("STRIPE_REDIRECT_URI", raising=False)
    monkeypatch.delenv("STRIPE_CONNECT_BASE_URL", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_connect_url_omits_redirect_uri_when_none_is_configured(stripe_settings):
    connect = platform.connect_url(user_id=1, event_id=2)

    url = urlsplit(connect.url)
    assert (url.netloc, url.path) == ("connect.stripe.com", "/oauth/authorize")
    assert set(parse_qs(url.query)) == {"response_type", "client_id", "scope", "state"}


def test_connect_url_without_platform_keys_is_403(stripe_settings, monkeypatch):
    monkeypatch.setenv("STRIPE_CLIENT_ID", "")
    get_settings.cache_clear()

    with pytest.raises(Forbidden):
        platform.connect_url(user_id=1, event_id=2)
