"""A deployment never runs on a development secret: on stage ``prod`` (``STAGE``, set by the
template), a token forged with the repository's development ``JWT_SECRET`` or with a short one gets
no page created, but a 503 and a log line that says why; a strong secret works."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from chalice.test import Client

from app import app
from chalicelib.settings import DEVELOPMENT_JWT_SECRET
from tests.conftest import REPO, reset_process_state
from tests.functional.http_helpers import auth_headers, body_of

JSONAPI = "application/vnd.api+json"
PAGE = json.dumps({"data": {"type": "page", "attributes": {"name": "Pwned", "url": "pwned"}}})


@pytest.fixture
def on_stage_prod(monkeypatch) -> Iterator[Client]:
    """The app as the prod stage runs it, with the secret each test sets."""
    reset_process_state()
    with Client(app, project_dir=str(REPO), stage_name="prod") as client:
        yield client
    monkeypatch.undo()
    reset_process_state()


def forged_admin_token(admin_id: int, secret: str) -> str:
    now = datetime.now(UTC)
    claims = {"identity": admin_id, "type": "access", "iat": now, "nbf": now, "exp": now + timedelta(hours=1)}
    return jwt.encode(claims, secret, algorithm="HS256")


def create_page_as_forged_admin(client, factory, monkeypatch, secret: str):  # type: ignore[no-untyped-def]
    """The attack: the service runs with ``secret``, and a token signed with it names an admin."""
    admin = factory.user(admin=True)
    monkeypatch.setenv("JWT_SECRET", secret)
    reset_process_state()
    headers = auth_headers(forged_admin_token(admin.id, secret), Accept=JSONAPI, **{"Content-Type": JSONAPI})
    return client.http.post("/v1/pages", headers=headers, body=PAGE)


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")  # the attacker's short key
@pytest.mark.parametrize("secret", [DEVELOPMENT_JWT_SECRET, "x", "31-bytes-is-one-byte-too-short!"])
def test_a_token_forged_with_a_weak_secret_on_stage_prod_is_refused_with_a_503_and_a_log_line(
    on_stage_prod, factory, monkeypatch, caplog, secret
):
    response = create_page_as_forged_admin(on_stage_prod, factory, monkeypatch, secret)

    assert response.status_code == 503
    assert body_of(response)["errors"][0]["status"] == "503"
    assert "JWT_SECRET is" in caplog.text
    assert "on stage 'prod'" in caplog.text
    assert DEVELOPMENT_JWT_SECRET not in caplog.text  # the log says which rule, never the secret
    assert body_of(on_stage_prod.http.get("/v1/pages"))["data"] == []


def test_a_strong_secret_on_stage_prod_signs_and_checks_tokens(on_stage_prod, factory, monkeypatch):
    response = create_page_as_forged_admin(on_stage_prod, factory, monkeypatch, "a-deployment-secret-of-32-bytes-+")

    assert response.status_code == 201


def test_local_development_keeps_the_development_secret(client, factory, monkeypatch):
    monkeypatch.setenv("JWT_SECRET", DEVELOPMENT_JWT_SECRET)
    reset_process_state()
    admin = factory.user(admin=True)
    headers = auth_headers(forged_admin_token(admin.id, DEVELOPMENT_JWT_SECRET), Accept=JSONAPI)

    response = client.http.get("/v1/pages", headers=headers)
    monkeypatch.undo()
    reset_process_state()

    assert response.status_code == 200
