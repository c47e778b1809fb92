"""The attendees CSV: one row per ticket holder of the event's live orders, by order, then holder.

Columns (a fixed, documented order; Open Event's moved with its custom forms, its issue #8972):
the order (number, date, status), the holder's ticket id, names and email, the ticket (name, price,
type), how the order was paid, and who bought it. Streamed exactly as the orders CSV is: one
``COPY`` of one query, PostgreSQL formatting dates in the event's zone, amounts with two places
and defused text, then CRLF rows on to S3 in batches.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Numeric, Select, String, cast, func, select

from chalicelib.exports.formats.orders_csv import CSV_CELLS, CellStyle, CopyCsv, live_orders
from chalicelib.models import Event, Order, Ticket, TicketHolder, User

HEADER = (
    "Order#", "Order Date", "Status", "Ticket ID", "First Name", "Last Name", "Email",
    "Ticket Name", "Ticket Price", "Ticket Type", "Payment Type", "Buyer", "Buyer Email",
)  # fmt: skip


def ticket_id() -> Any:
    """OES's Ticket ID, the code on the attendee's QR: the order's identifier, a dash, and the
    holder's identifier (its id when it has none, as OES's ``TicketHolder.qr_code`` falls back)."""
    return func.concat(Order.identifier, "-", func.coalesce(TicketHolder.identifier, cast(TicketHolder.id, String)))


def _holders_of(event_id: int, statuses: Sequence[str]) -> Any:
    return (TicketHolder.deleted_at.is_(None), *live_orders(event_id, statuses))


def attendees_query(event_id: int, statuses: Sequence[str], cells: CellStyle = CSV_CELLS) -> Select[Any]:
    """Every exported ticket holder as a row of ``HEADER``, presented as ``cells`` says."""
    buyer = func.concat_ws(" ", User.first_name, User.last_name)
    return (
        select(
            cells.text(Order.identifier),
            func.to_char(Order.created_at, cells.date_format),
            Order.status,
            cells.text(ticket_id()),
            cells.text(TicketHolder.firstname),
            cells.text(TicketHolder.lastname),
            cells.text(TicketHolder.email),
            cells.text(Ticket.name),
            cast(Ticket.price, Numeric(12, 2)),
            cells.text(Ticket.type),
            cells.text(Order.paid_via),
            cells.text(buyer),
            cells.text(User.email),
        )
        .select_from(TicketHolder)
        .join(Order, Order.id == TicketHolder.order_id)
        .outerjoin(Ticket, Ticket.id == TicketHolder.ticket_id)
        .outerjoin(User, User.id == Order.user_id)
        .where(*_holders_of(event_id, statuses))
        .order_by(Order.id, TicketHolder.id)
    )


def attendees_count(event_id: int, statuses: Sequence[str]) -> Select[Any]:
    return (
        select(func.count())
        .select_from(TicketHolder)
        .join(Order, Order.id == TicketHolder.order_id)
        .where(*_holders_of(event_id, statuses))
    )


class AttendeesCsv(CopyCsv):
    """The ``attendees/csv`` renderer; its options are the orders CSV's (``statuses`` of the orders, ``bom``)."""

    HEADER = HEADER

    def query(self, event: Event, statuses: Sequence[str], cells: CellStyle = CSV_CELLS) -> Select[Any]:
        return attendees_query(event.id, statuses, cells)

    def count(self, event: Event, statuses: Sequence[str]) -> Select[Any]:
        return attendees_count(event.id, statuses)


renderer = AttendeesCsv()
