"""Load a JSON fixture (users, events and everything in them, pages) into the database.

The format is documented in ``docs/fixtures.md``. Objects inside an event refer to each other by
a local ``key`` (a track, room, speaker...) and to users by email. Loading is all-or-nothing: the
caller's transaction holds every row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chalicelib import models
from chalicelib.auth import hash_password


class FixtureError(ValueError):
    """The fixture cannot be loaded as written."""


def _when(value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise FixtureError(f"datetime {value!r} needs an offset, e.g. 2026-03-01T09:00:00+05:30")
    return parsed


def _pick(item: dict[str, Any], *fields: str) -> dict[str, Any]:
    return {field: item[field] for field in fields if field in item}


def _lookup(table: dict[str, Any], key: str | None, what: str) -> Any:
    if key is None:
        return None
    if key not in table:
        raise FixtureError(f"unknown {what} {key!r}")
    return table[key]


def _load_users(session: Session, users: list[dict[str, Any]]) -> dict[str, models.User]:
    loaded: dict[str, models.User] = {}
    for item in users:
        email = item["email"].strip().lower()
        user = session.scalars(select(models.User).where(models.User.email == email)).first()
        if user is None:
            user = models.User(email=email, **hash_password(item["password"]).columns())
            session.add(user)
        user.first_name = item.get("first_name")
        user.last_name = item.get("last_name")
        user.is_admin = bool(item.get("is_admin", False))
        user.is_super_admin = bool(item.get("is_super_admin", False))
        loaded[email] = user
    session.flush()
    return loaded


def _user_by_email(session: Session, users: dict[str, models.User], email: str | None) -> models.User | None:
    if email is None:
        return None
    email = email.strip().lower()
    if email not in users:
        found = session.scalars(select(models.User).where(models.User.email == email)).first()
        if found is None:
            raise FixtureError(f"unknown user {email!r}")
        users[email] = found
    return users[email]


def _keyed(session: Session, items: list[dict[str, Any]], make: Any) -> dict[str, Any]:
    """Create one row per item with ``make(item)``; index them by the item's ``key`` (or name)."""
    table = {}
    for item in items:
        row = make(item)
        session.add(row)
        table[str(item.get("key", item.get("name")))] = row
    session.flush()
    return table


def _load_schedule(session: Session, event: models.Event, spec: dict[str, Any], users: dict[str, models.User]) -> int:
    tracks = _keyed(
        session, spec.get("tracks", []), lambda i: models.Track(event_id=event.id, **_pick(i, "name", "color"))
    )
    rooms = _keyed(
        session,
        spec.get("rooms", []),
        lambda i: models.Microlocation(
            event_id=event.id, **_pick(i, "name", "floor", "position", "latitude", "longitude")
        ),
    )
    types = _keyed(
        session,
        spec.get("session_types", []),
        lambda i: models.SessionType(event_id=event.id, **_pick(i, "name", "length")),
    )
    speakers = _keyed(
        session,
        spec.get("speakers", []),
        lambda i: models.Speaker(event_id=event.id, **_pick(i, "name", "email", "organisation", "short_biography")),
    )
    count = 0
    for item in spec.get("sessions", []):
        row = models.EventSession(
            event_id=event.id,
            **_pick(item, "title", "subtitle", "short_abstract", "long_abstract", "language", "state", "slides_url"),
            starts_at=_when(item.get("starts_at")),
            ends_at=_when(item.get("ends_at")),
            track_id=getattr(_lookup(tracks, item.get("track"), "track"), "id", None),
            microlocation_id=getattr(_lookup(rooms, item.get("room"), "room"), "id", None),
            session_type_id=getattr(_lookup(types, item.get("session_type"), "session type"), "id", None),
        )
        session.add(row)
        session.flush()
        for key in item.get("speakers", []):
            session.add(models.SpeakerSession(speaker_id=_lookup(speakers, key, "speaker").id, session_id=row.id))
        for email in item.get("favourited_by", []):  # "my schedule" (Open Event's user_favourite_sessions)
            user = _user_by_email(session, users, email)
            assert user is not None
            session.add(models.FavouriteSession(user_id=user.id, session_id=row.id))
        count += 1
    return count


