"""Rows to CSV bytes: RFC 4180 quoting, CRLF, the BOM option and the formula-injection defence."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from chalicelib.exports.formats.csv_rows import BOM, CopyRows, CsvWriter, MarkedCopyRows, defuse


def write(rows, *, bom=False):  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    CsvWriter(out, bom=bom).write_rows(rows)
    return out.getvalue()


@pytest.mark.parametrize(
    "text,expected",
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+SUM(A1:A9)", "'+SUM(A1:A9)"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("|calc", "'|calc"),
        ("%0A=1", "'%0A=1"),
        ("-1", "-1"),
        ("+3.50", "+3.50"),
        ("-0.00", "-0.00"),
        ("Ada", "Ada"),
        ("a=b", "a=b"),
        (" =1", " =1"),
        ("", ""),
    ],
    ids=[
        "equals-dde", "plus", "minus-formula", "at", "tab", "carriage-return", "pipe", "percent",
        "negative-number", "signed-decimal", "negative-zero", "plain", "equals-inside", "leading-space", "empty",
    ],
)  # fmt: skip
def test_defuse_prefixes_formulas_and_leaves_numbers(text, expected):
    assert defuse(text) == expected


def test_writer_quotes_per_rfc_4180_with_crlf_row_ends():
    data = write([["a,b", 'say "hi"', "line\nbreak", "cr\rhere", "plain"]])

    assert data == b'"a,b","say ""hi""","line\nbreak","cr\rhere",plain\r\n'


def test_writer_leaves_typed_numbers_alone_and_prints_none_as_empty():
    data = write([[Decimal("-1.00"), Decimal("0.00"), 3, None, "-1.00"]])

    assert data == b"-1.00,0.00,3,,-1.00\r\n"


@pytest.mark.parametrize("bom", [True, False], ids=["with-bom", "without-bom"])
def test_writer_starts_with_a_bom_only_when_asked(bom):
    data = write([["Zoë", "東京"]], bom=bom)

    assert data.startswith(BOM) is bom
    assert data.removeprefix(BOM).decode("utf-8") == "Zoë,東京\r\n"


def test_writer_output_round_trips_through_a_csv_reader():
    rows = [["x", 'multi\r\nline, with "quotes"', "=1+1", "", "ü"], ["2", "", "", "", ""]]

    data = write(rows, bom=True)

    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert parsed == [["x", 'multi\r\nline, with "quotes"', "'=1+1", "", "ü"], ["2", "", "", "", ""]]


def test_copy_rows_end_rows_with_crlf_and_keep_line_breaks_inside_cells():
    out, counts = io.BytesIO(), []
    rows = CopyRows(out, batch_size=2, on_batch=counts.append)

    for row in (b'a,"two\nlines"\n', b'b,"cr\r\nlf"\n', b"c,\n"):
        rows.write(row)
    rows.flush()

    assert out.getvalue() == b'a,"two\nlines"\r\nb,"cr\r\nlf"\r\nc,\r\n'
    assert counts == [2, 3]
    assert rows.count == 3


def test_copy_rows_flush_without_rows_reports_nothing():
    out, counts = io.BytesIO(), []

    CopyRows(out, batch_size=2, on_batch=counts.append).flush()

    assert out.getvalue() == b""
    assert counts == []


def test_marked_copy_rows_pass_plain_rows_and_rewrite_marked_ones_in_order():
    out, counts = io.BytesIO(), []
    rows = MarkedCopyRows(CsvWriter(out, bom=False), 3, counts.append, lambda cells: [cell.upper() for cell in cells])

    for row in (b'0,a,"two\nlines"\n', b'1,b,"=x, \r\ny"\n', b"0,'=c,\n", b'1,d,""\n', b"0,e,f\n"):
        rows.write(row)
    rows.flush()

    assert out.getvalue() == b'a,"two\nlines"\r\nB,"\'=X, \r\nY"\r\n\'=c,\r\nD,\r\ne,f\r\n'
    assert counts == [3, 5] and rows.count == 5
