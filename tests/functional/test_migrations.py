"""The migration chains: built from empty, Open Event's lastname revision on real data, an old
standalone database reshaped to OES's tables with nothing lost, down and up again, concurrent
migrators, the ``migrate`` function, and models that match the migrated schema (both schemas)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from inspect import getsource as inspect_source

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect, text

from chalicelib import migrate
from chalicelib.db import get_engine
from chalicelib.models import Base
from devtools.postgres import create_scratch_database, drop_database

LASTNAME = "4cac94c86047"  # Open Event's ticket_holders.lastname revision
OLD_HEAD = "0007_stripe_code_hash"  # the last standalone revision before OES's shape
OES_SHAPE = "i18_core_0001_oes_shape"
HEAD = "i21_tables_0001_oes_columns"
OWN_HEAD = "i19_feeds_own_0001"


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
    tables = inspect(empty_engine)
    assert {"events", "orders", "roles", "groups", "users_groups_roles"} <= set(tables.get_table_names())
    assert {"export_tasks", "stripe_authorizations"}.isdisjoint(tables.get_table_names())
    assert {"alembic_version", "export_tasks", "stripe_authorizations", "session_sources"} <= set(
        tables.get_table_names(schema="serverless")
    )
    assert migrate.revisions(empty_engine, (migrate.STANDALONE, migrate.OWN)) == {
        "standalone": HEAD,
        "serverless": OWN_HEAD,
    }


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


_OLD_ROWS = """
INSERT INTO users (id, email, password_hash, first_name, is_admin) VALUES
    (1, 'Owner@Example.com', :hash, 'Olga', true), (2, 'buyer@example.com', :hash, NULL, false);
INSERT INTO events (id, identifier, name, starts_at, ends_at, email, state)
    VALUES (1, 'summit', 'Summit', '2026-06-01 09:00Z', '2026-06-02 18:00Z', 'info@example.com', 'published');
INSERT INTO users_events_roles (user_id, event_id, role) VALUES (1, 1, 'owner'), (2, 1, 'coorganizer');
INSERT INTO microlocations (id, event_id, name, guid) VALUES (1, 1, 'Hall', '11111111-1111-5111-8111-111111111111');
INSERT INTO speaker (id, event_id, name, email, guid, source_id)
    VALUES (1, 1, 'Grace', 'Grace@Example.com', '22222222-2222-5222-8222-222222222222', 4711);
INSERT INTO sessions (id, event_id, title, state, microlocation_id, guid, url, links, recording_optout)
    VALUES (1, 1, 'Talk', 'confirmed', 1, '33333333-3333-5333-8333-333333333333', 'https://example.com/t',
            '[{"href": "https://example.com/l", "title": "L"}]', true), (2, 1, 'Plain', 'accepted', NULL, NULL, NULL, NULL, false);
INSERT INTO tickets (id, event_id, name, price) VALUES (1, 1, 'Standard', 49.50);
INSERT INTO orders (id, identifier, event_id, user_id, status, amount, deleted_at)
    VALUES (1, 'o-1', 1, 2, 'completed', 49.50, NULL), (2, 'o-2', 1, 2, 'deleted', NULL, '2026-01-01Z');
INSERT INTO ticket_holders (firstname, lastname, email, order_id, ticket_id) VALUES ('Ada', ' ', 'ada@example.com', 1, 1);
INSERT INTO export_tasks (id, user_id, event_id, format, state, options)
    VALUES ('44444444-4444-4444-8444-444444444444', 1, 1, 'orders/csv', 'SUCCESS', '{"bom": true}');
INSERT INTO stripe_authorizations (id, event_id, stripe_user_id, stripe_publishable_key, encrypted_data_key,
    encrypted_tokens, code_hash) VALUES (7, 1, 'acct_1', 'pk_1', 'key', 'tokens', 'abc');
