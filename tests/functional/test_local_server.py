"""``make run``'s HTTP server answers like the deployed API Gateway, over real HTTP."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from chalicelib.feeds import refresh
from devtools.localapi import MAX_THREADS, READ_TIMEOUT_SECONDS
from tests.functional.feed_helpers import published_schedule
from tests.local_api import serving


@pytest.fixture
def base_url(stack) -> Iterator[str]:
    with serving() as url:
        yield url


def fetch(url: str, method: str = "GET") -> tuple[int, dict[str, str], dict]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=10) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_a_known_route_is_served(base_url):
    status, _, body = fetch(f"{base_url}/v1/health")

    assert status == 200
    assert body["status"] == "ok"


def test_an_unknown_route_is_a_jsonapi_404_as_in_aws(base_url):
    status, headers, body = fetch(f"{base_url}/v1/no-such-thing")

    assert status == 404
    assert headers["Content-Type"] == "application/vnd.api+json"
    assert body == {
        "errors": [{"status": "404", "title": "Not found", "detail": "No route matches this method and path."}],
        "jsonapi": {"version": "1.0"},
    }


@pytest.mark.parametrize("method", ["TRACE", "QUERY"])
def test_a_method_api_gateway_refuses_is_a_jsonapi_405(base_url, method):
    status, headers, body = fetch(f"{base_url}/v1/health", method=method)

    assert status == 405
    assert headers["Content-Type"] == "application/vnd.api+json"
    assert body["errors"][0]["detail"] == f"{method} is not supported"


def raw_exchange(base_url: str, request: bytes) -> bytes:
    """What the server answers on one connection to ``request`` (read until it closes)."""
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def document_of(answer: bytes) -> tuple[str, dict]:
    head, _, body = answer.partition(b"\r\n\r\n")
    return head.decode("latin-1"), json.loads(body)


def test_an_unknown_route_with_a_token_is_the_same_404_and_never_echoes_it(base_url):
    request = urllib.request.Request(f"{base_url}/v1/no-such-thing", headers={"Authorization": "JWT secret-token-xyz"})
    try:
        urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as error:
        status, headers, raw = error.code, dict(error.headers), error.read()

    assert status == 404
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert b"secret-token-xyz" not in raw
    assert json.loads(raw)["errors"][0]["detail"] == "No route matches this method and path."


def test_a_preflight_of_an_unknown_route_is_granted_so_the_browser_reads_the_404(base_url):
    path = f"{base_url}/v1/events/x/export/attendees/pdf/pages"  # no such route
    preflight = urllib.request.Request(path, method="OPTIONS", headers={"Access-Control-Request-Method": "GET"})

    with urllib.request.urlopen(preflight, timeout=10) as answer:
        status, headers = answer.status, dict(answer.headers)
    followed, followed_headers, body = fetch(path)

    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in headers["Access-Control-Allow-Methods"].split(",")
    assert "Authorization" in headers["Access-Control-Allow-Headers"]
    assert (followed, followed_headers["Access-Control-Allow-Origin"]) == (404, "*")
    assert body["errors"][0]["status"] == "404"


@pytest.mark.parametrize("method", ["TRACE", "QUERY", "BREW"])
def test_an_unknown_method_is_a_405_with_allow_and_the_connection_closed(base_url, method):
    smuggled = b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n"
    request = f"{method} /v1/pages HTTP/1.1\r\nHost: x\r\nContent-Length: {len(smuggled)}\r\n\r\n".encode() + smuggled

    answer = raw_exchange(base_url, request)

    head, document = document_of(answer)
    assert head.startswith("HTTP/1.1 405")
    assert "Allow: GET,OPTIONS,POST" in head
    assert "Connection: close" in head
    assert document["errors"][0]["status"] == "405"
    assert answer.count(b"HTTP/1.1 ") == 1  # the body was never run as a request


def test_an_unreadable_request_is_a_jsonapi_400_and_never_logged(base_url, caplog):
    caplog.set_level(logging.DEBUG)

    answer = raw_exchange(base_url, b'{"stripe-auth-code": "ac_secret_code"} GET / HTTP/1.1\r\n\r\n')

    head, document = document_of(answer)
    assert head.startswith("HTTP/1.1 400")
    assert "application/vnd.api+json" in head
    assert document["errors"][0]["status"] == "400"
    assert "ac_secret_code" not in caplog.text


def test_a_request_line_over_64_kb_is_a_jsonapi_414(base_url):
    answer = raw_exchange(base_url, b"GET /v1/pages?q=" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n")

    head, document = document_of(answer)
    assert head.startswith("HTTP/1.1 414")
    assert document["errors"][0]["status"] == "414"


def test_the_access_log_names_no_query_string(base_url, caplog):
    caplog.set_level(logging.INFO, logger="devtools.localapi")

    fetch(f"{base_url}/v1/pages?filter=secret-filter-value")

    assert "/v1/pages" in caplog.text
    assert "secret-filter-value" not in caplog.text


def listen_drops() -> int:
    """The kernel's count of connections refused because a listen backlog was full (``ListenDrops``)."""
    lines = Path("/proc/net/netstat").read_text().splitlines()
    for names, values in zip(lines[::2], lines[1::2], strict=True):
        if names.startswith("TcpExt:"):
            return dict(zip(names.split()[1:], map(int, values.split()[1:]), strict=True))["ListenDrops"]
    raise AssertionError("no TcpExt counters")


