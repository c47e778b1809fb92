"""The XLSX form of every table: one sheet, its cells' XML written by PostgreSQL inside one COPY.

Why not a spreadsheet library: XlsxWriter, in its constant-memory mode, took 27 s for 100,000
orders here (one Python call per cell), over twenty times the COPY of the same rows; the issue's
aim is three. So PostgreSQL writes each row's cells as SpreadsheetML (``xlsx_cells``) and Python
only numbers the rows and deflates them into the package (``xlsx_package``), streamed on to S3 as
the rows arrive: memory stays flat at any size, and nothing touches /tmp. Text is inline strings,
never a formula; numbers, amounts, dates and times are typed cells; the header row is frozen and
the columns have widths. Rows with markup in a rich-text cell are the only ones Python reads
(``PlainText``), as in the CSV.

COPY's CSV output is used with a delimiter (0x01) and a quote (0x02) that no cell can hold, so a
row arrives as its cells' XML, unquoted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import IO, Any, BinaryIO
from zipfile import ZIP_DEFLATED, ZipFile

from sqlalchemy import ColumnElement, func
from sqlalchemy.orm import Session

from chalicelib.exports.formats.base import ExportFailed, Options, ProgressCallback
from chalicelib.exports.formats.copy_stream import copy_csv
from chalicelib.exports.formats.csv_rows import CopyBatches
from chalicelib.exports.formats.plain_text import PlainText
from chalicelib.exports.formats.table import Column
from chalicelib.exports.formats.table_engine import TableEngine, begin, presented, resolve
from chalicelib.exports.formats.xlsx_cells import (
    EMPTY,
    TEXT_CLOSE,
    TEXT_OPEN,
    xlsx_cell,
    xml_text,
    xml_text_sql,
    xml_unescape,
)
from chalicelib.exports.formats.xlsx_package import MAX_ROWS, SHEET, SHEET_TAIL, package_part, sheet_head, write_parts
from chalicelib.models import Event

COPY_OPTIONS = "FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02'"
# Cells of a sheet above which its part may pass 4 GB uncompressed and needs ZIP64 from the start.
ZIP64_CELLS = 20_000_000


def _cell(column: Column, value: ColumnElement[Any]) -> ColumnElement[str]:
    """A rich-text cell leaves as its escaped text (Python wraps it); any other as its ``<c>``."""
    return xml_text_sql(value) if column.rich else xlsx_cell(column, value)


class _Rows(CopyBatches):
    """COPY's rows into the sheet, numbered from 2; ``rewrite`` makes one row's parts into its cells."""

    def __init__(
        self, sheet: IO[bytes], batch_size: int, progress: ProgressCallback, rewrite: Callable[[bytes], bytes] | None
    ) -> None:
        super().__init__(batch_size, progress)
        self._sheet = sheet
        self._rewrite = rewrite

    def _emit(self, rows: list[bytes]) -> None:
        first = self.count + 2
        if self._rewrite is None:
            lines = [b'<row r="%d">%s</row>' % (number, row[:-1]) for number, row in enumerate(rows, first)]
        else:
            rewrite = self._rewrite
            lines = [b'<row r="%d">%s</row>' % (number, rewrite(row[:-1])) for number, row in enumerate(rows, first)]
        self._sheet.write(b"".join(lines))


class _RichRows:
    """Rows of a table with rich-text cells: the mark, then the XML of each run of other cells and
    the escaped text of each rich cell in turn; a marked row's rich texts are made plain."""

    def __init__(self, is_rich: Sequence[bool]) -> None:
        self._is_rich = is_rich
        self._plain = PlainText()

    def __call__(self, row: bytes) -> bytes:
        mark, *parts = row.split(b"\x01")
        marked = mark == b"1"
        cells: list[bytes] = []
        for rich, part in zip(self._is_rich, parts, strict=True):
            if not rich:
                cells.append(part)
                continue
            if marked and part:
                part = xml_text(self._plain(xml_unescape(part.decode("utf-8")))).encode("utf-8")
            cells.append(TEXT_OPEN.encode() + part + TEXT_CLOSE.encode() if part else EMPTY.encode())
        return b"".join(cells)


def _parts(columns: Sequence[Column], cells: Sequence[ColumnElement[Any]]) -> tuple[list[Any], list[bool]]:
    """The query's output after the mark: runs of plain cells joined into one, rich cells alone."""
    parts: list[Any] = []
    is_rich: list[bool] = []
    run: list[ColumnElement[Any]] = []
    for column, cell in zip(columns, cells, strict=True):
        if column.rich:
            if run:
                parts.append(func.concat(*run))
                is_rich.append(False)
                run = []
            parts.append(cell)
            is_rich.append(True)
        else:
            run.append(cell)
    if run:
        parts.append(func.concat(*run))
        is_rich.append(False)
    return parts, is_rich


class TableXlsx(TableEngine):
    """The ``<table>/xlsx`` renderer."""

    def render(
        self, session: Session, event: Event | None, options: Options, out: BinaryIO, progress: ProgressCallback
    ) -> int:
        total = self.estimate_total(session, event, options) or 0
        if total >= MAX_ROWS:
            raise ExportFailed(f"This table has {total:,} rows; a sheet holds {MAX_ROWS - 1:,}. Please export the CSV.")
        begin(session, event)
        rows = resolve(session, self.table, event, options)
        query = presented(rows, _cell)
        selected = list(query.selected_columns)
        has_rich = bool(rows.rich)
        parts, is_rich = _parts(rows.columns, selected[1:] if has_rich else selected)
        query = query.with_only_columns(*([selected[0]] if has_rich else []), *parts)
        rewrite = _RichRows(is_rich) if has_rich else None
        with ZipFile(out, "w", compression=ZIP_DEFLATED, compresslevel=1) as package:
            write_parts(package, self.table.label)
            zip64 = total * len(rows.columns) > ZIP64_CELLS
            with package.open(package_part(SHEET), "w", force_zip64=zip64) as sheet:
                sheet.write(sheet_head(rows.columns))
                sink = _Rows(sheet, self.batch_size, progress, rewrite)
                copy_csv(session, query, sink, COPY_OPTIONS)
                sheet.write(SHEET_TAIL)
        return sink.count
