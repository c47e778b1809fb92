"""The orders PDF: the orders CSV's rows as a printable table, then the totals by status.

The rows are the orders CSV's own query (text as it is, dates for people), streamed by the one
``COPY`` and parsed back batch by batch; the totals are summed on the way, not queried again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO

from sqlalchemy.orm import Session

from chalicelib.exports.formats.base import ProgressCallback
from chalicelib.exports.formats.csv_rows import CopyRecords
from chalicelib.exports.formats.orders_csv import copy_csv, exported_statuses, orders_query, use_event_time_zone
from chalicelib.exports.formats.orders_csv import renderer as orders_csv
from chalicelib.exports.formats.pdf_table import PRINTED_CELLS, Column, TablePdf, title_block
from chalicelib.exports.formats.registry import EXPORTABLE_ORDER_STATUSES
from chalicelib.models import Event

BATCH_SIZE = 1000
COLUMNS = (
    Column("Order#", 0.12), Column("Date", 0.09), Column("Status", 0.07), Column("Buyer", 0.19),
    Column("Email", 0.22), Column("Tickets", 0.05, numeric=True), Column("Discount code", 0.1),
    Column("Payment", 0.07), Column("Amount", 0.09, numeric=True),
)  # fmt: skip
TOTAL_COLUMNS = (
    Column("Status", 0.19), Column("Orders", 0.09, numeric=True), Column("Tickets", 0.09, numeric=True),
    Column("Amount", 0.12, numeric=True),
)  # fmt: skip


@dataclass
class _Total:
    orders: int = 0
    tickets: int = 0
    amount: Decimal = Decimal(0)

    def add(self, tickets: int, amount: Decimal) -> None:
        self.orders += 1
        self.tickets += tickets
        self.amount += amount

    def include(self, other: _Total) -> None:
        self.orders += other.orders
        self.tickets += other.tickets
        self.amount += other.amount

    def cells(self, label: str) -> tuple[str, int, int, str]:
        return (label, self.orders, self.tickets, f"{self.amount:.2f}")


class OrdersPdf:
    """The ``orders/pdf`` renderer: every order but the deleted ones (no options)."""

    def __init__(self, batch_size: int = BATCH_SIZE) -> None:
        self.batch_size = batch_size

    def estimate_total(self, session: Session, event: Event, options: Mapping[str, Any]) -> int | None:
        return orders_csv.estimate_total(session, event, {})

    def render(
        self, session: Session, event: Event, options: Mapping[str, Any], out: BinaryIO, progress: ProgressCallback
    ) -> int:
        use_event_time_zone(session, event)
        table = TablePdf(title_block(session, event, "Orders"))
        table.table(COLUMNS)
        totals = {status: _Total() for status in EXPORTABLE_ORDER_STATUSES}

        def add(records: list[list[str]]) -> None:
            for number, date, status, paid_via, amount, tickets, code, first, last, email in records:
                table.row((number, date, status, f"{first} {last}", email, tickets, code, paid_via, amount))
                totals[status].add(int(tickets), Decimal(amount))

        rows = CopyRecords(add, self.batch_size, progress)
        copy_csv(session, orders_query(event.id, exported_statuses({}), PRINTED_CELLS), rows)
        table.table(TOTAL_COLUMNS, "Totals by status")
        everything = _Total()
        for status, total in totals.items():
            if total.orders:
                table.row(total.cells(status))
                everything.include(total)
        table.row(everything.cells("all orders"))
        table.write(out)
        return rows.count


renderer = OrdersPdf()
