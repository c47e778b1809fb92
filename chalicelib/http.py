"""The HTTP boundary shared by every route: error documents and request helpers.

Chalice's middleware never sees exceptions raised inside views, so each view is wrapped by
``api_errors``, which turns our errors into JSON:API error documents and anything unexpected into
a bare 500 document (with the traceback in the log, never in the response).
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

from chalice import Response
from chalice.app import Request

from chalicelib.errors import (
    AppError,
    BadRequest,
    MethodNotAllowed,
    UnsupportedMediaType,
    error_document,
)

log = logging.getLogger(__name__)

JSONAPI_MEDIA_TYPE = "application/vnd.api+json"
JSON_HEADERS = {"Content-Type": "application/json"}
# Every route declares this, so that Chalice never checks a Content-Type itself: it would check GETs too
# (ember-data sends ``Content-Type: application/vnd.api+json`` on every request, bodies or not), and its
# 415 is no JSON:API document. Routes with a body check the media type themselves (``jsonapi.view``).
ANY_CONTENT_TYPE = ["*/*"]
JSONAPI_HEADERS = {"Content-Type": JSONAPI_MEDIA_TYPE}


def json_response(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """A plain JSON answer (the routes outside JSON:API: login, health, exports, tasks)."""
    return Response(body=body, status_code=status, headers={**JSON_HEADERS, **(headers or {})})


# Answers that must never sit in a cache: tokens (RFC 6749 5.1) and presigned links.
NO_STORE = {"Cache-Control": "no-store"}


def error_response(error: AppError) -> Response:
    return Response(body=error_document(error), status_code=error.status, headers=dict(JSONAPI_HEADERS))


def api_errors(view: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a view so that every failure leaves as a JSON:API error document."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except AppError as error:
            if error.status >= 500:
                log.warning("%s: %s", type(error).__name__, error.detail)
            return error_response(error)
        except Exception:
            log.exception("unhandled error in %s", view.__name__)
            return error_response(AppError())

    return wrapper


_CHALICE_ERRORS: dict[str, type[AppError]] = {
    "MethodNotAllowedError": MethodNotAllowed,
    "UnsupportedMediaType": UnsupportedMediaType,
    "BadRequest": BadRequest,
}


def chalice_errors_as_jsonapi(event: Request, get_response: Callable[[Request], Response]) -> Response:
    """HTTP middleware: Chalice answers some errors itself (405 for an unknown method, before any
    view runs); give those the JSON:API error shape every other error has."""
    response = get_response(event)
    body = response.body
    if response.status_code < 400 or not isinstance(body, dict) or "Code" not in body:
        return response
    error_class = _CHALICE_ERRORS.get(str(body["Code"]), AppError)
    detail = str(body.get("Message", "")) if error_class is not AppError else None
    translated = error_response(error_class(detail))
    translated.headers.update({k: v for k, v in response.headers.items() if k.lower() == "allow"})
    return translated


def json_body(request: Request) -> Any:
    """The request body parsed as JSON, whatever its media type (Chalice only parses application/json)."""
    raw = request.raw_body
    if not raw:
        raise BadRequest("The request body is empty; a JSON document is required")
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadRequest(f"The request body is not valid JSON: {error}") from None
    except RecursionError:  # json's C scanner gives up on a few thousand nested arrays: still a client error
        raise BadRequest("The request body is nested too deeply") from None


def url_id(text: str) -> int | None:
    """The integer id a URL segment names, or None: ASCII digits only (``"²".isdigit()`` is true, and
    ``int`` refuses it), and small enough for a PostgreSQL bigint."""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: JWT <token>`` (Open Event's prefix) or ``Bearer <token>`` header."""
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() not in {"jwt", "bearer"} or not token.strip():
        return ""
    return str(token.strip())
