"""The orders PDF: the orders CSV's rows as a printable table, then the totals by status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from chalicelib.exports.formats.copy_pdf import CopyPdf
from chalicelib.exports.formats.orders_csv import renderer as orders_csv
from chalicelib.exports.formats.pdf_table import Column, TablePdf
from chalicelib.exports.formats.registry import EXPORTABLE_ORDER_STATUSES

TOTAL_COLUMNS = (
    Column("Status", 0.19), Column("Orders", 0.09, numeric=True), Column("Tickets", 0.09, numeric=True),
    Column("Amount", 0.12, numeric=True),
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


Totals = dict[str, _Total]


class OrdersPdf(CopyPdf[Totals]):
    """The ``orders/pdf`` renderer."""

    SUBTITLE = "Orders"
    COLUMNS = (
        Column("Order#", 0.12), Column("Date", 0.09), Column("Status", 0.07), Column("Buyer", 0.19),
        Column("Email", 0.22), Column("Tickets", 0.05, numeric=True), Column("Discount code", 0.1),
        Column("Payment", 0.07), Column("Amount", 0.09, numeric=True),
    )  # fmt: skip

    def start(self) -> Totals:
        return {status: _Total() for status in EXPORTABLE_ORDER_STATUSES}

    def row(self, record: list[str], state: Totals) -> Sequence[object]:
        number, date, status, paid_via, amount, tickets, code, first, last, email = record
        state[status].add(1, int(tickets), Decimal(amount))
        return (number, date, status, f"{first} {last}", email, tickets, code, paid_via, amount)

    def close(self, table: TablePdf, state: Totals, count: int) -> None:
        table.table(TOTAL_COLUMNS, "Totals by status")
        everything = _Total()
        for status, total in state.items():
            if total.orders:
                table.row(total.cells(status))
                everything.add(total.orders, total.tickets, total.amount)
        table.row(everything.cells("all orders"))


renderer = OrdersPdf(orders_csv)
