"""A table export is one declaration: a new module in ``formats/tables/`` is a table in every form
(CSV, XLSX, PDF), with its routes, tasks and files, and nothing else changes. Proved with a
throwaway table (``extra_tables/tickets_on_sale.py``) put beside the real ones."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from chalicelib.exports.formats import registry, tables
from chalicelib.exports.formats.csv_rows import BOM
from chalicelib.exports.formats.table import Kind
from tests.functional.export_helpers import csv_records, export_file, read_task, run_worker, start_export, task_url_of
from tests.functional.extra_tables.tickets_on_sale import TABLE as THROWAWAY

pytestmark = pytest.mark.usefixtures("export_queue")

EXTRA = str(Path(__file__).parent / "extra_tables")


@pytest.fixture
def throwaway_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """The throwaway module's directory added to ``formats.tables``, and the registry's formats
    made again from the declarations found there, as at import."""
    monkeypatch.setattr(tables, "__path__", [*tables.__path__, EXTRA])
    for table in registry.declared_tables():
        for fmt in registry.table_formats(table):
            monkeypatch.setitem(registry.FORMATS, fmt.name, fmt)


def test_every_declared_module_is_a_table_in_every_form():
    names = {table.name for table in registry.declared_tables()}

    assert names == {"orders", "attendees", "sessions", "speakers", "admin/sales"}
    for table in registry.declared_tables():
        assert {f"{table.name}/csv", f"{table.name}/xlsx"} <= registry.FORMATS.keys()
        assert (f"{table.name}/pdf" in registry.FORMATS) == (table.printed is not None and not table.site_wide)


@pytest.mark.usefixtures("throwaway_table")
def test_a_new_table_module_is_exported_as_csv_xlsx_and_pdf_with_the_columns_its_event_adds(client, stack, factory):
    event = factory.event(identifier="fair", timezone="Europe/Berlin", starts_at=datetime(2026, 7, 1, 22, tzinfo=UTC))
    token = factory.token(factory.staff(event))
    factory.ticket(event, name="Early bird 🎉", price=Decimal("12.5"))
    factory.ticket(event, name="=Free", price=Decimal("0"))

    csv_file = export_file(client, stack, token, "fair", "tickets-on-sale/csv")
    xlsx_file = export_file(client, stack, token, "fair", "tickets-on-sale/xlsx")
    pdf_file = export_file(client, stack, token, "fair", "tickets-on-sale/pdf")

    assert csv_file.startswith(BOM)
    assert [list(row.values()) for row in csv_records(csv_file)] == [
        [
            "Early bird 🎉",
            "12.50",
            "12",
            "2026-07-02T00:00:00+02:00",
            "2026-07-02",
            "true",
            "1250000000000000000000.00",
            "",
            "1",
        ],
        [
            "'=Free",
            "0.00",
            "5",
            "2026-07-02T00:00:00+02:00",
            "2026-07-02",
            "false",
            "NaN",
            "2026-07-02T00:00:00+02:00",
            "2",
        ],
    ]
    sheet = load_workbook(io.BytesIO(xlsx_file)).active
    assert [tuple(row) for row in sheet.iter_rows(values_only=True)] == [
        (
            "Ticket",
            "Price",
            "Name Length",
            "Sale Starts",
            "Sale Day",
            "Paid",
            "Ratio",
            "Valid Until",
            "fair ticket number",
        ),
        # What a sheet cannot hold as a number or a date is shown as text: never an invalid cell.
        ("Early bird 🎉", 12.5, 12, datetime(2026, 7, 2), datetime(2026, 7, 2), True, 1.25e21, "infinity", 1),
        ("=Free", 0, 5, datetime(2026, 7, 2), datetime(2026, 7, 2), False, "NaN", datetime(2026, 7, 2), 2),
    ]
    assert sheet["E2"].number_format == "yyyy-mm-dd" and sheet["E2"].value.date() == date(2026, 7, 2)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_file)).pages)
    assert "Tickets on sale" in text and "Early bird 🎉 12.50 2026-07-02 00:00 yes" in text and "=Free" in text


@pytest.mark.usefixtures("throwaway_table")
def test_a_new_tables_files_are_named_and_typed_by_its_declaration(client, stack, factory):
    event = factory.event(identifier="fair")
    token = factory.token(factory.staff(event))

    for form, content_type in (("csv", "text/csv; charset=utf-8"), ("xlsx", registry.TABLE_FORMS["xlsx"][1]),
                               ("pdf", "application/pdf")):  # fmt: skip
        task_url = task_url_of(start_export(client, token, "fair", f"tickets-on-sale/{form}"))
        run_worker(client, stack)
        result = read_task(client, token, task_url)["result"]
        assert (result["file_name"], result["content_type"]) == (f"fair-tickets.{form}", content_type)


def test_the_throwaway_table_has_a_column_of_every_kind():
    assert {column.kind for column in THROWAWAY.columns} == set(Kind)
