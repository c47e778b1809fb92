"""Every problem a client can cause on a JSON:API route leaves as an error document, never a 500."""

from __future__ import annotations

import pytest

from tests.functional.http_helpers import auth_headers, body_of

MEDIA_TYPE = "application/vnd.api+json"


@pytest.fixture
def admin(factory) -> dict[str, str]:
    return auth_headers(factory.token(factory.user(admin=True)), **{"Content-Type": MEDIA_TYPE})


def assert_error_document(response, status: int) -> dict:
    assert response.status_code == status
    assert response.headers["Content-Type"] == MEDIA_TYPE
    document = body_of(response)
    assert document["jsonapi"] == {"version": "1.0"}
    (error,) = document["errors"]
    assert error["status"] == str(status)
    assert error["title"] and error["detail"]
    return error


@pytest.mark.parametrize(
    "accept", ["application/xml", "image/png", "text/csv;q=1, */*;q=0"], ids=["xml", "image", "wildcard-refused"]
)
def test_unknown_accept_is_a_406_document(client, accept):
    response = client.http.get("/v1/pages", headers={"Accept": accept})

    assert_error_document(response, 406)


@pytest.mark.parametrize(
    "body",
    ["{not json", '{"data": ', b"\xff\xfe{}", "[" * 100_000],
    ids=["malformed", "truncated", "not-utf8", "nested-too-deep"],
)
def test_malformed_json_body_is_a_400_document(client, admin, body):
    response = client.http.post("/v1/pages", headers=admin, body=body)

    assert_error_document(response, 400)


def test_unsupported_media_type_is_a_415_document(client, admin):
    response = client.http.post(
        "/v1/pages", headers={**admin, "Content-Type": "application/x-www-form-urlencoded"}, body="a=b"
    )

    assert_error_document(response, 415)


def test_query_string_error_names_the_parameter(client):
    response = client.http.get("/v1/pages?include=author")

    assert assert_error_document(response, 400)["source"] == {"parameter": "include"}


def test_body_error_points_into_the_document(client, admin):
    response = client.http.post(
        "/v1/pages", headers=admin, body='{"data": {"type": "page", "attributes": {"url": "/a"}}}'
    )

    assert assert_error_document(response, 422)["source"] == {"pointer": "/data/attributes/name"}
