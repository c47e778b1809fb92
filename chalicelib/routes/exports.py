"""``GET /v1/events/{event}/export/{format}`` (``orders/csv``, ``pentabarf``, ...): start an export, answer 202.

A format has one segment (``pentabarf``) or two (``orders/csv``); a format the registry does not know,
such as a frontend button for an export this service does not have yet, is a 404 error document.
"""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.auth import current_user
from chalicelib.db import transaction
from chalicelib.exports.pipeline import request
from chalicelib.http import ANY_CONTENT_TYPE, api_errors, json_response

bp = Blueprint(__name__)


def _start(event: str, format_name: str) -> Response:
    http_request = bp.current_request
    with transaction() as session:
        user = current_user(session, http_request)
        task_id = request.request_export(session, user, event, format_name, http_request.query_params or {})
    request.enqueue(task_id)  # after the commit: the worker must find the task
    task_url = f"/v1/tasks/{task_id}"
    return json_response({"task_url": task_url}, 202, {"Location": task_url})


@bp.route("/v1/events/{event}/export/{kind}/{variant}", methods=["GET"], content_types=ANY_CONTENT_TYPE)
@api_errors
def export_kind_variant(event: str, kind: str, variant: str) -> Response:
    return _start(event, f"{kind}/{variant}")


@bp.route("/v1/events/{event}/export/{format_name}", methods=["GET"], content_types=ANY_CONTENT_TYPE)
@api_errors
def export_format(event: str, format_name: str) -> Response:
    return _start(event, format_name)
