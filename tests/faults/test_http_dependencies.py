"""HTTP and dependencies: when PostgreSQL or S3 is stopped or frozen, the HTTP function answers a
JSON:API 503 with ``Retry-After`` within seconds, well inside API Gateway's 29 s, and recovers by
itself when the dependency comes back. Each dependency sits behind a TCP proxy that plays the fault
(``tests/faults/tcp_proxy.py``); the app runs in-process through Chalice's test client."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from chalice.test import Client
from sqlalchemy import make_url, text
from sqlalchemy.exc import DBAPIError

from chalicelib import db
from tests.conftest import Stack, empty_tables, reset_process_state
from tests.factories import PASSWORD, Factory
from tests.faults.tcp_proxy import TcpProxy

CONNECT_TIMEOUT = 1.0
STATEMENT_TIMEOUT = 1.0
# A frozen server costs a read timeout on the pooled connection (statement timeout + 2 s of grace)
# and a connect timeout on the new one; a stopped one costs almost nothing.
FROZEN_BOUND = STATEMENT_TIMEOUT + 2 + CONNECT_TIMEOUT + 1.5
STOPPED_BOUND = 1.5
HEALTH_BOUND = 3.0 + 0.75  # chalicelib.health.DEADLINE_SECONDS, and a little for the answer


@pytest.fixture
def people(stack: Stack) -> Iterator[dict[str, str]]:
    factory = Factory()
    event = factory.event(identifier="outage-event")
    organizer = factory.staff(event)
    yield {"token": factory.token(organizer), "email": organizer.email, "event": event.identifier}
    empty_tables()


@pytest.fixture
def database(stack: Stack, people, monkeypatch) -> Iterator[TcpProxy]:
    """The app's database behind a proxy, with short limits so that the test is quick."""
    url = make_url(stack.database_url)
    unix_socket = str(url.query.get("unix_sock", ""))
    with TcpProxy(url.port or 5432, url.host or "127.0.0.1", unix_socket=unix_socket) as proxy:
        proxied = url.difference_update_query(["unix_sock"]).set(host="127.0.0.1", port=proxy.port)
        monkeypatch.setenv("DATABASE_URL", proxied.render_as_string(hide_password=False))
        monkeypatch.setenv("DATABASE_CONNECT_TIMEOUT_SECONDS", str(CONNECT_TIMEOUT))
        monkeypatch.setenv("DATABASE_STATEMENT_TIMEOUT_SECONDS", str(STATEMENT_TIMEOUT))
        reset_process_state()
        yield proxy
        monkeypatch.undo()
        reset_process_state()


@pytest.fixture
def s3(stack: Stack, monkeypatch) -> Iterator[TcpProxy]:
    """S3 (moto) behind a proxy; the other AWS services stay direct."""
    with TcpProxy(urlsplit(stack.aws_endpoint).port or 80) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL_S3", proxy.url)
        reset_process_state()
        yield proxy
        monkeypatch.undo()
        reset_process_state()


def requests_of(people: dict[str, str]) -> dict[str, tuple[str, str, dict[str, str], str | None]]:
    """One request per kind of route that reads the database: (method, path, headers, body)."""
    token = {"Authorization": f"JWT {people['token']}"}
    login = json.dumps({"email": people["email"], "password": PASSWORD})
    return {
        "pages": ("GET", "/v1/pages", {}, None),
        "page": ("GET", "/v1/pages/1", {}, None),
        "login": ("POST", "/v1/auth/login", {"Content-Type": "application/json"}, login),
        "export": ("GET", f"/v1/events/{people['event']}/export/orders/csv", token, None),
        "task": ("GET", f"/v1/tasks/{uuid.uuid4()}", token, None),
        "stripe": ("GET", f"/v1/events/{people['event']}/stripe-authorization", {}, None),
    }


ROUTES = ["pages", "page", "login", "export", "task", "stripe"]


def timed(client: Client, request: tuple[str, str, dict[str, str], str | None]) -> tuple[object, float]:
    method, path, headers, body = request
    started = time.monotonic()
    response = client.http.request(method, path, headers=headers, body=body.encode() if body else b"")
    return response, time.monotonic() - started


def assert_unavailable(response) -> None:
    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/vnd.api+json"
    assert int(response.headers["Retry-After"]) > 0
    (error,) = json.loads(response.body)["errors"]
    assert error["status"] == "503"


@pytest.mark.parametrize("route", ROUTES)
def test_a_stopped_database_is_a_quick_503_with_retry_after(client, people, database, route):
    request = requests_of(people)[route]
    warm, _ = timed(client, request)  # a pooled connection now exists
    database.refuse()

    response, elapsed = timed(client, request)

    assert warm.status_code < 500
    assert_unavailable(response)
    assert elapsed < STOPPED_BOUND


@pytest.mark.parametrize("route", ROUTES)
def test_a_frozen_database_is_a_503_within_seconds(client, people, database, route):
    request = requests_of(people)[route]
    timed(client, request)
    database.hang()

    response, elapsed = timed(client, request)

    assert_unavailable(response)
    assert elapsed < FROZEN_BOUND


def test_a_database_frozen_before_the_first_connection_is_a_503_within_the_connect_timeout(client, people, database):
    database.hang()

    response, elapsed = timed(client, requests_of(people)["pages"])

    assert_unavailable(response)
    assert elapsed < CONNECT_TIMEOUT + 1.5


def test_the_service_recovers_by_itself_when_the_database_is_back(client, people, database):
    request = requests_of(people)["task"]
    timed(client, request)
    database.hang()
    timed(client, request)

    database.resume()
    response, _ = timed(client, request)

    assert response.status_code == 404  # the task is unknown: the database answered


def test_a_statement_over_the_limit_is_cancelled_by_the_server_and_means_unavailable(database):
    with pytest.raises(DBAPIError) as failure, db.transaction() as session:
        session.execute(text("SELECT pg_sleep(:seconds)"), {"seconds": STATEMENT_TIMEOUT + 2})

    assert db.unavailable(failure.value)


def test_health_answers_within_its_deadline_when_the_database_is_frozen(client, database):
    client.http.get("/v1/health")
    database.hang()

    started = time.monotonic()
    response = client.http.get("/v1/health")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert json.loads(response.body) == {"status": "unavailable", "database": "unavailable", "aws": "ok"}
    assert elapsed < HEALTH_BOUND


@pytest.mark.parametrize("fault", ["refuse", "hang"])
def test_health_answers_within_its_deadline_when_s3_is_stopped_or_hung(client, s3, fault):
    assert client.http.get("/v1/health").status_code == 200
    getattr(s3, fault)()

    started = time.monotonic()
    response = client.http.get("/v1/health")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert json.loads(response.body) == {"status": "unavailable", "database": "ok", "aws": "unavailable"}
    assert elapsed < HEALTH_BOUND
