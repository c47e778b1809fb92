"""The admin's sales report: one row per event (deleted ones never), latest start first.

Open Event's eleven columns in its order (event, owner, type, date, then the ticket count and the
sales total of the ``completed``, ``placed`` and ``pending`` orders), then the number of orders
of each of those statuses. Tickets are the orders' live ticket holders, as Open Event counted
them; sales are the orders' amounts, two places. The date is ISO 8601 in the event's own zone
(UTC when the event's zone is not one PostgreSQL knows: one bad row never sinks the report); being
in a zone of its own per row, it is text in every form.

``status`` is the admin sales page's tab: ``all``, ``live`` (not over yet) or ``past`` (over).
Open Event ran its summary six times per event; here one grouped query does every event at once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Integer, Numeric, Select, case, cast, column, func, literal_column, select, table

from chalicelib.exports.formats import bodies
from chalicelib.exports.formats.base import Options
from chalicelib.exports.formats.csv_rows import full_name
from chalicelib.exports.formats.table import Column, Kind, Table
from chalicelib.models import Event, Order, TicketHolder, User, UserEventRole, role_id

STATUSES = ("completed", "placed", "pending")

_zone_names = table("pg_timezone_names", column("name"))


def _chosen(status: str) -> tuple[ColumnElement[bool], ...]:
    live = (Event.deleted_at.is_(None),)
    if status == "live":
        return (*live, Event.ends_at > func.now())
    if status == "past":
        return (*live, Event.ends_at <= func.now())
    return live


def _event_type() -> ColumnElement[str]:
    """Open Event's four event types, from ``online`` and the venue."""
    venue = func.coalesce(func.btrim(Event.location_name), "") != ""
    return case((Event.online & venue, "Hybrid"), (Event.online, "Online"), (venue, "Venue"), else_="To be announced")


def _event_date() -> ColumnElement[str]:
    """The event's start in its own zone, ISO 8601 with the offset (``2026-06-01T09:00:00+02:00``)."""
    # An uncorrelated IN: PostgreSQL reads the zone names once per query, into a hash.
    known = Event.timezone.in_(select(_zone_names.c.name))
    local = func.timezone(case((known, Event.timezone), else_="UTC"), Event.starts_at)
    offset = local - func.timezone("UTC", Event.starts_at)
    return func.concat(
        func.to_char(local, 'YYYY-MM-DD"T"HH24:MI:SS'),
        case((offset < literal_column("interval '0'"), "-"), else_="+"),
        func.to_char(func.greatest(offset, -offset), "HH24:MI"),
    )


def sales_rows(event_id: int | None, options: Options) -> Select[Any]:
    """Every chosen event with its owner and its orders summed by status: one grouped query."""
    holders = (
        select(TicketHolder.order_id, func.count().label("tickets"))
        .where(TicketHolder.deleted_at.is_(None))
        .group_by(TicketHolder.order_id)
        .subquery()
    )
    orders = (
        select(
            Order.event_id,
            Order.status,
            func.count().label("orders"),
            func.coalesce(func.sum(holders.c.tickets), 0).label("tickets"),
            # float8 in OES: each amount rounded to cents before the sum, so no float noise adds up.
            func.coalesce(func.sum(cast(Order.amount, Numeric(12, 2))), 0).label("sales"),
        )
        .outerjoin(holders, holders.c.order_id == Order.id)
        .where(Order.deleted_at.is_(None), Order.status.in_(STATUSES))
        .group_by(Order.event_id, Order.status)
        .subquery()
    )
    owners = (
        select(UserEventRole.event_id, func.min(UserEventRole.user_id).label("user_id"))
        .where(UserEventRole.role_id == role_id("owner"))
        .group_by(UserEventRole.event_id)
        .subquery()
    )

    def of(status: str, value: Any, kind: Any) -> ColumnElement[Any]:
        return cast(func.coalesce(func.sum(value).filter(orders.c.status == status), 0), kind)

    def tickets(status: str) -> ColumnElement[Any]:
        return of(status, orders.c.tickets, Integer)

    def sales(status: str) -> ColumnElement[Any]:
        return of(status, orders.c.sales, Numeric(16, 2))

    return (
        select(
            Event.name,
            full_name(User.first_name, User.last_name),
            User.email,
            _event_type(),
            _event_date(),
            *[cell for status in STATUSES for cell in (tickets(status), sales(status))],
            *[of(status, orders.c.orders, Integer) for status in STATUSES],
        )
        .outerjoin(orders, orders.c.event_id == Event.id)
        .outerjoin(owners, owners.c.event_id == Event.id)
        .outerjoin(User, User.id == owners.c.user_id)
        .where(*_chosen(options.get("status", "all")))
        .group_by(Event.id, User.id)
        .order_by(Event.starts_at.desc(), Event.id)
    )


TABLE = Table(
    name="admin/sales",
    label="admin-sales",
    columns=(
        Column("Event Name", width=30),
        Column("Owner Name", width=20),
        Column("Owner Email", width=28),
        Column("Event Type", width=14),
        Column("Event Date", width=26),
        *(
            Column(f"{measure} ({status.title()})", kind)
            for status in STATUSES
            for measure, kind in (("Ticket", Kind.INTEGER), ("Sales", Kind.DECIMAL))
        ),
        *(Column(f"Orders ({status.title()})", Kind.INTEGER) for status in STATUSES),
    ),
    rows=sales_rows,
    parse_body=bodies.admin_sales_body,
    site_wide=True,
)
