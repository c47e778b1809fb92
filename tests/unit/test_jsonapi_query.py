"""Reading a list's query string: sort, filter, pagination and sparse fieldsets."""

from __future__ import annotations

import json

import pytest

from chalicelib.errors import BadRequest
from chalicelib.jsonapi import Attribute, ListQuery, PageRequest, ResourceType, pagination_links, parse_list_query
from chalicelib.jsonapi.filters import MAX_CONDITIONS, MAX_DEPTH, Condition, Junction, Negation

THING = ResourceType(
    type="thing",
    path="/v1/things",
    attributes=(
        Attribute("name"),
        Attribute("rank", kind="integer"),
        Attribute("secret-code", readable=False),
        Attribute("enabled", kind="boolean"),
    ),
)


def parse(**params: str) -> ListQuery:
    return parse_list_query({name: [value] for name, value in params.items()}, THING)


def rejected(parameter: str, **params: str) -> BadRequest:
    with pytest.raises(BadRequest) as raised:
        parse(**params)
    assert raised.value.parameter == parameter
    return raised.value


def test_defaults_are_first_page_of_twenty_in_id_order():
    query = parse()

    assert (query.sort, query.filter, query.page, query.fields) == ((), None, PageRequest(20, 1), None)


def test_sort_takes_several_keys_with_minus_for_descending():
    query = parse(sort="rank,-name,id")

    assert [(key.attribute.field, key.descending) for key in query.sort] == [
        ("rank", False),
        ("name", True),
        ("id", False),
    ]


@pytest.mark.parametrize(
    "sort",
    ["colour", "secret-code", "rank,", "", "--rank"],
    ids=["unknown", "write-only", "trailing-comma", "empty", "double-minus"],
)
def test_sort_by_an_unknown_field_is_400(sort):
    rejected("sort", sort=sort)


def test_filter_parses_nested_junctions_and_negation():
    raw = [
        {"name": "name", "op": "eq", "val": "a"},
        {"or": [{"name": "rank", "op": "lt", "val": 3}, {"not": {"name": "enabled", "op": "is_", "val": None}}]},
    ]

    tree = parse(filter=json.dumps(raw)).filter

    assert isinstance(tree, Junction) and tree.kind == "and"
    first, second = tree.parts
    assert first == Condition(THING.attribute("name"), "eq", "a")  # type: ignore[arg-type]
    assert isinstance(second, Junction) and second.kind == "or"
    assert isinstance(second.parts[1], Negation)


@pytest.mark.parametrize(
    "op,val",
    [
        ("eq", "a"),
        ("ne", None),
        ("lt", "b"),
        ("le", "b"),
        ("gt", "b"),
        ("ge", "b"),
        ("in_", ["a", "b"]),
        ("notin_", []),
        ("like", "a%"),
        ("ilike", "A%"),
        ("is_", None),
        ("isnot", None),
    ],
    ids=lambda value: str(value),
)
def test_filter_accepts_every_operator(op, val):
    tree = parse(filter=json.dumps([{"name": "name", "op": op, "val": val}])).filter

    assert tree == Junction("and", (Condition(THING.attribute("name"), op, val),))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        '{"name": "name", "op": "eq", "val": "a"}',
        '[{"name": "colour", "op": "eq", "val": "red"}]',
        '[{"name": "secret-code", "op": "eq", "val": "x"}]',
        '[{"name": "name", "op": "between", "val": "a"}]',
        '[{"name": "name", "op": "__class__", "val": "a"}]',
        '[{"name": "name", "op": "eq"}]',
        '[{"name": "name", "op": "eq", "val": "a", "field": "rank"}]',
        '[{"name": "rank", "op": "eq", "val": "one"}]',
        '[{"name": "rank", "op": "gt", "val": 99999999999}]',
        '[{"name": "rank", "op": "like", "val": "1%"}]',
        '[{"name": "name", "op": "in_", "val": "a"}]',
        '[{"name": "name", "op": "in_", "val": ["a", null]}]',
        '[{"name": "name", "op": "is_", "val": "a"}]',
        '[{"or": {"name": "name", "op": "eq", "val": "a"}}]',
        '[{"and": [], "or": []}]',
        "[1]",
        '[{"name": "name", "op": "eq", "val": "a\\u0000"}]',
        "[" * 5000 + "]" * 5000,
        json.dumps([{"not": {"not": {"not": {"not": {"not": {"not": {"not": {"not": {"not": []}}}}}}}}}]),
        json.dumps([{"name": "rank", "op": "eq", "val": 1}] * (MAX_CONDITIONS + 1)),
    ],
    ids=[
        "not-json",
        "not-an-array",
        "unknown-field",
        "write-only-field",
        "unknown-operator",
        "dunder-operator",
        "missing-value",
        "extra-member",
        "wrong-value-type",
        "out-of-range",
        "like-on-integer",
        "in-without-array",
        "in-with-null",
        "is-with-a-string",
        "or-without-array",
        "ambiguous-junction",
        "not-a-condition",
        "nul-character",
        "too-long",
        "too-deep",
        "too-many-conditions",
    ],
)
def test_bad_filter_is_400_on_the_filter_parameter(raw):
    rejected("filter", filter=raw)


