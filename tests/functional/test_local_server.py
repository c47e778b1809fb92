"""``make run``'s HTTP server answers like the deployed API Gateway, over real HTTP."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from app import app
from devtools.localapi import local_server
from tests.conftest import REPO


@pytest.fixture
def base_url(stack) -> Iterator[str]:
    server = local_server(app, REPO, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server.server_address[1]}"
    server.shutdown()


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
