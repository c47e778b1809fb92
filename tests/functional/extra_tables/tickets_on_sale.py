"""A throwaway table, for ``test_table_declarations``: the one file a new table export needs.

The event's tickets, with a column of every kind, and one the event adds. Its directory is added to ``formats.tables``
by the test, as if this file were there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, case, cast, func, literal_column, select
from sqlalchemy.orm import Session
from sqlalchemy.types import Date

from chalicelib.exports.formats.base import Options
from chalicelib.exports.formats.table import Column, Kind, Printed, PrintedColumn, Record, Table
from chalicelib.models import Event, Ticket


def tickets_rows(event_id: int | None, options: Options) -> Select[Any]:
    values: list[Any] = [
        Ticket.name,
        Ticket.price,
        func.length(Ticket.name),
        Event.starts_at,
        cast(Event.starts_at, Date),
        Ticket.price > 0,
        # Bad data: a number no spreadsheet holds (NaN; 1.25e21 is fine), a time without a date.
        case((Ticket.price > 0, Ticket.price * literal_column("1e20")), else_=literal_column("'NaN'::numeric")),
        case((Ticket.price > 0, literal_column("'infinity'::timestamptz")), else_=Event.starts_at),
    ]
    return (
        select(*values)
        .join(Event, Event.id == Ticket.event_id)
        .where(Ticket.event_id == event_id, Ticket.deleted_at.is_(None))
        .order_by(Ticket.id)
    )


def event_columns(session: Session, event_id: int | None) -> list[tuple[Column, Any]]:
    """A column the event adds, named after it (as an event's custom-form fields are)."""
    identifier = session.scalar(select(Event.identifier).where(Event.id == event_id))
    return [(Column(f"{identifier} ticket number", Kind.INTEGER), Ticket.id - func.min(Ticket.id).over() + 1)]


def _printed_cells(record: Record) -> Sequence[object]:
    return (record["Ticket"], record["Price"], record["Sale Starts"], record["Paid"])


TABLE = Table(
    name="tickets-on-sale",
    label="tickets",
    columns=(
        Column("Ticket"),
        Column("Price", Kind.DECIMAL),
        Column("Name Length", Kind.INTEGER),
        Column("Sale Starts", Kind.DATETIME),
        Column("Sale Day", Kind.DATE),
        Column("Paid", Kind.BOOL),
        Column("Ratio", Kind.DECIMAL),
        Column("Valid Until", Kind.DATETIME),
    ),
    rows=tickets_rows,
    extra_columns=event_columns,
    printed=Printed(
        "Tickets on sale",
        (
            PrintedColumn("Ticket", 0.4),
            PrintedColumn("Price", 0.1, numeric=True),
            PrintedColumn("Starts", 0.2),
            PrintedColumn("Paid", 0.1),
        ),
        _printed_cells,
    ),
)
