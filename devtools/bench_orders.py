"""Orders CSV and XLSX benchmark: the real worker, on seeded events of 100,000 and 1,000,000 orders.

For each size: the export runs in a child process through the app's own SQS handler (Lambda-shaped
event, real PostgreSQL, real S3 API), warm like a reused Lambda container, and reports its wall
time and its peak RSS (the whole process: Python, SQLAlchemy, boto3 included); then the same
query runs as ``COPY (...) TO STDOUT WITH (FORMAT csv)`` on the same database, the physical limit
of getting these rows out of PostgreSQL. Targets: the CSV within 2x of COPY, the XLSX within 3x
of the same COPY (the CSV's query), peak RSS under 150 MB and the same at both sizes.
"""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING, Any

from devtools.benchkit import CountingSink, run_task

if TYPE_CHECKING:
    from devtools.seed import SeedSpec

SIZES = (100_000, 1_000_000)


def seeded_event(spec: SeedSpec) -> tuple[int, int]:
    """The id of the benchmark event ``spec`` describes, and its owner's id; seeded when missing."""
    from sqlalchemy import select

    from chalicelib.db import transaction
    from chalicelib.models import Event, User, UserEventRole
    from devtools.seed import seed

    with transaction() as session:
        event_id = session.scalar(select(Event.id).where(Event.identifier == spec.identifier))
        if event_id is None:
            started = time.perf_counter()
            event_id = seed(session, spec)["id"]
            print(f"   seeded {spec.identifier} in {time.perf_counter() - started:.1f} s", flush=True)
        owner = session.scalar(
            select(User.id)
            .join(UserEventRole, UserEventRole.user_id == User.id)
            .where(UserEventRole.event_id == event_id)
        )
    assert owner is not None
    return event_id, owner


def new_task(event_id: int, owner_id: int, format_name: str = "orders/csv") -> uuid.UUID:
    """A WAITING task of ``format_name`` for the event, with the format's default options (the event
    and its owner read where the service reads them: OES's database in Open Event mode)."""
    from chalicelib.db import read_transaction, transaction
    from chalicelib.exports.formats.registry import get_format
    from chalicelib.exports.pipeline import tasks
    from chalicelib.models import Event, User

    fmt = get_format(format_name)
    with read_transaction() as oes, transaction() as own:
        event, owner = oes.get(Event, event_id), oes.get(User, owner_id)
        assert event is not None and owner is not None
        return tasks.create(own, owner, event, fmt, fmt.parse_options({})).id


def csv_query(session: Any, format_name: str, event: Any, options: dict[str, Any]) -> Any:
    """The query a table's CSV streams by COPY: the declaration's rows, presented for the CSV."""
    from chalicelib.exports.formats.registry import get_format
    from chalicelib.exports.formats.table_csv import csv_cell
    from chalicelib.exports.formats.table_engine import presented, resolve

    table = get_format(format_name).table
    assert table is not None
    return presented(resolve(session, table, event, options), csv_cell)


def copy_seconds(event_id: int, format_name: str = "orders/csv") -> tuple[float, int]:
    """The CSV export's own query and time zone (its default options), run as a bare COPY into a
    sink, where the export reads: PostgreSQL alone."""
    from chalicelib.db import read_transaction
    from chalicelib.exports.formats.copy_stream import copy_csv, use_event_time_zone
    from chalicelib.exports.formats.registry import get_format
    from chalicelib.models import Event

    sink = CountingSink()
    with read_transaction() as session:
        event = session.get(Event, event_id)
        assert event is not None
        use_event_time_zone(session, event)
        query = csv_query(session, format_name, event, get_format(format_name).parse_options({}))
        started = time.perf_counter()
        copy_csv(session, query, sink)
        seconds = time.perf_counter() - started
    return seconds, sink.size


def measure_export(event_id: int, owner_id: int, format_name: str) -> dict[str, Any]:
    """One export of ``format_name`` by the warm worker in a child process: its size, time and peak RSS."""
    child, rows, size = run_task(new_task(event_id, owner_id, format_name))
    return {
        "rows": rows,
        "file_mb": round(size / 2**20, 1),
        "export_seconds": round(child["seconds"], 2),
        "rows_per_second": round(rows / child["seconds"]),
        "worker_peak_rss_mb": child["peak_rss_mb"],
    }


def with_copy(figures: dict[str, Any], copy: tuple[float, int]) -> dict[str, Any]:
    """``figures`` with the bare COPY's time and size, and the export's ratio to it."""
    copy_time, copy_bytes = copy
    return {
        **figures,
        "copy_seconds": round(copy_time, 2),
        "copy_mb": round(copy_bytes / 2**20, 1),
        "ratio_to_copy": round(figures["export_seconds"] / copy_time, 2),
    }


def _measure(orders: int) -> dict[str, Any]:
    from devtools.seed import SeedSpec

    event_id, owner_id = seeded_event(SeedSpec(f"bench-orders-{orders}", orders=orders, sessions=0, speakers=0))
    copy = copy_seconds(event_id)
    return {
        "csv": with_copy(measure_export(event_id, owner_id, "orders/csv"), copy),
        "xlsx": with_copy(measure_export(event_id, owner_id, "orders/xlsx"), copy),
    }


def run(services: Any) -> dict[str, Any]:
    sizes = {f"orders_{orders}": _measure(orders) for orders in SIZES}
    figures: dict[str, Any] = {f"{size}_{form}": forms[form] for size, forms in sizes.items() for form in forms}
    peaks = [size["worker_peak_rss_mb"] for size in figures.values()]
    csvs = [size for name, size in figures.items() if name.endswith("_csv")]
    xlsxs = [size for name, size in figures.items() if name.endswith("_xlsx")]
    figures["targets"] = {
        "csv_within_2x_of_copy": all(size["ratio_to_copy"] <= 2 for size in csvs),
        "xlsx_within_3x_of_copy": all(size["ratio_to_copy"] <= 3 for size in xlsxs),
        "peak_rss_under_150_mb": max(peaks) < 150,
        "flat_memory_mb": round(max(peaks) - min(peaks), 1),
    }
    return figures