def test_filter_depth_limit_is_the_documented_one():
    nested: object = {"name": "rank", "op": "eq", "val": 1}
    for _ in range(MAX_DEPTH - 1):
        nested = {"not": nested}

    assert parse(filter=json.dumps([nested])).filter is not None


def test_is_accepts_booleans_on_boolean_fields():
    assert parse(filter='[{"name": "enabled", "op": "is_", "val": true}]').filter is not None


@pytest.mark.parametrize(
    "params,expected",
    [({"page[size]": "0"}, PageRequest(0, 1)), ({"page[size]": "5", "page[number]": "3"}, PageRequest(5, 3))],
    ids=["size-zero-is-all", "size-and-number"],
)
def test_page_parameters(params, expected):
    assert parse(**params).page == expected


@pytest.mark.parametrize(
    "parameter,value",
    [
        ("page[size]", "-1"),
        ("page[size]", "ten"),
        ("page[number]", "0"),
        ("page[number]", "1.5"),
        ("page[number]", "99999999"),
    ],
    ids=["negative-size", "word", "number-zero", "fraction", "huge"],
)
def test_bad_page_parameter_is_400(parameter, value):
    rejected(parameter, **{parameter: value})


def test_sparse_fieldset_keeps_named_readable_fields():
    assert parse(**{"fields[thing]": "name, rank"}).fields == frozenset({"name", "rank"})


@pytest.mark.parametrize("value", ["colour", "secret-code"], ids=["unknown", "write-only"])
def test_sparse_fieldset_with_unknown_field_is_400(value):
    rejected("fields[thing]", **{"fields[thing]": value})


def test_include_is_400_because_there_are_no_compound_documents():
    rejected("include", include="event")


def test_repeated_parameter_is_400():
    with pytest.raises(BadRequest) as raised:
        parse_list_query({"sort": ["name", "rank"]}, THING)

    assert raised.value.parameter == "sort"


def query_with(size: int, number: int, **params: str) -> ListQuery:
    pairs = (*params.items(), ("page[size]", str(size)), ("page[number]", str(number)))
    return ListQuery(page=PageRequest(size, number), params=tuple(pairs))


@pytest.mark.parametrize(
    "size,number,count,expected",
    [
        (2, 1, 0, {"first": 1, "last": 1, "prev": None, "next": None}),
        (2, 1, 5, {"first": 1, "last": 3, "prev": None, "next": 2}),
        (2, 2, 5, {"first": 1, "last": 3, "prev": 1, "next": 3}),
        (2, 3, 5, {"first": 1, "last": 3, "prev": 2, "next": None}),
        (2, 3, 4, {"first": 1, "last": 2, "prev": 2, "next": None}),
        (2, 9, 5, {"first": 1, "last": 3, "prev": 3, "next": None}),
    ],
    ids=["empty", "first-page", "middle-page", "last-page", "exactly-full-last-page", "past-the-end"],
)
def test_pagination_links_by_page_number(size, number, count, expected):
    links = pagination_links("/v1/things", query_with(size, number, sort="-name"), count)

    def url(page: int | None) -> str | None:
        return None if page is None else f"/v1/things?sort=-name&page[size]={size}&page[number]={page}"

    assert links == {"self": url(number), **{name: url(page) for name, page in expected.items()}}


def test_pagination_links_for_size_zero_are_one_page():
    query = ListQuery(page=PageRequest(0, 1), params=(("page[size]", "0"),))

    links = pagination_links("/v1/things", query, 50)

    assert links == {
        "self": "/v1/things?page[size]=0",
        "first": "/v1/things?page[size]=0",
        "last": "/v1/things?page[size]=0",
        "prev": None,
        "next": None,
    }


def test_links_percent_encode_the_filter_but_keep_brackets_readable():
    query = ListQuery(page=PageRequest(20, 1), params=(("filter", '[{"name": "a+b"}]'),))

    links = pagination_links("/v1/things", query, 1)

    assert links["self"] == "/v1/things?filter=[%7B%22name%22%3A%20%22a%2Bb%22%7D]"
    assert links["next"] is None


def test_a_filter_operator_that_is_not_a_string_is_400_on_filter():
    with pytest.raises(BadRequest) as refused:
        parse_list_query({"filter": ['[{"name": "id", "op": ["eq"], "val": 1}]']}, THING)

    assert refused.value.parameter == "filter"
