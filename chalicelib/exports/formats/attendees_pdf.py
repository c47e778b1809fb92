"""The attendees PDF: the attendees CSV's rows as a printable table (a door list), then the
number of holders of each ticket.

The rows are the attendees CSV's own query (text as it is, dates for people), streamed by the one
``COPY`` and parsed back batch by batch; the counts are kept on the way, not queried again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any, BinaryIO

from sqlalchemy.orm import Session

from chalicelib.exports.formats.attendees_csv import attendees_query
from chalicelib.exports.formats.attendees_csv import renderer as attendees_csv
from chalicelib.exports.formats.base import ProgressCallback
from chalicelib.exports.formats.csv_rows import CopyRecords
from chalicelib.exports.formats.orders_csv import copy_csv, exported_statuses, use_event_time_zone
from chalicelib.exports.formats.pdf_table import PRINTED_CELLS, Column, TablePdf, title_block
from chalicelib.models import Event

BATCH_SIZE = 1000
COLUMNS = (
    Column("Order#", 0.11), Column("Date", 0.09), Column("Status", 0.07), Column("Holder", 0.16),
    Column("Email", 0.18), Column("Ticket", 0.12), Column("Price", 0.06, numeric=True),
    Column("Payment", 0.06), Column("Buyer", 0.15),
)  # fmt: skip
TICKET_COLUMNS = (Column("Ticket", 0.3), Column("Holders", 0.09, numeric=True))


class AttendeesPdf:
    """The ``attendees/pdf`` renderer: the holders of every order but the deleted ones (no options)."""

    def __init__(self, batch_size: int = BATCH_SIZE) -> None:
        self.batch_size = batch_size

    def estimate_total(self, session: Session, event: Event, options: Mapping[str, Any]) -> int | None:
        return attendees_csv.estimate_total(session, event, {})

    def render(
        self, session: Session, event: Event, options: Mapping[str, Any], out: BinaryIO, progress: ProgressCallback
    ) -> int:
        use_event_time_zone(session, event)
        table = TablePdf(title_block(session, event, "Attendees"))
        table.table(COLUMNS)
        holders: Counter[str] = Counter()

        def add(records: list[list[str]]) -> None:
            for number, date, status, _, first, last, email, ticket, price, _, paid_via, buyer, _ in records:
                table.row((number, date, status, f"{first} {last}", email, ticket, price, paid_via, buyer))
                holders[ticket] += 1

        rows = CopyRecords(add, self.batch_size, progress)
        copy_csv(session, attendees_query(event.id, exported_statuses({}), PRINTED_CELLS), rows)
        table.table(TICKET_COLUMNS, "Holders by ticket")
        for ticket, count in sorted(holders.items()):
            table.row((ticket, count))
        table.row(("all tickets", rows.count))
        table.write(out)
        return rows.count


renderer = AttendeesPdf()
