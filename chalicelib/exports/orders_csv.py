"""The orders CSV: Open Event's ten columns, one row per live order, oldest order first.

Rows first, bytes last: this module only reads rows (``csv_rows`` writes them). The orders are read
in keyset pages over ``(event_id, id)``: one query per page of ``BATCH_SIZE`` orders, with the
buyer, the discount code and the ticket quantity joined in, so memory stays flat at any size
(pg8000 has no server-side cursors). PostgreSQL formats the dates and amounts itself: parsing a
million timestamps in Python would cost more than the rest of the export together.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, BinaryIO

from sqlalchemy import Numeric, Row, Select, cast, func, select, text
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
    """Every exported order as a row: its id (the page key), then the ten columns, in order."""
    quantity = (
        select(func.coalesce(func.sum(OrderTicket.quantity), 0))
        .where(OrderTicket.order_id == Order.id)
        .scalar_subquery()
    )
    return (
        select(
            Order.id,
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


def _pages(session: Session, query: Select[Any], size: int) -> Iterator[Sequence[Row[Any]]]:
    last_id = 0
    while True:
        page = session.execute(query.where(Order.id > last_id).limit(size)).all()
        if not page:
            return
        yield page
        last_id = page[-1][0]


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
        for page in _pages(session, orders_query(event.id, _statuses(options)), self.batch_size):
            writer.write_rows(row[1:] for row in page)
            written += len(page)
            progress(written)
        return written


renderer = OrdersCsv()