def test_a_burst_of_50_simultaneous_requests_is_served_without_a_dropped_connection(base_url):
    dropped_before = listen_drops()

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(lambda _: fetch(f"{base_url}/v1/pages")[0], range(50)))

    assert statuses == [200] * 50
    assert listen_drops() == dropped_before  # with Python's default backlog of 5, SYNs were dropped


@pytest.mark.parametrize(
    "headers, status",
    [
        ("Content-Length: 12abc", "400"),
        ("Content-Length: 99999999999999", "413"),
        ("Transfer-Encoding: chunked", "400"),
    ],
)
def test_a_body_the_server_would_not_read_safely_is_refused_and_the_connection_closed(base_url, headers, status):
    answer = raw_exchange(base_url, f"POST /v1/pages HTTP/1.1\r\nHost: x\r\n{headers}\r\n\r\n0\r\n\r\n".encode())

    head, document = document_of(answer)
    assert head.startswith(f"HTTP/1.1 {status}")
    assert "Connection: close" in head
    assert document["errors"][0]["status"] == status


@pytest.mark.parametrize("second", ["Content-Length: 30", "Content-Length: 0"])
def test_two_different_content_lengths_are_a_400_and_the_connection_closed(base_url, second):
    body = b'{"data": {"type": "page"}}'
    request = f"POST /v1/pages HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n{second}\r\n\r\n".encode() + body

    answer = raw_exchange(base_url, request)

    head, document = document_of(answer)
    assert head.startswith("HTTP/1.1 400")
    assert "Connection: close" in head
    assert document["errors"][0]["detail"] == "The request has two different Content-Length headers."
    assert answer.count(b"HTTP/1.1 ") == 1


def test_a_repeated_identical_content_length_is_read_as_one(base_url):
    request = (
        b"GET /v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )

    head, document = document_of(raw_exchange(base_url, request))

    assert head.startswith("HTTP/1.1 200")
    assert document["status"] == "ok"


def slow_client(base_url: str) -> socket.socket:
    """A connection that sends half a request and then nothing (a slowloris)."""
    host, port = base_url.removeprefix("http://").split(":")
    connection = socket.create_connection((host, int(port)), timeout=READ_TIMEOUT_SECONDS + 5)
    connection.sendall(b"POST /v1/pages HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
    return connection


def test_slow_clients_hold_a_bounded_number_of_threads_and_are_closed_after_the_read_timeout(base_url):
    threads_before = threading.active_count()
    started = time.monotonic()

    slow = [slow_client(base_url) for _ in range(MAX_THREADS + 5)]
    time.sleep(0.5)
    threads_while_held = threading.active_count() - threads_before
    closed_by_server = [connection.recv(1) == b"" for connection in slow[:MAX_THREADS]]
    status, _, _ = fetch(f"{base_url}/v1/health")  # waits for a free thread, not for the slow clients
    elapsed = time.monotonic() - started
    for connection in slow:
        connection.close()

    assert threads_while_held <= MAX_THREADS
    assert all(closed_by_server)
    assert status == 200
    assert elapsed < 2 * READ_TIMEOUT_SECONDS  # served as soon as the first slow clients were closed


def head_exchange(base_url: str, path: str) -> tuple[str, bytes]:
    """A HEAD's status line and headers, and whatever followed them before the server closed."""
    answer = raw_exchange(base_url, f"HEAD {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    head, _, rest = answer.partition(b"\r\n\r\n")
    return head.decode("latin-1"), rest


def header(head: str, name: str) -> list[str]:
    return [line.split(":", 1)[1].strip() for line in head.split("\r\n") if line.lower().startswith(f"{name}:")]


@pytest.mark.parametrize("path", ["/v1/no-such-thing", "/v1/events/no-such-event/schedule.xml"])
def test_a_head_that_is_a_404_has_no_body(base_url, path):
    head, rest = head_exchange(base_url, path)

    assert head.startswith("HTTP/1.1 404") and rest == b""
    assert header(head, "content-type") == ["application/vnd.api+json"]


@pytest.mark.parametrize("path", ["/schedule.xml", "/schedule.ics", ".ics?download"])
def test_a_feed_head_carries_the_length_of_the_get_and_no_body(base_url, factory, path):
    event = published_schedule(factory)
    refresh.run()
    url = f"/v1/events/{event.identifier}{path}"
    with urllib.request.urlopen(f"{base_url}{url}", timeout=10) as response:
        body = response.read()

    head, rest = head_exchange(base_url, url)

    assert head.startswith("HTTP/1.1 200") and rest == b""
    assert header(head, "content-length") == [str(len(body))]
