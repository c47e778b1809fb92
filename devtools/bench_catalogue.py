"""Benchmark of the catalogue exports: the sessions CSV at 10,000 sessions, the speakers CSV at
100,000 speakers, the event archive at 100,000 sessions and their speakers, the admin sales report
over 100,000 events.

Each export runs in a child process through the app's own ``export_worker`` handler, warm, into
the local S3, as the orders benchmark does (``devtools.benchkit.deliver_task``), and reports its wall
time and peak RSS. The reference is the export's own query (queries, for the archive) run as a bare
COPY into a sink: what it costs to get these rows out of PostgreSQL at all. A quarter of the
abstracts and biographies hold markup, so that the rows rewritten in Python are measured too.
Targets: the CSVs within 2x of COPY; every export under 256 MB of peak RSS.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from devtools.benchkit import CountingSink, run_task

SMALL, LARGE = "bench-catalogue-10000", "bench-catalogue-100000"
SALES_EVENTS = 100_000
RICH = "'<p>' || {column} || ' with <em>markup</em> &amp; an <a href=\"https://example.com\">entity</a></p>'"


def _seeded(identifier: str, sessions: int, speakers: int) -> tuple[int, int]:
    """The event (seeded when missing, a quarter of its texts made rich) and its owner's id."""
    from sqlalchemy import select, text

    from chalicelib.db import transaction
    from chalicelib.models import Event, UserEventRole
    from devtools.seed import SeedSpec, seed

    with transaction() as session:
        event_id = session.scalar(select(Event.id).where(Event.identifier == identifier))
        if event_id is None:
            started = time.perf_counter()
            spec = SeedSpec(identifier, orders=0, sessions=sessions, speakers=speakers, rooms=30, days=5)
            event_id = seed(session, spec)["id"]
            rich = RICH.format(column="short_abstract")
            session.execute(text(f"UPDATE sessions SET short_abstract = {rich} WHERE event_id = :e AND mod(id, 4) = 0"),
                            {"e": event_id})  # fmt: skip
            rich = RICH.format(column="short_biography")
            session.execute(text(f"UPDATE speaker SET short_biography = {rich} WHERE event_id = :e AND mod(id, 4) = 0"),
                            {"e": event_id})  # fmt: skip
            session.execute(text("ANALYZE"))  # fresh rows have no statistics: the plans would be guesses
            print(f"   seeded {identifier} in {time.perf_counter() - started:.1f} s", flush=True)
        owner = session.scalar(select(UserEventRole.user_id).where(UserEventRole.event_id == event_id))
    assert isinstance(event_id, int) and isinstance(owner, int)
    return event_id, owner


def _sales_events() -> int:
    """An admin, and ``SALES_EVENTS`` small events with an owner, two orders and their holders each."""
    from sqlalchemy import select, text

    from chalicelib.auth import hash_password
    from chalicelib.db import transaction
    from chalicelib.models import Event, User

    with transaction() as session:
        admin = session.scalar(select(User.id).where(User.email == "admin@bench-sales.example.com"))
        if admin is not None:
            return admin
        started = time.perf_counter()
        admin = session.scalar(
            text("""INSERT INTO users (_email, _password, salt, first_name, last_name, is_admin)
                    VALUES ('admin@bench-sales.example.com', :password, :salt, 'Bench', 'Admin', true) RETURNING id"""),
            hash_password("password").columns(),
        )
        session.execute(
            text("""INSERT INTO events (identifier, name, timezone, starts_at, ends_at, state, location_name, online)
                    SELECT 'bench-sales-' || g, 'Sales event ' || g,
                           (ARRAY['Europe/Berlin','Asia/Kolkata','America/St_Johns','UTC'])[1 + mod(g, 4)],
                           now() - make_interval(days => mod(g, 700) - 350), now() - make_interval(days => mod(g, 700) - 352),
                           'published', CASE WHEN mod(g, 3) > 0 THEN 'Venue ' || g END, mod(g, 5) = 0
                    FROM generate_series(1, :n) g"""),
            {"n": SALES_EVENTS},
        )
        session.execute(
            text("""INSERT INTO users_events_roles (user_id, event_id, role_id)
                    SELECT :admin, events.id, roles.id FROM events, roles
                    WHERE starts_with(identifier, 'bench-sales-') AND roles.name = 'owner'"""),
            {"admin": admin},
        )
        session.execute(
            text("""INSERT INTO orders (identifier, event_id, status, amount)
                    SELECT e.identifier || '-' || k, e.id, (ARRAY['completed','placed','pending','cancelled'])[1 + mod(e.id + k, 4)],
                           10 * k FROM events e, generate_series(1, 2) k WHERE starts_with(e.identifier, 'bench-sales-')"""),
        )
        session.execute(
            text("""INSERT INTO ticket_holders (firstname, lastname, order_id, event_id)
                    SELECT 'Holder', 'Bench', o.id, o.event_id FROM orders o JOIN events e ON e.id = o.event_id
                    WHERE starts_with(e.identifier, 'bench-sales-')"""),
        )
        assert session.scalar(select(Event.id).where(Event.identifier == "bench-sales-1")) is not None
        session.execute(text("ANALYZE"))
        print(f"   seeded {SALES_EVENTS} sales events in {time.perf_counter() - started:.1f} s", flush=True)
    assert isinstance(admin, int)
    return admin


