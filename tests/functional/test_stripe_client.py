"""The Stripe Connect client, over real HTTP, against a local fake of Stripe's OAuth endpoints."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
import requests

from chalicelib.errors import BadGateway, ServiceUnavailable, ValidationError
from chalicelib.stripe.client import StripeConnectClient, Timeouts
from tests.stripe_fake import DEAUTHORIZE, NOT_CONNECTED, TOKEN, FakeStripe, Reply, oauth_error, token_reply

SHORT = Timeouts(connect=0.5, read=0.3)


@pytest.fixture
def fake() -> Iterator[FakeStripe]:
    with FakeStripe() as server:
        yield server


def make_client(base_url: str, retries: int = 2) -> StripeConnectClient:
    return StripeConnectClient(
        requests.Session(),
        base_url=base_url,
        client_id="ca_platform",
        secret_key="sk_test_platform",
        timeouts=SHORT,
        retries=retries,
        backoff_factor=0,
    )


def test_exchange_code_posts_the_form_and_returns_the_credentials(fake):
    credentials = make_client(fake.base_url).exchange_code("ac_good")

    assert credentials.stripe_user_id == "acct_1OrganizerA"
    assert credentials.stripe_publishable_key == "pk_test_publishableA"
    assert credentials.access_token == "sk_test_accessASECRET"
    assert credentials.refresh_token == "rt_test_refreshASECRET"
    assert credentials.livemode is False
    assert fake.calls(TOKEN)[0].form == {
        "client_secret": "sk_test_platform",
        "code": "ac_good",
        "grant_type": "authorization_code",
    }


def test_credentials_repr_hides_the_tokens(fake):
    credentials = make_client(fake.base_url).exchange_code("ac_good")

    assert "SECRET" not in repr(credentials)


def test_exchange_code_refused_is_422_with_stripes_description_and_no_retry(fake):
    fake.script(TOKEN, oauth_error("invalid_grant", "Authorization code already used: ac_used"))

    with pytest.raises(ValidationError) as raised:
        make_client(fake.base_url).exchange_code("ac_used")

    assert raised.value.detail == "Authorization code already used: ac_used"
    assert raised.value.pointer == "/data/attributes/stripe-auth-code"
    assert len(fake.calls(TOKEN)) == 1


def test_exchange_code_with_wrong_platform_key_is_502_without_stripes_description(fake):
    fake.script(TOKEN, oauth_error("invalid_client", "No such API key: sk_test_****form", status=401))

    with pytest.raises(BadGateway) as raised:
        make_client(fake.base_url).exchange_code("ac_good")

    assert "sk_test" not in raised.value.detail
    assert len(fake.calls(TOKEN)) == 1


def test_exchange_code_after_a_500_retries_and_succeeds(fake):
    fake.script(TOKEN, Reply(status=500, body={"error": "api_error"}), token_reply())

    credentials = make_client(fake.base_url).exchange_code("ac_good")

    assert credentials.stripe_user_id == "acct_1OrganizerA"
    assert len(fake.calls(TOKEN)) == 2


def test_exchange_code_with_5xx_on_every_attempt_is_502(fake):
    fake.script(TOKEN, *[Reply(status=503, body={"error": "api_error"})] * 3)

    with pytest.raises(BadGateway):
        make_client(fake.base_url, retries=2).exchange_code("ac_good")

    assert len(fake.calls(TOKEN)) == 3


@pytest.mark.parametrize(
    "reply",
    [
        Reply(body="<html>Bad gateway</html>"),
        Reply(status=400, body="<html>Bad request</html>"),
        Reply(body={"token_type": "bearer", "scope": "read_write"}),
    ],
    ids=["html-200", "html-400", "json-without-keys"],
)
def test_exchange_code_with_an_unexpected_reply_is_502(fake, reply):
    fake.script(TOKEN, reply)

    with pytest.raises(BadGateway):
        make_client(fake.base_url).exchange_code("ac_good")


def test_exchange_code_timeout_is_503_and_not_retried(fake):
    fake.script(TOKEN, Reply(delay=SHORT.read * 4, body=token_reply().body))

    with pytest.raises(ServiceUnavailable) as raised:
        make_client(fake.base_url).exchange_code("ac_good")

    assert "in time" in raised.value.detail
    assert len(fake.calls(TOKEN)) == 1  # the code may be consumed already: never sent twice


def test_exchange_code_when_stripe_is_unreachable_is_503():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]

    with pytest.raises(ServiceUnavailable):
        make_client(f"http://127.0.0.1:{closed_port}").exchange_code("ac_good")


def test_deauthorize_posts_client_id_and_account_with_the_secret_key(fake):
    make_client(fake.base_url).deauthorize("acct_1OrganizerA")

    call = fake.calls(DEAUTHORIZE)[0]
    assert call.form == {"client_id": "ca_platform", "stripe_user_id": "acct_1OrganizerA"}
    assert call.headers["authorization"] == "Bearer sk_test_platform"


def test_deauthorize_of_an_account_already_disconnected_is_fine(fake):
    fake.script(DEAUTHORIZE, NOT_CONNECTED)

    make_client(fake.base_url).deauthorize("acct_1OrganizerA")

    assert len(fake.calls(DEAUTHORIZE)) == 1


def test_deauthorize_refused_for_another_reason_is_502(fake):
    fake.script(DEAUTHORIZE, oauth_error("invalid_client", "client_id does not belong to you", status=401))

    with pytest.raises(BadGateway):
        make_client(fake.base_url).deauthorize("acct_1OrganizerA")
