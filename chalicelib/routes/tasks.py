"""``GET /v1/export-tasks/{task_id}``: an export task's state, and its download link once it succeeded.

The path is apart from OES's ``/v1/tasks/{uuid}`` (its Celery tasks: imports, badge prints) so that
one router can send ours here and OES's to OES; the frontend follows the ``task_url`` it receives
(``loader.load(task_url, {withoutPrefix: true})`` in each export component). ``/v1/tasks/{task_id}``
stays as an alias for clients of earlier versions: in Open Event mode the router sends it to OES.
"""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.auth import current_user
from chalicelib.db import read_transaction, transaction
from chalicelib.exports.pipeline import task_view
from chalicelib.http import ANY_CONTENT_TYPE, NO_STORE, api_errors, json_response, refuse_query_parameters

bp = Blueprint(__name__)


EXPORT_TASK_PATH = "/v1/export-tasks"


@bp.route(EXPORT_TASK_PATH + "/{task_id}", methods=["GET"], content_types=ANY_CONTENT_TYPE)
@api_errors
def get_export_task(task_id: str) -> Response:
    return _task(task_id)


@bp.route("/v1/tasks/{task_id}", methods=["GET"], content_types=ANY_CONTENT_TYPE)
@api_errors
def get_task(task_id: str) -> Response:
    """The alias of ``get_export_task`` at the path of earlier versions."""
    return _task(task_id)


def _task(task_id: str) -> Response:
    refuse_query_parameters(bp.current_request)
    # The reader's rights are read in OES's data on every read (task_view), the task in ours.
    with read_transaction() as oes, transaction() as own:
        user = current_user(oes, bp.current_request)
        document = task_view.view(own, oes, user, task_id)
    # The body holds a presigned link meant for this reader only: no cache may keep it.
    return json_response(document, headers=NO_STORE)
