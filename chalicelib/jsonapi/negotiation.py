"""Content negotiation for JSON:API routes: 406 for an unacceptable ``Accept``, 415 for a foreign body.

``view`` wraps a route (inside ``@bp.route``) with both checks and with ``api_errors``, so that a
JSON:API handler starts with the protocol settled. The body is read later, with ``read_resource``,
so that authentication (401/403) comes before anything the body could say.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from chalice.app import Blueprint

from chalicelib.errors import NotAcceptable, UnsupportedMediaType
from chalicelib.http import JSONAPI_MEDIA_TYPE, api_errors

_WRITES = frozenset({"POST", "PATCH", "PUT"})
_ACCEPTED_RANGES = frozenset({JSONAPI_MEDIA_TYPE, "application/*", "*/*"})


def _media_range(entry: str) -> tuple[str, dict[str, str]]:
    media_type, *raw_parameters = (part.strip() for part in entry.split(";"))
    parameters = {}
    for parameter in raw_parameters:
        name, _, value = parameter.partition("=")
        parameters[name.strip().lower()] = value.strip().strip('"')
    return media_type.lower(), parameters


def _excluded(parameters: dict[str, str]) -> bool:
    try:
        return float(parameters.get("q", "1")) <= 0
    except ValueError:
        return False


def check_accept(headers: Mapping[str, str]) -> None:
    """406 unless ``Accept`` is absent or admits JSON:API without media type parameters.

    JSON:API 1.0: when every JSON:API entry carries parameters (other than ``q``), the answer is 406
    even if a wildcard is present, because the client asked for an extension we do not serve.
    """
    header = headers.get("accept", "").strip()
    if not header:
        return
    ranges = [_media_range(entry) for entry in header.split(",") if entry.strip()]
    jsonapi = [parameters for media_type, parameters in ranges if media_type == JSONAPI_MEDIA_TYPE]
    if jsonapi and all(set(parameters) - {"q"} for parameters in jsonapi):
        raise NotAcceptable(f"JSON:API media type parameters are not supported: send 'Accept: {JSONAPI_MEDIA_TYPE}'")
    if not any(
        media_type in _ACCEPTED_RANGES and not set(parameters) - {"q"} and not _excluded(parameters)
        for media_type, parameters in ranges
    ):
        raise NotAcceptable(f"This resource is only available as {JSONAPI_MEDIA_TYPE}")


def check_content_type(headers: Mapping[str, str]) -> None:
    """415 unless ``Content-Type`` is exactly the JSON:API media type (no parameters, per JSON:API 1.0)."""
    content_type = headers.get("content-type", "").strip()
    if content_type.lower() != JSONAPI_MEDIA_TYPE:
        shown = content_type or "no Content-Type"
        raise UnsupportedMediaType(f"The body must be sent as 'Content-Type: {JSONAPI_MEDIA_TYPE}', not {shown}")


def view(blueprint: Blueprint) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a JSON:API view of ``blueprint``: error documents, then ``Accept`` and ``Content-Type`` checks."""

    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def negotiated(*args: Any, **kwargs: Any) -> Any:
            request = blueprint.current_request
            check_accept(request.headers)
            if request.method in _WRITES:
                check_content_type(request.headers)
            return function(*args, **kwargs)

        return api_errors(negotiated)

    return decorate
