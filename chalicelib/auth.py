"""Who is calling: password hashing, access tokens, and the current user of a request.

Passwords are hashed with scrypt (standard library, memory-hard, slow on purpose). Tokens are
HS256 JWTs signed with the configured secret, carrying the user id and an expiry.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from datetime import UTC, datetime, timedelta

import jwt
from chalice.app import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from chalicelib.errors import Unauthorized
from chalicelib.http import bearer_token, url_id
from chalicelib.models import User
from chalicelib.settings import get_settings

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_ALGORITHM = "HS256"


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
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
_DUMMY_HASH = "scrypt$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="


def issue_token(user: User, *, now: datetime | None = None) -> str:
    settings = get_settings()
    issued = now or datetime.now(UTC)
    claims = {
        "sub": str(user.id),
        "iat": int(issued.timestamp()),
        "exp": int((issued + timedelta(seconds=settings.jwt_ttl_seconds)).timestamp()),
    }
    return jwt.encode(claims, settings.jwt_secret, algorithm=_ALGORITHM)


def login(session: Session, email: str, password: str) -> str:
    """A token for the user with these credentials."""
    user = session.scalars(select(User).where(User.email == email.strip().lower(), User.deleted_at.is_(None))).first()
    if not verify_password(password, user.password_hash if user else _DUMMY_HASH) or user is None:
        raise Unauthorized("The email or the password is wrong")
    return issue_token(user)


def user_from_token(session: Session, token: str) -> User:
    try:
        claims = jwt.decode(
            token, get_settings().jwt_secret, algorithms=[_ALGORITHM], options={"require": ["exp", "sub"]}
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("The access token has expired") from None
    except jwt.InvalidTokenError:
        raise Unauthorized("The access token is not valid") from None
    subject = claims["sub"]
    user_id = url_id(subject) if isinstance(subject, str) else None  # an id the users table can hold
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or user.deleted_at is not None:
        raise Unauthorized("The access token's user no longer exists")
    return user


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
