"""Stripe Connect authorization routes: the ``stripe-authorization`` resource and its connect URL.

Standalone mode only; in Open Event mode they are OES's (``chalicelib.open_event``)."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib import jsonapi
from chalicelib.auth import current_user, optional_user
from chalicelib.db import transaction
from chalicelib.http import ANY_CONTENT_TYPE, query_lists, refuse_query_parameters
from chalicelib.open_event import standalone_only
from chalicelib.stripe import service
from chalicelib.stripe.resource import STRIPE_AUTHORIZATION, connect_url_meta, optional_grant, required_grant

bp = Blueprint(__name__)
STRIPE_CONNECT = "Stripe Connect"
ITEM = "/v1/stripe-authorizations/{authorization_id}"


@bp.route("/v1/stripe-authorizations", methods=["POST"], content_types=ANY_CONTENT_TYPE)
@jsonapi.view(bp)
@standalone_only(STRIPE_CONNECT)
def create_stripe_authorization() -> Response:
    request = bp.current_request
    with transaction() as session:
        user = current_user(session, request)
        document = jsonapi.read_resource(request, STRIPE_AUTHORIZATION)
        grant = required_grant(document)
        authorization = service.create(session, user, document.relationships["event"], grant)
        return jsonapi.resource_response(STRIPE_AUTHORIZATION, authorization, status=201)


@bp.route(ITEM, methods=["GET"], content_types=ANY_CONTENT_TYPE)
@jsonapi.view(bp)
@standalone_only(STRIPE_CONNECT)
def get_stripe_authorization(authorization_id: str) -> Response:
    fields = jsonapi.parse_item_query(query_lists(bp.current_request), STRIPE_AUTHORIZATION)
    with transaction() as session:
        user = current_user(session, bp.current_request)
        authorization = service.get(session, user, authorization_id)
        return jsonapi.resource_response(STRIPE_AUTHORIZATION, authorization, fields=fields)


@bp.route(f"{ITEM}/relationships/event", methods=["GET"], content_types=ANY_CONTENT_TYPE)
@jsonapi.view(bp)
@standalone_only(STRIPE_CONNECT)
def get_stripe_authorization_event(authorization_id: str) -> Response:
    refuse_query_parameters(bp.current_request)
    with transaction() as session:
        authorization = service.get(session, current_user(session, bp.current_request), authorization_id)
        return jsonapi.relationship_response(STRIPE_AUTHORIZATION, authorization, "event")


@bp.route(ITEM, methods=["PATCH"], content_types=ANY_CONTENT_TYPE)
@jsonapi.view(bp)
@standalone_only(STRIPE_CONNECT)
def update_stripe_authorization(authorization_id: str) -> Response:
    request = bp.current_request
    with transaction() as session:
        user = current_user(session, request)
        document = jsonapi.read_resource(request, STRIPE_AUTHORIZATION, resource_id=authorization_id)
        event = document.relationships.get("event")
        authorization = service.update(session, user, authorization_id, optional_grant(document), event)
        return jsonapi.resource_response(STRIPE_AUTHORIZATION, authorization)


@bp.route(ITEM, methods=["DELETE"], content_types=ANY_CONTENT_TYPE)
@jsonapi.view(bp)
@standalone_only(STRIPE_CONNECT)
def delete_stripe_authorization(authorization_id: str) -> Response:
    with transaction() as session:
        service.delete(session, current_user(session, bp.current_request), authorization_id)
    return jsonapi.deleted_response()


@bp.route("/v1/events/{event}/stripe-authorization", methods=["GET"], content_types=ANY_CONTENT_TYPE)
@jsonapi.view(bp)
@standalone_only(STRIPE_CONNECT)
def get_event_stripe_authorization(event: str) -> Response:
    fields = jsonapi.parse_item_query(query_lists(bp.current_request), STRIPE_AUTHORIZATION)
    with transaction() as session:
        authorization = service.get_for_event(session, optional_user(session, bp.current_request), event)
        return jsonapi.resource_response(STRIPE_AUTHORIZATION, authorization, fields=fields)


@bp.route("/v1/events/{event}/stripe-authorization/connect-url", methods=["GET"], content_types=ANY_CONTENT_TYPE)
@jsonapi.view(bp)
@standalone_only(STRIPE_CONNECT)
def get_stripe_connect_url(event: str) -> Response:
    refuse_query_parameters(bp.current_request)
    with transaction() as session:
        connect = service.connect_url(session, current_user(session, bp.current_request), event)
    return jsonapi.meta_response(connect_url_meta(connect))
