"""``/v1/pages``: the ``page`` resource. Reading is public; writing is for admins.

Pages are OES's ``pages`` table: read through the read-only handle in both modes; written only in
standalone mode (in Open Event mode OES's admin pages write them, ``chalicelib.open_event``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from chalice.app import Blueprint, Response
from sqlalchemy.orm import Session

from chalicelib import jsonapi, pages
from chalicelib.access import require_admin
from chalicelib.auth import current_user
from chalicelib.db import read_transaction, transaction
from chalicelib.http import ANY_CONTENT_TYPE, query_lists
from chalicelib.open_event import standalone_only
from chalicelib.pages import PAGE

bp = Blueprint(__name__)
PAGE_WRITES = "Writing pages"


@contextmanager
def _as_admin() -> Iterator[Session]:
    """A transaction for an admin's request: 401 without a valid token, 403 for anyone else."""
    with transaction() as session:
        require_admin(current_user(session, bp.current_request))
        yield session


@bp.route("/v1/pages", methods=["GET"], content_types=ANY_CONTENT_TYPE)
@jsonapi.view(bp)
def list_pages() -> Response:
    query = jsonapi.parse_list_query(query_lists(bp.current_request), PAGE, flags=pages.FRONTEND_FLAGS)
    with read_transaction() as session:
        rows, count = pages.list_pages(session, query)
    return jsonapi.collection_response(PAGE, rows, count, query)


@bp.route("/v1/pages", methods=["POST"], content_types=ANY_CONTENT_TYPE)
@jsonapi.view(bp)
@standalone_only(PAGE_WRITES)
def create_page() -> Response:
    with _as_admin() as session:
        page = pages.create_page(session, jsonapi.read_resource(bp.current_request, PAGE))
    return jsonapi.resource_response(PAGE, page, status=201)


@bp.route("/v1/pages/{page_id}", methods=["GET"], content_types=ANY_CONTENT_TYPE)
@jsonapi.view(bp)
def get_page(page_id: str) -> Response:
    fields = jsonapi.parse_item_query(query_lists(bp.current_request), PAGE)
    with read_transaction() as session:
        page = pages.get_page(session, page_id)
    return jsonapi.resource_response(PAGE, page, fields=fields)


@bp.route("/v1/pages/{page_id}", methods=["PATCH"], content_types=ANY_CONTENT_TYPE)
@jsonapi.view(bp)
@standalone_only(PAGE_WRITES)
def update_page(page_id: str) -> Response:
    with _as_admin() as session:
        changes = jsonapi.read_resource(bp.current_request, PAGE, resource_id=page_id)
        page = pages.update_page(session, page_id, changes)
    return jsonapi.resource_response(PAGE, page)


@bp.route("/v1/pages/{page_id}", methods=["DELETE"], content_types=ANY_CONTENT_TYPE)
@jsonapi.view(bp)
@standalone_only(PAGE_WRITES)
def delete_page(page_id: str) -> Response:
    with _as_admin() as session:
        pages.delete_page(session, page_id)
    return jsonapi.deleted_response()
