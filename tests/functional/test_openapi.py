"""``openapi.yaml`` describes the whole API: valid OpenAPI 3.1, every route of the app, the real page schema."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from app import app
from chalicelib.exports.formats.registry import FORMATS
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


def _enums(spec: dict[str, Any], path: str, method: str) -> list[set[str]]:
    """The enums of ``path``'s path parameters for ``method`` (declared on the operation), in order."""
    declared = spec["paths"][path][method].get("parameters", [])
    parameters = {parameter.get("name"): parameter for parameter in declared if "name" in parameter}
    names = [name for name in re.findall(r"\{([^}]+)\}", path) if name != "event"]
    return [set(parameters[name]["schema"]["enum"]) for name in names]


def _split(names: set[str]) -> list[set[str]]:
    return [{name.split("/")[0] for name in names}, {name.split("/")[1] for name in names}]


def test_the_export_paths_enumerate_exactly_the_registrys_formats(spec):
    """The export paths follow from the registry (its tables and their forms): each operation's
    enums are the names of the formats it reaches by its method, every combination of them a format
    (a request the description allows is never refused), the literal paths are formats of their
    method, and the documented query parameters are the formats' options."""
    prefix = "/v1/events/{event}/export/"
    events = {name: fmt for name, fmt in FORMATS.items() if not fmt.site_wide}
    literal = {
        path.removeprefix(prefix): item
        for path, item in spec["paths"].items()
        if path.startswith(prefix) and "{" not in path[len(prefix) :]
    }
    for name, item in literal.items():
        assert name in events and set(item) & HTTP_METHODS == {"post" if events[name].parse_body else "get"}, name
    got = {name for name, fmt in events.items() if fmt.parse_body is None and name not in literal}
    posted = {name for name, fmt in events.items() if fmt.parse_body is not None and name not in literal}
    site = {name.removeprefix("admin/") for name, fmt in FORMATS.items() if fmt.site_wide}

    pairs, singles = prefix + "{kind}/{variant}", prefix + "{format_name}"
    for method, names in (("get", got), ("post", posted)):
        kinds, variants = _enums(spec, pairs, method)
        assert {f"{kind}/{variant}" for kind in kinds for variant in variants} == {n for n in names if "/" in n}
        assert _enums(spec, singles, method) == [{name for name in names if "/" not in name}]
    kinds, variants = _enums(spec, "/v1/admin/export/{kind}/{variant}", "post")
    assert {f"{kind}/{variant}" for kind in kinds for variant in variants} == site
    documented = {parameter["name"] for parameter in spec["paths"][pairs]["get"]["parameters"]}
    assert documented - {"kind", "variant"} == {
        option for name in got if "/" in name for option in FORMATS[name].options
    }
