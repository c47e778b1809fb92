"""``GET /v1/health``: 200 when the database and AWS answer, 503 otherwise."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import health
from chalicelib.http import ANY_CONTENT_TYPE, api_errors, json_response, refuse_query_parameters

bp = Blueprint(__name__)


@bp.route("/v1/health", methods=["GET"], content_types=ANY_CONTENT_TYPE)
@api_errors
def get_health() -> Response:
    refuse_query_parameters(bp.current_request)
    report = health.check()
    healthy = all(state == "ok" for state in report.values())
    body = {"status": "ok" if healthy else "unavailable", **report}
    return json_response(body, 200 if healthy else 503)
