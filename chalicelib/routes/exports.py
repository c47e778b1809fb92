"""Start an export, answer 202 ``{"task_url"}`` and ``Location``.

- ``GET /v1/events/{event}/export/{format}``: options in the query. A format has one segment
  (``pentabarf``) or two (``orders/csv``); a format the registry does not know, such as a frontend
  button for an export this service does not have yet, is a 404 error document.
- ``POST /v1/events/{event}/export/{format}`` (``sessions/csv``, ``speakers/xlsx``, ``json``, ...)
  and ``POST /v1/admin/export/{format}`` (``sales/csv``): the formats whose options are a JSON body,
  as the Open Event frontend sends them (a plain JSON object under ``Content-Type:
  application/vnd.api+json``; ``application/json`` too). Which format takes which method is the
  registry's: the routes name none.
"""

from __future__ import annotations

import uuid
from typing import Any

from chalice import Blueprint, Response

from chalicelib.auth import current_user
from chalicelib.db import read_transaction, transaction
from chalicelib.errors import UnsupportedMediaType
from chalicelib.exports.pipeline import request
from chalicelib.http import ANY_CONTENT_TYPE, JSONAPI_MEDIA_TYPE, api_errors, json_body, json_response, query_lists
from chalicelib.routes.tasks import EXPORT_TASK_PATH

bp = Blueprint(__name__)

BODY_MEDIA_TYPES = ("application/json", JSONAPI_MEDIA_TYPE)


def _accepted(task_id: uuid.UUID) -> Response:
    request.enqueue(task_id)  # after the commit: the worker must find the task
    task_url = f"{EXPORT_TASK_PATH}/{task_id}"
    return json_response({"task_url": task_url}, 202, {"Location": task_url})


def _start(event: str, format_name: str) -> Response:
    http_request = bp.current_request
    with read_transaction() as oes, transaction() as own:
        user = current_user(oes, http_request)
        task_id = request.request_export(oes, own, user, event, format_name, query_lists(http_request))
    return _accepted(task_id)


def _options_body() -> Any:
    """The JSON body, or None when there is none; 415 for a body in another media type."""
    http_request = bp.current_request
    if not http_request.raw_body:
        return None
    media_type = http_request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type not in BODY_MEDIA_TYPES:
        shown = media_type or "no Content-Type"
        raise UnsupportedMediaType(
            f"The options must be a JSON object sent as {' or '.join(BODY_MEDIA_TYPES)}, not {shown}"
        )
    return json_body(http_request)


def _start_posted(event: str | None, format_name: str) -> Response:
    with read_transaction() as oes, transaction() as own:
        user = current_user(oes, bp.current_request)
        task_id = request.request_posted_export(oes, own, user, event, format_name, _options_body)
    return _accepted(task_id)


@bp.route("/v1/events/{event}/export/{kind}/{variant}", methods=["GET"], content_types=ANY_CONTENT_TYPE)
@api_errors
def export_kind_variant(event: str, kind: str, variant: str) -> Response:
    return _start(event, f"{kind}/{variant}")


@bp.route("/v1/events/{event}/export/{format_name}", methods=["GET"], content_types=ANY_CONTENT_TYPE)
@api_errors
def export_format(event: str, format_name: str) -> Response:
    return _start(event, format_name)


@bp.route("/v1/events/{event}/export/{kind}/{variant}", methods=["POST"], content_types=ANY_CONTENT_TYPE)
@api_errors
def export_posted_kind_variant(event: str, kind: str, variant: str) -> Response:
    return _start_posted(event, f"{kind}/{variant}")


@bp.route("/v1/events/{event}/export/{format_name}", methods=["POST"], content_types=ANY_CONTENT_TYPE)
@api_errors
def export_posted_format(event: str, format_name: str) -> Response:
    return _start_posted(event, format_name)


@bp.route("/v1/admin/export/{kind}/{variant}", methods=["POST"], content_types=ANY_CONTENT_TYPE)
@api_errors
def export_site_wide(kind: str, variant: str) -> Response:
    return _start_posted(None, f"admin/{kind}/{variant}")
