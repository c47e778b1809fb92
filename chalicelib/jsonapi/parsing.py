"""Reading a resource document from a request body, checked against a ``ResourceType``.

The statuses follow JSON:API 1.0 and the contract: a document that is not shaped like one is 400,
a ``type`` of another resource is 409, a client-generated id on creation is 403, a ``data.id`` that
differs from the URL's is 400, and a bad, missing or unknown attribute is 422 with its pointer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from chalice.app import Request

from chalicelib.errors import BadRequest, Conflict, Forbidden, ValidationError
from chalicelib.http import json_body
from chalicelib.inputs import pointer_token
from chalicelib.jsonapi.resource import ResourceType

T = TypeVar("T")


@dataclass(frozen=True)
class ResourceInput:
    """A validated resource object: model field names to values (only those sent, plus creation defaults)."""

    attributes: dict[str, Any]
    relationships: dict[str, str]


def parse_resource(document: Any, resource: ResourceType, *, resource_id: str | None = None) -> ResourceInput:
    """Read a creation (``resource_id`` None) or an update of the resource with that id.

    A creation must carry every required attribute and relationship and gets the declared
    defaults; an update carries only what changes.
    """
    data = _data(document)
    _check_type(data, resource)
    _check_id(data, resource_id)
    return ResourceInput(
        attributes=_attributes(data, resource, creating=resource_id is None),
        relationships=_relationships(data, resource, creating=resource_id is None),
    )


def read_resource(request: Request, resource: ResourceType, *, resource_id: str | None = None) -> ResourceInput:
    """``parse_resource`` on the request's JSON body (400 when the body is empty or not JSON)."""
    return parse_resource(json_body(request), resource, resource_id=resource_id)


def _declared(data: dict[str, Any], member: str, lookup: Callable[[str], T | None]) -> Iterator[tuple[T, Any, str]]:
    """``(declaration, value, pointer)`` for each entry of ``data[member]``; an undeclared name is 422."""
    entries = data.get(member, {})
    if not isinstance(entries, dict):
        raise BadRequest(f"'{member}' must be an object", pointer=f"/data/{member}")
    for name, value in entries.items():
        pointer = f"/data/{member}/{pointer_token(name)}"
        declaration = lookup(name)
        if declaration is None:
            raise ValidationError(f"Unknown {member.removesuffix('s')} '{name}'", pointer=pointer)
        yield declaration, value, pointer


def _id_text(value: Any) -> str | None:
    """A resource id as JSON:API writes it (a string), or as some clients do (an integer)."""
    if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
        return None
    return str(value)


def _data(document: Any) -> dict[str, Any]:
    if not isinstance(document, dict):
        raise BadRequest("The body must be a JSON:API document (a JSON object)", pointer="")
    if not isinstance(document.get("data"), dict):
        raise BadRequest("The document must have a 'data' member holding a resource object", pointer="/data")
    data: dict[str, Any] = document["data"]
    return data


def _check_type(data: dict[str, Any], resource: ResourceType) -> None:
    if "type" not in data:
        raise BadRequest("The resource object must have a 'type'", pointer="/data/type")
    if data["type"] != resource.type:
        raise Conflict(f"The resource type must be '{resource.type}'", pointer="/data/type")


def _check_id(data: dict[str, Any], resource_id: str | None) -> None:
    sent = data.get("id")
    if resource_id is None:
        if sent is not None:
            raise Forbidden("Client-generated ids are not supported", pointer="/data/id")
        return
    if sent is None:
        raise BadRequest("The resource object must have an 'id'", pointer="/data/id")
    sent_id = _id_text(sent)
    if sent_id is None:
        raise BadRequest("'data.id' must be a string (or an integer)", pointer="/data/id")
    if sent_id != resource_id:
        # JSON:API: a PATCH whose resource object does not match the endpoint is a 409 Conflict.
        raise Conflict(f"'data.id' must match the id in the URL ({resource_id})", pointer="/data/id")


def _attributes(data: dict[str, Any], resource: ResourceType, *, creating: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for attribute, value, pointer in _declared(data, "attributes", resource.attribute):
        if not attribute.writable:
            continue
        problem = attribute.problem(value)
        if problem:
            raise ValidationError(problem, pointer=pointer)
        values[attribute.field] = attribute.value(value)
    if creating:
        for attribute in resource.attributes:
            if attribute.field in values or not attribute.writable:
                continue
            if attribute.required:
                raise ValidationError(f"'{attribute.name}' is required", pointer=f"/data/attributes/{attribute.name}")
            if attribute.default is not None:
                values[attribute.field] = attribute.default
    return values


def _relationships(data: dict[str, Any], resource: ResourceType, *, creating: bool) -> dict[str, str]:
    related: dict[str, str] = {}
    for relationship, value, pointer in _declared(data, "relationships", resource.relationship):
        name = relationship.name
        linkage = value.get("data") if isinstance(value, dict) else None
        if not isinstance(linkage, dict):
            raise BadRequest(f"'{name}' must be {{'data': {{'type': ..., 'id': ...}}}}", pointer=pointer)
        if linkage.get("type") != relationship.type:
            raise Conflict(f"'{name}' must refer to a '{relationship.type}'", pointer=f"{pointer}/data/type")
        related_id = _id_text(linkage.get("id"))
        if related_id is None:
            raise BadRequest(f"'{name}' must have an id", pointer=f"{pointer}/data/id")
        related[name] = related_id
    if creating:
        for relationship in resource.relationships:
            if relationship.required and relationship.name not in related:
                raise ValidationError(
                    f"The relationship '{relationship.name}' is required",
                    pointer=f"/data/relationships/{relationship.name}",
                )
    return related
