"""The admin's sales report (``POST /v1/admin/export/sales/csv``), read back by the csv module, with
the admin sales page's tabs as ``status`` (app/controllers/admin/sales/index.js, app/routes/admin/sales/index.js)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from chalicelib.db import transaction
from chalicelib.exports.formats.registry import get_format
from chalicelib.exports.formats.tables.admin_sales import TABLE
from chalicelib.models import TicketHolder
from tests.functional.export_helpers import csv_records as parse
from tests.functional.export_helpers import (
    post_export,
    posted_export_file,
    read_task,
    recorded_statements,
    run_worker,
    task_url_of,
    the_task,
)

HEADER = TABLE.header

pytestmark = pytest.mark.usefixtures("export_queue")

NOW = datetime.now(UTC)
PATH = "admin/export/sales/csv"


def holders(order, count: int, deleted: int = 0) -> None:
    with transaction() as session:
        for number in range(count + deleted):
            session.add(TicketHolder(firstname=f"H{number}", lastname="X", order_id=order.id,
                                     deleted_at=NOW if number >= count else None))  # fmt: skip


def test_sales_report_sums_each_events_orders_and_tickets_by_status(client, stack, factory, admin_token):
    owner = factory.user(first_name="Olga", last_name="Owner", email="olga@example.com")
    event = factory.event(name="FOSSASIA Summit", timezone="Asia/Singapore", location_name="Lifelong Learning Institute",
                          starts_at=datetime(2026, 3, 1, 1, 30, tzinfo=UTC))  # fmt: skip
    factory.role(owner, event, "owner")
    for status, amount, tickets in [("completed", "10", 2), ("completed", "5.5", 1), ("placed", "7", 3),
                                    ("pending", None, 1), ("cancelled", "99", 4), ("expired", "99", 1)]:  # fmt: skip
        holders(factory.order(event, status=status, amount=Decimal(amount) if amount else None), tickets, deleted=1)
    factory.order(event, status="completed", amount=Decimal("1000"), deleted_at=NOW)

    rows = parse(posted_export_file(client, stack, admin_token, PATH, {"status": "all"}))

    assert HEADER == (
        "Event Name", "Owner Name", "Owner Email", "Event Type", "Event Date",
        "Ticket (Completed)", "Sales (Completed)", "Ticket (Placed)", "Sales (Placed)",
        "Ticket (Pending)", "Sales (Pending)", "Orders (Completed)", "Orders (Placed)", "Orders (Pending)",
    )  # fmt: skip
    assert rows == [{
        "Event Name": "FOSSASIA Summit", "Owner Name": "Olga Owner", "Owner Email": "olga@example.com",
        "Event Type": "Venue", "Event Date": "2026-03-01T09:30:00+08:00",
        "Ticket (Completed)": "3", "Sales (Completed)": "15.50", "Ticket (Placed)": "3", "Sales (Placed)": "7.00",
        "Ticket (Pending)": "1", "Sales (Pending)": "0.00",
        "Orders (Completed)": "2", "Orders (Placed)": "1", "Orders (Pending)": "1",
    }]  # fmt: skip


def test_an_event_without_orders_owner_or_known_zone_still_has_its_row(client, stack, factory, admin_token):
    factory.event(
        name="Empty", timezone="Mars/Olympus_Mons", online=True, starts_at=datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    )
    factory.event(name="Deleted", deleted_at=NOW)

    rows = parse(posted_export_file(client, stack, admin_token, PATH, {}))

    assert [list(row.values()) for row in rows] == [
        ["Empty", "", "", "Online", "2026-01-02T03:04:00+00:00", "0", "0.00", "0", "0.00", "0", "0.00", "0", "0", "0"]
    ]


@pytest.mark.parametrize(
    "zone,expected",
    [("America/St_Johns", "2026-01-14T22:30:00-03:30"), ("Asia/Kolkata", "2026-01-15T07:30:00+05:30")],
)
def test_event_date_is_in_the_events_own_zone_with_its_offset(client, stack, factory, admin_token, zone, expected):
    factory.event(timezone=zone, starts_at=datetime(2026, 1, 15, 2, 0, tzinfo=UTC))

    (row,) = parse(posted_export_file(client, stack, admin_token, PATH, {}))

    assert row["Event Date"] == expected


@pytest.mark.parametrize(
    "status,names", [("all", ["upcoming", "running", "over"]), ("live", ["upcoming", "running"]), ("past", ["over"])]
)
def test_status_is_the_admin_sales_pages_tab(client, stack, factory, admin_token, status, names):
    for name, start in [("upcoming", NOW + timedelta(days=3)), ("running", NOW - timedelta(hours=1)),
                        ("over", NOW - timedelta(days=9))]:  # fmt: skip
        factory.event(name=name, starts_at=start, ends_at=start + timedelta(days=2))

    rows = parse(posted_export_file(client, stack, admin_token, PATH, {"status": status}))

    assert [row["Event Name"] for row in rows] == names


def test_event_types_are_open_events_four(client, stack, factory, admin_token):
    for name, online, venue in [("a", True, "Hall"), ("b", True, None), ("c", False, "Hall"), ("d", False, " ")]:
        factory.event(name=name, online=online, location_name=venue, starts_at=NOW - timedelta(days=ord(name)))

    rows = parse(posted_export_file(client, stack, admin_token, PATH, {}))

    assert [row["Event Type"] for row in rows] == ["Hybrid", "Online", "Venue", "To be announced"]


def test_sales_report_defuses_hostile_event_and_owner_names(client, stack, factory, admin_token):
    names = ["=cmd|' /C calc'!A0", "Smith, John", 'The "Boss"', "Line\nBreak", "-1", "Zoë 東京 🎉", "\t=1+1"]
    for number, name in enumerate(names):
        event = factory.event(name=name, starts_at=NOW - timedelta(days=number))
        factory.role(factory.user(first_name=name, last_name="", email=f"+{number}@example.com"), event, "owner")

    rows = parse(posted_export_file(client, stack, admin_token, PATH, {}))

    expected = ["'=cmd|' /C calc'!A0", "Smith, John", 'The "Boss"', "Line\nBreak", "-1", "Zoë 東京 🎉", "'\t=1+1"]
    assert [row["Event Name"] for row in rows] == expected
    assert [row["Owner Name"] for row in rows] == expected
    assert [row["Owner Email"] for row in rows] == [f"'+{number}@example.com" for number in range(len(names))]


def test_the_task_of_the_sales_report_names_no_event_and_its_file_is_admin_sales(client, stack, admin_token):
    task_url = task_url_of(post_export(client, admin_token, PATH, {"status": "past"}))
    run_worker(client, stack)

    task = read_task(client, admin_token, task_url)

    assert (task["state"], task["format"], task["event_id"]) == ("SUCCESS", "admin/sales/csv", None)
    assert task["result"]["file_name"] == "admin-sales.csv"


def test_a_report_whose_admin_lost_the_role_fails_with_a_reason(client, stack, factory):
    admin = factory.user(admin=True)
    token = factory.token(admin)
    task_url_of(post_export(client, token, PATH, {}))
    with transaction() as session:
        session.get(type(admin), admin.id).is_admin = False

    run_worker(client, stack)

    task = the_task()  # a former admin may no longer read it (test_task_access)
    assert (task.state, task.error) == ("FAILURE", "You are no longer an administrator")


def test_every_event_is_summed_by_one_grouped_query(factory):
    for number in range(5):
        event = factory.event(name=f"e{number}", starts_at=NOW - timedelta(days=number))
        holders(factory.order(event, amount=Decimal(number)), number)
    with recorded_statements() as statements:
        out, reported = io.BytesIO(), []
        with transaction() as session:
            written = (
                get_format("admin/sales/csv").site_renderer().render(session, {"status": "all"}, out, reported.append)
            )

    assert written == 5 and reported == [5]
    assert [row["Ticket (Completed)"] for row in parse(out.getvalue())] == ["0", "1", "2", "3", "4"]
    assert statements == []  # the rows all come from the one COPY (not seen by these events)
