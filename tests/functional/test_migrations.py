"""The migration chain: built from empty, Open Event's lastname revision on real data, down and up
again, concurrent migrators, the ``migrate`` function, and models that match the migrated schema."""

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
HEAD = "i19_feeds_0001"


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

    down = migrate.run(empty_engine, "downgrade", "base", confirm="drop-data")
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
        "i19_feeds_0001",
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

    config = Config()
    config.set_main_option("script_location", str(migrate.MIGRATIONS_DIR))
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

    assert response.payload == {"action": "current", "before": HEAD, "after": HEAD}
