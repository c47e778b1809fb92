"""Resource declarations: what a JSON:API type exposes, under which names, with which rules.

A ``ResourceType`` is the single description of a resource that parsing, serialization, sorting
and filtering all read, so a name the query string may use is always a declared attribute and
the model field behind it is always ours, never the client's text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, Literal

from chalicelib.inputs import INTEGER_RANGE, text_problem

Kind = Literal["string", "integer", "boolean"]


@dataclass(frozen=True)
class Attribute:
    """One attribute: its dasherized name, the model field behind it (derived when omitted), its rules.

    ``readable=False`` makes it write-only (never serialized, sorted or filtered: secrets);
    ``writable=False`` makes it read-only (silently ignored in a request body, because clients
    such as ember-data send every attribute they know on save).
    """

    name: str
    kind: Kind = "string"
    required: bool = False
    nullable: bool = True
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    default: Any = None
    readable: bool = True
    writable: bool = True
    field: str = ""

    def __post_init__(self) -> None:
        if not self.field:
            object.__setattr__(self, "field", self.name.replace("-", "_"))

    def kind_problem(self, value: Any) -> str | None:
        """Why ``value`` (not null) is not of this attribute's kind, or None. Also used for filter values."""
        if self.kind == "integer":
            # JSON has numbers, not integers: 3.0 is the integer 3 (JSON Schema agrees, so clients may send it).
            if isinstance(value, bool) or not isinstance(value, int | float) or not float(value).is_integer():
                return f"'{self.name}' must be an integer"
            if not INTEGER_RANGE[0] <= value <= INTEGER_RANGE[1]:
                return f"'{self.name}' must be between {INTEGER_RANGE[0]} and {INTEGER_RANGE[1]}"
        elif self.kind == "boolean":
            if not isinstance(value, bool):
                return f"'{self.name}' must be true or false"
        elif not isinstance(value, str):
            return f"'{self.name}' must be a string"
        elif problem := text_problem(value):
            return f"'{self.name}' {problem}"
        return None

    def value(self, sent: Any) -> Any:
        """What a valid ``sent`` value stores: an integer sent as ``3.0`` is ``3``."""
        return int(sent) if self.kind == "integer" and isinstance(sent, float) else sent

    def problem(self, value: Any) -> str | None:
        """Why ``value`` may not be written to this attribute, or None when it may."""
        if value is None:
            return None if self.nullable and not self.required else f"'{self.name}' must not be null"
        problem = self.kind_problem(value)
        if problem or not isinstance(value, str):
            return problem
        if self.required and not value.strip():
            return f"'{self.name}' must not be empty"
        if self.max_length is not None and len(value) > self.max_length:
            return f"'{self.name}' must be at most {self.max_length} characters long"
        if self.choices and value not in self.choices:
            return f"'{self.name}' must be one of: {', '.join(self.choices)}"
        return None


# Every resource is identified by an integer primary key, which lists may sort and filter on too.
ID = Attribute("id", kind="integer", nullable=False, writable=False)


@dataclass(frozen=True)
class Relationship:
    """A to-one relationship, identified in documents by ``{"type": ..., "id": ...}``.

    ``field`` is the foreign key a request writes. ``key`` is the attribute (a dotted path) whose
    value a document shows as the related id, when clients know the related type by another key
    than our foreign key (the Open Event frontend keys events by identifier); ``field`` when empty.
    ``related`` is the related resource's URL, ``{id}`` standing for that value.
    """

    name: str
    type: str
    field: str
    required: bool = False
    key: str = ""
    related: str = ""

    def related_id(self, obj: Any) -> object:
        return attrgetter(self.key or self.field)(obj)


@dataclass(frozen=True)
class ResourceType:
    """A JSON:API resource type served under ``path`` (the collection, e.g. ``/v1/pages``)."""

    type: str
    path: str
    attributes: tuple[Attribute, ...]
    relationships: tuple[Relationship, ...] = ()
    _by_name: Mapping[str, Attribute] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {attribute.name: attribute for attribute in self.attributes})

    def attribute(self, name: str) -> Attribute | None:
        return self._by_name.get(name)

    def queryable(self, name: str) -> Attribute | None:
        """The attribute (or ``id``) a list may sort or filter on by this name: readable ones only."""
        if name == ID.name:
            return ID
        attribute = self._by_name.get(name)
        return attribute if attribute is not None and attribute.readable else None

    def readable_names(self) -> list[str]:
        return [attribute.name for attribute in self.attributes if attribute.readable]

    def relationship(self, name: str) -> Relationship | None:
        return next((relationship for relationship in self.relationships if relationship.name == name), None)

    def self_link(self, resource_id: object) -> str:
        return f"{self.path}/{resource_id}"

    def serialize(self, obj: Any, fields: frozenset[str] | None = None) -> dict[str, Any]:
        """The resource object for ``obj``; ``fields`` (a sparse fieldset) limits the attributes shown."""
        attributes = {
            attribute.name: getattr(obj, attribute.field)
            for attribute in self.attributes
            if attribute.readable and (fields is None or attribute.name in fields)
        }
        resource: dict[str, Any] = {"type": self.type, "id": str(obj.id), "attributes": attributes}
        linkage = {
            relationship.name: self.relationship_object(obj, relationship)
            for relationship in self.relationships
            if fields is None or relationship.name in fields
        }
        if linkage:
            resource["relationships"] = linkage
        resource["links"] = {"self": self.self_link(obj.id)}
        return resource

    def relationship_object(self, obj: Any, relationship: Relationship) -> dict[str, Any]:
        """``data`` (the linkage) and ``links``: ``self`` (the relationship) and, when declared, ``related``."""
        related_id = relationship.related_id(obj)
        links = {"self": f"{self.self_link(obj.id)}/relationships/{relationship.name}"}
        if relationship.related and related_id is not None:
            links["related"] = relationship.related.format(id=related_id)
        return {"data": _identifier(relationship.type, related_id), "links": links}


def _identifier(type_name: str, related_id: object) -> dict[str, str] | None:
    return None if related_id is None else {"type": type_name, "id": str(related_id)}
