"""Serializing resources: names, write-only attributes, sparse fieldsets, links, relationships."""

from __future__ import annotations

from types import SimpleNamespace

from chalicelib.jsonapi import Attribute, Relationship, ResourceType

THING = ResourceType(
    type="thing",
    path="/v1/things",
    attributes=(Attribute("display-name"), Attribute("secret-code", readable=False), Attribute("rank", kind="integer")),
    relationships=(Relationship("event", type="event", field="event_id"),),
)
ROW = SimpleNamespace(id=4, display_name="Ada", secret_code="ac_1", rank=2, event_id=9)


def test_serialize_uses_dasherized_names_and_hides_write_only_attributes():
    assert THING.serialize(ROW) == {
        "type": "thing",
        "id": "4",
        "attributes": {"display-name": "Ada", "rank": 2},
        "relationships": {
            "event": {"data": {"type": "event", "id": "9"}, "links": {"self": "/v1/things/4/relationships/event"}}
        },
        "links": {"self": "/v1/things/4"},
    }


def test_serialize_with_a_sparse_fieldset_keeps_only_those_fields():
    resource = THING.serialize(ROW, frozenset({"rank"}))

    assert resource == {"type": "thing", "id": "4", "attributes": {"rank": 2}, "links": {"self": "/v1/things/4"}}


def test_serialize_a_missing_relationship_as_null():
    row = SimpleNamespace(**{**vars(ROW), "event_id": None})

    assert THING.serialize(row)["relationships"]["event"]["data"] is None


def test_serialize_a_relationship_by_the_key_clients_know_with_its_related_link():
    keyed = ResourceType(
        type="thing",
        path="/v1/things",
        attributes=(),
        relationships=(Relationship("event", "event", "event_id", key="event.identifier", related="/v1/events/{id}"),),
    )
    row = SimpleNamespace(id=4, event_id=9, event=SimpleNamespace(identifier="fossasia-summit"))

    assert keyed.serialize(row)["relationships"]["event"] == {
        "data": {"type": "event", "id": "fossasia-summit"},
        "links": {"self": "/v1/things/4/relationships/event", "related": "/v1/events/fossasia-summit"},
    }


def test_field_names_default_to_underscored_attribute_names():
    assert THING.attribute("display-name").field == "display_name"  # type: ignore[union-attr]
    assert Attribute("x", field="y").field == "y"
