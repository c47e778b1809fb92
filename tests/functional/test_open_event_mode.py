"""Open Event mode, the first proof (the OES test lane grows it): OES's own schema
(``../shared/oes/schema.sql``) read through a SELECT-only role, our state in the stack's database.

An export runs end to end on OES's tables as OES's installer made them; ``migrate`` says it leaves
them alone; what stays on OES answers so.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator

import pytest
from chalice.test import Client
from sqlalchemy import create_engine, make_url, text

from app import app
from chalicelib import models
from chalicelib.auth import issue_token
from devtools.postgres import create_scratch_database, drop_database
from tests.conftest import REPO, SHARED, Stack, reset_process_state
from tests.functional.export_helpers import csv_records, export_file
from tests.functional.http_helpers import auth_headers

OES_SCHEMA = SHARED / "oes" / "schema.sql"

# One organizer, one event, two orders (one of them trashed) and their holders, in OES's columns.
_OES_ROWS = """
INSERT INTO users (id, _email, _password, salt, first_name, last_name, is_blocked, is_admin, is_super_admin)
    VALUES (1, 'Organizer@Example.com', 'x', 'y', 'Olga', 'Organizer', false, false, false),
           (2, 'buyer@example.com', 'x', 'y', 'Bo', 'Buyer', false, false, false);
INSERT INTO events (id, identifier, name, starts_at, ends_at, timezone, is_featured, is_promoted, is_demoted,
    is_chat_enabled, is_videoroom_enabled, is_document_enabled, show_remaining_tickets, is_ticket_form_enabled,
    is_billing_info_mandatory, state)
    VALUES (1, 'oes1', 'OES Summit', '2026-06-01 09:00Z', '2026-06-02 18:00Z', 'Europe/Berlin',
            false, false, false, false, false, false, false, false, false, 'published');
INSERT INTO users_events_roles (id, event_id, user_id, role_id)
    SELECT 1, 1, 1, id FROM roles WHERE name = 'organizer';
INSERT INTO tickets (id, name, type, price, min_price, sales_starts_at, sales_ends_at, event_id)
    VALUES (1, 'Standard', 'paid', 49.9, 0, '2026-01-01Z', '2026-06-01Z', 1);
INSERT INTO orders (id, identifier, amount, user_id, event_id, status, paid_via, is_billing_enabled, created_at,
    trashed_at)
    VALUES (1, 'A1B2', 0.1 + 0.2, 2, 1, 'completed', 'stripe', false, '2026-05-01 10:00Z', NULL),
           (2, 'TRSH', 10, 2, 1, 'completed', 'stripe', false, '2026-05-01 11:00Z', '2026-05-02Z');
INSERT INTO ticket_holders (id, firstname, lastname, email, ticket_id, order_id, event_id, identifier)
    VALUES (1, NULL, NULL, 'Holder@Example.com', 1, 1, 1, 'c0ffee'), (2, 'Ada', 'Lovelace', NULL, 1, 1, 1, NULL);
"""


@pytest.fixture
def open_event_database(stack: Stack) -> Iterator[str]:
    """A database as OES's installer makes it, with a few rows, and the URL of a SELECT-only role on it."""
    url = create_scratch_database(stack.database_url, prefix="oes_schema")
    owner = create_engine(url)
    with owner.connect() as connection:
        # The dump sets an empty search_path for its own session: one throwaway connection loads it.
        connection.connection.driver_connection.execute_simple(OES_SCHEMA.read_text())
        connection.commit()
        connection.invalidate()
    reader = f"oes_reader_{uuid.uuid4().hex[:8]}"
    with owner.begin() as connection:
        connection.execute(text(_OES_ROWS))
        connection.execute(text(f"CREATE ROLE {reader} LOGIN"))
        connection.execute(text(f"GRANT USAGE ON SCHEMA public TO {reader}"))
        connection.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {reader}"))
    owner.dispose()
    os.environ["OPEN_EVENT_DATABASE_URL"] = make_url(url).set(username=reader).render_as_string(hide_password=False)
    reset_process_state()
    yield url
    del os.environ["OPEN_EVENT_DATABASE_URL"]
    reset_process_state()
    drop_database(url)
    with create_engine(stack.database_url, isolation_level="AUTOCOMMIT").connect() as connection:
        connection.execute(text(f"DROP ROLE {reader}"))


