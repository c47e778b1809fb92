"""The orders CSV: Open Event's ten columns, one row per live order, oldest order first.

Rows first, bytes last: this module reads rows, ``csv_rows`` writes them. The rows come from one
query (the buyer, the discount code and the ticket quantity joined in, never a query per order)
streamed by the server as ``COPY (...) TO STDOUT WITH (FORMAT csv)``, the one server-side stream
pg8000 offers: PostgreSQL formats every value (dates in the event's zone, amounts with two
places), Python's C ``csv.reader`` splits the rows again, ``BATCH_SIZE`` at a time, and memory
stays flat at any size. Measured against keyset pages of ordinary SELECTs: pg8000 parses every
value of a result row in Python, and pages leave the server idle while Python works, which made
that export 3.4 times slower than COPY; see the README's benchmarks.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any, BinaryIO

from sqlalchemy import Numeric, Select, cast, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from chalicelib.exports.base import ExportFailed, ProgressCallback
from chalicelib.exports.csv_rows import CsvWriter
from chalicelib.exports.formats import EXPORTABLE_ORDER_STATUSES
from chalicelib.models import DiscountCode, Event, Order, OrderTicket, User

HEADER = (
    "Order#", "Order Date", "Status", "Payment Type", "Total Amount",
    "Quantity", "Discount Code", "First Name", "Last Name", "Email",
)  # fmt: skip
BATCH_SIZE = 5000
# ISO 8601 with the offset of the session's time zone, which ``render`` sets to the event's.
ISO_LOCAL = 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM'


def _statuses(options: Mapping[str, Any]) -> list[str]:
    # "deleted" never leaves, whatever the options say.
    return [status for status in options.get("statuses", EXPORTABLE_ORDER_STATUSES) if status != "deleted"]


def _live_orders(event_id: int, statuses: Sequence[str]) -> Any:
    return (Order.event_id == event_id, Order.deleted_at.is_(None), Order.status.in_(statuses))


def orders_query(event_id: int, statuses: Sequence[str]) -> Select[Any]:
    """Every exported order as a row of the ten columns, oldest order first."""
    quantity = (
        select(func.coalesce(func.sum(OrderTicket.quantity), 0))
        .where(OrderTicket.order_id == Order.id)
        .scalar_subquery()
    )
    return (
        select(
            Order.identifier,
            func.to_char(Order.created_at, ISO_LOCAL),
            Order.status,
            Order.paid_via,
            cast(func.coalesce(Order.amount, 0), Numeric(12, 2)),  # NULL and 0 both print as 0.00
            quantity,
            DiscountCode.code,
            User.first_name,
            User.last_name,
            User.email,
        )
        .outerjoin(User, User.id == Order.user_id)
        .outerjoin(DiscountCode, DiscountCode.id == Order.discount_code_id)
        .where(*_live_orders(event_id, statuses))
        .order_by(Order.id)
    )


def use_event_time_zone(session: Session, event: Event) -> None:
    """Make PostgreSQL print times in the event's zone, for the rest of this transaction."""
    try:
        session.execute(text("SELECT set_config('TimeZone', :zone, true)"), {"zone": event.timezone})
    except DBAPIError:
        raise ExportFailed(f"The event's time zone {event.timezone!r} is not a known IANA time zone") from None


class _RowBatches:
    """The sink pg8000 writes COPY data to: PostgreSQL sends one CopyData message per row, so every
    ``size`` writes hold whole rows, which are split and handed on while the server keeps sending."""

    def __init__(self, size: int, on_batch: Callable[[list[list[str]]], None]) -> None:
        self._size = size
        self._on_batch = on_batch
        self._rows: list[bytes] = []

    def write(self, row: bytes) -> int:
        self._rows.append(row)
        if len(self._rows) >= self._size:
            self.flush()
        return len(row)

    def flush(self) -> None:
        if self._rows:
            text = b"".join(self._rows).decode("utf-8")
            self._rows = []
            self._on_batch(list(csv.reader(io.StringIO(text, newline=""))))


def stream_rows(session: Session, query: Select[Any], batch: _RowBatches) -> None:
    """Run ``query`` as a COPY in the session's transaction, feeding its rows to ``batch``.

    COPY takes no parameters, so values are rendered into the statement by SQLAlchemy (integers,
    and statuses checked against a fixed list). If ``batch`` raises while rows are still arriving,
    the connection is left in the middle of the COPY and is thrown away, never reused.
    """
    sql = query.compile(dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True})
    connection = session.connection()
    cursor: Any = connection.connection.cursor()  # the transaction's own pg8000 connection (stream=)
    try:
        cursor.execute(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", stream=batch)
        batch.flush()
    except BaseException:
        connection.invalidate()
        raise
    finally:
        cursor.close()


class OrdersCsv:
    """The ``orders/csv`` renderer. Options: ``statuses`` (list) and ``bom`` (bool)."""

    def __init__(self, batch_size: int = BATCH_SIZE) -> None:
        self.batch_size = batch_size

    def estimate_total(self, session: Session, event: Event, options: Mapping[str, Any]) -> int | None:
        count = select(func.count()).select_from(Order).where(*_live_orders(event.id, _statuses(options)))
        return session.scalar(count)

    def render(
        self,
        session: Session,
        event: Event,
        options: Mapping[str, Any],
        out: BinaryIO,
        progress: ProgressCallback,
    ) -> int:
        use_event_time_zone(session, event)
        writer = CsvWriter(out, bom=bool(options.get("bom", True)))
        writer.write_rows([HEADER])
        written = 0

        def write(rows: list[list[str]]) -> None:
            nonlocal written
            writer.write_rows(rows)
            written += len(rows)
            progress(written)

        stream_rows(session, orders_query(event.id, _statuses(options)), _RowBatches(self.batch_size, write))
        return written


renderer = OrdersCsv()
