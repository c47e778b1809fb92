"""Every table as XLSX (``…/export/<table>/xlsx``), opened by independent readers: openpyxl, and
LibreOffice when installed. No cell is ever a formula, cells have their types (numbers, amounts,
dates in the event's zone as Excel dates, text as it was typed), the header row is frozen, and the
sheet has the CSV's rows."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import literal, select

from chalicelib.db import transaction
from chalicelib.exports.formats.tables.orders import TABLE as ORDERS
from chalicelib.exports.formats.tables.speakers import TABLE as SPEAKERS
from chalicelib.exports.formats.xlsx_cells import CELL_LIMIT, ELLIPSIS, xml_text, xml_text_sql, xml_unescape
from tests.functional.export_helpers import HOSTILE, csv_records, export_file, posted_export_file

pytestmark = pytest.mark.usefixtures("export_queue")

NOON_UTC = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
NAMES = ["Zoë Ünal", "山田 太郎", "محمد", "שלום", "नमस्ते", "สวัสดี", "🎉 Party"]


TEXTS = ["plain", "a & b < c > d", "&amp; already", "line\nbreak", "cr\r\nlf", "tab\there", "bell\x07\x1b",
         "\ufffe\uffff", "Zoë 東京 🎉", "=1+1", "  spaced  ", "x" * (CELL_LIMIT + 1), "é" * CELL_LIMIT]  # fmt: skip


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_cell_text_in_sql_is_exactly_the_python_one(stack, text):
    """The escaping PostgreSQL does for the rows is the one Python does for the cells it rewrites."""
    with transaction() as session:
        in_sql = session.scalar(select(xml_text_sql(literal(text))))

    assert (in_sql or "") == xml_text(text)  # SQL says NULL where nothing is left, Python ""


@pytest.mark.parametrize("text", ["a & b < c > d", "&amp; already", "line\nbreak", "cr\r\nlf", "tab\there", "Zoë 🎉"])
def test_escaped_cell_text_reads_back_as_it_was(text):
    assert xml_unescape(xml_text(text)) == text


def rows_of(data: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def assert_no_formula(data: bytes) -> None:
    """No cell of any sheet is a formula, as openpyxl reads it and in the XML itself."""
    workbook = load_workbook(io.BytesIO(data))
    assert all(cell.data_type != "f" for sheet in workbook for row in sheet.iter_rows() for cell in row)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert all(b"<f>" not in package.read(name) and b"<f " not in package.read(name) for name in package.namelist())


@pytest.fixture
def event(factory):
    return factory.event(identifier="sheet", timezone="Asia/Kolkata")


@pytest.fixture
def token(factory, event):
    return factory.token(factory.staff(event))


def test_orders_xlsx_has_typed_cells_a_frozen_header_and_the_csvs_rows(client, stack, factory, event, token):
    buyer = factory.user(first_name="Zoë", last_name="東京 🎉", email="z@example.com")
    factory.order(event, identifier="X-1", user_id=buyer.id, amount=Decimal("12.5"), created_at=NOON_UTC,
                  tickets=[(factory.ticket(event), 3)], paid_via="stripe")  # fmt: skip
    factory.order(event, identifier="X-2", user_id=None, amount=None, created_at=NOON_UTC)

    data = export_file(client, stack, token, event.identifier, "orders/xlsx")
    csv_rows = csv_records(export_file(client, stack, token, event.identifier, "orders/csv"))

    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    assert sheet.freeze_panes == "A2"
    assert all(sheet.column_dimensions[letter].width >= 10 for letter in "ABCDEFGHIJ")
    header, *rows = rows_of(data)
    assert header == ORDERS.header and len(rows) == len(csv_rows) == 2
    # 12:00 UTC is 17:30 in Kolkata: the event's wall time, as an Excel date.
    assert rows[0] == ("X-1", datetime(2026, 3, 1, 17, 30), "completed", "stripe", 12.5, 3, None, "Zoë", "東京 🎉",
                       "z@example.com")  # fmt: skip
    assert rows[1][4] == 0 and rows[1][7:] == (None, None, None)
    assert sheet["E2"].number_format == "0.00" and sheet["B2"].is_date
    assert_no_formula(data)


def test_xlsx_text_is_never_a_formula_and_keeps_what_was_typed(client, stack, factory, event, token):
    ticket = factory.ticket(event)
    for (first, last, email, amount, identifier), _ in HOSTILE:
        buyer = factory.user(first_name=first, last_name=last, email=email)
        factory.holder(factory.order(event, identifier=identifier, user_id=buyer.id, amount=amount), ticket,
                       firstname=first, lastname=last, email=email)  # fmt: skip

    for table in ("orders", "attendees"):
        data = export_file(client, stack, token, event.identifier, f"{table}/xlsx")
        _, *rows = rows_of(data)
        assert_no_formula(data)
        assert len(rows) == len(HOSTILE)
        names = [(row[7], row[8]) if table == "orders" else (row[4], row[5]) for row in rows]
        # Text cells hold the text as typed: no quote prefix, CR and LF kept.
        assert names == [(first, last) for (first, last, *_), _ in HOSTILE]


def test_xlsx_survives_bad_data_control_characters_long_cells_and_every_script(client, stack, factory, event, token):
    long = "y" * (CELL_LIMIT + 10)
    names = [*NAMES, "bell\x07 and \x1b escape", long, "=1+1", "<b>&amp;</b>", "two\nlines"]
    for name in names:
        factory.speaker(event, name=name, organisation="x" * 5000, short_biography="<p>" + "z" * 5000, email=None)
    factory.speaker(event, name="\x07", short_biography="\x07\x1b", email=None)  # nothing printable at all

    data = posted_export_file(client, stack, token, f"events/{event.identifier}/export/speakers/xlsx", {})

    header, *rows = rows_of(data)
    assert header == SPEAKERS.header
    expected = [*NAMES, "bell and  escape", long[: CELL_LIMIT - 1] + ELLIPSIS, "=1+1", "<b>&amp;</b>", "two\nlines"]
    assert sorted(row[0] or "" for row in rows) == sorted(["", *expected])
    assert all(row[4] == "x" * 5000 and row[3] == "z" * 5000 and row[1] is None for row in rows if row[0])
    assert_no_formula(data)


def test_posted_tables_have_xlsx_by_post_with_the_same_body(client, stack, factory, event, token, admin_token):
    speaker = factory.speaker(event, name="Ada", short_biography="<p>Loves <em>engines</em></p>")
    factory.session(event, title="=HYPERLINK(\"x\")", speakers=(speaker,), state="accepted",
                    starts_at=NOON_UTC, ends_at=NOON_UTC + timedelta(minutes=30),
                    short_abstract="<ul><li>one</li><li>two</li></ul>", long_abstract="plain & simple")  # fmt: skip

    sessions = rows_of(posted_export_file(client, stack, token, f"events/{event.identifier}/export/sessions/xlsx",
                                          {"status": "accepted"}))  # fmt: skip
    speakers = rows_of(posted_export_file(client, stack, token, f"events/{event.identifier}/export/speakers/xlsx", {}))
    sales = rows_of(posted_export_file(client, stack, admin_token, "admin/export/sales/xlsx", {"status": "all"}))

    session = dict(zip(sessions[0], sessions[1], strict=True))
    assert session["Session Title"] == '=HYPERLINK("x")'
    assert session["Session Abstract Short"] == "one\ntwo" and session["Session Abstract Long"] == "plain & simple"
    assert session["Duration (minutes)"] == 30 and session["Session Starts At"] == datetime(2026, 3, 1, 17, 30)
    speaker_row = dict(zip(speakers[0], speakers[1], strict=True))
    assert speaker_row["Speaker Bio"] == "Loves engines"
    assert sales[0][:2] == ("Event Name", "Owner Name") and len(sales) >= 2


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_reads_the_xlsx_as_the_csv(client, stack, factory, event, token, tmp_path: Path):
    ticket = factory.ticket(event)
    for number, name in enumerate(NAMES):
        factory.holder(factory.order(event, identifier=f"L-{number}", amount=Decimal("7.25")), ticket, firstname=name)
    (tmp_path / "attendees.xlsx").write_bytes(export_file(client, stack, token, event.identifier, "attendees/xlsx"))
    expected = csv_records(export_file(client, stack, token, event.identifier, "attendees/csv"))

    subprocess.run(["soffice", "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76",
                    "--outdir", str(tmp_path), str(tmp_path / "attendees.xlsx")], check=True, timeout=120)  # fmt: skip

    converted = csv_records((tmp_path / "attendees.csv").read_bytes())
    assert [row["First Name"] for row in converted] == [row["First Name"] for row in expected] == NAMES
    assert len(converted) == len(expected)


def test_the_same_rows_make_the_same_xlsx_bytes(client, stack, factory, event, token):
    factory.order(event, identifier="D-1", created_at=NOON_UTC)

    first = export_file(client, stack, token, event.identifier, "orders/xlsx")
    second = export_file(client, stack, token, event.identifier, "orders/xlsx")

    assert first == second  # no time of export inside: files compare, and caches hold
