"""Top-level JSON:API documents and the responses that carry them.

Every document has ``jsonapi.version``; resource and collection documents have ``links.self``;
collections have ``meta.count`` (rows matching the filter) and ``first/last/prev/next`` links that
keep the rest of the query string, with ``null`` for a link that does not exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urlencode

from chalice.app import Response

from chalicelib.errors import JSONAPI_VERSION
from chalicelib.http import JSONAPI_HEADERS
from chalicelib.jsonapi.query import ListQuery
from chalicelib.jsonapi.resource import ResourceType

DELETED = "Object successfully deleted"


def response(document: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(body=document, status_code=status, headers={**JSONAPI_HEADERS, **(headers or {})})


def resource_response(
    resource: ResourceType, obj: Any, *, status: int = 200, fields: frozenset[str] | None = None
) -> Response:
    """One resource; a 201 also gets the ``Location`` of the new resource."""
    link = resource.self_link(obj.id)
    document = {"data": resource.serialize(obj, fields), "jsonapi": JSONAPI_VERSION, "links": {"self": link}}
    return response(document, status, {"Location": link} if status == 201 else None)


def collection_response(resource: ResourceType, rows: Sequence[Any], count: int, query: ListQuery) -> Response:
    document = {
        "meta": {"count": count},
        "data": [resource.serialize(row, query.fields) for row in rows],
        "jsonapi": JSONAPI_VERSION,
        "links": pagination_links(resource.path, query, count),
    }
    return response(document)


def relationship_response(resource: ResourceType, obj: Any, name: str) -> Response:
    """A relationship's own document (what its ``self`` link answers): its linkage and links."""
    relationship = resource.relationship(name)
    assert relationship is not None, name
    return response({**resource.relationship_object(obj, relationship), "jsonapi": JSONAPI_VERSION})


def meta_response(meta: dict[str, Any]) -> Response:
    """A document with only ``meta``: for answers that are not resources (a deletion, a URL)."""
    return response({"meta": meta, "jsonapi": JSONAPI_VERSION})


def deleted_response() -> Response:
    return meta_response({"message": DELETED})


def pagination_links(path: str, query: ListQuery, count: int) -> dict[str, str | None]:
    """``self`` as asked; ``first``/``last``/``prev``/``next`` by page number (all one page when size is 0).

    Past the end, ``prev`` points at the last page, where the data is.
    """
    size, number = query.page.size, query.page.number
    links: dict[str, str | None] = {"self": _url(path, query.params)}
    if not size:
        links.update(first=links["self"], last=links["self"], prev=None, next=None)
        return links
    last = max(1, -(-count // size))
    links["first"] = _page_url(path, query, 1)
    links["last"] = _page_url(path, query, last)
    links["prev"] = _page_url(path, query, min(number - 1, last)) if number > 1 else None
    links["next"] = _page_url(path, query, number + 1) if number < last else None
    return links


def _page_url(path: str, query: ListQuery, number: int) -> str:
    params = [(name, value) for name, value in query.params if name not in ("page[number]", "page[size]")]
    params += [("page[size]", str(query.page.size)), ("page[number]", str(number))]
    return _url(path, params)


def _url(path: str, params: Sequence[tuple[str, str]]) -> str:
    # Brackets and commas stay readable (JSON:API's own examples write page[number]=2 and sort=a,-b);
    # a space is %20, which every URL parser reads the same way (a '+' is a space only in forms).
    return f"{path}?{urlencode(params, safe='[],', quote_via=quote)}" if params else path
