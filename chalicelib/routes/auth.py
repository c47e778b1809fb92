"""``POST /v1/auth/login``: email and password in, an access token out."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import auth
from chalicelib.db import transaction
from chalicelib.errors import ValidationError
from chalicelib.http import ANY_CONTENT_TYPE, NO_STORE, api_errors, json_body, json_response

bp = Blueprint(__name__)


@bp.route("/v1/auth/login", methods=["POST"], content_types=ANY_CONTENT_TYPE)
@api_errors
def login() -> Response:
    body = json_body(bp.current_request)
    if not isinstance(body, dict):
        raise ValidationError("The body must be a JSON object with email and password", pointer="")
    credentials = {}
    for field in ("email", "password"):
        value = body.get(field)
        if not isinstance(value, str) or not value:
            raise ValidationError(f"{field} is required", pointer=f"/{field}")
        credentials[field] = value
    with transaction() as session:
        token = auth.login(session, credentials["email"], credentials["password"])
    return json_response({"access_token": token}, headers=NO_STORE)
