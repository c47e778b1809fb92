"""The ``stripe-authorization`` resource: who may do what, and in which order.

Writes are for the event's staff only (admin, owner, organizer, coorganizer). A code is exchanged
only after every local check has passed, because Stripe accepts a code once. The publishable key of
a published event is public (its checkout needs it); of a draft event, staff only.

Services receive the session and never commit; the route opens the transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from chalicelib.access import find_event, is_event_staff, require_event_staff, staffed_event
from chalicelib.errors import AppError, Conflict, Forbidden, NotFound, Unauthorized, ValidationError
from chalicelib.jsonapi import find
from chalicelib.models import Event, StripeAuthorization, User
from chalicelib.settings import get_settings
from chalicelib.stripe import codes, crypto, platform, state
from chalicelib.stripe.crypto import Sealed, Tokens

if TYPE_CHECKING:
    from chalicelib.stripe.client import StripeConnectClient, StripeCredentials

log = logging.getLogger(__name__)

EVENT_POINTER = "/data/relationships/event"


@dataclass(frozen=True)
class Grant:
    """What a create or a change carries: the one-time code and the ``state`` of its flow."""

    code: str
    state: str | None


def _serialize_writes(session: Session, event_id: int) -> None:
    """Hold the event's row until commit: writes to one event's authorization take turns, so a
    second create sees the first one's row (409) before it spends its one-time code at Stripe, and
    a second PATCH reads the account the first one connected (and releases it)."""
    session.execute(select(Event.id).where(Event.id == event_id).with_for_update())


def create(session: Session, user: User, event_reference: str, grant: Grant) -> StripeAuthorization:
    event = staffed_event(session, user, event_reference)
    client = platform.connect_client()
    _serialize_writes(session, event.id)
    if session.scalar(select(StripeAuthorization.id).where(StripeAuthorization.event_id == event.id)):
        raise Conflict("The event already has a Stripe authorization", pointer=EVENT_POINTER)
    _check_state(grant, user, event)
    key = crypto.new_data_key(event.id)
    authorization = StripeAuthorization(event_id=event.id)
    _store(authorization, grant, client.exchange_code(grant.code), key)
    session.add(authorization)
    try:
        session.flush()
    except IntegrityError:  # a writer that did not take the lock (another version) got there first
        raise Conflict("The event already has a Stripe authorization", pointer=EVENT_POINTER) from None
    return authorization


def get(session: Session, user: User, authorization_id: str) -> StripeAuthorization:
    """The authorization, for the staff of its event."""
    authorization: StripeAuthorization = find(session, StripeAuthorization, authorization_id)
    require_event_staff(session, user, _event_of(session, authorization))
    return authorization


def get_for_event(session: Session, user: User | None, event_reference: str) -> StripeAuthorization:
    """The event's authorization: anyone for a published event, staff for a draft."""
    event = find_event(session, event_reference)
    if event.state != "published" and not is_event_staff(session, user, event.id):
        if user is None:
            raise Unauthorized("The event is not published: sign in as its staff")
        raise Forbidden("Minimum Organizer access required")
    authorization = session.scalars(select(StripeAuthorization).where(StripeAuthorization.event_id == event.id)).first()
    if authorization is None:
        raise NotFound("The event has no Stripe authorization")
    return authorization


def update(
    session: Session, user: User, authorization_id: str, grant: Grant | None, event_reference: str | None = None
) -> StripeAuthorization:
    """Exchange a new code and replace the keys. Without a code, or with the code this authorization
    came from (the frontend's wizard saves the record again as it was), nothing changes and Stripe
    is not called. The event is fixed."""
    authorization = get(session, user, authorization_id)
    event = _event_of(session, authorization)
    if event_reference is not None and find_event(session, event_reference).id != event.id:
        raise ValidationError("An authorization cannot move to another event", pointer=EVENT_POINTER)
    if grant is None or codes.is_repeat(grant.code, authorization.code_hash):
        return authorization
    client = platform.connect_client()
    _check_state(grant, user, event)
    _serialize_writes(session, event.id)
    session.refresh(authorization)  # as the previous writer left it
    key = crypto.new_data_key(event.id)
    previous_account = authorization.stripe_user_id
    _store(authorization, grant, client.exchange_code(grant.code), key)
    session.flush()
    if previous_account != authorization.stripe_user_id:
        try:  # the new keys are in place either way; an account left connected is only logged
            _release(session, previous_account, client)
        except AppError as error:
            log.warning("could not deauthorize the replaced Stripe account %s: %s", previous_account, error.detail)
    return authorization


def delete(session: Session, user: User, authorization_id: str) -> None:
    """Deauthorize the account at Stripe, then delete the row (kept if Stripe could not be told)."""
    authorization = get(session, user, authorization_id)
    client = platform.connect_client()  # 403 before anything changes when the platform has no keys
    account = authorization.stripe_user_id
    session.delete(authorization)
    session.flush()
    _release(session, account, client)


def connect_url(session: Session, user: User, event_reference: str) -> platform.ConnectUrl:
    event = staffed_event(session, user, event_reference)
    return platform.connect_url(user_id=user.id, event_id=event.id)


def tokens_of(authorization: StripeAuthorization) -> Tokens:
    """The account's tokens in clear, through KMS: for charging on the account, never for a response."""
    sealed = Sealed(encrypted_data_key=authorization.encrypted_data_key, ciphertext=authorization.encrypted_tokens)
    return crypto.unseal(sealed, event_id=authorization.event_id)


def _check_state(grant: Grant, user: User, event: Event) -> None:
    if grant.state is None and not get_settings().stripe_require_state:
        return  # the default: the Open Event frontend (torii) checks its own state in the browser
    state.verify(grant.state, user_id=user.id, event_id=event.id)


def _store(
    authorization: StripeAuthorization, grant: Grant, credentials: StripeCredentials, key: crypto.DataKey
) -> None:
    tokens = Tokens(access_token=credentials.access_token, refresh_token=credentials.refresh_token)
    sealed = crypto.seal(tokens, key)
    authorization.code_hash = codes.fingerprint(grant.code)
    authorization.stripe_user_id = credentials.stripe_user_id
    authorization.stripe_publishable_key = credentials.stripe_publishable_key
    authorization.livemode = credentials.livemode
    authorization.encrypted_data_key = sealed.encrypted_data_key
    authorization.encrypted_tokens = sealed.ciphertext


def _release(session: Session, stripe_user_id: str, client: StripeConnectClient) -> None:
    """Deauthorize the account unless another event still uses it (Stripe's revocation is per platform)."""
    if not session.scalar(select(exists().where(StripeAuthorization.stripe_user_id == stripe_user_id))):
        client.deauthorize(stripe_user_id)


def _event_of(session: Session, authorization: StripeAuthorization) -> Event:
    event = session.get(Event, authorization.event_id)
    if event is None or event.deleted_at is not None:
        raise NotFound(f"Stripe authorization {authorization.id} not found")
    return event