"""


def _rows(engine: Engine, sql: str) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_an_old_standalone_database_takes_oes_shape_with_nothing_lost(empty_engine):
    """At the old head with rows, the upgrade reshapes every table to OES's names and types and moves
    our own state into schema serverless; every row is still there, and old passwords still verify."""
    from chalicelib.auth import verify_password
    from tests.factories import legacy_password_hash

    migrate.run(empty_engine, "upgrade", OLD_HEAD)
    with empty_engine.begin() as connection:
        for statement in _OLD_ROWS.split(";\n"):
            if statement.strip():
                connection.execute(text(statement), {"hash": legacy_password_hash("s3cret")})

    result = migrate.run(empty_engine, "upgrade")

    assert (result.before, result.after) == (OLD_HEAD, HEAD)
    users = _rows(empty_engine, "SELECT id, _email::text, _password, salt, is_admin, is_blocked FROM users ORDER BY id")
    assert [(row[0], row[1], row[3], row[4], row[5]) for row in users] == [
        (1, "Owner@Example.com", None, True, False),
        (2, "buyer@example.com", None, False, False),
    ]
    assert verify_password("s3cret", str(users[0][2]), None)
    assert _rows(empty_engine, "SELECT id FROM users WHERE _email = 'owner@example.com'") == [(1,)]  # citext
    assert _rows(
        empty_engine,
        "SELECT user_id, roles.name FROM users_events_roles JOIN roles ON roles.id = role_id ORDER BY user_id",
    ) == [(1, "owner"), (2, "coorganizer")]
    assert _rows(empty_engine, "SELECT email FROM events") == [("info@example.com",)]
    assert _rows(empty_engine, "SELECT identifier, amount, status, trashed_at IS NOT NULL FROM orders ORDER BY id") == [
        ("o-1", 49.5, "completed", False),
        ("o-2", 0.0, "deleted", True),
    ]
    assert _rows(empty_engine, "SELECT price FROM tickets") == [(49.5,)]
    assert _rows(empty_engine, "SELECT firstname, lastname, event_id FROM ticket_holders") == [("Ada", " ", 1)]
    assert _rows(
        empty_engine,
        "SELECT session_id, event_id, guid::text, url, links, recording_optout FROM serverless.session_sources",
    ) == [
        (1, 1, "33333333-3333-5333-8333-333333333333", "https://example.com/t",
         [{"href": "https://example.com/l", "title": "L"}], True)
    ]  # fmt: skip
    assert _rows(empty_engine, "SELECT speaker_id, guid::text, source_id FROM serverless.speaker_sources") == [
        (1, "22222222-2222-5222-8222-222222222222", 4711)
    ]
    assert _rows(empty_engine, "SELECT microlocation_id, guid::text FROM serverless.room_sources") == [
        (1, "11111111-1111-5111-8111-111111111111")
    ]
    assert _rows(empty_engine, "SELECT id::text, user_id, event_id, format, options FROM serverless.export_tasks") == [
        ("44444444-4444-4444-8444-444444444444", 1, 1, "orders/csv", {"bom": True})
    ]
    assert _rows(empty_engine, "SELECT id, event_id, code_hash FROM serverless.stripe_authorizations") == [
        (7, 1, "abc")
    ]


def test_downgrade_to_base_and_upgrade_again(empty_engine):
    migrate.run(empty_engine, "upgrade")

    down = migrate.run(empty_engine, "downgrade", "base", confirm="drop-data")
    up = migrate.run(empty_engine, "upgrade")

    assert down.after is None
    assert set(inspect(empty_engine).get_table_names()) >= {"users", "events"}
    assert (up.before, up.after) == (None, HEAD)


def test_models_match_the_migrated_schema(empty_engine):
    migrate.run(empty_engine, "upgrade")

    def compared(name: str | None, kind: str, parent: dict[str, str | None]) -> bool:
        if kind == "schema":
            return name in (None, "serverless")
        if kind == "table":
            return name != "alembic_version"
        # Standalone kept the one column OES has not (nothing lost); no model maps it.
        return not (kind == "column" and parent.get("table_name") == "events" and name == "email")

    with empty_engine.connect() as connection:
        options = {"compare_type": True, "include_schemas": True, "include_name": compared}
        context = MigrationContext.configure(connection, opts=options)
        differences = compare_metadata(context, Base.metadata)

    assert differences == []


def test_concurrent_migrators_do_not_interleave(empty_engine):
    """A second migrator waits for the first one's lock, then finds the schema already at head."""
    results: list[migrate.MigrationResult] = []
    blocker = empty_engine.connect()
    blocker.execute(text("SELECT pg_advisory_lock(:key)"), {"key": migrate._LOCK_KEY})
    threads = [threading.Thread(target=lambda: results.append(migrate.run(empty_engine, "upgrade"))) for _ in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(1)
    waiting_for_the_lock = sum(thread.is_alive() for thread in threads)
    tables_while_blocked = inspect(empty_engine).get_table_names()

    blocker.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": migrate._LOCK_KEY})
    blocker.close()
    for thread in threads:
        thread.join(timeout=60)

    assert waiting_for_the_lock == 2
    assert "alembic_version" not in tables_while_blocked
    assert sorted(((r.before, r.after) for r in results), key=str) == [(HEAD, HEAD), (None, HEAD)]


def test_migrator_gives_up_on_a_held_lock_in_bounded_time_naming_the_holder(empty_engine):
    blocker = empty_engine.connect()
    blocker.execute(text("SELECT pg_advisory_lock(:key)"), {"key": migrate._LOCK_KEY})
    holder = blocker.scalar(text("SELECT pg_backend_pid()"))
    started = time.monotonic()

    with pytest.raises(migrate.MigrationRefused) as refused:
        migrate.run(empty_engine, "upgrade", lock_wait_seconds=0.5)

    waited = time.monotonic() - started
    blocker.close()
    assert refused.value.as_dict()["error"] == "lock-timeout"
    assert refused.value.as_dict()["holder_pid"] == holder
    assert f"pid {holder}" in refused.value.detail and waited < 10
    assert "alembic_version" not in inspect(empty_engine).get_table_names()


def test_downgrade_that_drops_tables_is_refused_unless_confirmed_and_says_what_it_loses(empty_engine):
    migrate.run(empty_engine, "upgrade", "0001_initial")
    _insert_holders(empty_engine)
    migrate.run(empty_engine, "upgrade")

    with pytest.raises(migrate.MigrationRefused) as refused:
        migrate.run(empty_engine, "downgrade", "base")

    answer = refused.value.as_dict()
    losing = [
        HEAD,
        "i19_feeds_0002",
        OES_SHAPE,
        "0007_stripe_code_hash",
        "0006_export_catalogue",
        "0005_schedule_source_fields",
        "0001_initial",
    ]
    assert (answer["error"], list(answer["revisions"])) == ("data-loss", losing)
    assert "drops every table" in answer["detail"] and '"confirm": "drop-data"' in answer["detail"]
    assert len(_holders(empty_engine)) == 3  # nothing was changed
    assert migrate.run(empty_engine, "current").after == HEAD


def test_downgrade_that_keeps_every_row_needs_no_confirmation(empty_engine):
    migrate.run(empty_engine, "upgrade", "0004_export_task_heartbeat")

    result = migrate.run(empty_engine, "downgrade", "0001_initial")

    assert (result.before, result.after) == ("0004_export_task_heartbeat", "0001_initial")


def test_every_revision_that_drops_a_table_or_column_declares_its_data_loss():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    for chain in (migrate.STANDALONE, migrate.OWN):
        config = Config()
        config.set_main_option("script_location", str(chain.directory))
        for script in ScriptDirectory.from_config(config).walk_revisions():
            downgrade = inspect_source(script.module.downgrade)
            drops = "op.drop_table(" in downgrade or "op.drop_column(" in downgrade
            assert hasattr(script.module, "data_loss"), script.revision
            assert bool(script.module.data_loss) == drops, script.revision


@pytest.mark.parametrize(
    "action,revision,message",
    [
        ("sideways", "head", "action must be one of"),
        ("downgrade", "head", "downgrade needs a target"),
        ("upgrade", "no-such-revision", "Can't locate revision"),
        ("downgrade", "no-such-revision", "Can't locate revision"),
    ],
    ids=["unknown-action", "downgrade-to-head", "unknown-upgrade-target", "unknown-downgrade-target"],
)
def test_bad_migration_request_is_refused(empty_engine, action, revision, message):
    with pytest.raises(migrate.MigrationRefused, match=message):
        migrate.run(empty_engine, action, revision)


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (["migrate", "downgrade", "base"], "data-loss"),
        (["migrate", "upgrade", "nowhere"], "bad-revision"),
        (["migrate", "sideways"], "bad-request"),
    ],
    ids=["drop-everything", "unknown-revision", "unknown-action"],
)
def test_refused_migration_is_one_json_line_and_a_non_zero_status_in_the_cli_and_the_function(
    stack, capsys, argv, error
):
    from chalice.test import Client

    from app import app
    from devtools.cli import main
    from tests.conftest import REPO

    status = main(argv)
    lines = capsys.readouterr().out.splitlines()
    with Client(app, project_dir=str(REPO)) as client:
        payload = {"action": argv[1], "revision": argv[2] if len(argv) > 2 else "head"}
        response = client.lambda_.invoke("migrate", payload)

    assert status == 1 and len(lines) == 1
    assert json.loads(lines[0])["error"] == error
    assert response.payload["error"] == error and response.payload["detail"] == json.loads(lines[0])["detail"]
    assert migrate.run(get_engine(), "current").after == HEAD  # the stack's schema is untouched


def test_migrate_function_reports_the_current_revision(stack):
    from chalice.test import Client

    from app import app
    from tests.conftest import REPO

    with Client(app, project_dir=str(REPO)) as client:
        response = client.lambda_.invoke("migrate", {"action": "current"})

    assert response.payload == {
        "action": "current",
        "before": HEAD,
        "after": HEAD,
        "mode": "standalone",
        "revisions": {"standalone": HEAD, "serverless": OWN_HEAD},
    }
