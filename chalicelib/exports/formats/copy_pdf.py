"""What the PDF exports share: the rows of a CSV export's own query (one ``COPY``, with text as it
is and dates for people), parsed back batch by batch into a ``TablePdf``, then a closing table.

The closing figures (totals, counts) are kept as the rows go by, not queried again. A PDF is
refused above ``MAX_ROWS``: fpdf2 holds every page until the file is complete (about 0.6 KB a
row), and a table that long is better read as the CSV.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, BinaryIO, Generic, TypeVar

from sqlalchemy.orm import Session

from chalicelib.exports.formats.base import ExportFailed, ProgressCallback
from chalicelib.exports.formats.csv_rows import CopyRecords
from chalicelib.exports.formats.orders_csv import CopyCsv, copy_csv, exported_statuses, use_event_time_zone
from chalicelib.exports.formats.pdf_table import PRINTED_CELLS, Column, TablePdf, title_block
from chalicelib.models import Event

BATCH_SIZE = 1000
MAX_ROWS = 250_000

State = TypeVar("State")


class CopyPdf(Generic[State]):
    """A PDF renderer over ``source`` (a CSV renderer): every row but the deleted ones, no options.

    Subclasses give ``SUBTITLE`` and ``COLUMNS``, and, for one file, a fresh ``State`` (``start``),
    the table row of each record (``row``, which may update the state) and the closing table
    (``close``)."""

    SUBTITLE = ""
    COLUMNS: Sequence[Column] = ()

    def __init__(self, source: CopyCsv, batch_size: int = BATCH_SIZE) -> None:
        self.source = source
        self.batch_size = batch_size

    def start(self) -> State:
        raise NotImplementedError

    def row(self, record: list[str], state: State) -> Sequence[object]:
        raise NotImplementedError

    def close(self, table: TablePdf, state: State, count: int) -> None:
        raise NotImplementedError

    def estimate_total(self, session: Session, event: Event, options: Mapping[str, Any]) -> int | None:
        return self.source.estimate_total(session, event, {})

    def render(
        self, session: Session, event: Event, options: Mapping[str, Any], out: BinaryIO, progress: ProgressCallback
    ) -> int:
        total = self.estimate_total(session, event, options) or 0
        if total > MAX_ROWS:
            raise ExportFailed(
                f"This PDF would have {total:,} rows; it is made for at most {MAX_ROWS:,}. Please export the CSV."
            )
        use_event_time_zone(session, event)
        table = TablePdf(title_block(session, event, self.SUBTITLE))
        table.table(self.COLUMNS)
        state = self.start()

        def add(records: list[list[str]]) -> None:
            for record in records:
                table.row(self.row(record, state))

        rows = CopyRecords(add, self.batch_size, progress)
        copy_csv(session, self.source.query(event, exported_statuses({}), PRINTED_CELLS), rows)
        self.close(table, state, rows.count)
        table.write(out)
        return rows.count
