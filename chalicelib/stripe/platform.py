"""The platform's side of Stripe Connect: its keys, its HTTP client and the authorize URL.

The keys come from the settings (environment locally, SSM or Secrets Manager in production). A
platform without them cannot connect anyone: every write answers 403, as in Open Event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from chalicelib.errors import Forbidden
from chalicelib.settings import Settings, get_settings
from chalicelib.stripe import state

if TYPE_CHECKING:
    from chalicelib.stripe.client import StripeConnectClient


@dataclass(frozen=True)
class ConnectUrl:
    url: str
    state: str
    expires_at: datetime


def configured_settings() -> Settings:
    """The settings, or ``Forbidden`` when the platform has no Stripe Connect keys."""
    settings = get_settings()
    if not (settings.stripe_client_id and settings.stripe_secret_key):
        raise Forbidden("Stripe Connect is not configured on this platform (no client id or secret key)")
    return settings


def connect_client() -> StripeConnectClient:
    """The platform's client, one per process and configuration, so that connections are reused."""
    settings = configured_settings()
    return _client(
        settings.stripe_connect_base_url,
        settings.stripe_client_id,
        settings.stripe_secret_key,
        settings.stripe_timeout_seconds,
    )


@lru_cache(maxsize=1)
def _client(base_url: str, client_id: str, secret_key: str, read_timeout: float) -> StripeConnectClient:
    # requests and the client load on the first Stripe write, not on every HTTP cold start.
    import requests

    from chalicelib.stripe.client import StripeConnectClient, Timeouts

    return StripeConnectClient(
        requests.Session(),
        base_url=base_url,
        client_id=client_id,
        secret_key=secret_key,
        timeouts=Timeouts(read=read_timeout),
    )


def connect_url(*, user_id: int, event_id: int) -> ConnectUrl:
    """Stripe's authorize URL for this user connecting an account to this event."""
    settings = configured_settings()
    issued = state.issue(user_id=user_id, event_id=event_id)
    query = {
        "response_type": "code",
        "client_id": settings.stripe_client_id,
        "scope": "read_write",
        "state": issued.value,
    }
    if settings.stripe_redirect_uri:
        query["redirect_uri"] = settings.stripe_redirect_uri
    url = f"{settings.stripe_connect_base_url}/oauth/authorize?{urlencode(query)}"
    return ConnectUrl(url=url, state=issued.value, expires_at=issued.expires_at)
