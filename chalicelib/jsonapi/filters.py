"""The ``filter`` query parameter: a JSON array of conditions, as Open Event (flask-rest-jsonapi) reads it.

    [{"name": "place", "op": "eq", "val": "footer"},
     {"or": [{"name": "index", "op": "lt", "val": 3}, {"not": {"name": "title", "op": "is_", "val": null}}]}]

A list is a conjunction; ``{"and": [...]}``, ``{"or": [...]}`` and ``{"not": {...}}`` nest. Parsing
yields a tree of declared attributes, operators from a fixed table and typed values; ``sql`` turns
it into SQLAlchemy expressions where every value is a bound parameter. Every problem is a 400
with ``source.parameter`` ``filter``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from chalicelib.errors import BadRequest
from chalicelib.inputs import NotJson, json_text_problem, load_json
from chalicelib.jsonapi.resource import Attribute, ResourceType

COMPARISONS = frozenset({"eq", "ne", "lt", "le", "gt", "ge"})
MEMBERSHIP = frozenset({"in_", "notin_"})
PATTERNS = frozenset({"like", "ilike"})
IDENTITY = frozenset({"is_", "isnot"})
OPERATORS = COMPARISONS | MEMBERSHIP | PATTERNS | IDENTITY

# Bounds on the work one query string can ask for.
MAX_DEPTH = 8
MAX_CONDITIONS = 64
MAX_LENGTH = 8192


@dataclass(frozen=True)
class Condition:
    attribute: Attribute
    op: str
    value: Any


@dataclass(frozen=True)
class Junction:
    """``and`` or ``or`` over its parts (a bare list is ``and``)."""

    kind: str
    parts: tuple[Filter, ...]


@dataclass(frozen=True)
class Negation:
    part: Filter


Filter = Condition | Junction | Negation


def _fail(detail: str) -> BadRequest:
    return BadRequest(f"Invalid filter: {detail}", parameter="filter")


def parse_filter(raw: str, resource: ResourceType) -> Filter:
    """The filter tree of a ``filter`` parameter (already URL-decoded)."""
    if len(raw) > MAX_LENGTH:
        raise _fail(f"longer than {MAX_LENGTH} characters")
    try:
        tree = load_json(raw)
    except NotJson as error:
        raise _fail(f"not a JSON array of conditions ({error})") from None
    problem = json_text_problem(tree)
    if problem:
        pointer, detail = problem
        raise _fail(f"{detail} (at {pointer or '/'})")
    if not isinstance(tree, list):
        raise _fail("not a JSON array of conditions")
    parser = _Parser(resource)
    return parser.node(tree, 0)


class _Parser:
    def __init__(self, resource: ResourceType):
        self.resource = resource
        self.conditions = 0

    def node(self, node: Any, depth: int) -> Filter:
        if depth > MAX_DEPTH:
            raise _fail(f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(node, list):
            return Junction("and", tuple(self.node(part, depth + 1) for part in node))
        if not isinstance(node, dict):
            raise _fail(f"expected a condition object, got {json.dumps(node)}")
        kind = next(iter(node)) if len(node) == 1 else None
        if kind in ("and", "or"):
            parts = node[kind]
            if not isinstance(parts, list):
                raise _fail(f"'{kind}' takes an array of conditions")
            return Junction(kind, tuple(self.node(part, depth + 1) for part in parts))
        if kind == "not":
            return Negation(self.node(node["not"], depth + 1))
        return self.condition(node)

    def condition(self, node: dict[str, Any]) -> Condition:
        if set(node) != {"name", "op", "val"}:
            raise _fail('a condition is {"name": ..., "op": ..., "val": ...}, or "and", "or", "not"')
        self.conditions += 1
        if self.conditions > MAX_CONDITIONS:
            raise _fail(f"more than {MAX_CONDITIONS} conditions")
        name, op, value = node["name"], node["op"], node["val"]
        attribute = self.resource.queryable(name) if isinstance(name, str) else None
        if attribute is None:
            raise _fail(f"unknown field {json.dumps(name)}")
        if not isinstance(op, str) or op not in OPERATORS:
            raise _fail(f"unknown operator {json.dumps(op)} (one of {', '.join(sorted(OPERATORS))})")
        _check_value(attribute, op, value)
        return Condition(attribute, op, value)


def _check_value(attribute: Attribute, op: str, value: Any) -> None:
    where = f"'{attribute.name}' {op}"
    if op in IDENTITY:
        if value is not None and not (attribute.kind == "boolean" and isinstance(value, bool)):
            raise _fail(f"{where} takes null" + (", true or false" if attribute.kind == "boolean" else ""))
        return
    if op in PATTERNS and attribute.kind != "string":
        raise _fail(f"{op} applies to text fields only, not '{attribute.name}'")
    values = value if op in MEMBERSHIP else [value]
    if not isinstance(values, list):
        raise _fail(f"{where} takes an array of values")
    for item in values:
        if item is None:
            if op in {"eq", "ne"}:
                continue  # SQL's IS NULL / IS NOT NULL, as SQLAlchemy writes them.
            raise _fail(f"{where}: a value is required")
        problem = attribute.kind_problem(item)
        if problem:
            raise _fail(f"{where}: {problem}")
        if op in PATTERNS and _ends_in_escape(item):
            raise _fail(f"{where}: a pattern cannot end with the escape character \\ (write \\\\ for a backslash)")


def _ends_in_escape(pattern: str) -> bool:
    """Whether the pattern ends in an unpaired backslash, LIKE's escape, which PostgreSQL refuses (22025)."""
    return (len(pattern) - len(pattern.rstrip("\\"))) % 2 == 1
