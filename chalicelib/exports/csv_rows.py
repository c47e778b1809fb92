"""Rows to CSV bytes, once for every CSV export: RFC 4180, CRLF, UTF-8 (BOM optional), formula defence.

Cells are typed: ``str`` cells are text and get the formula-injection defence; ``int``, ``Decimal``
and ``float`` cells are numbers and are written as they are (a ``-1.00`` refund stays a number).
``None`` is an empty cell, never the text ``None``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import BinaryIO

Cell = str | int | Decimal | float | None
Row = Sequence[Cell]

# Excel's BOM sniffing: without it, UTF-8 opens as the local code page and names turn to mojibake.
BOM = b"\xef\xbb\xbf"

# Characters that make Excel, LibreOffice or Sheets read a cell as a formula or a DDE call
# (CWE-1236; the list pretix's defusedcsv uses, plus TAB and CR, which Excel strips first).
_FORMULA_TRIGGERS = frozenset("=+-@\t\r|%")
# A text cell that is only a real number ("-1", "+3.50") is harmless: Excel reads a number.
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def defuse(text: str) -> str:
    """The text, prefixed with ``'`` when a spreadsheet would evaluate it."""
    if text and text[0] in _FORMULA_TRIGGERS and _PLAIN_NUMBER.fullmatch(text) is None:
        return "'" + text
    return text


def _defused(row: Row) -> list[Cell]:
    return [defuse(cell) if isinstance(cell, str) else cell for cell in row]


class CsvWriter:
    """Writes rows to a binary stream, one encoded chunk per ``write_rows`` call (a batch)."""

    def __init__(self, out: BinaryIO, *, bom: bool = True) -> None:
        self._out = out
        self._buffer = io.StringIO()
        # QUOTE_MINIMAL quotes cells with a comma, a quote, CR or LF, and doubles quotes (RFC 4180).
        self._writer = csv.writer(self._buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        self.bytes_written = 0
        if bom:
            self._emit(BOM)

    def _emit(self, chunk: bytes) -> None:
        self._out.write(chunk)
        self.bytes_written += len(chunk)

    def write_rows(self, rows: Iterable[Row]) -> None:
        self._writer.writerows(_defused(row) for row in rows)
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        if text:
            self._emit(text.encode("utf-8"))
