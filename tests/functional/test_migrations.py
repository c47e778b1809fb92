"""The migration chain: built from empty, Open Event's lastname revision on real data, down and up
again, concurrent migrators, the ``migrate`` function, and models that match the migrated schema."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect, text

from chalicelib import migrate
from chalicelib.errors import ValidationError
from chalicelib.models import Base
from devtools.postgres import create_scratch_database, drop_database

LASTNAME = "4cac94c86047"  # Open Event's ticket_holders.lastname revision
HEAD = "0006_export_catalogue"


@pytest.fixture
def empty_engine(postgres_server_url: str) -> Iterator[Engine]:
    url = create_scratch_database(postgres_server_url, prefix="oes_migrations")
    engine = create_engine(url)
    yield engine
    engine.dispose()
    drop_database(url)


def _insert_holders(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO ticket_holders (firstname, lastname, email) VALUES "
                "('Ada', NULL, 'ada@example.com'), ('Grace', 'Hopper', 'grace@example.com'), ('Linus', NULL, NULL)"
            )
        )


def _holders(engine: Engine) -> list[tuple[str, str | None, str | None]]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT firstname, lastname, email FROM ticket_holders ORDER BY id"))
        return [tuple(row) for row in rows]  # type: ignore[misc]


def _lastname_nullable(engine: Engine) -> bool:
    columns = {column["name"]: column for column in inspect(engine).get_columns("ticket_holders")}
    return bool(columns["lastname"]["nullable"])


def test_upgrade_from_empty_reaches_head(empty_engine):
    result = migrate.run(empty_engine, "upgrade")

    assert (result.before, result.after) == (None, HEAD)
    assert {"events", "orders", "export_tasks", "stripe_authorizations"} <= set(inspect(empty_engine).get_table_names())


def test_lastname_revision_backfills_nulls_and_adds_not_null(empty_engine):
    migrate.run(empty_engine, "upgrade", "0001_initial")
    _insert_holders(empty_engine)

    result = migrate.run(empty_engine, "upgrade", LASTNAME)

    assert (result.before, result.after) == ("0001_initial", LASTNAME)
    assert _holders(empty_engine) == [
        ("Ada", " ", "ada@example.com"),
        ("Grace", "Hopper", "grace@example.com"),
        ("Linus", " ", None),
    ]
    assert not _lastname_nullable(empty_engine)


def test_lastname_downgrade_drops_not_null_and_keeps_the_backfill(empty_engine):
    migrate.run(empty_engine, "upgrade", "0001_initial")
    _insert_holders(empty_engine)
    migrate.run(empty_engine, "upgrade", LASTNAME)

    result = migrate.run(empty_engine, "downgrade", "-1")

    assert (result.before, result.after) == (LASTNAME, "0001_initial")
    assert _lastname_nullable(empty_engine)
    assert [row[1] for row in _holders(empty_engine)] == [" ", "Hopper", " "]


def test_downgrade_to_base_and_upgrade_again(empty_engine):
    migrate.run(empty_engine, "upgrade")

    down = migrate.run(empty_engine, "downgrade", "base")
    up = migrate.run(empty_engine, "upgrade")

    assert down.after is None
    assert set(inspect(empty_engine).get_table_names()) >= {"users", "events"}
    assert (up.before, up.after) == (None, HEAD)


def test_models_match_the_migrated_schema(empty_engine):
    migrate.run(empty_engine, "upgrade")

    with empty_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)

    assert differences == []


def _advisory_waiters(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.scalar(text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")) or 0
        )


def test_concurrent_migrators_do_not_interleave(empty_engine):
    """A second migrator waits for the first one's lock, then finds the schema already at head."""
    results: list[migrate.MigrationResult] = []
    blocker = empty_engine.connect()
    blocker.execute(text("SELECT pg_advisory_lock(:key)"), {"key": migrate._LOCK_KEY})
    threads = [threading.Thread(target=lambda: results.append(migrate.run(empty_engine, "upgrade"))) for _ in range(2)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while _advisory_waiters(empty_engine) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    waiting_for_the_lock = _advisory_waiters(empty_engine)
    tables_while_blocked = inspect(empty_engine).get_table_names()

    blocker.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": migrate._LOCK_KEY})
    blocker.close()
    for thread in threads:
        thread.join(timeout=60)

    assert waiting_for_the_lock == 2
    assert "alembic_version" not in tables_while_blocked
    assert sorted(((r.before, r.after) for r in results), key=str) == [(HEAD, HEAD), (None, HEAD)]


@pytest.mark.parametrize(
    "action,revision,message",
    [("sideways", "head", "action must be one of"), ("downgrade", "head", "downgrade needs a target")],
    ids=["unknown-action", "downgrade-to-head"],
)
def test_bad_migration_request_is_refused(empty_engine, action, revision, message):
    with pytest.raises(ValidationError, match=message):
        migrate.run(empty_engine, action, revision)


def test_migrate_function_reports_the_current_revision(stack):
    from chalice.test import Client

    from app import app
    from tests.conftest import REPO

    with Client(app, project_dir=str(REPO)) as client:
        response = client.lambda_.invoke("migrate", {"action": "current"})

    assert response.payload == {"action": "current", "before": HEAD, "after": HEAD}
