"""``GET /v1/tasks/{task_id}``: an export task's state, and its download link once it succeeded."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.auth import current_user
from chalicelib.db import transaction
from chalicelib.exports.pipeline import task_view
from chalicelib.http import ANY_CONTENT_TYPE, NO_STORE, api_errors, json_response, refuse_query_parameters

bp = Blueprint(__name__)


@bp.route("/v1/tasks/{task_id}", methods=["GET"], content_types=ANY_CONTENT_TYPE)
@api_errors
def get_task(task_id: str) -> Response:
    refuse_query_parameters(bp.current_request)
    with transaction() as session:
        user = current_user(session, bp.current_request)
        document = task_view.view(session, user, task_id)
    # The body holds a presigned link meant for this reader only: no cache may keep it.
    return json_response(document, headers=NO_STORE)
