"""Orders CSV in Open Event mode: 1,000,000 orders in OES's own schema, without and with the index.

A database of the bench server gets OES's schema (``../shared/oes/schema.sql``), an event of
1,000,000 orders and ten other events of 100,000 (OES creates no index on ``orders(event_id)``: the
other events' orders are what an export without it reads too), all written by the project's seeder in
OES's columns. The service reads it through the SELECT-only login (``OPEN_EVENT_DATABASE_URL``)
while its tasks go to the bench's own database, and the export runs as ``devtools.bench_orders``
runs it (warm worker in a child process). The reference is the export's own query as a bare COPY on
the same login. Measured without the recommended indexes, then with them (docs/open-event.md), for
the big event and for one of the others: target at most 1.6 times COPY for the big one with them.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.orm import Session

DATABASE = "oes_bench_openevent"
EVENT = "bench-oes-orders-1000000"
ORDERS = 1_000_000
OTHER_EVENTS, OTHER_ORDERS = 10, 100_000
SMALL_EVENT = "bench-oes-other-0"  # one of the other events: 5 % of the table, where the index matters most
# What docs/open-event.md recommends for big events; the bench drops and creates them.
RECOMMENDED_INDEXES = {
    "ix_orders_event_id_id": "orders (event_id, id)",
    "ix_ticket_holders_order_id": "ticket_holders (order_id)",
    "ix_ticket_holders_event_id": "ticket_holders (event_id)",
}
TARGET_RATIO = 1.6


def _owner_url(services: Any) -> str:
    return make_url(services.database_url).set(database=DATABASE).render_as_string(hide_password=False)


def prepared_database(services: Any) -> str:
    """OES's schema with the seeded events (made once, kept across runs); the URL of its owner."""
    from devtools.openevent import load_schema
    from devtools.postgres import ensure_database
    from devtools.seed import SeedSpec, seed

    url = _owner_url(services)
    ensure_database(url)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if not connection.scalar(text("SELECT to_regclass('public.events') IS NOT NULL")):
            load_schema(url)
        seeded = connection.scalar(text("SELECT id FROM events WHERE identifier = :i"), {"i": EVENT}) is not None
    if not seeded:
        started = time.perf_counter()
        with Session(create_engine(url)) as session, session.begin():
            for number in range(OTHER_EVENTS):
                seed(session, SeedSpec(f"bench-oes-other-{number}", orders=OTHER_ORDERS, sessions=0, speakers=0))
            seed(session, SeedSpec(EVENT, orders=ORDERS, sessions=0, speakers=0))
        with engine.connect() as connection:
            connection.execute(text("VACUUM ANALYZE"))  # as an installation that has run for a while
        print(f"   seeded {DATABASE} in {time.perf_counter() - started:.1f} s", flush=True)
    engine.dispose()
    return url


def set_recommended_indexes(owner_url: str, *, present: bool) -> None:
    engine = create_engine(owner_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        for name, columns in RECOMMENDED_INDEXES.items():
            statement = f"CREATE INDEX IF NOT EXISTS {name} ON {columns}" if present else f"DROP INDEX IF EXISTS {name}"
            connection.execute(text(statement))
        connection.execute(text("ANALYZE orders, ticket_holders"))
    engine.dispose()


def _event_and_owner(identifier: str) -> tuple[int, int]:
    from sqlalchemy import select

    from chalicelib.db import read_transaction
    from chalicelib.models import Event, UserEventRole

    with read_transaction() as session:
        event_id = session.scalar(select(Event.id).where(Event.identifier == identifier))
        owner = session.scalar(select(UserEventRole.user_id).where(UserEventRole.event_id == event_id))
    assert event_id is not None and owner is not None
    return event_id, owner


def run(services: Any) -> dict[str, Any]:
    from devtools.bench_orders import copy_seconds, measure_export, with_copy
    from devtools.openevent import grant_reader, open_event_mode

    owner_url = prepared_database(services)
    figures: dict[str, Any] = {}
    with open_event_mode(grant_reader(owner_url)):
        events = {"orders_1000000": _event_and_owner(EVENT), "orders_100000": _event_and_owner(SMALL_EVENT)}
        for present in (False, True):
            set_recommended_indexes(owner_url, present=present)
            for name, (event_id, owner_id) in events.items():
                measured = measure_export(event_id, owner_id, "orders/csv")
                figures[f"{name}_{'with' if present else 'without'}_index"] = with_copy(
                    measured, copy_seconds(event_id)
                )
    ratio = figures["orders_1000000_with_index"]["ratio_to_copy"]
    figures["targets"] = {"with_index_within_1_6x_of_copy": ratio <= TARGET_RATIO}
    return figures
