"""Who is calling: password hashing, access tokens, and the current user of a request.

Passwords are stored as Open Event Server stores them (flask-scrypt: ``users._password`` is the
base64 of scrypt(N=2**14, r=8, p=1, 64 bytes) keyed with the text of ``users.salt``, itself the
base64 of 64 random bytes), so one check verifies a password set at OES or here. Hashes made
before revision ``i18_core_0001_oes_shape`` (``scrypt$<salt>$<digest>``, ``salt`` NULL) cannot be
converted without the password and are still verified as they were. Tokens are HS256
JWTs signed with the configured secret, shaped as Open Event Server's flask-jwt-extended (3.x) signs
them, so that a token of either service works at the other when both share the secret:

    {"identity": 42, "type": "access", "fresh": true, "jti": "<uuid4>", "iat": ..., "nbf": ..., "exp": ...}

The user id is ``identity`` (the frontend decodes the token and reads it); ``type`` is ``access``
(the default when absent, as flask-jwt-extended reads it) or ``refresh``, and each kind is accepted
only where it belongs. ``fresh`` is carried but not required: no route here asks for a fresh login.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import jwt
from chalice.app import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from chalicelib import login_throttle
from chalicelib.errors import Unauthorized
from chalicelib.http import bearer_token, url_id
from chalicelib.inputs import INTEGER_RANGE
from chalicelib.models import User
from chalicelib.settings import get_settings

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_FLASK_SCRYPT_BYTES = 64  # flask-scrypt's buflen, and its salt's random bytes
_ALGORITHM = "HS256"


@dataclass(frozen=True)
class StoredPassword:
    """A password as ``users`` stores it: ``password`` (column ``_password``) and ``salt``."""

    password: str
    salt: str

    def columns(self) -> dict[str, str]:
        return asdict(self)


def _flask_scrypt(password: str, salt: str) -> str:
    digest = hashlib.scrypt(password.encode(), salt=salt.encode(), dklen=_FLASK_SCRYPT_BYTES, **_SCRYPT)
    return base64.b64encode(digest).decode()


def hash_password(password: str) -> StoredPassword:
    """The password as OES's ``User.password`` setter stores it (flask-scrypt, a new random salt)."""
    salt = base64.b64encode(os.urandom(_FLASK_SCRYPT_BYTES)).decode()
    return StoredPassword(_flask_scrypt(password, salt), salt)


def verify_password(password: str, stored: str, salt: str | None) -> bool:
    """Whether ``password`` is the one stored (OES's ``is_correct_password``, or a pre-OES hash)."""
    if salt is not None:
        return hmac.compare_digest(_flask_scrypt(password, salt).encode(), stored.encode())
    return _verify_legacy(password, stored)


def _verify_legacy(password: str, stored: str) -> bool:
    """A hash of this service from before it stored passwords as OES does (salt NULL)."""
    try:
        scheme, salt_b64, digest_b64 = stored.split("$")
        salt, expected = base64.b64decode(salt_b64), base64.b64decode(digest_b64)
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=len(expected), **_SCRYPT)
    return hmac.compare_digest(digest, expected)


# Compared against when the email is unknown, so that a wrong email costs as much as a wrong password.
_DUMMY = StoredPassword("A" * 88, "A" * 88)


TokenType = Literal["access", "refresh"]
# Open Event Server and this service sign on different clocks: a few seconds of skew are no error.
_LEEWAY = timedelta(seconds=10)


def _token(user: User, kind: TokenType, lifetime: int, *, now: datetime | None, fresh: bool) -> str:
    issued = now or datetime.now(UTC)
    claims: dict[str, Any] = {
        "identity": user.id,
        "type": kind,
        "jti": str(uuid.uuid4()),
        "iat": int(issued.timestamp()),
        "nbf": int(issued.timestamp()),
        "exp": int((issued + timedelta(seconds=lifetime)).timestamp()),
    }
    if kind == "access":
        claims["fresh"] = fresh
    return jwt.encode(claims, get_settings().jwt_secret, algorithm=_ALGORITHM)


