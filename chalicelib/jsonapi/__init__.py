"""JSON:API 1.0 at the boundary, done once, for every resource (pages, stripe-authorization, ...).

    resource     ResourceType / Attribute / Relationship: the declaration everything else reads
    negotiation  view(bp): error documents, 406 for Accept, 415 for Content-Type
    parsing      read_resource / parse_resource: a request body into validated model fields
    query        parse_list_query / parse_item_query: sort, filter, page[size]/page[number], fields[type], strict
    filters      the JSON filter language, parsed into a tree (no SQL)
    sql          fetch_page: a ListQuery applied to a SQLAlchemy select, values bound; find (404)
    documents    resource_response, collection_response, relationship_response, deleted_response, links

A route reads like this::

    @bp.route("/v1/pages", methods=["POST"], content_types=ANY_CONTENT_TYPE)
    @jsonapi.view(bp)
    def create_page() -> Response:
        with transaction() as session:
            require_admin(current_user(session, bp.current_request))
            page = pages.create(session, jsonapi.read_resource(bp.current_request, PAGE))
            return jsonapi.resource_response(PAGE, page, status=201)
"""

from chalicelib.jsonapi.documents import (
    collection_response,
    deleted_response,
    meta_response,
    pagination_links,
    relationship_response,
    resource_response,
    response,
)
from chalicelib.jsonapi.negotiation import check_accept, check_content_type, view
from chalicelib.jsonapi.parsing import ResourceInput, parse_resource, read_resource
from chalicelib.jsonapi.query import ListQuery, PageRequest, SortKey, parse_item_query, parse_list_query
from chalicelib.jsonapi.resource import Attribute, Relationship, ResourceType
from chalicelib.jsonapi.sql import fetch_page, find

__all__ = [
    "Attribute",
    "ListQuery",
    "PageRequest",
    "Relationship",
    "ResourceInput",
    "ResourceType",
    "SortKey",
    "check_accept",
    "check_content_type",
    "collection_response",
    "deleted_response",
    "fetch_page",
    "find",
    "meta_response",
    "pagination_links",
    "parse_item_query",
    "parse_list_query",
    "parse_resource",
    "read_resource",
    "relationship_response",
    "resource_response",
    "response",
    "view",
]
