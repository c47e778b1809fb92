"""The OAuth ``state`` of a Stripe Connect flow: signed, expiring, bound to a user and an event.

It is a short JWT, so that no table is needed. It travels through Stripe and the browser's address
bar, so it must never work as an access token: it is signed with a key derived from the app secret
for this purpose only, and carries its own audience. A state proves that *this* user started a
connection for *this* event a short while ago, which is what stops a forged callback from attaching
an attacker's Stripe account to someone's event (OAuth's login CSRF).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from chalicelib.errors import ValidationError
from chalicelib.settings import get_settings

STATE_POINTER = "/data/attributes/state"
# Long enough to create a Stripe account during the flow, short enough to be useless when leaked.
STATE_TTL = timedelta(hours=1)
_AUDIENCE = "stripe-connect-state"
_ALGORITHM = "HS256"


@dataclass(frozen=True)
class IssuedState:
    value: str
    expires_at: datetime


def _key() -> bytes:
    return hmac.new(get_settings().jwt_secret.encode(), _AUDIENCE.encode(), hashlib.sha256).digest()


def issue(*, user_id: int, event_id: int, now: datetime | None = None) -> IssuedState:
    issued = now or datetime.now(UTC)
    expires = issued + STATE_TTL
    claims = {
        "aud": _AUDIENCE,
        "user": user_id,
        "event": event_id,
        "iat": int(issued.timestamp()),
        "exp": int(expires.timestamp()),
        "nonce": secrets.token_urlsafe(12),
    }
    return IssuedState(value=jwt.encode(claims, _key(), algorithm=_ALGORITHM), expires_at=expires)


def verify(value: object, *, user_id: int, event_id: int) -> None:
    """Accept ``value`` only as a live state issued to ``user_id`` for ``event_id``; else 422."""
    if not isinstance(value, str) or not value:
        raise ValidationError("state is required: get one from the event's connect-url", pointer=STATE_POINTER)
    try:
        claims = jwt.decode(
            value,
            _key(),
            algorithms=[_ALGORITHM],
            audience=_AUDIENCE,
            options={"require": ["aud", "exp", "user", "event"]},
        )
    except jwt.ExpiredSignatureError:
        raise ValidationError("state has expired: start the connection again", pointer=STATE_POINTER) from None
    except jwt.InvalidTokenError:
        raise ValidationError("state is not valid", pointer=STATE_POINTER) from None
    if claims["user"] != user_id or claims["event"] != event_id:
        raise ValidationError("state was issued to another user or for another event", pointer=STATE_POINTER)
