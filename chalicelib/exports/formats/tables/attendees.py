"""The attendees: one row per ticket holder of the event's live orders, by order, then holder;
printed as a door list with the number of holders of each ticket.

Columns: first a fixed, documented order (the order's number, date and status, OES's Ticket ID,
the holder's names and email, the ticket's name, price and type, how the order was paid, who
bought it, the order's payment mode and billing details (OES's ``Payment Mode``, ``Tax ID``,
``Address``, ``Company``, ``Country``, ``State``, ``City``, ``Zipcode``), the holder's check-in and
check-out times as OES records them, and its virtual-room check-ins under OES's own header
``virtual_event_checkin_times``), then the fields of the
event's attendee form, in the form's order and named as the form names them, as Open Event writes
them (``attendee_forms``). Options: the orders' (``statuses``, ``bom``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, String, cast, func, select

from chalicelib.exports.formats.attendee_forms import form_columns
from chalicelib.exports.formats.base import Options
from chalicelib.exports.formats.copy_stream import ISO_LOCAL
from chalicelib.exports.formats.csv_rows import full_name, joined_sql
from chalicelib.exports.formats.order_filters import exported_statuses, live_orders, orders_options
from chalicelib.exports.formats.table import Closing, Column, Kind, Printed, PrintedColumn, Record, Table
from chalicelib.models import Order, Ticket, TicketHolder, User, VirtualCheckIn


def ticket_id() -> Any:
    """OES's Ticket ID, the code on the attendee's QR: the order's identifier, a dash, and the
    holder's identifier (its id when it has none, as OES's ``TicketHolder.qr_code`` falls back)."""
    return func.concat(Order.identifier, "-", func.coalesce(TicketHolder.identifier, cast(TicketHolder.id, String)))


def _room_check_ins(event_id: int | None) -> Any:
    """Per holder, the times of their virtual-room check-ins (OES's ``virtual_event_checkin_times``),
    earliest first, ``; ``-joined: grouped once for the event, then joined."""
    check_ins = (
        select(func.unnest(VirtualCheckIn.ticket_holder_id).label("holder_id"), VirtualCheckIn.check_in_at)
        .where(
            VirtualCheckIn.event_id == event_id,
            VirtualCheckIn.check_in_type == "room",
            VirtualCheckIn.deleted_at.is_(None),
        )
        .subquery("room_check_ins")
    )
    times = joined_sql(func.to_char(check_ins.c.check_in_at, ISO_LOCAL), check_ins.c.check_in_at)
    return (
        select(check_ins.c.holder_id, times.label("times"))
        .group_by(check_ins.c.holder_id)
        .subquery("room_check_in_times")
    )


def attendees_rows(event_id: int | None, options: Options) -> Select[Any]:
    room_check_ins = _room_check_ins(event_id)
    values: list[Any] = [
        Order.identifier,
        Order.created_at,
        Order.status,
        ticket_id(),
        TicketHolder.firstname,
        TicketHolder.lastname,
        TicketHolder.email,
        Ticket.name,
        Ticket.price,
        Ticket.type,
        Order.paid_via,
        full_name(User.first_name, User.last_name),
        User.email,
        Order.payment_mode,
        Order.tax_business_info,
        Order.address,
        Order.company,
        Order.country,
        Order.state,
        Order.city,
        Order.zipcode,
        TicketHolder.checkin_times,
        TicketHolder.checkout_times,
        room_check_ins.c.times,
    ]
    return (
        select(*values)
        .select_from(TicketHolder)
        .join(Order, Order.id == TicketHolder.order_id)
        .outerjoin(Ticket, Ticket.id == TicketHolder.ticket_id)
        .outerjoin(User, User.id == Order.user_id)
        .outerjoin(room_check_ins, room_check_ins.c.holder_id == TicketHolder.id)
        .where(TicketHolder.deleted_at.is_(None), *live_orders(event_id, exported_statuses(options)))
        .order_by(Order.id, TicketHolder.id)
    )


@dataclass
class HoldersByTicket:
    """The attendees PDF's closing table: how many holders each ticket has."""

    holders: Counter[str] = field(default_factory=Counter)

    def add(self, record: Record) -> None:
        self.holders[record["Ticket Name"]] += 1

    def closing(self, count: int) -> Sequence[Closing]:
        rows: list[Sequence[object]] = [(ticket, holders) for ticket, holders in sorted(self.holders.items())]
        rows.append(("all tickets", count))
        columns = (PrintedColumn("Ticket", 0.3), PrintedColumn("Holders", 0.09, numeric=True))
        return [Closing("Holders by ticket", columns, rows)]


def _printed_cells(record: Record) -> Sequence[object]:
    holder = " ".join(name for name in (record["First Name"], record["Last Name"]) if name)
    return (
        record["Order#"], record["Order Date"], record["Status"], holder, record["Email"], record["Ticket Name"],
        record["Ticket Price"], record["Payment Type"], record["Buyer"],
    )  # fmt: skip


TABLE = Table(
    name="attendees",
    label="attendees",
    columns=(
        Column("Order#", width=14),
        Column("Order Date", Kind.DATETIME),
        Column("Status", width=10),
        Column("Ticket ID", width=18),
        Column("First Name"),
        Column("Last Name"),
        Column("Email", width=28),
        Column("Ticket Name"),
        Column("Ticket Price", Kind.DECIMAL),
        Column("Ticket Type", width=10),
        Column("Payment Type", width=12),
        Column("Buyer"),
        Column("Buyer Email", width=28),
        Column("Payment Mode", width=12),
        Column("Tax ID"),
        Column("Address", width=30),
        Column("Company"),
        Column("Country"),
        Column("State"),
        Column("City"),
        Column("Zipcode", width=10),
        Column("Check-in Times", width=26),
        Column("Check-out Times", width=26),
        Column("virtual_event_checkin_times", width=26),
    ),
    rows=attendees_rows,
    extra_columns=form_columns,
    parse_query=orders_options,  # the same options: the orders' statuses, and the BOM
    options=("status", "bom"),
    printed=Printed(
        "Attendees",
        (
            PrintedColumn("Order#", 0.11),
            PrintedColumn("Date", 0.09),
            PrintedColumn("Status", 0.07),
            PrintedColumn("Holder", 0.16),
            PrintedColumn("Email", 0.18),
            PrintedColumn("Ticket", 0.12),
            PrintedColumn("Price", 0.06, numeric=True),
            PrintedColumn("Payment", 0.06),
            PrintedColumn("Buyer", 0.15),
        ),
        _printed_cells,
        HoldersByTicket,
    ),
)
