"""The orders: Open Event's ten columns, one row per live order, oldest order first; printed with
the totals by status.

One query: the buyer, the discount code and the ticket quantity joined in (never a query per order
or per page). NULL and 0 amounts both show as 0.00.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select

from chalicelib.exports.formats.base import Options
from chalicelib.exports.formats.order_filters import (
    EXPORTABLE_ORDER_STATUSES,
    exported_statuses,
    live_orders,
    orders_options,
)
from chalicelib.exports.formats.table import Closing, Column, Kind, Printed, PrintedColumn, Record, Table
from chalicelib.models import DiscountCode, Order, OrderTicket, User


def orders_rows(event_id: int | None, options: Options) -> Select[Any]:
    quantity = (
        select(func.coalesce(func.sum(OrderTicket.quantity), 0))
        .where(OrderTicket.order_id == Order.id)
        .scalar_subquery()
    )
    return (
        select(
            Order.identifier,
            Order.created_at,
            Order.status,
            Order.paid_via,
            func.coalesce(Order.amount, 0),
            quantity,
            DiscountCode.code,
            User.first_name,
            User.last_name,
            User.email,
        )
        .outerjoin(User, User.id == Order.user_id)
        .outerjoin(DiscountCode, DiscountCode.id == Order.discount_code_id)
        .where(*live_orders(event_id, exported_statuses(options)))
        .order_by(Order.id)
    )


TOTAL_COLUMNS = (
    PrintedColumn("Status", 0.19), PrintedColumn("Orders", 0.09, numeric=True),
    PrintedColumn("Tickets", 0.09, numeric=True), PrintedColumn("Amount", 0.12, numeric=True),
)  # fmt: skip


@dataclass
class _Total:
    orders: int = 0
    tickets: int = 0
    amount: Decimal = Decimal(0)

    def add(self, orders: int, tickets: int, amount: Decimal) -> None:
        self.orders += orders
        self.tickets += tickets
        self.amount += amount

    def cells(self, label: str) -> tuple[str, int, int, str]:
        return (label, self.orders, self.tickets, f"{self.amount:.2f}")


@dataclass
class TotalsByStatus:
    """The orders PDF's closing table: orders, tickets and amount of each status, then of all."""

    totals: dict[str, _Total] = field(default_factory=lambda: {s: _Total() for s in EXPORTABLE_ORDER_STATUSES})

    def add(self, record: Record) -> None:
        self.totals[record["Status"]].add(1, int(record["Quantity"]), Decimal(record["Total Amount"]))

    def closing(self, count: int) -> Sequence[Closing]:
        everything = _Total()
        rows: list[Sequence[object]] = []
        for status, total in self.totals.items():
            if total.orders:
                rows.append(total.cells(status))
                everything.add(total.orders, total.tickets, total.amount)
        rows.append(everything.cells("all orders"))
        return [Closing("Totals by status", TOTAL_COLUMNS, rows)]


def _printed_cells(record: Record) -> Sequence[object]:
    buyer = " ".join(name for name in (record["First Name"], record["Last Name"]) if name)
    return (
        record["Order#"], record["Order Date"], record["Status"], buyer, record["Email"], record["Quantity"],
        record["Discount Code"], record["Payment Type"], record["Total Amount"],
    )  # fmt: skip


TABLE = Table(
    name="orders",
    label="orders",
    columns=(
        Column("Order#", width=14),
        Column("Order Date", Kind.DATETIME),
        Column("Status", width=10),
        Column("Payment Type", width=12),
        Column("Total Amount", Kind.DECIMAL),
        Column("Quantity", Kind.INTEGER),
        Column("Discount Code"),
        Column("First Name"),
        Column("Last Name"),
        Column("Email", width=28),
    ),
    rows=orders_rows,
    parse_query=orders_options,
    options=("status", "bom"),
    printed=Printed(
        "Orders",
        (
            PrintedColumn("Order#", 0.12),
            PrintedColumn("Date", 0.09),
            PrintedColumn("Status", 0.07),
            PrintedColumn("Buyer", 0.19),
            PrintedColumn("Email", 0.22),
            PrintedColumn("Tickets", 0.05, numeric=True),
            PrintedColumn("Discount code", 0.1),
            PrintedColumn("Payment", 0.07),
            PrintedColumn("Amount", 0.09, numeric=True),
        ),
        _printed_cells,
        TotalsByStatus,
    ),
)
