"""The attendees PDF: the attendees CSV's rows as a printable table (a door list), then the
number of holders of each ticket."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from chalicelib.exports.formats.attendees_csv import renderer as attendees_csv
from chalicelib.exports.formats.copy_pdf import CopyPdf
from chalicelib.exports.formats.pdf_table import Column, TablePdf

TICKET_COLUMNS = (Column("Ticket", 0.3), Column("Holders", 0.09, numeric=True))


class AttendeesPdf(CopyPdf[Counter[str]]):
    """The ``attendees/pdf`` renderer."""

    SUBTITLE = "Attendees"
    COLUMNS = (
        Column("Order#", 0.11), Column("Date", 0.09), Column("Status", 0.07), Column("Holder", 0.16),
        Column("Email", 0.18), Column("Ticket", 0.12), Column("Price", 0.06, numeric=True),
        Column("Payment", 0.06), Column("Buyer", 0.15),
    )  # fmt: skip

    def start(self) -> Counter[str]:
        return Counter()

    def row(self, record: list[str], state: Counter[str]) -> Sequence[object]:
        number, date, status, _, first, last, email, ticket, price, _, paid_via, buyer, _ = record
        state[ticket] += 1
        return (number, date, status, f"{first} {last}", email, ticket, price, paid_via, buyer)

    def close(self, table: TablePdf, state: Counter[str], count: int) -> None:
        table.table(TICKET_COLUMNS, "Holders by ticket")
        for ticket, holders in sorted(state.items()):
            table.row((ticket, holders))
        table.row(("all tickets", count))


renderer = AttendeesPdf(attendees_csv)
