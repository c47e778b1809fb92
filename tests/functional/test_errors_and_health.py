"""Every error is a JSON:API error document; GET /v1/health reports the dependencies."""

from __future__ import annotations

from tests.functional.http_helpers import body_of


def test_health_reports_database_and_aws(client):
    response = client.http.get("/v1/health")

    assert response.status_code == 200
    assert body_of(response) == {"status": "ok", "database": "ok", "aws": "ok"}


def test_health_reports_an_unreachable_bucket_as_unavailable(client, monkeypatch):
    from tests.conftest import reset_process_state

    monkeypatch.setenv("EXPORT_BUCKET", "no-such-bucket")
    reset_process_state()
    try:
        response = client.http.get("/v1/health")
    finally:
        monkeypatch.undo()
        reset_process_state()

    assert response.status_code == 503
    assert body_of(response)["aws"] == "unavailable"


def test_unsupported_method_is_a_405_document(client):
    response = client.http.delete("/v1/health")

    assert response.status_code == 405
    assert response.headers["Allow"] == "GET"
    assert body_of(response) == {
        "errors": [{"status": "405", "title": "Method not allowed", "detail": "Unsupported method: DELETE"}],
        "jsonapi": {"version": "1.0"},
    }


def test_malformed_token_is_a_401_document(client, factory):
    from chalicelib.auth import current_user
    from chalicelib.db import transaction
    from chalicelib.errors import Unauthorized

    class Request:
        headers = {"authorization": "JWT not-a-token"}

    with transaction() as session:
        try:
            current_user(session, Request())  # type: ignore[arg-type]
        except Unauthorized as error:
            assert error.to_error_object() == {
                "status": "401",
                "title": "Unauthorized",
                "detail": "The access token is not valid",
            }
        else:
            raise AssertionError("a malformed token was accepted")


def test_responses_allow_the_frontend_on_another_origin(client):
    response = client.http.get("/v1/health", headers={"Origin": "https://eventyay.example"})

    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Authorization" in response.headers["Access-Control-Allow-Headers"]
    assert response.headers["Access-Control-Expose-Headers"] == "Location,Retry-After"


def test_error_documents_carry_cors_headers_too(client):
    response = client.http.post("/v1/auth/login", body="{", headers={"Content-Type": "application/json"})

    assert response.status_code == 400
    assert response.headers["Access-Control-Allow-Origin"] == "*"
