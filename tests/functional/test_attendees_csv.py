"""The attendees CSV (``GET /v1/events/{event}/export/attendees/csv``), read back from the published file."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from chalicelib import models
from chalicelib.exports.formats.csv_rows import BOM
from chalicelib.exports.formats.tables.attendees import TABLE
from tests.functional.export_helpers import HOSTILE, NOON_UTC, Shop, export_file, start_export
from tests.functional.export_helpers import csv_records as parse
from tests.functional.http_helpers import body_of

HEADER = TABLE.header

pytestmark = pytest.mark.usefixtures("export_queue")

PATH = "attendees/csv"


@pytest.fixture
def door(factory):
    event = factory.event(identifier="door", timezone="UTC")
    return Shop(factory, event, factory.token(factory.staff(event)), factory.ticket(event, name="Early bird"))


def export(client: Any, stack: Any, door: Shop, query: str = "", path: str = PATH) -> bytes:
    return export_file(client, stack, door.token, door.event.identifier, path, query)


def test_attendees_csv_has_its_documented_columns_a_bom_and_crlf(client, stack, door):
    door.factory.holder(door.order(identifier="A-1"), door.ticket)

    data = export(client, stack, door)

    assert HEADER == ("Order#", "Order Date", "Status", "Ticket ID", "First Name", "Last Name", "Email",
                      "Ticket Name", "Ticket Price", "Ticket Type", "Payment Type", "Buyer", "Buyer Email",
                      "Payment Mode", "Tax ID", "Address", "Company", "Country", "State", "City", "Zipcode",
                      "Check-in Times", "Check-out Times", "virtual_event_checkin_times")  # fmt: skip
    assert data.startswith(BOM)
    assert data.removeprefix(BOM).split(b"\r\n")[0].decode() == ",".join(HEADER)
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")


def test_attendees_csv_has_a_row_per_holder_with_ticket_order_and_buyer(client, stack, door):
    buyer = door.factory.user(first_name="Mario", last_name="Behling", email="mario@example.com")
    supporter = door.factory.ticket(door.event, name="Supporter", price=Decimal("120.5"), type="donation")
    order = door.order(identifier="A-1", user_id=buyer.id, paid_via="stripe")
    first = door.factory.holder(order, door.ticket, firstname="Hong", lastname="Phuc", email="hong@example.com")
    second = door.factory.holder(order, supporter, firstname="Ana", lastname="Lima", email=None)
    lone = door.factory.holder(door.order(identifier="A-2", user_id=None), None, firstname="No", lastname="Ticket")

    rows = parse(export(client, stack, door))

    assert [list(row.values()) for row in rows] == [
        ["A-1", "2026-03-01T12:00:00+00:00", "completed", f"A-1-{first.id}", "Hong", "Phuc", "hong@example.com",
         "Early bird", "10.00", "paid", "stripe", "Mario Behling", "mario@example.com", *[""] * 11],
        ["A-1", "2026-03-01T12:00:00+00:00", "completed", f"A-1-{second.id}", "Ana", "Lima", "",
         "Supporter", "120.50", "donation", "stripe", "Mario Behling", "mario@example.com", *[""] * 11],
        ["A-2", "2026-03-01T12:00:00+00:00", "completed", f"A-2-{lone.id}", "No", "Ticket",
         lone.email, "", "", "", "", "", "", *[""] * 11],
    ]  # fmt: skip


def test_attendees_csv_leaves_out_deleted_orders_and_holders(client, stack, door):
    door.factory.holder(door.order(identifier="kept"), door.ticket, firstname="Kept")
    door.factory.holder(door.order(identifier="kept-2"), door.ticket, firstname="Gone", deleted_at=NOON_UTC)
    door.factory.holder(door.order(identifier="status-deleted", status="deleted"), door.ticket)
    door.factory.holder(door.order(identifier="soft-deleted", deleted_at=NOON_UTC), door.ticket)

    rows = parse(export(client, stack, door))

    assert [(row["Order#"], row["First Name"]) for row in rows] == [("kept", "Kept")]


def test_attendees_csv_filters_by_the_status_of_the_order_and_can_leave_out_the_bom(client, stack, door):
    for status in ("completed", "placed", "cancelled"):
        door.factory.holder(door.order(identifier=f"o-{status}", status=status), door.ticket)

    data = export(client, stack, door, query="status=placed,completed&bom=false")

    assert data.startswith(b"Order#,")
    assert [row["Order#"] for row in parse(data)] == ["o-completed", "o-placed"]


def test_attendees_csv_dates_are_in_the_event_time_zone(client, stack, factory):
    event = factory.event(identifier="kolkata", timezone="Asia/Kolkata")
    token = factory.token(factory.staff(event))
    factory.holder(factory.order(event, created_at=datetime(2026, 3, 1, 20, 0, tzinfo=UTC)))

    rows = parse(export_file(client, stack, token, event.identifier, PATH))

    assert rows[0]["Order Date"] == "2026-03-02T01:30:00+05:30"


def test_attendees_csv_survives_hostile_data(client, stack, door):
    for (first, last, email, _, identifier), _ in HOSTILE:
        buyer = door.factory.user(first_name=first, last_name=last, email=f"buyer-{identifier}@example.com")
        door.factory.holder(door.order(identifier=identifier, user_id=buyer.id), door.ticket,
                            firstname=first, lastname=last, email=email)  # fmt: skip

    rows = parse(export(client, stack, door))

    # (order, first name, last name, email) are defused as in the orders CSV; so is the buyer.
    expected = [[cells[0], cells[2], cells[3], cells[4]] for _, cells in HOSTILE]
    assert [[row["Order#"], row["First Name"], row["Last Name"], row["Email"]] for row in rows] == expected
    assert rows[2]["Buyer"] == "'=cmd|' /C calc'!A0 +SUM(A1)"
    assert rows[2]["Ticket ID"].startswith("h-3-")
    assert rows[3]["Ticket ID"].startswith("'=h-4-")
    assert all(len(row) == len(HEADER) and None not in row for row in rows)


@pytest.mark.parametrize("path", ["attendees/csv", "attendees/pdf", "orders/pdf"])
def test_attendee_and_pdf_exports_answer_like_every_export(client, factory, door, path):
    stranger = factory.token(factory.user())

    assert start_export(client, door.token, door.event.identifier, path).status_code == 202
    assert client.http.get(f"/v1/events/{door.event.identifier}/export/{path}").status_code == 401
    assert start_export(client, stranger, door.event.identifier, path).status_code == 403
    missing = start_export(client, door.token, "no-such-event", path)
    assert missing.status_code == 404 and body_of(missing)["errors"][0]["status"] == "404"


@pytest.mark.parametrize(("first", "last"), [("Mario", None), ("Mario", ""), ("Mario", "  "), (None, "Behling")])
def test_attendees_csv_buyer_has_no_stray_space_when_a_name_is_missing(client, stack, door, first, last):
    buyer = door.factory.user(first_name=first, last_name=last, email="buyer@example.com")
    door.factory.holder(door.order(identifier="A-1", user_id=buyer.id), door.ticket)

    [row] = parse(export(client, stack, door))

    assert row["Buyer"] == (first or last)


def form(door: Shop, position: int, identifier: str, name: str, **fields: Any) -> None:
    """A field of the event's attendee form, as OES stores it."""
    fields.setdefault("is_included", True)
    door.factory._save(models.CustomForm(event_id=door.event.id, form="attendee", type=fields.pop("type", "text"),
                                         field_identifier=identifier, name=name, position=position, **fields))  # fmt: skip