def _new_task(format_name: str, user_id: int, event_id: int | None, body: dict[str, Any]) -> uuid.UUID:
    from chalicelib.db import transaction
    from chalicelib.exports.formats.registry import get_format
    from chalicelib.exports.pipeline import tasks
    from chalicelib.models import Event, User

    fmt = get_format(format_name)
    assert fmt.parse_body is not None
    with transaction() as session:
        user = session.get(User, user_id)
        event = session.get(Event, event_id) if event_id is not None else None
        assert user is not None
        return tasks.create(session, user, event, fmt, fmt.parse_body(body)).id


def _copy_seconds(event_id: int | None, queries: Callable[[], list[Any]], options: str = "FORMAT csv") -> float:
    """The export's own queries, with its time zone, as bare COPYs into a sink: PostgreSQL alone."""
    from sqlalchemy import text

    from chalicelib.db import transaction
    from chalicelib.exports.formats.copy_stream import copy_csv, use_event_time_zone
    from chalicelib.models import Event

    with transaction() as session:
        event = session.get(Event, event_id) if event_id is not None else None
        if event is not None:
            use_event_time_zone(session, event)
        session.execute(text("SELECT 1"))
        started = time.perf_counter()
        for query in queries():
            copy_csv(session, query, CountingSink(), options)
        return time.perf_counter() - started


def _measure(
    format_name: str, user_id: int, event_id: int | None, body: dict[str, Any], baseline: float
) -> dict[str, Any]:
    child, rows, size = run_task(_new_task(format_name, user_id, event_id, body))
    return {
        "rows": rows,
        "file_mb": round(size / 2**20, 1),
        "export_seconds": round(child["seconds"], 2),
        "worker_peak_rss_mb": child["peak_rss_mb"],
        "copy_seconds": round(baseline, 2),
        "ratio_to_copy": round(child["seconds"] / baseline, 2),
    }


def run(services: Any) -> dict[str, Any]:
    from chalicelib.db import transaction
    from chalicelib.exports.formats import event_archive
    from chalicelib.exports.formats.bodies import MEDIA
    from chalicelib.models import Event
    from devtools.bench_orders import csv_query

    small, small_owner = _seeded(SMALL, sessions=10_000, speakers=3_000)
    large, large_owner = _seeded(LARGE, sessions=100_000, speakers=100_000)
    admin = _sales_events()
    kinds = list(MEDIA)

    def table_query(format_name: str, event_id: int | None) -> Callable[[], list[Any]]:
        def queries() -> list[Any]:
            with transaction() as session:
                event = session.get(Event, event_id) if event_id is not None else None
                return [csv_query(session, format_name, event, {"status": "all"})]

        return queries

    def archive_queries() -> list[Any]:
        members = [query for _, query in event_archive.array_queries(large, kinds) if query is not None]
        return [event_archive.event_query(large), *members]

    figures = {
        "sessions_csv_10000": _measure("sessions/csv", small_owner, small, {"status": "all"},
                                       _copy_seconds(small, table_query("sessions/csv", small))),
        "speakers_csv_100000": _measure("speakers/csv", large_owner, large, {"status": "all"},
                                        _copy_seconds(large, table_query("speakers/csv", large))),
        "event_archive_100000_sessions": _measure(
            "json", large_owner, large, dict.fromkeys(kinds, True),
            _copy_seconds(None, archive_queries, event_archive.JSON_LINES),
        ),
        "admin_sales_csv_100000_events": _measure("admin/sales/csv", admin, None, {"status": "all"},
                                                  _copy_seconds(None, table_query("admin/sales/csv", None))),
    }  # fmt: skip
    csvs = [name for name in figures if "_csv_" in name]
    figures["targets"] = {
        "csvs_within_2x_of_copy": all(figures[name]["ratio_to_copy"] <= 2 for name in csvs),
        "peak_rss_under_256_mb": all(size["worker_peak_rss_mb"] < 256 for size in figures.values()),
    }
    return figures