def _load_orders(session: Session, event: models.Event, spec: dict[str, Any], users: dict[str, models.User]) -> int:
    tickets = _keyed(
        session,
        spec.get("tickets", []),
        lambda i: models.Ticket(
            event_id=event.id, **_pick(i, "name", "type", "quantity"), price=float(i.get("price", 0))
        ),
    )
    codes = _keyed(
        session,
        spec.get("discount_codes", []),
        lambda i: models.DiscountCode(event_id=event.id, **_pick(i, "code", "type"), value=float(i.get("value", 0))),
    )
    for item in spec.get("orders", []):
        buyer = _user_by_email(session, users, item.get("user"))
        order = models.Order(
            event_id=event.id,
            identifier=item["identifier"],
            status=item.get("status", "completed"),
            paid_via=item.get("paid_via"),
            amount=float(item.get("amount") or 0),  # OES's orders.amount: float8, NOT NULL, 0 by default
            user_id=buyer.id if buyer else None,
            discount_code_id=getattr(_lookup(codes, item.get("discount_code"), "discount code"), "id", None),
            deleted_at=_when(item.get("deleted_at")),
        )
        if item.get("created_at"):
            order.created_at = _when(item["created_at"])  # type: ignore[assignment]
        session.add(order)
        session.flush()
        for line in item.get("tickets", []):
            ticket = _lookup(tickets, line["ticket"], "ticket")
            session.add(models.OrderTicket(order_id=order.id, ticket_id=ticket.id, quantity=line.get("quantity", 1)))
        for holder in item.get("holders", []):
            ticket = _lookup(tickets, holder.get("ticket"), "ticket")
            session.add(
                models.TicketHolder(
                    order_id=order.id,
                    event_id=event.id,
                    ticket_id=ticket.id if ticket else None,
                    **_pick(holder, "firstname", "lastname", "email", "identifier"),
                )
            )
    return len(spec.get("orders", []))


def _load_event(session: Session, spec: dict[str, Any], users: dict[str, models.User]) -> dict[str, Any]:
    event = models.Event(
        **_pick(
            spec,
            "identifier",
            "name",
            "description",
            "timezone",
            "location_name",
            "latitude",
            "longitude",
            "external_event_url",
            "state",
        ),
        starts_at=_when(spec["starts_at"]),
        ends_at=_when(spec["ends_at"]),
        schedule_published_on=_when(spec.get("schedule_published_on")),
    )
    session.add(event)
    session.flush()
    for grant in spec.get("roles", []):
        user = _user_by_email(session, users, grant["user"])
        assert user is not None
        session.add(models.UserEventRole(user_id=user.id, event_id=event.id, role_id=models.role_id(grant["role"])))
    sessions = _load_schedule(session, event, spec, users)
    orders = _load_orders(session, event, spec, users)
    return {"identifier": event.identifier, "id": event.id, "sessions": sessions, "orders": orders}


def load(session: Session, fixture: dict[str, Any]) -> dict[str, Any]:
    """Load ``fixture``; returns what was created (event identifiers and ids, user emails)."""
    try:
        users = _load_users(session, fixture.get("users", []))
        events = [_load_event(session, spec, users) for spec in fixture.get("events", [])]
        for page in fixture.get("pages", []):
            session.add(models.Page(**_pick(page, "name", "title", "url", "description", "place", "language", "index")))
        session.flush()
    except (KeyError, TypeError) as error:
        raise FixtureError(f"malformed fixture: {error!r}") from None
    return {"events": events, "users": sorted(users), "pages": len(fixture.get("pages", []))}
