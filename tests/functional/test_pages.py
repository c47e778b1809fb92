"""The ``page`` resource: GET /v1/pages, POST /v1/pages, GET|PATCH|DELETE /v1/pages/{id}."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest

from chalicelib.db import transaction
from chalicelib.models import Page
from tests.functional.http_helpers import auth_headers, body_of

MEDIA_TYPE = "application/vnd.api+json"
JSONAPI = {"version": "1.0"}
HOW_IT_WORKS = {
    "name": "How it works",
    "title": "How it works",
    "url": "how-it-works",
    "description": "How it works",
    "place": "footer",
    "language": "English",
    "index": 0,
}


def add_pages(*pages: dict[str, Any]) -> list[int]:
    with transaction() as session:
        rows = [Page(**{"url": page["name"].lower(), **page}) for page in pages]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def page_document(attributes: dict[str, Any], **data: Any) -> str:
    return json.dumps({"data": {"type": "page", "attributes": attributes, **data}})


@pytest.fixture
def admin(factory) -> dict[str, str]:
    return auth_headers(factory.token(factory.user(admin=True)), **{"Content-Type": MEDIA_TYPE, "Accept": MEDIA_TYPE})


@pytest.fixture
def someone(factory) -> dict[str, str]:
    return auth_headers(factory.token(factory.user()), **{"Content-Type": MEDIA_TYPE})


def names(response: Any) -> list[str]:
    return [resource["attributes"]["name"] for resource in body_of(response)["data"]]


def get(client, path: str, **params: str) -> Any:
    query = "&".join(f"{quote(name, safe='[]')}={quote(value, safe='')}" for name, value in params.items())
    return client.http.get(f"{path}?{query}" if query else path, headers={"Accept": MEDIA_TYPE})


# Reading


def test_list_is_public_and_shaped_like_open_event(client):
    (page_id,) = add_pages(HOW_IT_WORKS)

    response = get(client, "/v1/pages")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == MEDIA_TYPE
    document = body_of(response)
    assert document["meta"] == {"count": 1}
    assert document["jsonapi"] == JSONAPI
    assert document["data"] == [
        {"type": "page", "id": str(page_id), "attributes": HOW_IT_WORKS, "links": {"self": f"/v1/pages/{page_id}"}}
    ]
    assert document["links"]["self"] == "/v1/pages"


def test_list_sorts_by_several_keys(client):
    add_pages(
        {"name": "B", "index": 1}, {"name": "A", "index": 1}, {"name": "C", "index": 0}, {"name": "D", "index": 2}
    )

    response = get(client, "/v1/pages", sort="index,-name")

    assert names(response) == ["C", "B", "A", "D"]


@pytest.mark.parametrize(
    "sort", ["colour", "name;DROP TABLE pages", "index,"], ids=["unknown", "injection", "empty-key"]
)
def test_list_with_a_bad_sort_is_400(client, sort):
    response = get(client, "/v1/pages", sort=sort)

    assert response.status_code == 400
    assert body_of(response)["errors"][0]["source"] == {"parameter": "sort"}


@pytest.mark.parametrize(
    "condition,expected",
    [
        ({"name": "place", "op": "eq", "val": "footer"}, ["Terms", "Privacy"]),
        ({"name": "place", "op": "ne", "val": "footer"}, ["Venue"]),
        ({"name": "place", "op": "eq", "val": None}, ["Draft"]),
        ({"name": "index", "op": "lt", "val": 2}, ["Terms", "Draft"]),
        ({"name": "index", "op": "le", "val": 2}, ["Terms", "Privacy", "Draft"]),
        ({"name": "index", "op": "gt", "val": 2}, ["Venue"]),
        ({"name": "index", "op": "ge", "val": 2}, ["Privacy", "Venue"]),
        ({"name": "name", "op": "in_", "val": ["Venue", "Terms"]}, ["Terms", "Venue"]),
        ({"name": "name", "op": "notin_", "val": ["Venue", "Terms"]}, ["Privacy", "Draft"]),
        ({"name": "url", "op": "like", "val": "p%"}, ["Privacy"]),
        ({"name": "name", "op": "ilike", "val": "%E%"}, ["Terms", "Venue"]),
        ({"name": "place", "op": "is_", "val": None}, ["Draft"]),
        ({"name": "place", "op": "isnot", "val": None}, ["Terms", "Privacy", "Venue"]),
        ({"name": "id", "op": "eq", "val": 1}, ["Terms"]),
        ({"name": "name", "op": "eq", "val": "x' OR '1'='1"}, []),
    ],
    ids=lambda value: value["op"] + ":" + json.dumps(value["val"]) if isinstance(value, dict) else None,
)
def test_list_filters_with_every_operator(client, condition, expected):
    add_pages(
        {"name": "Terms", "place": "footer", "index": 1, "url": "terms"},
        {"name": "Privacy", "place": "footer", "index": 2, "url": "privacy"},
        {"name": "Venue", "place": "event", "index": 3, "url": "venue"},
        {"name": "Draft", "place": None, "index": 0, "url": "draft"},
    )

    response = get(client, "/v1/pages", filter=json.dumps([condition]), sort="id")

    assert response.status_code == 200
    assert names(response) == expected
    assert body_of(response)["meta"] == {"count": len(expected)}


def test_list_filters_nest_or_and_not(client):
    add_pages(
        {"name": "Terms", "place": "footer", "index": 1},
        {"name": "Privacy", "place": "footer", "index": 2},
        {"name": "Venue", "place": "event", "index": 3},
        {"name": "Draft", "place": None, "index": 0},
    )
    tree = [
        {
            "or": [
                {"name": "place", "op": "eq", "val": "event"},
                {"and": [{"name": "place", "op": "eq", "val": "footer"}, {"name": "index", "op": "gt", "val": 1}]},
            ]
        },
        {"not": {"name": "name", "op": "eq", "val": "Venue"}},
    ]

    response = get(client, "/v1/pages", filter=json.dumps(tree))

    assert names(response) == ["Privacy"]


@pytest.mark.parametrize(
    "raw",
    [
        '[{"name": "colour", "op": "eq", "val": "red"}]',
        '[{"name": "name", "op": "startswith", "val": "a"}]',
        '[{"name": "index", "op": "eq", "val": "one"}]',
        "{not json",
    ],
    ids=["unknown-field", "unknown-operator", "wrong-value-type", "malformed-json"],
)
def test_list_with_a_bad_filter_is_400(client, raw):
    response = get(client, "/v1/pages", filter=raw)

    assert response.status_code == 400
    assert body_of(response)["errors"][0]["source"] == {"parameter": "filter"}


def test_list_of_nothing_is_empty_with_one_page(client):
    response = get(client, "/v1/pages")

    document = body_of(response)
    assert (document["data"], document["meta"]) == ([], {"count": 0})
    assert document["links"]["last"] == "/v1/pages?page[size]=20&page[number]=1"
    assert (document["links"]["prev"], document["links"]["next"]) == (None, None)


def test_list_defaults_to_twenty_per_page(client):
    add_pages(*({"name": f"P{number:02d}", "index": number} for number in range(25)))

    document = body_of(get(client, "/v1/pages", sort="index"))

    assert len(document["data"]) == 20
    assert document["meta"] == {"count": 25}
    assert document["links"]["next"] == "/v1/pages?sort=index&page[size]=20&page[number]=2"


def test_list_last_page_holds_the_rest(client):
    add_pages(*({"name": f"P{number}", "index": number} for number in range(5)))

    document = body_of(get(client, "/v1/pages", sort="index", **{"page[size]": "2", "page[number]": "3"}))

    assert [page["attributes"]["name"] for page in document["data"]] == ["P4"]
    assert document["links"] == {
        "self": "/v1/pages?sort=index&page[size]=2&page[number]=3",
        "first": "/v1/pages?sort=index&page[size]=2&page[number]=1",
        "last": "/v1/pages?sort=index&page[size]=2&page[number]=3",
        "prev": "/v1/pages?sort=index&page[size]=2&page[number]=2",
        "next": None,
    }


def test_list_past_the_end_is_empty_and_points_back(client):
    add_pages(*({"name": f"P{number}"} for number in range(3)))

    document = body_of(get(client, "/v1/pages", **{"page[size]": "2", "page[number]": "7"}))

    assert (document["data"], document["meta"]) == ([], {"count": 3})
    assert document["links"]["prev"] == "/v1/pages?page[size]=2&page[number]=2"


def test_list_with_size_zero_returns_everything(client):
    add_pages(*({"name": f"P{number}"} for number in range(23)))

    document = body_of(get(client, "/v1/pages", **{"page[size]": "0"}))

    assert len(document["data"]) == 23
    assert document["links"]["next"] is None


@pytest.mark.parametrize(
    "parameter,value",
    [("page[size]", "-1"), ("page[number]", "0"), ("page[number]", "x")],
    ids=["negative-size", "page-zero", "not-a-number"],
)
def test_list_with_bad_pagination_is_400(client, parameter, value):
    response = get(client, "/v1/pages", **{parameter: value})

    assert response.status_code == 400
    assert body_of(response)["errors"][0]["source"] == {"parameter": parameter}


def test_sparse_fieldsets_limit_attributes_in_lists_and_details(client):
    (page_id,) = add_pages(HOW_IT_WORKS)

    listed = body_of(get(client, "/v1/pages", **{"fields[page]": "name,url"}))
    detail = body_of(get(client, f"/v1/pages/{page_id}", **{"fields[page]": "index"}))

    assert listed["data"][0]["attributes"] == {"name": "How it works", "url": "how-it-works"}
    assert detail["data"]["attributes"] == {"index": 0}


def test_sparse_fieldset_with_unknown_field_is_400(client):
    response = get(client, "/v1/pages", **{"fields[page]": "name,secret"})

    assert response.status_code == 400
    assert body_of(response)["errors"][0]["source"] == {"parameter": "fields[page]"}


def test_detail_is_public(client):
    (page_id,) = add_pages(HOW_IT_WORKS)

    response = get(client, f"/v1/pages/{page_id}")

    assert response.status_code == 200
    assert body_of(response) == {
        "data": {
            "type": "page",
            "id": str(page_id),
            "attributes": HOW_IT_WORKS,
            "links": {"self": f"/v1/pages/{page_id}"},
        },
        "jsonapi": JSONAPI,
        "links": {"self": f"/v1/pages/{page_id}"},
    }


@pytest.mark.parametrize(
    "page_id",
    ["999", "abc", "1.5", "99999999999999999999", "%C2%B2"],
    ids=["unknown", "word", "fraction", "huge", "superscript-digit"],
)
def test_detail_of_an_unknown_page_is_404(client, page_id):
    add_pages(HOW_IT_WORKS)

    response = get(client, f"/v1/pages/{page_id}")

    assert response.status_code == 404
    assert body_of(response)["errors"][0]["status"] == "404"


# Writing


def test_create_answers_201_with_location(client, admin):
    response = client.http.post("/v1/pages", headers=admin, body=page_document({"name": "Terms", "url": "terms"}))

    assert response.status_code == 201
    document = body_of(response)
    page_id = document["data"]["id"]
    assert response.headers["Location"] == f"/v1/pages/{page_id}"
    assert document["data"]["attributes"] == {
        "name": "Terms",
        "title": None,
        "url": "terms",
        "description": None,
        "place": None,
        "language": None,
        "index": 0,
    }
    assert body_of(get(client, f"/v1/pages/{page_id}"))["data"] == document["data"]


@pytest.mark.parametrize(
    "attributes,pointer",
    [
        ({"url": "terms"}, "/data/attributes/name"),
        ({"name": "", "url": "terms"}, "/data/attributes/name"),
        ({"name": "Terms"}, "/data/attributes/url"),
        ({"name": "Terms", "url": "terms", "place": "header"}, "/data/attributes/place"),
        ({"name": "Terms", "url": "terms", "index": "first"}, "/data/attributes/index"),
        ({"name": "T" * 256, "url": "terms"}, "/data/attributes/name"),
        ({"name": "Terms", "url": "terms", "language": "x" * 65}, "/data/attributes/language"),
        ({"name": "Terms", "url": "terms", "colour": "red"}, "/data/attributes/colour"),
    ],
    ids=[
        "no-name",
        "empty-name",
        "no-url",
        "bad-place",
        "index-not-integer",
        "name-too-long",
        "language-too-long",
        "unknown-attribute",
    ],
)
def test_create_with_a_bad_attribute_is_422_with_pointer(client, admin, attributes, pointer):
    response = client.http.post("/v1/pages", headers=admin, body=page_document(attributes))

    assert response.status_code == 422
    assert body_of(response)["errors"][0]["source"] == {"pointer": pointer}


@pytest.mark.parametrize(
    "body,status",
    [
        (json.dumps({"data": {"type": "pages", "attributes": {"name": "T", "url": "t"}}}), 409),
        (page_document({"name": "T", "url": "t"}, id="5"), 403),
        ("{not json", 400),
        ("", 400),
        (json.dumps({"name": "T", "url": "t"}), 400),
    ],
    ids=["wrong-type", "client-generated-id", "malformed-json", "empty-body", "not-a-document"],
)
def test_create_with_a_bad_document_is_an_error_document(client, admin, body, status):
    response = client.http.post("/v1/pages", headers=admin, body=body)

    assert response.status_code == status
    assert body_of(response)["jsonapi"] == JSONAPI
    assert body_of(response)["errors"][0]["status"] == str(status)


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/vnd.api+json; charset=utf-8", "text/plain"],
    ids=["json", "with-parameter", "text"],
)
def test_write_in_another_media_type_is_415(client, admin, content_type):
    (page_id,) = add_pages(HOW_IT_WORKS)
    headers = {**admin, "Content-Type": content_type}

    created = client.http.post("/v1/pages", headers=headers, body=page_document({"name": "T", "url": "t"}))
    updated = client.http.patch(f"/v1/pages/{page_id}", headers=headers, body=page_document({}, id=str(page_id)))

    assert (created.status_code, updated.status_code) == (415, 415)


@pytest.mark.parametrize(
    "accept", ["application/json", "application/vnd.api+json; ext=bulk", "text/html"], ids=["json", "extension", "html"]
)
def test_unacceptable_accept_is_406_on_reads_and_writes(client, admin, accept):
    read = client.http.get("/v1/pages", headers={"Accept": accept})
    write = client.http.post(
        "/v1/pages", headers={**admin, "Accept": accept}, body=page_document({"name": "T", "url": "t"})
    )

    assert (read.status_code, write.status_code) == (406, 406)
    assert body_of(read)["errors"][0]["status"] == "406"


def test_update_changes_only_the_attributes_sent(client, admin):
    (page_id,) = add_pages(HOW_IT_WORKS)

    response = client.http.patch(
        f"/v1/pages/{page_id}", headers=admin, body=page_document({"title": "How we work", "index": 4}, id=str(page_id))
    )

    assert response.status_code == 200
    assert body_of(response)["data"]["attributes"] == {**HOW_IT_WORKS, "title": "How we work", "index": 4}
    assert body_of(get(client, f"/v1/pages/{page_id}"))["data"]["attributes"]["title"] == "How we work"


@pytest.mark.parametrize(
    "resource,status,pointer",
    [
        ({"type": "page", "id": "999999", "attributes": {}}, 409, "/data/id"),  # JSON:API: 409
        ({"type": "page", "attributes": {}}, 400, "/data/id"),
        ({"type": "user", "id": "{id}", "attributes": {}}, 409, "/data/type"),
        ({"type": "page", "id": "{id}", "attributes": {"place": "sidebar"}}, 422, "/data/attributes/place"),
        ({"type": "page", "id": "{id}", "attributes": {"name": None}}, 422, "/data/attributes/name"),
    ],
    ids=["id-mismatch", "no-id", "wrong-type", "bad-place", "null-name"],
)
def test_update_with_a_bad_document_is_rejected(client, admin, resource, status, pointer):
    (page_id,) = add_pages(HOW_IT_WORKS)
    body = json.dumps({"data": resource}).replace("{id}", str(page_id))

    response = client.http.patch(f"/v1/pages/{page_id}", headers=admin, body=body)

    assert response.status_code == status
    assert body_of(response)["errors"][0]["source"] == {"pointer": pointer}
    assert body_of(get(client, f"/v1/pages/{page_id}"))["data"]["attributes"] == HOW_IT_WORKS


@pytest.mark.parametrize("page_id", ["999", "abc"], ids=["unknown", "not-an-integer"])
def test_update_or_delete_of_an_unknown_page_is_404(client, admin, page_id):
    updated = client.http.patch(f"/v1/pages/{page_id}", headers=admin, body=page_document({}, id=page_id))
    deleted = client.http.delete(f"/v1/pages/{page_id}", headers=admin)

    assert (updated.status_code, deleted.status_code) == (404, 404)


def test_delete_answers_the_open_event_message(client, admin):
    (page_id,) = add_pages(HOW_IT_WORKS)

    response = client.http.delete(f"/v1/pages/{page_id}", headers=admin)

    assert response.status_code == 200
    assert body_of(response) == {"meta": {"message": "Object successfully deleted"}, "jsonapi": JSONAPI}
    assert get(client, f"/v1/pages/{page_id}").status_code == 404


WRITES = [
    ("post", "/v1/pages", page_document({"name": "T", "url": "t"})),
    ("patch", "/v1/pages/{id}", page_document({"title": "x"}, id="{id}")),
    ("delete", "/v1/pages/{id}", None),
]


@pytest.mark.parametrize("method,path,body", WRITES, ids=["create", "update", "delete"])
def test_writes_without_a_token_are_401(client, method, path, body):
    (page_id,) = add_pages(HOW_IT_WORKS)
    path, body = path.format(id=page_id), body and body.replace("{id}", str(page_id))

    response = getattr(client.http, method)(path, headers={"Content-Type": MEDIA_TYPE}, body=body)

    assert response.status_code == 401
    assert body_of(response)["errors"][0]["status"] == "401"


@pytest.mark.parametrize("method,path,body", WRITES, ids=["create", "update", "delete"])
def test_writes_by_a_non_admin_are_403_and_change_nothing(client, someone, method, path, body):
    (page_id,) = add_pages(HOW_IT_WORKS)
    path, body = path.format(id=page_id), body and body.replace("{id}", str(page_id))

    response = getattr(client.http, method)(path, headers=someone, body=body)

    assert response.status_code == 403
    assert body_of(get(client, "/v1/pages"))["data"][0]["attributes"] == HOW_IT_WORKS


def test_round_trip_as_the_open_event_frontend_does_it(client, admin):
    # ember-data sends every attribute on create and on save, with nulls for the unset ones.
    record = {**HOW_IT_WORKS, "title": None, "description": None, "index": 1}
    created = client.http.post("/v1/pages", headers=admin, body=page_document(record))
    page_id = body_of(created)["data"]["id"]

    listed = get(client, "/v1/pages", sort="index", filter=json.dumps([{"name": "place", "op": "eq", "val": "footer"}]))
    record.update(title="How Open Event works", description="<p>Step by step</p>")
    saved = client.http.patch(f"/v1/pages/{page_id}", headers=admin, body=page_document(record, id=page_id))
    deleted = client.http.delete(f"/v1/pages/{page_id}", headers=admin)
    after = get(client, "/v1/pages")

    assert created.status_code == 201
    assert [resource["id"] for resource in body_of(listed)["data"]] == [page_id]
    assert body_of(saved)["data"]["attributes"] == record
    assert deleted.status_code == 200
    assert body_of(after)["meta"] == {"count": 0}
