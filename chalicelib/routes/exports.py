"""``GET /v1/events/{event}/export/orders/csv`` and ``.../export/{format}``: start an export, answer 202."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.auth import current_user
from chalicelib.db import transaction
from chalicelib.exports.pipeline import request
from chalicelib.http import api_errors, json_response, query_lists

bp = Blueprint(__name__)


def _start(event: str, format_name: str) -> Response:
    http_request = bp.current_request
    with transaction() as session:
        user = current_user(session, http_request)
        task_id = request.request_export(session, user, event, format_name, query_lists(http_request))
    request.enqueue(task_id)  # after the commit: the worker must find the task
    task_url = f"/v1/tasks/{task_id}"
    return json_response({"task_url": task_url}, 202, {"Location": task_url})


@bp.route("/v1/events/{event}/export/orders/csv", methods=["GET"])
@api_errors
def export_orders_csv(event: str) -> Response:
    return _start(event, "orders/csv")


@bp.route("/v1/events/{event}/export/{format_name}", methods=["GET"])
@api_errors
def export_format(event: str, format_name: str) -> Response:
    return _start(event, format_name)
