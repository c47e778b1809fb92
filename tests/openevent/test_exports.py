"""Every export (each format of the registry), from OES's own database through the SELECT-only login,
equals the standalone one.

The same seeder writes the same rows into OES's schema and into the standalone database; each format
is exported from both, and the files must be the same bytes except where a file records when it was
made (``comparable`` says which).
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest

from chalicelib.exports.formats.registry import FORMATS, ExportFormat
from devtools.openevent import open_event_mode
from devtools.openevent_seed import OES_ORDER_STATUSES
from tests.conftest import Stack
from tests.functional.export_helpers import csv_records, export_file, posted_export_file
from tests.openevent.conftest import OpenEventDatabase, Twin

pytestmark = pytest.mark.openevent

# What a file may differ in between two runs, by extension: the moment it was made.
GENERATED_AT = {
    "pdf": re.compile(rb"/CreationDate \(D:[^)]*\)|/ID \[<[0-9A-F]+><[0-9A-F]+>\]"),
    "ics": re.compile(rb"DTSTAMP:[0-9TZ]+"),
    "xcs": re.compile(rb"<dtstamp>[^<]*</dtstamp>"),
}
# In the event archive's members (``meta``, a JSON document without an extension): its export time.
ARCHIVED_AT = re.compile(rb'"exported_at": "[^"]*"')


def exported(client: Any, stack: Stack, tokens: dict[str, str], event: str, fmt: ExportFormat) -> bytes:
    """The file of ``fmt`` as its route gives it, with the format's default options."""
    if fmt.site_wide:  # admin/sales/csv: POST /v1/admin/export/sales/csv
        path = f"admin/export/{fmt.name.removeprefix('admin/')}"
        return posted_export_file(client, stack, tokens["super_admin"], path, {})
    if fmt.parse_body is not None:
        return posted_export_file(client, stack, tokens["owner"], f"events/{event}/export/{fmt.name}", {})
    return export_file(client, stack, tokens["owner"], event, fmt.name)


def comparable(data: bytes, extension: str) -> Any:
    """The file without what records its making: a ZIP as its members (their times differ), the
    archive's ``meta`` without ``exported_at``; a PDF without its creation date and the id fpdf2
    derives from it; a calendar without its DTSTAMPs."""
    if extension == "zip":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {name: ARCHIVED_AT.sub(b"", archive.read(name)) for name in archive.namelist()}
    pattern = GENERATED_AT.get(extension)
    return pattern.sub(b"", data) if pattern else data


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_the_file_from_oes_equals_the_standalone_one(
    client: Any,
    export_queue: Stack,
    open_event_database: OpenEventDatabase,
    standalone_twin: Twin,
    tokens: dict[str, str],
    name: str,
) -> None:
    fmt = FORMATS[name]

    with open_event_mode(open_event_database.reader_url):
        from_oes = exported(client, export_queue, tokens, open_event_database.event.identifier, fmt)
    from_standalone = exported(client, export_queue, standalone_twin.tokens, standalone_twin.event.identifier, fmt)

    assert comparable(from_oes, fmt.extension) == comparable(from_standalone, fmt.extension)


def test_attendees_read_as_oes_means_them(
    client: Any, export_queue: Stack, as_open_event: OpenEventDatabase, tokens: dict[str, str]
) -> None:
    rows = csv_records(
        export_file(client, export_queue, tokens["owner"], as_open_event.event.identifier, "attendees/csv")
    )

    text = repr(rows)
    assert "oes-lane-order-1-h11" in text  # OES's Ticket ID: orders.identifier - ticket_holders.identifier
    assert "Holder32" not in text  # a soft-deleted holder
    assert "None" not in text  # NULL names are blank
    assert len(rows) == 11


def test_orders_read_as_oes_means_them(
    client: Any, export_queue: Stack, as_open_event: OpenEventDatabase, tokens: dict[str, str]
) -> None:
    rows = csv_records(export_file(client, export_queue, tokens["owner"], as_open_event.event.identifier, "orders/csv"))

    assert {row["Status"] for row in rows} == set(OES_ORDER_STATUSES)
    assert {row["Total Amount"] for row in rows} == {"30.30", "0.00"}  # 10.1 + 20.2 in float8, without its noise
    assert rows[0]["First Name"] == rows[0]["Last Name"] == ""  # a buyer without names
    assert rows[0]["Email"] == "Stranger@oes-lane.Example.org"  # citext, read as the text it holds
