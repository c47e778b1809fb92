"""``GET /v1/health``: 200 when the database and AWS answer, 503 otherwise."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import health
from chalicelib.http import JSON_HEADERS, api_errors

bp = Blueprint(__name__)


@bp.route("/v1/health", methods=["GET"])
@api_errors
def get_health() -> Response:
    report = health.check()
    healthy = all(state == "ok" for state in report.values())
    body = {"status": "ok" if healthy else "unavailable", **report}
    return Response(body=body, status_code=200 if healthy else 503, headers=dict(JSON_HEADERS))
