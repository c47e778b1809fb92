"""The HTTP boundary shared by every route: error documents, CORS and request helpers.

Chalice's middleware never sees exceptions raised inside views, so each view is wrapped by
``api_errors``, which turns our errors into JSON:API error documents, a database that cannot serve
into a 503, and anything unexpected into a bare 500 document (with the traceback in the log, never
in the response). ``http_boundary``, the app's HTTP middleware, refuses query strings and path
segments that are not text before any view runs, and gives every answer, Chalice's own included,
the JSON:API error shape and the CORS headers.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from typing import Any

from chalice import CORSConfig, Response
from chalice.app import Request

from chalicelib import db, logs
from chalicelib.errors import (
    AppError,
    BadRequest,
    MethodNotAllowed,
    ServiceUnavailable,
    UnsupportedMediaType,
    ValidationError,
    error_document,
)
from chalicelib.inputs import INTEGER_RANGE, NotJson, json_text_problem, load_json, text_problem
from chalicelib.settings import SettingsError

log = logging.getLogger(__name__)

JSONAPI_MEDIA_TYPE = "application/vnd.api+json"
JSON_HEADERS = {"Content-Type": "application/json"}
# Every route declares this, so that Chalice never checks a Content-Type itself: it would check GETs too
# (ember-data sends ``Content-Type: application/vnd.api+json`` on every request, bodies or not), and its
# 415 is no JSON:API document. Routes with a body check the media type themselves (``jsonapi.view``).
ANY_CONTENT_TYPE = ["*/*"]
JSONAPI_HEADERS = {"Content-Type": JSONAPI_MEDIA_TYPE}

# The Open Event frontend runs on its own origin. Any origin may call: authentication is a bearer
# token in a header, never a cookie, so a foreign page cannot act with a visitor's credentials.
CORS = CORSConfig(
    allow_origin="*",
    # X-CSRF-Token: the frontend sends it with a token refresh (Open Event's cookie defence); unread here.
    allow_headers=["Authorization", "Content-Type", "Accept", "X-CSRF-Token"],
    expose_headers=["Location", "Retry-After"],
    max_age=600,
)


def json_response(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """A plain JSON answer (the routes outside JSON:API: login, health, exports, tasks)."""
    return Response(body=body, status_code=status, headers={**JSON_HEADERS, **(headers or {})})


# Answers that must never sit in a cache: tokens (RFC 6749 5.1) and presigned links.
NO_STORE = {"Cache-Control": "no-store"}


def error_response(error: AppError) -> Response:
    headers: dict[str, str | list[str]] = {**JSONAPI_HEADERS, **error.headers()}
    return Response(body=error_document(error), status_code=error.status, headers=headers)


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
        except SettingsError as error:
            log.error("refusing requests, the deployment is misconfigured: %s", error)
            return error_response(ServiceUnavailable("The service is not configured correctly; its operators are told"))
        except Exception as error:
            if db.unavailable(error):
                log.warning("database unavailable in %s: %s", view.__name__, type(error).__name__)
                return error_response(ServiceUnavailable("The database is not available right now; try again shortly"))
            log.exception("unhandled error in %s", view.__name__)
            return error_response(AppError())

    return wrapper


_CHALICE_ERRORS: dict[str, type[AppError]] = {
    "MethodNotAllowedError": MethodNotAllowed,
    "UnsupportedMediaType": UnsupportedMediaType,
    "BadRequest": BadRequest,
}


def http_boundary(event: Request, get_response: Callable[[Request], Response]) -> Response:
    """HTTP middleware: no text that is not text reaches a view; every answer is CORS-enabled, and
    the errors Chalice answers itself (405 for an unknown method, before any view runs) get the
    JSON:API error shape every other error has. Every log line of the request names it (``logs``)."""
    refused = _text_problem_in_url(event)
    request_id = (event.context or {}).get("requestId")
    with logs.context(request_id=request_id, function="api_handler", event_identifier=_event_named(event)):
        response = error_response(refused) if refused else _as_jsonapi(get_response(event))
    for name, value in CORS.get_access_control_headers().items():
        response.headers.setdefault(name, value)
    return response


def _event_named(request: Request) -> str | None:
    """The event identifier the path names (``/v1/events/{event}/...``), for the log lines."""
    event = (request.uri_params or {}).get("event")
    return event if event and not text_problem(event) else None


def _text_problem_in_url(request: Request) -> BadRequest | None:
    """A 400 naming the query parameter or path segment that is not text (NUL, lone surrogates)."""
    named = [(name, [name, *values]) for name, values in query_lists(request).items()]
    named += [(name, [value]) for name, value in (request.uri_params or {}).items()]
    for name, texts in named:
        problem = next((p for p in map(text_problem, texts) if p), None)
        if problem:
            shown = name if not text_problem(name) else "(a parameter name)"
            return BadRequest(f"The parameter {shown} {problem}", parameter=shown)
    return None


def _as_jsonapi(response: Response) -> Response:
    body = response.body
    if response.status_code < 400 or not isinstance(body, dict) or "Code" not in body:
        return response
    error_class = _CHALICE_ERRORS.get(str(body["Code"]), AppError)
    detail = str(body.get("Message", "")) if error_class is not AppError else None
    translated = error_response(error_class(detail))
    translated.headers.update({k: v for k, v in response.headers.items() if k.lower() == "allow"})
    return translated


def json_body(request: Request) -> Any:
    """The request body parsed as JSON, whatever its media type (Chalice only parses application/json);
    400 when it is not JSON, 422 at the first string that is not text."""
    raw = request.raw_body
    if not raw:
        raise BadRequest("The request body is empty; a JSON document is required")
    try:
        document = load_json(raw)
    except NotJson as error:
        raise BadRequest(f"The request body is {error}") from None
    problem = json_text_problem(document)
    if problem:
        pointer, detail = problem
        raise ValidationError(detail, pointer=pointer)
    return document


def url_id(text: str) -> int | None:
    """The integer id a URL segment (or a token's subject) names, or None: ASCII digits only
    (``"²".isdigit()`` is true, and ``int`` refuses it), within PostgreSQL's ``integer``."""
    if not (text.isascii() and text.isdigit() and len(text) <= 10):
        return None
    number = int(text)
    return number if number <= INTEGER_RANGE[1] else None


def query_lists(request: Request) -> dict[str, list[str]]:
    """Every value of every query parameter (Chalice's ``query_params`` keeps the last one only)."""
    params = request.query_params
    return {name: params.getlist(name) for name in params} if params else {}


def refuse_query_parameters(request: Request) -> None:
    """A route that reads no query string refuses one: a typo is an answer, never silently ignored."""
    for name in query_lists(request):
        raise BadRequest("Unknown query parameter; this route reads none", parameter=name)


def client_address(request: Request) -> str:
    """The caller's IP address as API Gateway saw the connection (never a header the caller sets)."""
    identity = (request.context or {}).get("identity") or {}
    return str(identity.get("sourceIp") or "unknown")


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: JWT <token>`` (Open Event's prefix) or ``Bearer <token>`` header."""
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() not in {"jwt", "bearer"} or not token.strip():
        return ""
    return str(token.strip())