def _organizer_token() -> str:
    return issue_token(models.User(id=1))


def test_attendees_csv_reads_oes_tables_through_a_select_only_role(client, stack, open_event_database):
    data = export_file(client, stack, _organizer_token(), "oes1", "attendees/csv")

    rows = csv_records(data)
    # OES's Ticket ID (its id when the holder has none), NULL names blank, the trashed order left out.
    assert [(row["Ticket ID"], row["First Name"], row["Last Name"]) for row in rows] == [
        ("A1B2-c0ffee", "", ""),
        ("A1B2-2", "Ada", "Lovelace"),
    ]
    assert {row["Ticket Price"] for row in rows} == {"49.90"}
    assert rows[0]["Email"] == "Holder@Example.com"  # citext read as text


def test_orders_csv_prints_float_amounts_without_float_noise(client, stack, open_event_database):
    rows = csv_records(export_file(client, stack, _organizer_token(), "oes1", "orders/csv"))

    assert [(row["Order#"], row["Total Amount"]) for row in rows] == [("A1B2", "0.30")]


def test_migrate_in_open_event_mode_says_it_touches_only_its_own_schema(stack, open_event_database):
    with Client(app, project_dir=str(REPO)) as lambda_client:
        answer = lambda_client.lambda_.invoke("migrate", {"action": "current"}).payload

    assert answer["mode"] == "open-event" and "only schema serverless" in answer["note"]
    assert answer["revisions"] == {"serverless": "i19_feeds_own_0001"}


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/v1/auth/login"), ("GET", "/v1/events/oes1/stripe-authorization"), ("DELETE", "/v1/pages/1")],
    ids=["login", "stripe", "page-writes"],
)
def test_what_stays_on_oes_answers_404_naming_it(client, open_event_database, method, path):
    headers = auth_headers(_organizer_token(), Accept="application/vnd.api+json")
    response = getattr(client.http, method.lower())(path, headers=headers)

    assert response.status_code == 404
    assert "served by Open Event Server in Open Event mode" in response.json_body["errors"][0]["detail"]


@pytest.mark.parametrize("argv", [["seed", "--identifier", "x"], ["load", "devtools/demo.json"]], ids=["seed", "load"])
def test_the_cli_never_writes_oes_tables(capsys, open_event_database, argv):
    from devtools.cli import main

    status = main(argv)

    assert status == 1
    assert json.loads(capsys.readouterr().out)["error"] == "open-event-mode"


def test_every_model_of_an_oes_table_maps_only_columns_oes_has_with_its_types(open_event_database):
    """``select(Model)`` names every mapped column: each must exist in OES's table, citext as citext
    and money as float8, or an export would fail on a real OES database."""
    from sqlalchemy import Float, inspect
    from sqlalchemy.dialects.postgresql import CITEXT, DOUBLE_PRECISION

    engine = create_engine(open_event_database)
    inspector = inspect(engine)
    mismatches = []
    for table in models.Base.metadata.sorted_tables:
        if table.schema == models.OWN_SCHEMA:
            continue
        oes_columns = {column["name"]: column["type"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            oes_type = oes_columns.get(column.name)
            if oes_type is None:
                mismatches.append(f"{table.name}.{column.name} is not in OES")
            elif isinstance(column.type, CITEXT) != isinstance(oes_type, CITEXT):
                mismatches.append(f"{table.name}.{column.name}: citext in one only")
            elif isinstance(column.type, Float) and not isinstance(oes_type, DOUBLE_PRECISION):
                mismatches.append(f"{table.name}.{column.name}: OES has {oes_type}")
    engine.dispose()

    assert mismatches == []
