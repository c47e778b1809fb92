"""Exports read through a hot standby of OES's database, while our tasks are written elsewhere."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import DBAPIError

from devtools.openevent import open_event_mode
from devtools.replica import hot_standby, wait_for_replay
from tests.conftest import Stack
from tests.functional.export_helpers import csv_records, export_file
from tests.openevent.conftest import OpenEventDatabase

pytestmark = pytest.mark.openevent

READ_ONLY_TRANSACTION = "25006"


@pytest.fixture(scope="module")
def replica_url(open_event_database: OpenEventDatabase, embedded_pgdata: os.PathLike[str]) -> Iterator[str]:
    """The lane's database on a streaming hot standby of the embedded server, as its reader login."""
    primary = Path(embedded_pgdata)
    with hot_standby(primary, primary.with_name(f"{primary.name}-standby")) as standby_server:
        reader = make_url(open_event_database.reader_url)
        standby = make_url(standby_server).set(
            database=reader.database, username=reader.username, password=reader.password
        )
        wait_for_replay(open_event_database.owner_url, standby.render_as_string(hide_password=False))
        yield standby.render_as_string(hide_password=False)


def test_the_standby_serves_the_event(replica_url: str, open_event_database: OpenEventDatabase) -> None:
    engine = create_engine(replica_url)
    with engine.connect() as connection:
        found = connection.scalar(text("SELECT id FROM events WHERE identifier = 'oes-lane'"))
        in_recovery = connection.scalar(text("SELECT pg_is_in_recovery()"))
    engine.dispose()

    assert (found, in_recovery) == (open_event_database.event.event_id, True)


def test_a_write_through_the_standby_is_impossible(replica_url: str, open_event_database: OpenEventDatabase) -> None:
    superuser = make_url(replica_url).set(username="postgres", password=None)
    engine = create_engine(superuser)  # even the superuser: a standby takes no write at all

    with engine.connect() as connection, pytest.raises(DBAPIError) as refused:
        connection.execute(text("INSERT INTO roles (name) VALUES ('intruder')"))
    engine.dispose()

    assert refused.value.orig.args[0]["C"] == READ_ONLY_TRANSACTION  # type: ignore[index]


def test_an_export_reads_through_the_standby_while_its_task_is_written_elsewhere(
    client: Any, export_queue: Stack, replica_url: str, open_event_database: OpenEventDatabase, tokens: dict[str, str]
) -> None:
    with open_event_mode(replica_url):
        data = export_file(client, export_queue, tokens["owner"], open_event_database.event.identifier, "orders/csv")
    stored = create_engine(export_queue.database_url)
    with stored.connect() as connection:
        state = connection.scalar(text("SELECT state FROM serverless.export_tasks ORDER BY created_at DESC LIMIT 1"))
    stored.dispose()

    assert len(csv_records(data)) == 6
    assert state == "SUCCESS"
