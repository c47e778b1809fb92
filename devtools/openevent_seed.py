"""An event as OES stores one, with every case the exports and access rules must get right.

Written through ``TableWriter`` in OES's columns, so the same rows go into OES's schema and into the
standalone one (its tables have OES's names for what we read), and the exports of both can be compared:
- people: an admin, a super admin, the owner, an organizer, a co-organizer, a group organizer whose
  invitation was accepted and one whose was not, a track organizer, a moderator, a registrar, a deleted
  and a blocked organizer, and a stranger; emails in mixed case (``citext``), one user without names;
- rows OES soft-deletes (an event, a ticket, a holder, a session, a speaker, a track);
- one order in every OES order status, float amounts that carry float noise (10.1 + 20.2), holders
  with NULL names and OES's Ticket ID parts (``orders.identifier``, ``ticket_holders.identifier``);
- an attendee custom form with a complex field, and favourites.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from devtools.table_writer import TableWriter

# OES's order statuses (app/models/order.py, and "placed" for offline payments).
OES_ORDER_STATUSES = ("initializing", "pending", "placed", "completed", "cancelled", "expired")
# Who may export (OES: is_coorganizer covers owner, organizer, coorganizer, admins) and who may not.
MAY_EXPORT = ("admin", "super_admin", "owner", "organizer", "coorganizer", "group_organizer")
MAY_NOT_EXPORT = (
    "group_invitee", "track_organizer", "moderator", "registrar", "deleted_organizer", "blocked_organizer", "stranger"
)  # fmt: skip
_EVENT_ROLE_OF = {
    "owner": "owner",
    "organizer": "organizer",
    "coorganizer": "coorganizer",
    "track_organizer": "track_organizer",
    "moderator": "moderator",
    "registrar": "registrar",
    "deleted_organizer": "organizer",
    "blocked_organizer": "organizer",
}
START = datetime(2026, 6, 1, 7, tzinfo=UTC)
# Every row's created_at: OES leaves it to the application, the standalone schema to now().
CREATED = START - timedelta(days=60)
# A password no one can log in with: in Open Event mode logins stay on OES (flask-scrypt).
_UNUSABLE_PASSWORD = "!seeded"


@dataclass(frozen=True)
class SeededEvent:
    identifier: str
    event_id: int
    deleted_identifier: str  # a soft-deleted event of the same owner
    users: dict[str, int]  # person (MAY_EXPORT + MAY_NOT_EXPORT) -> users.id


def _role_id(session: Session, writer: TableWriter, name: str) -> int:
    found = session.scalar(text("SELECT id FROM roles WHERE name = :name"), {"name": name})
    return found if found is not None else writer.insert_id("roles", {"name": name, "title_name": name.title()})


def _people(writer: TableWriter, identifier: str) -> dict[str, int]:
    users: dict[str, int] = {}
    for person in MAY_EXPORT + MAY_NOT_EXPORT:
        nameless = person == "stranger"
        users[person] = writer.insert_id(
            "users",
            {
                "_email": f"{person.replace('_', '.').title()}@{identifier}.Example.org",
                "_password": _UNUSABLE_PASSWORD,
                "first_name": None if nameless else person.split("_")[0].title(),
                "last_name": None if nameless else "Lane",
                "is_admin": person == "admin",
                "is_super_admin": person == "super_admin",
                "is_verified": True,
                "is_blocked": person == "blocked_organizer",
                "created_at": CREATED,
                "deleted_at": START if person == "deleted_organizer" else None,
            },
        )
    return users


def _event(writer: TableWriter, identifier: str, users: dict[str, int], **fields: Any) -> int:
    group = writer.insert("groups", {"name": f"{identifier} group", "user_id": users["owner"]})
    return writer.insert_id(
        "events",
        {
            "identifier": identifier,
            "name": f"Open Event lane {identifier}",
            "timezone": "Europe/Berlin",
            "starts_at": START,
            "ends_at": START + timedelta(days=2),
            "location_name": "Lane Hall",
            "state": "published",
            "group_id": group,
            "payment_currency": "EUR",
            "created_at": CREATED,
            **fields,
        },
    )


def _roles(session: Session, writer: TableWriter, event_id: int, users: dict[str, int], email_domain: str) -> None:
    for person, role in _EVENT_ROLE_OF.items():
        role_id = _role_id(session, writer, role)
        writer.insert("users_events_roles", {"user_id": users[person], "event_id": event_id, "role_id": role_id})
    group_id = session.scalar(text("SELECT group_id FROM events WHERE id = :e"), {"e": event_id})
    for person, accepted in (("group_organizer", True), ("group_invitee", False)):
        writer.insert(
            "users_groups_roles",
            {
                "email": f"{person.replace('_', '.')}@{email_domain}",
                "accepted": accepted,
                "group_id": group_id,
                "user_id": users[person],
                "role_id": _role_id(session, writer, "organizer"),
            },
        )


def _orders(writer: TableWriter, event_id: int, users: dict[str, int], identifier: str) -> None:
    tickets = [
        writer.insert_id("tickets", {"event_id": event_id, "name": name, "type": kind, "price": price, "quantity": 100})
        for name, kind, price in (("Standard", "paid", 10.1), ("Supporter", "paid", 20.2), ("Free", "free", 0.0))
    ]
    writer.insert(
        "tickets", {"event_id": event_id, "name": "Withdrawn", "type": "paid", "price": 5.0, "deleted_at": START}
    )
    code = writer.insert("discount_codes", {"event_id": event_id, "code": "LANE10", "value": 1.1, "type": "amount"})
    for number, status in enumerate(OES_ORDER_STATUSES, start=1):
        order = writer.insert_id(
            "orders",
            {
                "identifier": f"{identifier}-order-{number}",
                "event_id": event_id,
                "user_id": users["stranger"] if number % 2 else users["group_invitee"],
                "status": status,
                "paid_via": ("stripe", "paypal", "bank", "free", "cheque", "onsite")[number - 1],
                "amount": 10.1 + 20.2 if number % 3 else 0.0,  # 30.299999999999997: OES sums floats
                "discount_code_id": code if number == 4 else None,
                "created_at": START - timedelta(days=30 - number),
                "completed_at": START - timedelta(days=30 - number) if status == "completed" else None,
            },
        )
        writer.insert("orders_tickets", {"order_id": order, "ticket_id": tickets[0], "quantity": 1, "price": 10.1})
        writer.insert("orders_tickets", {"order_id": order, "ticket_id": tickets[1], "quantity": 1, "price": 20.2})
        for seat, ticket in enumerate(tickets[:2], start=1):
            _holder(
                writer,
                event_id,
                order,
                ticket,
                f"{number}{seat}",
                named=number != 2,
                deleted=number == 3 and seat == 2,
            )


def _holder(
    writer: TableWriter, event_id: int, order: int, ticket: int, seat: str, *, named: bool, deleted: bool
) -> None:
    writer.insert(
        "ticket_holders",
        {
            "event_id": event_id,
            "order_id": order,
            "ticket_id": ticket,
            "identifier": f"h{seat}",
            "firstname": f"Holder{seat}" if named else None,
            "lastname": "Ünal" if named else None,
            "email": f"Holder{seat}@Lane.Example.org",
            "complex_field_values": {"tshirt": "L"},
            "deleted_at": START if deleted else None,
        },
    )


def _forms(writer: TableWriter, event_id: int) -> None:
    for position, (field, kind, complex_) in enumerate((("firstname", "text", False), ("tshirt", "select", True))):
        writer.insert(
            "custom_forms",
            {
                "event_id": event_id,
                "form": "attendee",
                "field_identifier": field,
                "type": kind,
                "name": field.title(),
                "is_included": True,
                "is_complex": complex_,
                "position": position,
            },
        )


def _schedule(writer: TableWriter, event_id: int, users: dict[str, int]) -> None:
    room = writer.insert("microlocations", {"event_id": event_id, "name": "Lane Room", "position": 1})
    track = writer.insert("tracks", {"event_id": event_id, "name": "Lane Track", "color": "#123456", "position": 1})
    writer.insert("tracks", {"event_id": event_id, "name": "Gone", "color": "#000000", "deleted_at": START})
    kind = writer.insert("session_types", {"event_id": event_id, "name": "Talk", "length": "00:30"})
    speakers = [
        writer.insert(
            "speaker",
            {"event_id": event_id, "name": name, "email": email, "organisation": "Lane", "deleted_at": deleted},
        )
        for name, email, deleted in (
            ("Grace Hopper", "Grace@Lane.Example.org", None),
            ("No Mail", None, None),
            ("Gone", None, START),
        )
    ]
    for number, (state, deleted) in enumerate(
        (("accepted", None), ("confirmed", None), ("rejected", None), ("accepted", START))
    ):
        session_id = writer.insert(
            "sessions",
            {
                "event_id": event_id,
                "title": f"Lane talk {number} & <more>",
                "short_abstract": "Short",
                "language": "en",
                "state": state,
                "starts_at": START + timedelta(hours=2 + number),
                "ends_at": START + timedelta(hours=2 + number, minutes=30),
                "track_id": track,
                "microlocation_id": room,
                "session_type_id": kind,
                "created_at": CREATED,
                "deleted_at": deleted,
            },
        )
        for speaker in speakers[number % 2 :: 2] if number < 3 else speakers:
            writer.insert("speakers_sessions", {"speaker_id": speaker, "session_id": session_id})
        writer.insert("user_favourite_sessions", {"session_id": session_id, "user_id": users["stranger"]})
    writer.insert("user_favourite_events", {"event_id": event_id, "user_id": users["stranger"]})


def seed_open_event(session: Session, identifier: str = "oes-lane") -> SeededEvent:
    """The lane's event, its people and its rows, into the session's database (OES's or standalone)."""
    writer = TableWriter(session)
    users = _people(writer, identifier)
    event_id = _event(writer, identifier, users)
    deleted_event = _event(writer, f"{identifier}-deleted", users, deleted_at=START)
    email_domain = f"{identifier}.example.org"
    for event in (event_id, deleted_event):
        _roles(session, writer, event, users, email_domain)
    _orders(writer, event_id, users, identifier)
    _forms(writer, event_id)
    _schedule(writer, event_id, users)
    return SeededEvent(identifier, event_id, f"{identifier}-deleted", users)
