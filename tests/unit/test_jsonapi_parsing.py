"""Reading resource documents: statuses and pointers for every way a body can be wrong."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.errors import AppError
from chalicelib.jsonapi import Attribute, Relationship, ResourceType, parse_resource

THING = ResourceType(
    type="thing",
    path="/v1/things",
    attributes=(
        Attribute("name", required=True, nullable=False, max_length=5),
        Attribute("colour", choices=("red", "blue")),
        Attribute("rank", kind="integer", nullable=False, default=0),
        Attribute("secret-code", readable=False),
        Attribute("public-key", writable=False),
        Attribute("enabled", kind="boolean"),
    ),
    relationships=(Relationship("event", type="event", field="event_id", required=True),),
)
EVENT = {"event": {"data": {"type": "event", "id": "7"}}}


def document(attributes: dict[str, Any], **data: Any) -> dict[str, Any]:
    return {"data": {"type": "thing", "attributes": attributes, "relationships": EVENT, **data}}


def error_of(body: Any, resource_id: str | None = None) -> AppError:
    with pytest.raises(AppError) as raised:
        parse_resource(body, THING, resource_id=resource_id)
    return raised.value


def test_creation_maps_dasherized_names_to_fields_and_fills_defaults():
    parsed = parse_resource(document({"name": "Ada", "secret-code": "ac_1"}), THING)

    assert parsed.attributes == {"name": "Ada", "secret_code": "ac_1", "rank": 0}
    assert parsed.relationships == {"event": "7"}


def test_update_keeps_only_what_was_sent():
    parsed = parse_resource(document({"colour": None}, id="3"), THING, resource_id="3")

    assert parsed.attributes == {"colour": None}


def test_read_only_attributes_are_ignored_as_ember_data_sends_them():
    parsed = parse_resource(document({"name": "Ada", "public-key": "pk_1"}), THING)

    assert "public_key" not in parsed.attributes


@pytest.mark.parametrize(
    "body,status,pointer",
    [
        ([], 400, ""),
        ({"meta": {}}, 400, "/data"),
        ({"data": []}, 400, "/data"),
        ({"data": {"attributes": {"name": "x"}}}, 400, "/data/type"),
        (document({"name": "x"}, type="page"), 409, "/data/type"),
        (document({"name": "x"}, id="1"), 403, "/data/id"),
        (document([]), 400, "/data/attributes"),
        (document({"name": "x", "size": 1}), 422, "/data/attributes/size"),
        (document({}), 422, "/data/attributes/name"),
        (document({"name": None}), 422, "/data/attributes/name"),
        (document({"name": "  "}), 422, "/data/attributes/name"),
        (document({"name": "toolong"}), 422, "/data/attributes/name"),
        (document({"name": 5}), 422, "/data/attributes/name"),
        (document({"name": "a\x00b"}), 422, "/data/attributes/name"),
        (document({"name": "x", "colour": "green"}), 422, "/data/attributes/colour"),
        (document({"name": "x", "rank": "1"}), 422, "/data/attributes/rank"),
        (document({"name": "x", "rank": 1.5}), 422, "/data/attributes/rank"),
        (document({"name": "x", "rank": True}), 422, "/data/attributes/rank"),
        (document({"name": "x", "rank": 2**31}), 422, "/data/attributes/rank"),
        (document({"name": "x", "rank": None}), 422, "/data/attributes/rank"),
        (document({"name": "x", "enabled": "yes"}), 422, "/data/attributes/enabled"),
    ],
    ids=[
        "not-an-object",
        "no-data",
        "data-not-an-object",
        "no-type",
        "other-type",
        "client-generated-id",
        "attributes-not-an-object",
        "unknown-attribute",
        "missing-required",
        "null-required",
        "blank-required",
        "too-long",
        "string-expected",
        "nul-character",
        "not-a-choice",
        "integer-as-string",
        "float",
        "boolean-as-integer",
        "integer-out-of-range",
        "null-not-nullable",
        "boolean-expected",
    ],
)
def test_creation_problems_have_status_and_pointer(body, status, pointer):
    error = error_of(body)

    assert (error.status, error.pointer) == (status, pointer)


@pytest.mark.parametrize(
    "data,status",
    [({}, 400), ({"id": "4"}, 409), ({"id": True}, 400), ({"id": 3}, None), ({"id": "3"}, None)],
    ids=["missing", "mismatch", "boolean", "integer-accepted", "string"],
)
def test_update_checks_data_id_against_the_url(data, status):
    body = {"data": {"type": "thing", "attributes": {}, **data}}

    if status is None:
        assert parse_resource(body, THING, resource_id="3").attributes == {}
    else:
        assert (error_of(body, "3").status, error_of(body, "3").pointer) == (status, "/data/id")


@pytest.mark.parametrize(
    "relationships,status,pointer",
    [
        ({}, 422, "/data/relationships/event"),
        ({"event": {"data": None}}, 400, "/data/relationships/event"),
        ({"event": {"data": {"type": "user", "id": "7"}}}, 409, "/data/relationships/event/data/type"),
        ({"event": {"data": {"type": "event"}}}, 400, "/data/relationships/event/data/id"),
        ({"track": {"data": {"type": "track", "id": "1"}}}, 422, "/data/relationships/track"),
        ([], 400, "/data/relationships"),
    ],
    ids=["missing-required", "null-linkage", "wrong-type", "no-id", "unknown", "not-an-object"],
)
def test_relationship_problems_have_status_and_pointer(relationships, status, pointer):
    body = {"data": {"type": "thing", "attributes": {"name": "x"}, "relationships": relationships}}

    error = error_of(body)

    assert (error.status, error.pointer) == (status, pointer)


def test_relationship_id_may_be_a_number():
    body = {
        "data": {
            "type": "thing",
            "attributes": {"name": "x"},
            "relationships": {"event": {"data": {"type": "event", "id": 7}}},
        }
    }

    assert parse_resource(body, THING).relationships == {"event": "7"}


def test_pointer_to_an_unknown_name_with_a_slash_is_escaped():
    error = error_of(document({"name": "x", "a/b~c": 1}))

    assert error.pointer == "/data/attributes/a~1b~0c"


def test_an_integer_sent_as_a_json_number_with_a_zero_fraction_is_that_integer():
    body = document({"name": "x", "rank": 3.0})

    assert parse_resource(body, THING).attributes["rank"] == 3