def issue_token(user: User, *, now: datetime | None = None, fresh: bool = True) -> str:
    """An access token; ``fresh`` when it comes from a password, not from a refresh token."""
    return _token(user, "access", get_settings().jwt_ttl_seconds, now=now, fresh=fresh)


def issue_refresh_token(user: User, *, now: datetime | None = None) -> str:
    """A refresh token ("remember me"): it buys new access tokens, and is refused as one."""
    return _token(user, "refresh", get_settings().jwt_refresh_ttl_seconds, now=now, fresh=False)


def login(
    session: Session, throttle: Session, email: str, password: str, *, client_address: str, remember: bool = False
) -> dict[str, str] | None:
    """Open Event's login answer for these credentials (the email as OES matches it: citext): ``access_token``,
    and ``refresh_token`` when asked to remember the user. ``session`` reads OES's users; ``throttle``
    is our own, writable one. None for wrong credentials, whose failure is recorded in ``throttle``
    (the caller commits it, then answers 401); ``TooManyRequests`` while the account or the address
    is throttled (``login_throttle``), before the password is even checked."""
    attempt = login_throttle.Attempt.of(email, client_address)
    login_throttle.check(throttle, attempt)
    user = session.scalars(select(User).where(User.email == email.strip(), User.deleted_at.is_(None))).first()
    if user is None:
        verify_password(password, _DUMMY.password, _DUMMY.salt)  # as slow as a wrong password
    if user is None or not verify_password(password, user.password, user.salt) or user.is_blocked:
        login_throttle.record_failure(throttle, attempt)
        return None
    login_throttle.forget_account(throttle, attempt)
    tokens = {"access_token": issue_token(user)}
    if remember:
        tokens["refresh_token"] = issue_refresh_token(user)
    return tokens


def user_from_token(session: Session, token: str, kind: TokenType = "access") -> User:
    """The live user a valid token of this ``kind`` names; ``Unauthorized`` for any other token."""
    try:
        claims = jwt.decode(
            token, get_settings().jwt_secret, algorithms=[_ALGORITHM], leeway=_LEEWAY, options={"require": ["exp"]}
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized(f"The {kind} token has expired") from None
    except jwt.InvalidTokenError:
        raise Unauthorized(f"The {kind} token is not valid") from None
    if claims.get("type", "access") != kind:
        raise Unauthorized(f"This token's type is {claims.get('type')!r}; this route takes {kind} tokens only")
    user_id = _user_id(claims.get("identity"))
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or user.deleted_at is not None:
        raise Unauthorized(f"The {kind} token's user no longer exists")
    if user.is_blocked:  # as OES refuses a blocked user
        raise Unauthorized(f"The {kind} token's user is blocked")
    return user


def _user_id(identity: object) -> int | None:
    """The user id a token's ``identity`` names: flask-jwt-extended takes any JSON identity, Open
    Event's is the id, as a number or its digits. Ids are PostgreSQL integers: a larger one names
    nobody (and must not reach the database)."""
    if isinstance(identity, str):
        identity = url_id(identity)
    if isinstance(identity, int) and not isinstance(identity, bool) and 0 < identity <= INTEGER_RANGE[1]:
        return identity
    return None


def refresh(session: Session, refresh_token: str) -> str:
    """A new access token (not fresh) for the user of a refresh token."""
    return issue_token(user_from_token(session, refresh_token, "refresh"), fresh=False)


def current_user(session: Session, request: Request) -> User:
    """The authenticated user, or ``Unauthorized``."""
    token = bearer_token(request)
    if token is None:
        raise Unauthorized("Authentication is required: send 'Authorization: JWT <token>'")
    if not token:
        raise Unauthorized("The Authorization header must be 'JWT <token>' or 'Bearer <token>'")
    return user_from_token(session, token)


def optional_user(session: Session, request: Request) -> User | None:
    """The authenticated user, or None for an anonymous request (a bad token is still an error)."""
    if bearer_token(request) is None:
        return None
    return current_user(session, request)
