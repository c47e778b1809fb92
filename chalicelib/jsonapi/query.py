"""The query string of a JSON:API list: ``sort``, ``filter``, ``page[size]``/``page[number]``, ``fields[type]``.

Names are checked against the resource's declaration; a bad one is a 400 whose ``source.parameter``
names the parameter. Strict, so that a typo is an answer rather than a silently different list: a
parameter given twice, an unknown one (``page``, ``page[foo]``, ``fields[other]``, ``include``: we
serve no compound documents) and a sort key given twice are refused. A route may accept ``flags``
of its clients (``true``/``false``), which this layer checks and otherwise ignores.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from chalicelib.errors import BadRequest
from chalicelib.jsonapi.filters import Filter, parse_filter
from chalicelib.jsonapi.resource import Attribute, ResourceType

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_NUMBER = 10**6

Params = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class SortKey:
    attribute: Attribute
    descending: bool


@dataclass(frozen=True)
class PageRequest:
    """``size`` 0 means every row on one page."""

    size: int = DEFAULT_PAGE_SIZE
    number: int = 1


@dataclass(frozen=True)
class ListQuery:
    """A parsed list request; ``params`` keeps the query string (in order) for the links."""

    sort: tuple[SortKey, ...] = ()
    filter: Filter | None = None
    page: PageRequest = PageRequest()
    fields: frozenset[str] | None = None
    params: tuple[tuple[str, str], ...] = ()


LIST_PARAMETERS = ("sort", "filter", "page[size]", "page[number]")


def parse_list_query(params: Params, resource: ResourceType, *, flags: Sequence[str] = ()) -> ListQuery:
    single = _checked(params, (*LIST_PARAMETERS, _fields_parameter(resource), *flags), flags)
    return ListQuery(
        sort=parse_sort(single["sort"], resource) if "sort" in single else (),
        filter=parse_filter(single["filter"], resource) if "filter" in single else None,
        page=PageRequest(
            size=_integer(single, "page[size]", DEFAULT_PAGE_SIZE, minimum=0),
            number=_integer(single, "page[number]", 1, minimum=1),
        ),
        fields=parse_fields(params, resource),
        params=tuple((name, value) for name, values in params.items() for value in values),
    )


def parse_item_query(params: Params, resource: ResourceType) -> frozenset[str] | None:
    """The sparse fieldset of a request for one resource, the only parameter it takes."""
    _checked(params, (_fields_parameter(resource),), ())
    return parse_fields(params, resource)


def _checked(params: Params, known: Sequence[str], flags: Sequence[str]) -> dict[str, str]:
    """Each parameter's one value: every parameter given once, known, and each flag true or false."""
    single = {name: _single(name, values) for name, values in params.items()}
    for name, value in single.items():
        if name == "include":
            raise BadRequest("Compound documents are not supported", parameter="include")
        if name not in known:
            raise BadRequest(f"Unknown query parameter; this route reads {', '.join(known)}", parameter=name)
        if name in flags and value not in ("true", "false"):
            raise BadRequest(f"'{name}' must be true or false", parameter=name)
    return single


def _fields_parameter(resource: ResourceType) -> str:
    return f"fields[{resource.type}]"


def _single(name: str, values: Sequence[str]) -> str:
    if len(values) != 1:
        raise BadRequest(f"'{name}' may be given only once", parameter=name)
    return values[0]


def parse_sort(raw: str, resource: ResourceType) -> tuple[SortKey, ...]:
    """``index,-name``: attributes in order of precedence, ``-`` for descending."""
    keys: list[SortKey] = []
    for entry in raw.split(","):
        name = entry.strip().removeprefix("-")
        attribute = resource.queryable(name)
        if attribute is None:
            known = ", ".join(["id", *resource.readable_names()])
            raise BadRequest(f"Cannot sort by {entry.strip()!r}: sort by one of {known}", parameter="sort")
        if any(key.attribute == attribute for key in keys):
            raise BadRequest(f"'{name}' appears twice in sort", parameter="sort")
        keys.append(SortKey(attribute, descending=entry.strip().startswith("-")))
    return tuple(keys)


def parse_fields(params: Params, resource: ResourceType) -> frozenset[str] | None:
    """The sparse fieldset for this resource's type, if asked (``fields[page]=name,url``); lists and details."""
    parameter = _fields_parameter(resource)
    if parameter not in params:
        return None
    raw = _single(parameter, params[parameter])
    names = frozenset(name.strip() for name in raw.split(",") if name.strip())
    known = {*resource.readable_names(), *(relationship.name for relationship in resource.relationships)}
    unknown = sorted(names - known)
    if unknown:
        raise BadRequest(f"Unknown fields {', '.join(unknown)}; known: {', '.join(sorted(known))}", parameter=parameter)
    return names


def _integer(single: Mapping[str, str], name: str, default: int, *, minimum: int) -> int:
    raw = single.get(name)
    if raw is None:
        return default
    digits = raw.strip()
    # ASCII digits, and no more of them than the maximum has: ``int`` refuses over 4,300 digits.
    readable = digits.isascii() and digits.isdigit() and len(digits) <= len(str(MAX_PAGE_NUMBER))
    if not readable or not minimum <= int(digits) <= MAX_PAGE_NUMBER:
        raise BadRequest(f"'{name}' must be an integer between {minimum} and {MAX_PAGE_NUMBER}", parameter=name)
    return int(digits)
