"""The lane's database is OES's as an OES installation has it, and the service's login can only read it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tests.openevent.conftest import OpenEventDatabase

pytestmark = pytest.mark.openevent

INSUFFICIENT_PRIVILEGE = "42501"


@pytest.fixture
def as_reader(open_event_database: OpenEventDatabase) -> Iterator[Connection]:
    engine = create_engine(open_event_database.reader_url)
    with engine.connect() as connection:
        yield connection
    engine.dispose()


@pytest.fixture
def as_owner(open_event_database: OpenEventDatabase) -> Iterator[Connection]:
    engine = create_engine(open_event_database.owner_url)
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def sqlstate(error: DBAPIError) -> str:
    return str(error.orig.args[0]["C"])  # type: ignore[index]


def test_the_schema_is_oes_at_its_newest_revision(as_owner: Connection) -> None:
    tables = as_owner.scalar(text("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"))
    revision = as_owner.scalar(text("SELECT version_num FROM alembic_version"))

    assert (tables, revision) == (86, "e7e952b58504")


def test_the_seeded_rows_carry_every_oes_order_status_and_soft_deletes(as_reader: Connection) -> None:
    statuses = as_reader.scalars(text("SELECT DISTINCT status FROM orders ORDER BY 1")).all()
    deleted = {
        table: as_reader.scalar(text(f"SELECT count(*) FROM {table} WHERE deleted_at IS NOT NULL"))
        for table in ("events", "tickets", "ticket_holders", "sessions", "speaker", "tracks", "users")
    }
    nameless = as_reader.scalar(text("SELECT count(*) FROM ticket_holders WHERE firstname IS NULL"))

    assert statuses == ["cancelled", "completed", "expired", "initializing", "pending", "placed"]
    assert all(deleted.values()), deleted
    assert nameless == 2


def test_emails_are_citext_as_in_oes(as_reader: Connection) -> None:
    found = as_reader.scalar(text("SELECT count(*) FROM users WHERE _email = 'owner@oes-lane.example.org'"))

    assert found == 1


def test_the_reader_may_select_every_table(as_reader: Connection) -> None:
    orders = as_reader.scalar(text("SELECT count(*) FROM orders"))

    assert orders == 6


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO roles (name) VALUES ('intruder')",
        "UPDATE orders SET status = 'completed'",
        "DELETE FROM ticket_holders",
        "SELECT id FROM orders FOR UPDATE",
        "LOCK TABLE orders IN EXCLUSIVE MODE",
        "CREATE TABLE public.export_tasks (id int)",
        "CREATE INDEX ON orders (event_id)",
        "CREATE SCHEMA serverless",
        "CREATE TEMPORARY TABLE scratch (id int)",
        "TRUNCATE orders",
    ],
    ids=["insert", "update", "delete", "select-for-update", "lock", "create-table", "create-index",
         "create-schema", "temporary-table", "truncate"],
)  # fmt: skip
def test_the_reader_may_not_write_create_or_lock(as_reader: Connection, statement: str) -> None:
    with pytest.raises(DBAPIError) as refused:
        as_reader.execute(text(statement))

    assert sqlstate(refused.value) == INSUFFICIENT_PRIVILEGE


def test_the_projects_seeder_fills_an_oes_database(postgres_server_url: str, oes_schema_sql: Path) -> None:
    from devtools.openevent import load_schema
    from devtools.postgres import create_scratch_database, drop_database
    from devtools.seed import SeedSpec, seed

    url = create_scratch_database(postgres_server_url, "oes_seeded")
    try:
        load_schema(url, oes_schema_sql)
        engine = create_engine(url)
        with Session(engine) as session, session.begin():
            seeded = seed(session, SeedSpec("seeded", orders=40, holders=20, sessions=10, speakers=4))
        with engine.connect() as connection:
            counts = connection.execute(
                text(
                    "SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM ticket_holders), (SELECT count(*) FROM sessions)"
                )
            ).one()
        engine.dispose()
    finally:
        drop_database(url)

    assert seeded["identifier"] == "seeded"
    assert tuple(counts) == (40, 20, 10)
