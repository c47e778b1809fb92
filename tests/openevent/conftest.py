"""The Open Event lane: OES's own schema in the embedded server, OES-shaped rows, a SELECT-only login.

The database is built once per session (OES's dump, then the lane's event, about a second) and never
emptied: the service only reads it. It needs ``../shared/oes/schema.sql``; without it the lane skips.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from devtools.openevent import SCHEMA_SQL, grant_reader, load_schema
from devtools.openevent_seed import SeededEvent, seed_open_event
from tests.conftest import TEST_PGDATA


@dataclass(frozen=True)
class OpenEventDatabase:
    owner_url: str  # the database's owner: for loading and seeding only
    reader_url: str  # the SELECT-only login the service is given
    event: SeededEvent


@pytest.fixture(scope="session")
def open_event_database(postgres_server_url: str) -> Iterator[OpenEventDatabase]:
    """OES's schema as its installer creates it, the lane's event in it, and the read-only login."""
    from devtools.postgres import create_scratch_database, drop_database

    if not SCHEMA_SQL.exists():
        pytest.skip(f"OES's schema dump {SCHEMA_SQL} is absent: the Open Event lane needs ../shared/oes/schema.sql")
    url = create_scratch_database(postgres_server_url, "oes_open_event")
    try:
        load_schema(url)
        engine = create_engine(url)
        with Session(engine) as session, session.begin():
            seeded = seed_open_event(session)
        engine.dispose()
        yield OpenEventDatabase(url, grant_reader(url), seeded)
    finally:
        drop_database(url)


@pytest.fixture(scope="session")
def embedded_pgdata() -> os.PathLike[str]:
    """The embedded server's data folder (a replica is made from it); skipped on an external server."""
    if os.environ.get("DATABASE_URL"):
        pytest.skip("DATABASE_URL names an external server: the replica test needs the embedded one")
    return TEST_PGDATA
