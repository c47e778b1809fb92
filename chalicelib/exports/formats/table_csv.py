"""The CSV form of every table: one COPY of the declaration's rows, presented by PostgreSQL.

Text cells are defused (``csv_rows.defused_sql``), dates ISO 8601 in the event's zone, amounts with
two places; the rows go on to S3 in batches as the server sends them, with CRLF ends, no cell
parsed (``CopyRows``). Rows whose rich-text cells hold markup are marked by the query, and only
those are parsed and rewritten in Python (``MarkedCopyRows``, ``PlainText``). Option: ``bom``.
"""

from __future__ import annotations

from typing import Any, BinaryIO

from sqlalchemy import ColumnElement, case, func
from sqlalchemy.orm import Session

from chalicelib.exports.formats.base import Options, ProgressCallback
from chalicelib.exports.formats.copy_stream import ISO_LOCAL, copy_csv
from chalicelib.exports.formats.csv_rows import CopyRows, CsvWriter, MarkedCopyRows, defused_sql
from chalicelib.exports.formats.plain_text import PlainText
from chalicelib.exports.formats.table import Column, Kind, two_places
from chalicelib.exports.formats.table_engine import TableEngine, begin, presented, resolve
from chalicelib.models import Event


def csv_cell(column: Column, value: ColumnElement[Any]) -> ColumnElement[Any]:
    """How a CSV shows a value of ``column``: what a spreadsheet reads back as that type."""
    if column.kind is Kind.TEXT:
        return defused_sql(value)
    if column.kind is Kind.DECIMAL:
        return two_places(value)
    if column.kind is Kind.DATETIME:
        return func.to_char(value, ISO_LOCAL)
    if column.kind is Kind.DATE:
        return func.to_char(value, "YYYY-MM-DD")
    if column.kind is Kind.BOOL:
        return case((value, "true"), (~value, "false"))
    return value


class TableCsv(TableEngine):
    """The ``<table>/csv`` renderer."""

    def render(
        self, session: Session, event: Event | None, options: Options, out: BinaryIO, progress: ProgressCallback
    ) -> int:
        begin(session, event)
        rows = resolve(session, self.table, event, options)
        writer = CsvWriter(out, bom=bool(options.get("bom", True)))
        writer.write_rows([rows.header])
        plain, rich = PlainText(), rows.rich

        def rewrite(cells: list[str]) -> list[str]:
            for index in rich:  # a defused cell stays defused: its ``'`` is text
                cells[index] = plain(cells[index])
            return cells

        sink = (
            MarkedCopyRows(writer, self.batch_size, progress, rewrite)
            if rich
            else CopyRows(out, self.batch_size, progress)
        )
        copy_csv(session, presented(rows, csv_cell), sink)
        return sink.count
