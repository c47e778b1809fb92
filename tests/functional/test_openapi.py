"""``openapi.yaml`` describes the whole API: valid OpenAPI 3.1, every route of the app, the real page schema."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from app import app
from chalicelib.pages import PAGE
from tests.conftest import REPO

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return yaml.safe_load((REPO / "openapi.yaml").read_text(encoding="utf-8"))


def shape(path: str) -> str:
    """The path with its parameters unnamed: ``/v1/pages/{page_id}`` and ``/v1/pages/{id}`` are one route."""
    return re.sub(r"\{[^}]+\}", "{}", path)


def test_openapi_document_is_valid_openapi_3_1(spec):
    assert spec["openapi"].startswith("3.1.")

    validate(spec)  # resolves every $ref and checks the whole document against the 3.1 schema


def test_every_route_of_the_app_is_described(spec):
    described = {
        (shape(path), method.upper())
        for path, item in spec["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }
    routes = {(shape(path), method) for path, methods in app.routes.items() for method in methods}

    assert routes - described == set()


def test_every_operation_answers_errors_as_documents(spec):
    operations = [
        operation for item in spec["paths"].values() for method, operation in item.items() if method in HTTP_METHODS
    ]
    error_responses = [
        response
        for operation in operations
        for status, response in operation["responses"].items()
        if status.startswith("4")
    ]

    assert all(response["$ref"].startswith("#/components/responses/") for response in error_responses)


def test_page_schema_matches_the_resource_declaration(spec):
    documented = spec["components"]["schemas"]["PageAttributes"]["properties"]

    assert list(documented) == [attribute.name for attribute in PAGE.attributes]
    for attribute in PAGE.attributes:
        assert documented[attribute.name].get("maxLength") == attribute.max_length, attribute.name
