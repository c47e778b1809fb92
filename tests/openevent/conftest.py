"""The Open Event lane: OES's own schema in the embedded server, OES-shaped rows, a SELECT-only login.

The database is built once per session (OES's dump, then the lane's event, about a second) and never
emptied: the service only reads it. It needs ``../shared/oes/schema.sql``; without it the lane skips.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from devtools.openevent import SCHEMA_SQL, grant_reader, load_schema, open_event_mode
from devtools.openevent_seed import SeededEvent, seed_open_event
from tests.conftest import TEST_PGDATA, Stack, empty_tables

# The export tests' empty queues, offered to the lane's modules.
from tests.functional.export_helpers import export_queue  # noqa: F401


@dataclass(frozen=True)
class OpenEventDatabase:
    owner_url: str  # the database's owner: for loading and seeding only
    reader_url: str  # the SELECT-only login the service is given
    event: SeededEvent


@pytest.fixture(scope="session")
def oes_schema_sql() -> Path:
    """OES's schema dump; the lane skips, saying so, where ``../shared`` is absent."""
    if not SCHEMA_SQL.exists():
        pytest.skip(f"OES's schema dump {SCHEMA_SQL} is absent: the Open Event lane needs ../shared/oes/schema.sql")
    return SCHEMA_SQL


@pytest.fixture(scope="session")
def open_event_database(postgres_server_url: str, oes_schema_sql: Path) -> Iterator[OpenEventDatabase]:
    """OES's schema as its installer creates it, the lane's event in it, and the read-only login."""
    from devtools.postgres import create_scratch_database, drop_database

    url = create_scratch_database(postgres_server_url, "oes_open_event")
    try:
        load_schema(url, oes_schema_sql)
        engine = create_engine(url)
        with Session(engine) as session, session.begin():
            seeded = seed_open_event(session)
        engine.dispose()
        yield OpenEventDatabase(url, grant_reader(url), seeded)
    finally:
        drop_database(url)


@pytest.fixture(scope="session")
def embedded_pgdata(postgres_server_url: str) -> os.PathLike[str]:
    """The embedded server's data folder (a replica is made from it); skipped on an external server."""
    if str(TEST_PGDATA) not in unquote(postgres_server_url):
        pytest.skip("DATABASE_URL names an external server: the replica test needs the embedded one")
    return TEST_PGDATA


@pytest.fixture
def as_open_event(stack: Stack, open_event_database: OpenEventDatabase) -> Iterator[OpenEventDatabase]:
    """Open Event mode for the test, through the SELECT-only login; our tasks stay in the stack's database."""
    with open_event_mode(open_event_database.reader_url):
        yield open_event_database


def tokens_of(session: Session, seeded: SeededEvent) -> dict[str, str]:
    """An access token of each of the lane's people, as the database of ``session`` numbers them
    (OES signs the same claims with the shared secret)."""
    from chalicelib.auth import issue_token
    from chalicelib.models import User

    return {person: issue_token(session.get_one(User, user_id)) for person, user_id in seeded.users.items()}


@pytest.fixture(scope="session")
def tokens(stack: Stack, open_event_database: OpenEventDatabase) -> dict[str, str]:
    """The lane's people's tokens for OES's database."""
    engine = create_engine(open_event_database.owner_url)
    with Session(engine) as session:
        made = tokens_of(session, open_event_database.event)
    engine.dispose()
    return made


@dataclass(frozen=True)
class Twin:
    event: SeededEvent
    tokens: dict[str, str]


@pytest.fixture
def standalone_twin(stack: Stack) -> Iterator[Twin]:
    """The same rows, seeded by the same seeder into the standalone database, and their people's
    tokens (its ids may differ: OES's sequences do not all start at 1); emptied afterwards."""
    from chalicelib.db import transaction

    empty_tables()
    with transaction() as session:
        seeded = seed_open_event(session)
        twin = Twin(seeded, tokens_of(session, seeded))
    yield twin
    empty_tables()
