"""The ``stripe-authorization`` JSON:API type: what a client may send, and the little it gets back.

Only the publishable key is ever serialized. The code and the ``state`` are write-only; the
account's tokens and Stripe user id are not attributes at all.
"""

from __future__ import annotations

import re
from typing import Any

from chalicelib.errors import ValidationError
from chalicelib.jsonapi import Attribute, Relationship, ResourceInput, ResourceType
from chalicelib.stripe import CODE_POINTER
from chalicelib.stripe.platform import ConnectUrl
from chalicelib.stripe.service import Grant

# Stripe's authorization codes (``ac_...``) are printable ASCII; spaces around one are forgiven.
STRIPE_CODE = re.compile(r"[!-~]+")

STRIPE_AUTHORIZATION = ResourceType(
    type="stripe-authorization",
    path="/v1/stripe-authorizations",
    attributes=(
        Attribute("stripe-publishable-key", writable=False),
        # Not ``required``: ember-data sends ``null`` for it on every save of a loaded record, and a
        # change without a code is allowed. ``required_grant`` demands it on creation.
        Attribute("stripe-auth-code", readable=False, max_length=512),
        Attribute("state", readable=False, max_length=2048),
    ),
    # The frontend keys events by identifier (its event serializer's primary key): a linkage by our
    # numeric id would make it a second, phantom event. It may send either as the id; both are read.
    relationships=(
        Relationship(
            "event", type="event", field="event_id", required=True, key="event.identifier", related="/v1/events/{id}"
        ),
    ),
)


def optional_grant(resource: ResourceInput) -> Grant | None:
    """The code and state sent, or None when no code is sent (a change of nothing)."""
    code = resource.attributes.get("stripe_auth_code")
    if code is None:
        return None
    code = code.strip(" ")
    if not STRIPE_CODE.fullmatch(code):  # openapi.yaml says the same: "^ *[!-~]+ *$"
        raise ValidationError("'stripe-auth-code' must be the code Stripe gave (printable ASCII)", pointer=CODE_POINTER)
    return Grant(code=code, state=resource.attributes.get("state"))


def required_grant(resource: ResourceInput) -> Grant:
    grant = optional_grant(resource)
    if grant is None:
        raise ValidationError("'stripe-auth-code' is required (the code Stripe gave)", pointer=CODE_POINTER)
    return grant


def connect_url_meta(connect: ConnectUrl) -> dict[str, Any]:
    """Meta only: the URL is not a resource, and nothing about it is stored."""
    return {"url": connect.url, "state": connect.state, "expires-at": connect.expires_at.isoformat()}
