"""The task flow in Open Event mode: request, worker, SUCCESS, download, while the service reads OES's
database through a SELECT-only login and writes its tasks into its own schema elsewhere."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import Stack
from tests.functional.export_helpers import csv_records, export_file, read_task, start_export, task_url_of
from tests.functional.http_helpers import auth_headers
from tests.openevent.conftest import OpenEventDatabase

pytestmark = pytest.mark.openevent

TABLES_WE_READ = ("users", "events", "orders", "ticket_holders", "sessions", "speaker")


def row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        counts = {table: connection.scalar(text(f"SELECT count(*) FROM {table}")) or 0 for table in TABLES_WE_READ}
        counts["schemas"] = (
            connection.scalar(text("SELECT count(*) FROM pg_namespace WHERE nspname = 'serverless'")) or 0
        )
    engine.dispose()
    return counts


def test_an_export_runs_to_success_and_downloads(
    client: Any, stack: Stack, as_open_event: OpenEventDatabase, tokens: dict[str, str], export_queue: Stack
) -> None:
    before = row_counts(as_open_event.owner_url)

    rows = csv_records(export_file(client, stack, tokens["organizer"], as_open_event.event.identifier, "orders/csv"))

    assert len(rows) == 6  # one order in each OES status: the export's default is every status
    assert row_counts(as_open_event.owner_url) == before  # nothing written into OES's database
    assert before["schemas"] == 0  # and no schema of ours in it


def test_the_task_is_kept_in_our_schema_and_read_by_who_asked(
    client: Any, stack: Stack, as_open_event: OpenEventDatabase, tokens: dict[str, str], export_queue: Stack
) -> None:
    task_url = task_url_of(start_export(client, tokens["owner"], as_open_event.event.identifier, "orders/csv"))

    stored = create_engine(stack.database_url)
    with stored.connect() as connection:
        tasks = connection.scalar(text("SELECT count(*) FROM serverless.export_tasks"))
    stored.dispose()
    assert tasks
    assert read_task(client, tokens["owner"], task_url)["state"] == "WAITING"
    assert client.http.get(task_url, headers=auth_headers(tokens["stranger"])).status_code in (403, 404)
