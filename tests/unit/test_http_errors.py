"""The HTTP boundary: error documents, the Authorization header, JSON bodies. No I/O."""

from __future__ import annotations

import json

import pytest

from chalicelib.errors import BadRequest, NotFound, ValidationError, error_document
from chalicelib.http import api_errors, bearer_token, json_body


class FakeRequest:
    def __init__(self, headers: dict[str, str] | None = None, raw_body: bytes = b""):
        self.headers = headers or {}
        self.raw_body = raw_body


def test_error_document_carries_status_title_detail_and_source():
    document = error_document(ValidationError("place must be footer or event", pointer="/data/attributes/place"))

    assert document == {
        "errors": [
            {
                "status": "422",
                "title": "Unprocessable entity",
                "detail": "place must be footer or event",
                "source": {"pointer": "/data/attributes/place"},
            }
        ],
        "jsonapi": {"version": "1.0"},
    }


def test_query_parameter_errors_point_at_the_parameter():
    assert BadRequest("bad sort", parameter="sort").to_error_object()["source"] == {"parameter": "sort"}


def test_api_errors_turns_an_app_error_into_its_status():
    @api_errors
    def view():  # type: ignore[no-untyped-def]
        raise NotFound("Event 'x' not found")

    response = view()

    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/vnd.api+json"
    assert response.body["errors"][0]["detail"] == "Event 'x' not found"


def test_api_errors_hides_unexpected_failures_behind_a_bare_500():
    @api_errors
    def view():  # type: ignore[no-untyped-def]
        raise RuntimeError("password=hunter2 in a stack trace")

    response = view()

    assert response.status_code == 500
    assert "hunter2" not in json.dumps(response.body)


@pytest.mark.parametrize(
    "header,expected",
    [
        (None, None),
        ("JWT abc.def.ghi", "abc.def.ghi"),
        ("Bearer abc", "abc"),
        ("bearer  abc ", "abc"),
        ("Basic xyz", ""),
        ("JWT", ""),
    ],
    ids=["absent", "jwt", "bearer", "lowercase-spaces", "other-scheme", "no-token"],
)
def test_bearer_token_accepts_jwt_and_bearer_schemes(header, expected):
    headers = {} if header is None else {"authorization": header}

    assert bearer_token(FakeRequest(headers)) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", [b"", b"{", b"\xff\xfe"], ids=["empty", "truncated", "not-utf8"])
def test_json_body_rejects_what_is_not_json(raw):
    with pytest.raises(BadRequest):
        json_body(FakeRequest(raw_body=raw))  # type: ignore[arg-type]
