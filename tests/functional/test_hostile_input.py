"""No input breaks the service: text that is not text, ids too big for the database, numbers too long
to parse. Each is a 4xx naming the parameter or pointer, and none leaves a broken connection behind."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import jwt
import pytest
from sqlalchemy import text

from chalicelib.db import get_engine, transaction
from chalicelib.settings import get_settings
from tests.functional.http_helpers import auth_headers, body_of

JSONAPI = "application/vnd.api+json"
BIG_IDS = ["2147483648", "999999999999999999"]
NOT_TEXT = {"lone high surrogate": "a\ud800b", "lone low surrogate": "\udfff", "NUL": "a\x00b"}


def filter_query(value: object, op: str = "eq") -> str:
    return "filter=" + quote(json.dumps([{"name": "name", "op": op, "val": value}]))


def source_of(response) -> dict[str, str]:
    (error,) = body_of(response)["errors"]
    return error.get("source", {})


@pytest.fixture
def admin(factory) -> dict[str, str]:
    return auth_headers(factory.token(factory.user(admin=True)), Accept=JSONAPI)


@pytest.fixture
def page_id(client, admin) -> str:
    body = json.dumps({"data": {"type": "page", "attributes": {"name": "About", "url": "about"}}})
    response = client.http.post("/v1/pages", headers={**admin, "Content-Type": JSONAPI}, body=body)
    return body_of(response)["data"]["id"]


@pytest.mark.parametrize("value", NOT_TEXT.values(), ids=NOT_TEXT.keys())
@pytest.mark.parametrize("op", ["eq", "like"])
def test_a_filter_value_that_is_not_text_is_400_on_filter(client, value, op):
    response = client.http.get(f"/v1/pages?{filter_query(value, op)}")

    assert response.status_code == 400
    assert source_of(response) == {"parameter": "filter"}


@pytest.mark.parametrize("pattern", ["\\", "abc\\", "a\\\\\\"], ids=["backslash", "trailing", "odd run"])
@pytest.mark.parametrize("op", ["like", "ilike"])
def test_a_like_pattern_ending_in_its_escape_character_is_400_on_filter(client, pattern, op):
    response = client.http.get(f"/v1/pages?{filter_query(pattern, op)}")

    assert response.status_code == 400
    assert source_of(response) == {"parameter": "filter"}


def test_a_like_pattern_with_an_escaped_backslash_finds_it(client, admin):
    body = json.dumps({"data": {"type": "page", "attributes": {"name": "C:\\", "url": "drive"}}})
    client.http.post("/v1/pages", headers={**admin, "Content-Type": JSONAPI}, body=body)

    ends_in_a_backslash = "%\\\\"  # LIKE's escape, escaped

    response = client.http.get(f"/v1/pages?{filter_query(ends_in_a_backslash, 'like')}")

    assert response.status_code == 200
    assert [page["attributes"]["name"] for page in body_of(response)["data"]] == ["C:\\"]


@pytest.mark.parametrize("parameter", ["page[size]", "page[number]"])
@pytest.mark.parametrize("digits", [20, 4301, 100_000])
def test_a_page_number_of_thousands_of_digits_is_400_naming_it(client, parameter, digits):
    response = client.http.get(f"/v1/pages?{quote(parameter)}={'9' * digits}")

    assert response.status_code == 400
    assert source_of(response) == {"parameter": parameter}


@pytest.mark.parametrize(
    "query, parameter",
    [("sort=na%00me", "sort"), ("page%5Bsize%5D=1%00", "page[size]"), ("fo%00o=1", "(a parameter name)")],
)
def test_a_query_parameter_with_a_nul_is_400_naming_it(client, query, parameter):
    response = client.http.get(f"/v1/pages?{query}")

    assert response.status_code == 400
    assert source_of(response) == {"parameter": parameter}


@pytest.mark.parametrize(
    "path, parameter",
    [
        ("/v1/pages/1\x00", "page_id"),
        ("/v1/pages/\ud800", "page_id"),
        ("/v1/events/a\x00b/export/orders/csv", "event"),
        ("/v1/events/a\x00b/stripe-authorization", "event"),
        ("/v1/tasks/\ud800", "task_id"),
        ("/v1/stripe-authorizations/1\x00", "authorization_id"),
    ],
)
def test_a_path_segment_that_is_not_text_is_400_naming_it(client, factory, path, parameter):
    token = factory.token(factory.user())

    response = client.http.get(path, headers=auth_headers(token))

    assert response.status_code == 400
    assert source_of(response) == {"parameter": parameter}


@pytest.mark.parametrize("value", NOT_TEXT.values(), ids=NOT_TEXT.keys())
@pytest.mark.parametrize("attribute", ["name", "title", "description"])
def test_a_page_attribute_that_is_not_text_is_422_at_its_pointer(client, admin, attribute, value):
    attributes = {"name": "About", "url": "about", attribute: value}
    body = json.dumps({"data": {"type": "page", "attributes": attributes}})

    response = client.http.post("/v1/pages", headers={**admin, "Content-Type": JSONAPI}, body=body)

    assert response.status_code == 422
    assert source_of(response) == {"pointer": f"/data/attributes/{attribute}"}


def test_a_member_name_that_is_not_text_is_422_at_its_parent(client, admin):
    body = json.dumps({"data": {"type": "page", "attributes": {"name": "About", "url": "about", "\ud800": 1}}})

    response = client.http.post("/v1/pages", headers={**admin, "Content-Type": JSONAPI}, body=body)

    assert response.status_code == 422
    assert source_of(response) == {"pointer": "/data/attributes"}


@pytest.mark.parametrize("value", NOT_TEXT.values(), ids=NOT_TEXT.keys())
@pytest.mark.parametrize("field", ["email", "password"])
def test_a_login_field_that_is_not_text_is_422_at_its_pointer(client, field, value):
    credentials = {"email": "ada@example.com", "password": "secret", field: value}

    response = client.http.post(
        "/v1/auth/login", headers={"Content-Type": "application/json"}, body=json.dumps(credentials)
    )

    assert response.status_code == 422
    assert source_of(response) == {"pointer": f"/{field}"}


@pytest.mark.parametrize(
    "pointer",
    ["/data/attributes/stripe-auth-code", "/data/attributes/state", "/data/relationships/event/data/id"],
)
def test_stripe_values_that_are_not_text_are_422_at_their_pointer(client, factory, pointer):
    event = factory.event()
    organizer = factory.staff(event)
    data = {
        "type": "stripe-authorization",
        "attributes": {"stripe-auth-code": "ac_1", "state": "s"},
        "relationships": {"event": {"data": {"type": "event", "id": str(event.id)}}},
    }
    *parents, last = pointer.split("/")[2:]
    target = data
    for name in parents:
        target = target[name]
    target[last] = "\ud800"

    response = client.http.post(
        "/v1/stripe-authorizations",
        headers=auth_headers(factory.token(organizer), **{"Content-Type": JSONAPI}),
        body=json.dumps({"data": data}),
    )

    assert response.status_code == 422
    assert source_of(response) == {"pointer": pointer}


@pytest.mark.parametrize("big", BIG_IDS)
@pytest.mark.parametrize(
    "path",
    [
        "/v1/pages/{}",
        "/v1/events/{}/export/orders/csv",
        "/v1/events/{}/export/ical",
        "/v1/events/{}/stripe-authorization",
        "/v1/stripe-authorizations/{}",
    ],
)
def test_an_id_beyond_the_integer_range_in_a_url_is_404(client, factory, path, big):
    token = factory.token(factory.user(admin=True))

    response = client.http.get(path.format(big), headers=auth_headers(token))

    assert response.status_code == 404


@pytest.mark.parametrize("big", BIG_IDS)
def test_an_event_id_beyond_the_integer_range_in_a_stripe_body_is_an_unknown_event(client, factory, big):
    data = {
        "type": "stripe-authorization",
        "attributes": {"stripe-auth-code": "ac_1", "state": "s"},
        "relationships": {"event": {"data": {"type": "event", "id": big}}},
    }

    response = client.http.post(
        "/v1/stripe-authorizations",
        headers=auth_headers(factory.token(factory.user(admin=True)), **{"Content-Type": JSONAPI}),
        body=json.dumps({"data": data}),
    )

    assert response.status_code in (403, 404)  # 403 while the platform has no Stripe keys, as any create


@pytest.mark.parametrize("subject", [*BIG_IDS, "-1", "1\x00", "\ud800"])
def test_a_signed_token_whose_subject_is_no_user_id_is_401(client, subject):
    now = datetime.now(UTC)
    claims = {"sub": subject, "iat": int(now.timestamp()), "exp": int((now + timedelta(hours=1)).timestamp())}
    token = jwt.encode(claims, get_settings().jwt_secret, algorithm="HS256")

    response = client.http.get("/v1/tasks/00000000-0000-0000-0000-000000000000", headers=auth_headers(token))

    assert response.status_code == 401


def test_a_json_integer_of_more_than_4300_digits_in_a_body_is_400(client, admin):
    body = '{"data": {"type": "page", "attributes": {"name": "a", "url": "b", "index": ' + "9" * 5000 + "}}}"

    response = client.http.post("/v1/pages", headers={**admin, "Content-Type": JSONAPI}, body=body)

    assert response.status_code == 400
    assert "too many digits" in body_of(response)["errors"][0]["detail"]


def test_a_json_integer_of_more_than_4300_digits_in_a_filter_is_400_on_filter(client):
    raw = '[{"name": "index", "op": "eq", "val": ' + "9" * 5000 + "}]"

    response = client.http.get(f"/v1/pages?filter={quote(raw)}")

    assert response.status_code == 400
    assert source_of(response) == {"parameter": "filter"}


def test_the_poisoning_request_leaves_every_other_users_next_hundred_requests_intact(client, factory, page_id):
    poison = f"/v1/pages?{filter_query(chr(0xD800))}"
    organizer_token = factory.token(factory.user())
    admin_token = factory.token(factory.user(admin=True))

    poisoned = [client.http.get(poison).status_code for _ in range(5)]
    statuses = []
    for number in range(100):
        if number % 2:
            response = client.http.get(f"/v1/pages/{page_id}", headers=auth_headers(admin_token))
            statuses.append((response.status_code, body_of(response)["data"]["id"]))
        else:
            response = client.http.get(
                "/v1/tasks/00000000-0000-0000-0000-000000000000", headers=auth_headers(organizer_token)
            )
            statuses.append((response.status_code, body_of(response)["errors"][0]["status"]))

    assert poisoned == [400] * 5
    assert statuses == [(404, "404"), (200, page_id)] * 50


def test_a_connection_the_driver_broke_mid_message_is_never_pooled_again():
    with pytest.raises(UnicodeEncodeError), transaction() as session:
        session.execute(text("SELECT :value"), {"value": "\ud800"})  # pg8000 fails while writing Bind

    answers = []
    for number in range(100):
        with get_engine().connect() as connection:
            answers.append(connection.execute(text("SELECT CAST(:n AS integer)"), {"n": number}).scalar_one())

    assert answers == list(range(100))
