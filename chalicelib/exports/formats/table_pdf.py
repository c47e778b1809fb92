"""The PDF form of the tables that have one (``Table.printed``): the rows as a printable table,
then the closing tables (totals), as ``pdf_table`` lays them out.

The rows are read first, then drawn: one COPY (text as it is, dates for people) spooled to a
temporary file (in memory up to ``SPOOL_BYTES``, then on /tmp), so that the statement and its
snapshot are not held open for the whole render, and then drawn record by record, each a mapping
of the declaration's headers. Memory while drawing is fpdf2's: it keeps every page until the file
is complete (0.54 to 0.58 MB per 1,000 rows measured, above about 170 MB for the worker with its
fonts), so a PDF is refused above ``MAX_ROWS``: 140,000 rows peak at about 250 MB, within the
256 MB aim (the 250,000 of before reached 271 MB at 200,000). A table that long is better read as
the XLSX, whose memory does not grow with its rows.
"""

from __future__ import annotations

import csv
import io
from tempfile import SpooledTemporaryFile
from typing import IO, Any, BinaryIO

from sqlalchemy import ColumnElement, case, func
from sqlalchemy.orm import Session

from chalicelib.exports.formats.base import ExportFailed, Options, ProgressCallback
from chalicelib.exports.formats.copy_stream import copy_csv
from chalicelib.exports.formats.csv_rows import CopyBatches
from chalicelib.exports.formats.pdf_table import PRINTED_DATE, TablePdf, title_block
from chalicelib.exports.formats.plain_text import PlainText
from chalicelib.exports.formats.table import Column, Kind, Printed, Table, two_places
from chalicelib.exports.formats.table_engine import Rows, TableEngine, begin, presented, resolve
from chalicelib.models import Event

BATCH_SIZE = 1000
MAX_ROWS = 140_000
SPOOL_BYTES = 8 * 1024 * 1024


def printed_cell(column: Column, value: ColumnElement[Any]) -> ColumnElement[Any]:
    """How a printed table shows a value of ``column``: for people, in the event's zone."""
    if column.kind is Kind.DECIMAL:
        return two_places(value)
    if column.kind is Kind.DATETIME:
        return func.to_char(value, PRINTED_DATE)
    if column.kind is Kind.DATE:
        return func.to_char(value, "YYYY-MM-DD")
    if column.kind is Kind.BOOL:
        return case((value, "yes"), (~value, "no"))
    return value


class _Spool(CopyBatches):
    """COPY's rows, as they are, into a file read once the statement is over."""

    def __init__(self, spool: IO[bytes], batch_size: int, progress: ProgressCallback) -> None:
        super().__init__(batch_size, progress)
        self._spool = spool

    def _emit(self, rows: list[bytes]) -> None:
        self._spool.write(b"".join(rows))


class TablePdfRenderer(TableEngine):
    """The ``<table>/pdf`` renderer: the rows its options choose (a table's query options; the
    defaults for a table whose options come in a body)."""

    default_batch_size = BATCH_SIZE

    def __init__(self, table: Table, batch_size: int | None = None) -> None:
        super().__init__(table, batch_size)
        if table.printed is None:
            raise ValueError(f"The {table.name} table has no printed form")
        self.printed: Printed = table.printed

    def render(
        self, session: Session, event: Event | None, options: Options, out: BinaryIO, progress: ProgressCallback
    ) -> int:
        if event is None:
            raise ValueError("A printed table belongs to an event")
        options = {**self.table.default_options(), **options}
        total = self.estimate_total(session, event, options) or 0
        if total > MAX_ROWS:
            raise ExportFailed(
                f"This PDF would have {total:,} rows; it is made for at most {MAX_ROWS:,}. Please export the XLSX or CSV."
            )
        begin(session, event)
        title = title_block(session, event, self.printed.subtitle)
        rows = resolve(session, self.table, event, options)
        with SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
            sink = _Spool(spool, self.batch_size, lambda count: None)
            copy_csv(session, presented(rows, printed_cell), sink)
            spool.seek(0)
            lines = io.TextIOWrapper(spool, encoding="utf-8", newline="")
            table = TablePdf(title)
            self._draw(table, rows, lines, sink.count, progress)
        table.write(out)
        return sink.count

    def _draw(self, table: TablePdf, rows: Rows, lines: IO[str], count: int, progress: ProgressCallback) -> None:
        printed, header, rich, plain = self.printed, rows.header, rows.rich, PlainText()
        summary = printed.summary() if printed.summary is not None else None
        table.table(printed.columns)
        for number, cells in enumerate(csv.reader(lines), start=1):
            if rich and cells.pop(0) == "1":
                for index in rich:
                    cells[index] = plain(cells[index])
            record = dict(zip(header, cells, strict=True))
            table.row(printed.cells(record))
            if summary is not None:
                summary.add(record)
            if number % self.batch_size == 0:
                progress(number)
        progress(count)
        for closing in summary.closing(count) if summary is not None else ():
            table.table(closing.columns, closing.caption)
            for row in closing.rows:
                table.row(row)
