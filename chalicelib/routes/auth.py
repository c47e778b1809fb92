"""Login and token refresh, as Open Event Server answers them.

``POST /auth/session`` (where the Open Event frontend logs in) and ``POST /v1/auth/login`` take
``{"email" or "username", "password", "remember-me", "include-in-response"}`` and answer
``{"access_token"}``, plus ``refresh_token`` when both flags are true. ``POST /v1/auth/token/refresh``
takes the refresh token in the Authorization header and answers a new ``{"access_token"}``.

A refused login answers the JSON:API ``errors`` and, beside them, Open Event Server's top-level
``error`` text: the frontend's login form shows ``error`` (its translations know OES's texts, e.g.
"Invalid Credentials") and says "An unexpected error has occurred." for any answer without it.

Standalone mode only: in Open Event mode OES logs users in (it keeps a refresh token blacklist that a
read-only verifier here could not honour, so a logged-out refresh token would still work here);
its tokens are accepted here as they are (``chalicelib.open_event``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from chalice import Blueprint, Response

from chalicelib import auth
from chalicelib.db import read_transaction, transaction
from chalicelib.errors import AppError, Unauthorized, ValidationError
from chalicelib.http import (
    ANY_CONTENT_TYPE,
    NO_STORE,
    api_errors,
    bearer_token,
    client_address,
    error_response,
    json_body,
    json_response,
)
from chalicelib.open_event import standalone_only

bp = Blueprint(__name__)
LOGIN = "Login and token refresh"


# Open Event Server's texts for a refused login (app/api/auth.py): wrong credentials, a field missing
# (ours is a 422, OES's a 400). Others (a body that is no JSON) keep their own detail.
OES_LOGIN_ERRORS = {401: "Invalid Credentials", 422: "username or password missing"}


def _with_oes_error(view: Callable[[], Response]) -> Callable[[], Response]:
    """A refused login (4xx) answered with OES's top-level ``error`` beside the JSON:API ``errors``."""

    @functools.wraps(view)
    def wrapper() -> Response:
        try:
            return view()
        except AppError as error:
            if error.status >= 500:
                raise
            response = error_response(error)
            response.body = {**response.body, "error": OES_LOGIN_ERRORS.get(error.status, error.detail)}
            return response

    return wrapper


def _credential(body: dict[str, Any], field: str) -> str:
    value = body.get(field)
    if not isinstance(value, str) or not value:
        raise ValidationError(f"{field} is required", pointer=f"/{field}")
    return value


def _login() -> Response:
    body = json_body(bp.current_request)
    if not isinstance(body, dict):
        raise ValidationError("The body must be a JSON object with email and password", pointer="")
    # Open Event Server reads ``email``, else ``username`` (which its frontend sends).
    email = _credential(body, "email" if "email" in body else "username")
    password = _credential(body, "password")
    # Open Event sets the refresh token as a cookie unless it is asked for in the response; this
    # service sets no cookies, so a refresh token is given only when it can be returned.
    remember = body.get("remember-me") is True and body.get("include-in-response") is True
    # Our own transaction records a failure (committed) before the 401; OES's is read only.
    with transaction() as own, read_transaction() as session:
        tokens = auth.login(
            session, own, email, password, client_address=client_address(bp.current_request), remember=remember
        )
    if tokens is None:
        raise Unauthorized("The email or the password is wrong")
    return json_response(tokens, headers=NO_STORE)


@bp.route("/auth/session", methods=["POST"], content_types=ANY_CONTENT_TYPE)
@api_errors
@_with_oes_error
@standalone_only(LOGIN)
def session_login() -> Response:
    return _login()


@bp.route("/v1/auth/login", methods=["POST"], content_types=ANY_CONTENT_TYPE)
@api_errors
@_with_oes_error
@standalone_only(LOGIN)
def login() -> Response:
    return _login()


@bp.route("/v1/auth/token/refresh", methods=["POST"], content_types=ANY_CONTENT_TYPE)
@api_errors
@standalone_only(LOGIN)
def refresh_token() -> Response:
    token = bearer_token(bp.current_request)
    if not token:
        raise Unauthorized("Send the refresh token as 'Authorization: JWT <refresh token>'")
    with read_transaction() as session:
        access_token = auth.refresh(session, token)
    return json_response({"access_token": access_token}, headers=NO_STORE)
