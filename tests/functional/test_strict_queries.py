"""Query strings are strict: a parameter given twice, an unknown one or a malformed list is a 400
whose ``source.parameter`` names it, never a silently different answer. The Open Event frontend's own
``cache`` and ``public`` flags on the page list are accepted (``true``/``false``)."""

from __future__ import annotations

import pytest

from tests.functional.http_helpers import auth_headers, body_of


def parameter_of(response) -> str:
    (error,) = body_of(response)["errors"]
    return error["source"]["parameter"]


@pytest.mark.parametrize(
    "path, query, parameter",
    [
        ("orders/csv", "status=completed&status=placed", "status"),
        ("orders/csv", "bom=true&bom=false", "bom"),
        ("orders/csv", "status=completed,,placed", "status"),
        ("orders/csv", "status=", "status"),
        ("orders/csv", "colour=blue", "colour"),
        ("orders/csv", "form=rfc6321", "form"),
        ("pentabarf", "form=rfc6321", "form"),
        ("ical", "form=conference", "form"),
        ("xcal", "form=rfc6321&form=conference", "form"),
        ("xcal", "bom=true", "bom"),
    ],
)
def test_a_bad_export_query_is_400_naming_the_parameter(client, one_order_event, path, query, parameter):
    event, token = one_order_event

    response = client.http.get(f"/v1/events/{event.identifier}/export/{path}?{query}", headers=auth_headers(token))

    assert response.status_code == 400
    assert parameter_of(response) == parameter


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("foo=bar", "foo"),
        ("page%5Bfoo%5D=1", "page[foo]"),
        ("fields%5Bother%5D=x", "fields[other]"),
        ("page=1", "page"),
        ("sort=id,id", "sort"),
        ("sort=index,-index", "sort"),
        ("sort=index&sort=name", "sort"),
        ("include=event", "include"),
        ("cache=yes", "cache"),
        ("public=1", "public"),
    ],
)
def test_a_bad_page_list_query_is_400_naming_the_parameter(client, query, parameter):
    response = client.http.get(f"/v1/pages?{query}")

    assert response.status_code == 400
    assert parameter_of(response) == parameter


def test_the_frontends_own_flags_on_the_page_list_are_accepted(client):
    response = client.http.get("/v1/pages?cache=true&public=true")

    assert response.status_code == 200


@pytest.mark.parametrize("query, parameter", [("foo=bar", "foo"), ("sort=name", "sort"), ("cache=true", "cache")])
def test_a_page_read_takes_only_a_sparse_fieldset(client, query, parameter):
    response = client.http.get(f"/v1/pages/1?{query}")

    assert response.status_code == 400
    assert parameter_of(response) == parameter


TASK = "/v1/tasks/00000000-0000-4000-8000-000000000000"
STRIPE_ITEM = "/v1/stripe-authorizations/1"


@pytest.mark.parametrize(
    "path, query, parameter",
    [
        (TASK, "foo=bar", "foo"),
        (TASK, "download=1&download=1", "download"),
        ("/v1/export-tasks/00000000-0000-4000-8000-000000000000", "foo=bar", "foo"),
        ("/v1/health", "verbose=true", "verbose"),
        (f"{STRIPE_ITEM}/relationships/event", "include=event", "include"),
        (STRIPE_ITEM, "foo=bar", "foo"),
        (STRIPE_ITEM, "fields%5Bstripe-authorization%5D=event&fields%5Bstripe-authorization%5D=event", None),
        ("/v1/events/any/stripe-authorization", "page=1", "page"),
        ("/v1/events/any/stripe-authorization", "fields%5Bstripe-authorization%5D=secret", None),
        ("/v1/events/any/stripe-authorization/connect-url", "state=x", "state"),
    ],
)
def test_a_get_route_refuses_an_unknown_or_repeated_query_parameter(client, factory, path, query, parameter):
    token = factory.token(factory.user(admin=True))

    response = client.http.get(f"{path}?{query}", headers=auth_headers(token))

    assert response.status_code == 400
    assert parameter_of(response) == (parameter or "fields[stripe-authorization]")
