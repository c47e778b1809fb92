"""The orders CSV: formats.md "Orders CSV", read back from the file the pipeline publishes."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from chalicelib.db import transaction
from chalicelib.exports.formats.csv_rows import BOM
from chalicelib.exports.formats.table_csv import TableCsv
from chalicelib.exports.formats.tables.orders import TABLE
from chalicelib.models import DiscountCode, Event, Order
from tests.functional.export_helpers import (
    HOSTILE,
    NOON_UTC,
    Shop,
    export_file,
    read_task,
    recorded_statements,
    run_worker,
    start_export,
    task_url_of,
)

HEADER = TABLE.header

pytestmark = pytest.mark.usefixtures("export_queue")


def parse(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.fixture
def shop(factory):
    event = factory.event(identifier="shop", timezone="UTC")
    return Shop(factory, event, factory.token(factory.staff(event)), factory.ticket(event))


def test_orders_csv_has_the_ten_open_event_columns_a_bom_and_crlf(client, stack, shop):
    shop.order(identifier="A-1", tickets=[(shop.ticket, 1)])

    data = export_file(client, stack, shop.token, shop.event.identifier)

    assert data.startswith(BOM)
    assert data.removeprefix(BOM).split(b"\r\n")[0].decode() == ",".join(HEADER)
    assert HEADER == ("Order#", "Order Date", "Status", "Payment Type", "Total Amount", "Quantity",
                      "Discount Code", "First Name", "Last Name", "Email")  # fmt: skip
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")


def test_orders_csv_without_bom_when_asked(client, stack, shop):
    shop.order(identifier="A-1")

    data = export_file(client, stack, shop.token, shop.event.identifier, query="bom=false")

    assert data.startswith(b"Order#,")


def test_orders_csv_sums_quantities_and_names_the_buyer_and_discount_code(client, stack, factory, shop):
    other = factory.ticket(shop.event, name="Supporter")
    buyer = factory.user(first_name="Mario", last_name="Behling", email="mario@example.com")
    with transaction() as session:
        code = DiscountCode(event_id=shop.event.id, code="EARLYBIRD")
        session.add(code)
    shop.order(identifier="A-1", user_id=buyer.id, discount_code_id=code.id, paid_via="stripe",
               amount=Decimal("49.5"), tickets=[(shop.ticket, 2), (other, 3)])  # fmt: skip
    shop.order(identifier="A-2", tickets=[])

    rows = parse(export_file(client, stack, shop.token, shop.event.identifier))

    assert rows[1:] == [
        ["A-1", "2026-03-01T12:00:00+00:00", "completed", "stripe", "49.50", "5", "EARLYBIRD", "Mario", "Behling",
         "mario@example.com"],
        ["A-2", "2026-03-01T12:00:00+00:00", "completed", "", "10.00", "0", "", "", "", ""],
    ]  # fmt: skip


def test_orders_csv_never_exports_deleted_orders(client, stack, shop):
    shop.order(identifier="kept")
    shop.order(identifier="status-deleted", status="deleted")
    shop.order(identifier="soft-deleted", deleted_at=NOON_UTC)

    rows = parse(export_file(client, stack, shop.token, shop.event.identifier))

    assert [row[0] for row in rows[1:]] == ["kept"]


def test_orders_csv_filters_by_status(client, stack, shop):
    for status in ("completed", "placed", "pending", "cancelled", "expired", "initializing"):
        shop.order(identifier=f"o-{status}", status=status)

    rows = parse(export_file(client, stack, shop.token, shop.event.identifier, query="status=placed,completed"))

    assert [row[0] for row in rows[1:]] == ["o-completed", "o-placed"]


@pytest.mark.parametrize(
    "zone,created,expected",
    [
        ("Asia/Kolkata", datetime(2026, 3, 1, 20, 0, tzinfo=UTC), "2026-03-02T01:30:00+05:30"),
        ("America/St_Johns", datetime(2026, 1, 15, 2, 0, tzinfo=UTC), "2026-01-14T22:30:00-03:30"),
        ("America/St_Johns", datetime(2026, 7, 15, 2, 0, tzinfo=UTC), "2026-07-14T23:30:00-02:30"),
    ],
    ids=["kolkata-next-day", "st-johns-standard-time", "st-johns-daylight-time"],
)
def test_orders_csv_dates_are_iso_8601_in_the_event_time_zone(client, stack, factory, zone, created, expected):
    event = factory.event(identifier="zoned", timezone=zone)
    token = factory.token(factory.staff(event))
    factory.order(event, identifier="z-1", created_at=created, amount=Decimal("1"))

    rows = parse(export_file(client, stack, token, event.identifier))

    assert rows[1][1] == expected
    assert datetime.fromisoformat(rows[1][1]) == created


def test_orders_csv_survives_hostile_data(client, stack, factory, shop):
    for (first, last, email, amount, identifier), _ in HOSTILE:
        buyer = factory.user(first_name=first, last_name=last, email=email)
        shop.order(identifier=identifier, user_id=buyer.id, amount=amount)
    shop.order(identifier="no-buyer", user_id=None, discount_code_id=None, amount=Decimal("0"), paid_via=None)

    rows = parse(export_file(client, stack, shop.token, shop.event.identifier))

    assert [[row[0], row[4], row[7], row[8], row[9]] for row in rows[1:-1]] == [cells for _, cells in HOSTILE]
    assert rows[-1] == ["no-buyer", "2026-03-01T12:00:00+00:00", "completed", "", "0.00", "0", "", "", "", ""]
    assert all(len(row) == 10 for row in rows)


def render_orders(shop: Shop, out: Any, batch_size: int) -> tuple[int, list[int]]:
    """Run the orders renderer directly; returns its count and the progress it reported."""
    reported: list[int] = []
    with transaction() as session:
        event = session.get(Event, shop.event.id)
        written = TableCsv(TABLE, batch_size=batch_size).render(session, event, {}, out, reported.append)
    return written, reported


def test_orders_are_read_by_one_streamed_query_in_batches_in_a_stable_order(shop):
    for number in range(7):
        shop.order(identifier=f"p-{number}", tickets=[(shop.ticket, number + 1)])
    with recorded_statements() as statements:
        out = io.BytesIO()
        written, reported = render_orders(shop, out, batch_size=3)

    rows = parse(out.getvalue())
    assert written == 7
    assert reported == [3, 6, 7]
    assert [row[0] for row in rows[1:]] == [f"p-{number}" for number in range(7)]
    assert [row[5] for row in rows[1:]] == [str(number + 1) for number in range(7)]
    # No query per order, nor per batch: the rows all come from the one COPY (not seen by these events).
    assert not any("orders" in statement for statement in statements)


class FailingStream(io.BytesIO):
    """An output that breaks after a few writes, like S3 going away in the middle of an upload."""

    def __init__(self, writes_before_failure: int) -> None:
        super().__init__()
        self.writes_left = writes_before_failure

    def write(self, data: Any) -> int:
        self.writes_left -= 1
        if self.writes_left < 0:
            raise ConnectionError("S3 went away")
        return super().write(data)


def test_failure_in_the_middle_of_the_stream_leaves_the_database_usable(shop):
    for number in range(50):
        shop.order(identifier=f"f-{number}")

    with pytest.raises(ConnectionError):
        render_orders(shop, FailingStream(writes_before_failure=3), batch_size=2)

    with transaction() as session:  # the connection that was cut mid-COPY was thrown away, not reused
        assert session.scalar(select(func.count()).select_from(Order)) == 50


def test_orders_csv_of_an_event_with_an_unknown_time_zone_fails_with_a_reason(client, stack, factory):
    event = factory.event(identifier="nowhere", timezone="Mars/Olympus_Mons")
    token = factory.token(factory.staff(event))
    task_url = task_url_of(start_export(client, token, event.identifier))

    run_worker(client, stack)

    task = read_task(client, token, task_url)
    assert task["state"] == "FAILURE"
    assert task["result"]["error"] == "The event's time zone 'Mars/Olympus_Mons' is not a known IANA time zone"