def test_attendees_csv_has_the_events_form_fields_in_the_forms_order_named_as_oes_names_them(client, stack, door):
    form(door, 3, "jobTitle", "Job Title")
    form(door, 1, "acceptShareDetails", "Partner contact consent", type="checkbox")
    form(door, 2, "tShirtSize", "T-shirt size", is_complex=True, type="select")
    form(door, 4, "company", "Organisation", is_included=False)  # left out of the form
    form(door, 5, "firstname", "First Name")  # already a column
    form(door, 6, "favouriteColour", "Favourite colour")  # not a holder column: empty, as in OES
    form(door, 7, "nativeLanguage", "Native language", type="select")
    form(door, 8, "address", "Address")  # the holder's, in the order's column of that name, as in OES
    door.factory.holder(door.order(identifier="F-1", address="Order street 1", city="Berlin"), door.ticket,
                        address="Holder road 2", job_title="=Engineer", accept_share_details=True,
                        complex_field_values={"t_shirt_size": "XL"}, native_language=["ar", "en"],
                        checkin_times="2026-06-01T09:00:00+00:00,2026-06-02T09:05:00+00:00",
                        checkout_times="2026-06-01T17:00:00+00:00")  # fmt: skip
    second_holder = door.factory.holder(door.order(identifier="F-2"), door.ticket, accept_share_details=False,
                                        complex_field_values={"t_shirt_size": 42})  # fmt: skip
    for minute, kind, holders in ((30, "room", [second_holder.id]), (10, "room", [0, second_holder.id]),
                                  (20, "event", [second_holder.id])):  # fmt: skip
        door.factory._save(models.VirtualCheckIn(event_id=door.event.id, check_in_type=kind, ticket_holder_id=holders,
                                                 check_in_at=datetime(2026, 6, 1, 9, minute, tzinfo=UTC)))  # fmt: skip

    first, second = parse(export(client, stack, door))

    assert list(first)[len(HEADER) :] == [
        "Partner contact consent", "T-shirt size", "Job Title", "Favourite colour", "Native language",
    ]  # fmt: skip
    assert [first[name] for name in list(first)[len(HEADER) :]] == ["Yes", "XL", "'=Engineer", "", '["ar", "en"]']
    assert first["Check-in Times"] == "2026-06-01T09:00:00+00:00,2026-06-02T09:05:00+00:00"
    assert first["Check-out Times"] == "2026-06-01T17:00:00+00:00"
    assert (first["Address"], first["City"], list(first).count("Address")) == ("Holder road 2", "Berlin", 1)
    # OES's virtual-room check-ins (not the event's), earliest first, in the event's zone (UTC here).
    assert (first["virtual_event_checkin_times"], second["virtual_event_checkin_times"]) == (
        "", "2026-06-01T09:10:00+00:00; 2026-06-01T09:30:00+00:00")  # fmt: skip
    # An answer of another type than its field's (a number for a select) is still its text.
    assert (second["Partner contact consent"], second["T-shirt size"], second["Job Title"]) == ("No", "42", "")


@pytest.mark.parametrize("values", [None, [], "XL", {"t_shirt_size": None}, {"t_shirt_size": {"nested": "x" * 5000}}])
def test_attendees_csv_and_xlsx_are_valid_whatever_a_complex_answer_holds(client, stack, door, values):
    form(door, 1, "tShirtSize", "T-shirt size", is_complex=True)
    door.factory.holder(door.order(identifier="B-1"), door.ticket, complex_field_values=values)

    [row] = parse(export(client, stack, door))
    sheet = load_workbook(io.BytesIO(export(client, stack, door, path="attendees/xlsx"))).active

    expected = '{"nested": "' + "x" * 5000 + '"}' if isinstance(values, dict) and values["t_shirt_size"] else ""
    assert row["T-shirt size"] == expected
    assert [cell.value for cell in sheet[1]][-1] == "T-shirt size" and (
        sheet.cell(2, len(HEADER) + 1).value or ""
    ) == expected
